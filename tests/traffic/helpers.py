"""One answer, eight ways: GLMClient, ChatGLM and GLM, sync and async, streamed and not.

`every_way(emu, reply)` queues `reply` once per call and returns what each path produced, in one
neutral form (`Seen`), so a test states the expected answer once and checks all the paths.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage
from llama_index.core.llms import ChatMessage

from glm_core import AsyncGLMClient, ChatRequest, ChatResponse, GLMClient, UserMessage
from glm_core.testing import Capture, Emulator, Fault, Reply
from langchain_glm import ChatGLM
from llama_index_glm import GLM

KEY = "traffic-test-key"
MODEL = {"aimlapi": "glm-4.7"}


@dataclass
class Seen:
    """What one path returned, reduced to what every path can report."""

    way: str
    content: str
    reasoning: str
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    total_tokens: int | None = None


def model(provider: str) -> str:
    return MODEL.get(provider, "glm-4.7-flash")


def settings(emu: Emulator) -> dict[str, Any]:
    return {"api_key": KEY, "base_url": emu.base_url, "max_retries": 0}


def chat_glm(emu: Emulator, **options: Any) -> ChatGLM:
    transport = emu.transport()
    options.setdefault("model", model(emu.provider))
    return ChatGLM(
        provider=emu.provider,
        http_client=httpx2.Client(transport=transport),
        http_async_client=httpx2.AsyncClient(transport=transport),
        **{**settings(emu), **options},
    )


def glm(emu: Emulator, **options: Any) -> GLM:
    transport = emu.transport()
    options.setdefault("model", model(emu.provider))
    return GLM(
        provider=emu.provider,
        http_client=httpx2.Client(transport=transport),
        async_http_client=httpx2.AsyncClient(transport=transport),
        **{**settings(emu), **options},
    )


async def _no_wait(_: float) -> None:
    return None


def clients(emu: Emulator, retries: int = 0) -> tuple[GLMClient, AsyncGLMClient]:
    """The core clients; with `retries`, retrying without backoff waits (a test need not sleep)."""
    transport = emu.transport()
    given = {**settings(emu), "max_retries": retries}
    return (
        GLMClient(emu.provider, http_client=httpx2.Client(transport=transport), sleep=lambda _: None, **given),
        AsyncGLMClient(emu.provider, http_client=httpx2.AsyncClient(transport=transport), sleep=_no_wait, **given),
    )


def _from_core(way: str, r: ChatResponse) -> Seen:
    return Seen(
        way,
        r.content,
        r.reasoning or "",
        [(c.name, json.loads(c.arguments)) for c in r.tool_calls],
        r.usage.total_tokens if r.usage else None,
    )


def _from_langchain(way: str, m: AIMessage | AIMessageChunk) -> Seen:
    usage = m.usage_metadata["total_tokens"] if m.usage_metadata else None
    return Seen(
        way,
        m.text,
        m.additional_kwargs.get("reasoning_content", ""),
        [(c["name"], c["args"]) for c in m.tool_calls],
        usage,
    )


def _from_llama(way: str, r: Any) -> Seen:
    from llama_index.core.base.llms.types import ThinkingBlock, ToolCallBlock

    blocks = r.message.blocks
    reasoning = "".join(b.content or "" for b in blocks if isinstance(b, ThinkingBlock))
    calls = [
        (b.tool_name, b.tool_kwargs if isinstance(b.tool_kwargs, dict) else json.loads(b.tool_kwargs))
        for b in blocks
        if isinstance(b, ToolCallBlock)
    ]
    usage = (r.raw or {}).get("usage") if isinstance(r.raw, dict) else None
    total = usage.get("total_tokens") if isinstance(usage, dict) else None
    return Seen(way, r.message.content or "", reasoning, calls, total)


def ways(
    emu: Emulator, *, retries: int = 0, model_id: str | None = None, **options: Any
) -> dict[str, Callable[[], Seen]]:
    """Every path, each a no-argument call returning `Seen` (one request each); `retries` as
    max_retries, without backoff waits; `model_id` instead of the provider's test model."""
    sync, asyn = clients(emu, retries)
    model_id = model_id or model(emu.provider)
    lc = chat_glm(emu, max_retries=retries, model=model_id, **options)
    li = glm(emu, max_retries=retries, model=model_id, **options)
    for client in (lc._client, li._sync_client):
        client.sleep = lambda _: None
    for aclient in (lc._async_client, li._async_client):
        aclient.sleep = _no_wait
    request = lambda: ChatRequest(model_id, [UserMessage("Hi")], **options)  # noqa: E731
    prompt = [HumanMessage("Hi")]
    li_prompt = [ChatMessage(role="user", content="Hi")]

    def core_stream() -> Seen:
        with sync.stream(request()) as s:
            for _ in s:
                pass
        return _from_core("GLMClient.stream", s.response)

    async def core_astream() -> Seen:
        async with asyn.stream(request()) as s:
            async for _ in s:
                pass
        return _from_core("AsyncGLMClient.stream", s.response)

    def lc_stream() -> Seen:
        total: Any = None
        for chunk in lc.stream(prompt):
            total = chunk if total is None else total + chunk
        return _from_langchain("ChatGLM.stream", total)

    async def lc_astream() -> Seen:
        total: Any = None
        async for chunk in lc.astream(prompt):
            total = chunk if total is None else total + chunk
        return _from_langchain("ChatGLM.astream", total)

    def li_stream() -> Seen:
        return _from_llama("GLM.stream_chat", list(li.stream_chat(li_prompt))[-1])

    async def li_astream() -> Seen:
        return _from_llama("GLM.astream_chat", [r async for r in await li.astream_chat(li_prompt)][-1])

    async def core_achat() -> Seen:
        return _from_core("AsyncGLMClient.chat", await asyn.chat(request()))

    async def lc_ainvoke() -> Seen:
        return _from_langchain("ChatGLM.ainvoke", await lc.ainvoke(prompt))

    async def li_achat() -> Seen:
        return _from_llama("GLM.achat", await li.achat(li_prompt))

    return {
        "GLMClient.chat": lambda: _from_core("GLMClient.chat", sync.chat(request())),
        "GLMClient.stream": core_stream,
        "AsyncGLMClient.chat": lambda: asyncio.run(core_achat()),
        "AsyncGLMClient.stream": lambda: asyncio.run(core_astream()),
        "ChatGLM.invoke": lambda: _from_langchain("ChatGLM.invoke", lc.invoke(prompt)),
        "ChatGLM.stream": lc_stream,
        "ChatGLM.ainvoke": lambda: asyncio.run(lc_ainvoke()),
        "ChatGLM.astream": lambda: asyncio.run(lc_astream()),
        "GLM.chat": lambda: _from_llama("GLM.chat", li.chat(li_prompt)),
        "GLM.stream_chat": li_stream,
        "GLM.achat": lambda: asyncio.run(li_achat()),
        "GLM.astream_chat": lambda: asyncio.run(li_astream()),
    }


def every_way(emu: Emulator, item: Reply | Fault | Capture, **options: Any) -> list[Seen]:
    """Queue `item` before each path and run it; the list of what each path returned."""
    seen = []
    for call in ways(emu, **options).values():
        emu.queue(item)
        seen.append(call())
    assert emu.pending == 0
    return seen
