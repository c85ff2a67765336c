"""Per non-streaming call, in-process, every contender answered with the same bytes.

The floors: a bare httpx2 post (pre-encoded body, parsed URL, `json.loads` of the answer: the
HTTP work no client can avoid); an empty `BaseChatModel` and an empty LlamaIndex `CustomLLM`
(each framework's own per-call machinery, no HTTP); and the floor of the 1.3x target, an empty
`BaseChatModel` whose `_generate` is that bare httpx2 post. ChatGLM and that floor are also run on
the emulator's own in-process transport (the emulator answering each request), to show the
ratio does not depend on the mock. Async calls run one at a time on one event loop.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import httpx2

from benchmarks import contenders as c
from benchmarks.common import Row, Settings, Table, Wire, interleaved, ratio, us

__all__ = ["run"]

CHATGLM_VS_CHATOPENAI = 3.0
CHATGLM_VS_FLOOR = 1.3
GLM_VS_OPENAILIKE = 2.0

FLOOR = "floor: empty BaseChatModel + bare httpx2 post"


def _bare(client: Any, url_type: Any, wire: Wire) -> Callable[[], Any]:
    url, body, headers = c.bare_request(wire.base_url)
    parsed = url_type(url)

    def call() -> Any:
        return json.loads(client.post(parsed, content=body, headers=headers).content)

    return call


def _sync(wire: Wire) -> dict[str, Callable[[], Any]]:
    from glm_core.testing import Emulator

    transports = c.Transports(wire, kind="answer")
    lc, li = c.lc_messages(), c.li_messages()
    request = c.core_request()
    core = c.glm_client(transports)
    empty_lc = c.EmptyChatModel()
    floor = c.FloorChatModel(transports.httpx2(), wire.base_url)
    chat_glm = c.chat_glm(transports)
    chat_openai = c.chat_openai(transports, wire.base_url)
    empty_li = c.EmptyLLM()
    glm = c.glm_llm(transports)
    openai_like = c.openai_like(transports, wire.base_url)
    emulated = httpx2.Client(transport=Emulator("zai", api_key=c.API_KEY, max_recorded=0).transport())
    floor_emulated = c.FloorChatModel(emulated, wire.base_url)
    chat_glm_emulated = c.chat_glm(http_client=emulated)
    return {
        "bare httpx2 post + json.loads": _bare(transports.httpx2(), httpx2.URL, wire),
        "bare httpx post + json.loads": _bare(transports.httpx(), httpx.URL, wire),
        "empty BaseChatModel.invoke": lambda: empty_lc.invoke(lc),
        FLOOR: lambda: floor.invoke(lc),
        "GLMClient.chat": lambda: core.chat(request),
        "ChatGLM.invoke": lambda: chat_glm.invoke(lc),
        "ChatOpenAI.invoke": lambda: chat_openai.invoke(lc),
        "empty CustomLLM.chat": lambda: empty_li.chat(li),
        "GLM.chat": lambda: glm.chat(li),
        "OpenAILike.chat": lambda: openai_like.chat(li),
        "floor, on the emulator's transport": lambda: floor_emulated.invoke(lc),
        "ChatGLM.invoke, on the emulator's transport": lambda: chat_glm_emulated.invoke(lc),
    }


def _async(wire: Wire, loop: asyncio.AbstractEventLoop) -> dict[str, Callable[[], Any]]:
    transports = c.Transports(wire, kind="answer")
    lc, li = c.lc_messages(), c.li_messages()
    request = c.core_request()
    core = c.async_glm_client(transports)
    floor = c.FloorChatModel(transports.httpx2(), wire.base_url, transports.httpx2_async())
    chat_glm = c.chat_glm(transports)
    chat_openai = c.chat_openai(transports, wire.base_url)
    glm = c.glm_llm(transports)
    openai_like = c.openai_like(transports, wire.base_url)
    run = loop.run_until_complete
    return {
        "floor.ainvoke": lambda: run(floor.ainvoke(lc)),
        "AsyncGLMClient.chat": lambda: run(core.chat(request)),
        "ChatGLM.ainvoke": lambda: run(chat_glm.ainvoke(lc)),
        "ChatOpenAI.ainvoke": lambda: run(chat_openai.ainvoke(lc)),
        "GLM.achat": lambda: run(glm.achat(li)),
        "OpenAILike.achat": lambda: run(openai_like.achat(li)),
    }


def _check(calls: dict[str, Callable[[], Any]], expected: str) -> None:
    """Every contender parses the same answer."""
    for name, call in calls.items():
        if name.startswith(("bare", "empty")):
            continue
        result = call()
        text = getattr(result, "content", None) or getattr(getattr(result, "message", None), "content", None)
        if text != expected:
            raise AssertionError(f"{name} did not parse the answer: {text!r}")


def run(table: Table, wire: Wire, settings: Settings) -> dict[str, float]:
    expected = json.loads(wire.answer)["choices"][0]["message"]["content"]
    sync = _sync(wire)
    _check(sync, expected)
    timed = interleaved(sync, settings.calls, settings.rounds)
    loop = asyncio.new_event_loop()
    try:
        async_calls = _async(wire, loop)
        _check(async_calls, expected)
        timed_async = interleaved(async_calls, max(1, settings.calls // 2), settings.rounds)
    finally:
        loop.close()

    rows = table.section(
        f"Per non-streaming call, in-process, same {len(wire.answer)}-byte answer "
        f"(median of {settings.rounds} rounds x {settings.calls} calls; async: x {max(1, settings.calls // 2)})"
    )
    for name, seconds in {**timed, **timed_async}.items():
        rows.append(Row(name, us(seconds)))
    vs_openai = timed["ChatOpenAI.invoke"] / timed["ChatGLM.invoke"]
    vs_floor = timed["ChatGLM.invoke"] / timed[FLOOR]
    summed = timed["empty BaseChatModel.invoke"] + timed["bare httpx2 post + json.loads"]
    emulated = timed["ChatGLM.invoke, on the emulator's transport"] / timed["floor, on the emulator's transport"]
    li = timed["OpenAILike.chat"] / timed["GLM.chat"]
    rows += [
        Row(
            "ChatOpenAI.invoke / ChatGLM.invoke",
            ratio(vs_openai),
            "ChatGLM faster by",
            f">= {CHATGLM_VS_CHATOPENAI:g}x",
            vs_openai >= CHATGLM_VS_CHATOPENAI,
        ),
        Row(
            "ChatGLM.invoke / floor",
            ratio(vs_floor),
            f"floor {us(timed[FLOOR])}",
            f"<= {CHATGLM_VS_FLOOR:g}x",
            vs_floor <= CHATGLM_VS_FLOOR,
        ),
        Row(
            "ChatGLM.invoke / (empty BaseChatModel + bare httpx2)",
            ratio(timed["ChatGLM.invoke"] / summed),
            f"the floor as a sum: {us(summed)}",
        ),
        Row("ChatGLM.invoke / floor, on the emulator's transport", ratio(emulated)),
        Row(
            "OpenAILike.chat / GLM.chat",
            ratio(li),
            "GLM faster by",
            f">= {GLM_VS_OPENAILIKE:g}x",
            li >= GLM_VS_OPENAILIKE,
        ),
        Row(
            "ChatOpenAI.ainvoke / ChatGLM.ainvoke",
            ratio(timed_async["ChatOpenAI.ainvoke"] / timed_async["ChatGLM.ainvoke"]),
        ),
        Row("ChatGLM.ainvoke / floor.ainvoke", ratio(timed_async["ChatGLM.ainvoke"] / timed_async["floor.ainvoke"])),
        Row("OpenAILike.achat / GLM.achat", ratio(timed_async["OpenAILike.achat"] / timed_async["GLM.achat"])),
        Row(
            "GLMClient.chat - bare httpx2 post",
            us(timed["GLMClient.chat"] - timed["bare httpx2 post + json.loads"]),
            "core over bare HTTP: validate, encode, decode",
        ),
        Row("ChatGLM.invoke - floor", us(timed["ChatGLM.invoke"] - timed[FLOOR]), "ours over the floor"),
        Row(
            "GLM.chat - empty CustomLLM.chat",
            us(timed["GLM.chat"] - timed["empty CustomLLM.chat"]),
            "CustomLLM.chat goes through complete(): a rough floor, not a strict one",
        ),
    ]
    return {**timed, **timed_async}
