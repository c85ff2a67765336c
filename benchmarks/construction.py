"""Construction cost of a model object, and whether the shared httpx2 client is reused.

Building an httpx(2) client costs tens of milliseconds (an SSL context and the CA bundle), so a
model object must not build one: ours share one httpx2 client per process (one async client per
event loop); langchain-openai caches its default httpx clients.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx2

from benchmarks import contenders as c
from benchmarks.common import Row, Settings, Table, interleaved, ms, us

__all__ = ["run"]

MODEL_OBJECT_MS = 1.0


def _shared_clients_reused() -> tuple[bool, str]:
    from glm_core.http import shared_async_client, shared_client

    a, b = c.chat_glm(), c.chat_glm()
    x, y = c.glm_llm(), c.glm_llm()
    core = c.glm_client()
    sync_ok = a._client.http is b._client.http is x._client.http is y._client.http is core.http is shared_client()

    async def in_loop() -> bool:
        # One async client per event loop, shared by every object used in it.
        return a._async_client.http is b._async_client.http is x._async_client.http is shared_async_client()

    async_ok = asyncio.run(in_loop())
    return sync_ok and async_ok, f"sync: {'one client' if sync_ok else 'NOT shared'}; async: " + (
        "one client per loop" if async_ok else "NOT shared"
    )


def run(table: Table, settings: Settings) -> dict[str, Any]:
    base_url = "https://api.z.ai/api/paas/v4"
    builders = {
        "GLMClient(...)": lambda: c.glm_client(),
        "ChatGLM(...)": lambda: c.chat_glm(),
        "ChatOpenAI(...) (cached default client)": lambda: c.chat_openai(None, base_url),
        "GLM(...)": lambda: c.glm_llm(),
        "OpenAILike(...)": lambda: c.openai_like(None, base_url),
    }
    timed = interleaved(builders, settings.constructions, settings.rounds)
    clients = interleaved({"httpx2.Client() (for scale)": httpx2.Client}, max(2, settings.constructions // 40), 1)
    reused, detail = _shared_clients_reused()
    rows = table.section(
        f"Construction of a model object (median of {settings.rounds} rounds x {settings.constructions})"
    )
    for name, seconds in {**timed, **clients}.items():
        within = name in ("ChatGLM(...)", "GLM(...)")
        rows.append(
            Row(
                name,
                us(seconds) if seconds < 1e-3 else ms(seconds),
                "",
                f"<= {MODEL_OBJECT_MS:g} ms" if within else "",
                seconds * 1e3 <= MODEL_OBJECT_MS if within else None,
            )
        )
    rows.append(Row("shared httpx2 client reused", "yes" if reused else "no", detail, "yes", reused))
    return {**timed, **clients, "reused": reused}
