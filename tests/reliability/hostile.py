"""Calling every surface against the raw wire server and classifying what comes back.

`Outcome` is what one call gave: the answer (text, reasoning, tool calls) or the exception. The
fuzz tier and the hostile-wire tests both go through `run()`, so "every surface" means the same
12 combinations everywhere (core / ChatGLM / GLM x sync / async x invoke / stream).
"""

from __future__ import annotations

import asyncio
import functools
import json
import operator
from dataclasses import dataclass, field
from typing import Any

from glm_core import ChatRequest, ToolSpec, UserMessage
from tests.reliability.harness import KEY, SPECS, Spec

__all__ = ["SPECS", "WEATHER", "Call", "Outcome", "run"]

WEATHER = ToolSpec("get_weather", "Weather", {"type": "object", "properties": {"city": {"type": "string"}}})


@dataclass
class Call:
    name: str
    arguments: dict[str, Any]


@dataclass
class Outcome:
    text: str | None = None
    reasoning: str | None = None
    calls: list[Call] = field(default_factory=list)
    finish_reason: str | None = None
    error: BaseException | None = None


def build(spec: Spec, base_url: str, **options: Any) -> Any:
    settings: dict[str, Any] = {
        "provider": "vllm",
        "api_key": options.pop("api_key", KEY),
        "base_url": base_url,
        "max_retries": options.pop("max_retries", 0),
        "timeout": options.pop("timeout", 10.0),
        "stream_idle_timeout": options.pop("stream_idle_timeout", 10.0),
        **options,
    }
    if spec.kind == "core":
        from glm_core import AsyncGLMClient, GLMClient

        cls = AsyncGLMClient if spec.is_async else GLMClient
        return cls(settings.pop("provider"), **settings)
    if spec.kind == "langchain":
        from langchain_glm import ChatGLM

        return ChatGLM(model="glm-4.7-flash", **settings)
    from llama_index_glm import GLM

    return GLM(model="glm-4.7-flash", **settings)


async def run(spec: Spec, obj: Any, *, tools: bool = False) -> Outcome:
    """One call on `obj` the way `spec` says; never raises (the exception is in `error`)."""
    try:
        if spec.is_async:
            return await _acall(spec, obj, tools)
        return await asyncio.to_thread(_call, spec, obj, tools)
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt | asyncio.CancelledError):
            raise
        return Outcome(error=exc)


def _request(tools: bool) -> ChatRequest:
    return ChatRequest("glm-4.7-flash", [UserMessage("Hello")], tools=[WEATHER] if tools else None)


def _core_outcome(response: Any) -> Outcome:
    calls = [Call(c.name, json.loads(c.arguments or "{}")) for c in response.tool_calls]
    return Outcome(response.content, response.reasoning, calls, response.finish_reason)


def _lc_outcome(message: Any) -> Outcome:
    calls = [Call(c["name"], c["args"]) for c in message.tool_calls]
    if message.invalid_tool_calls:
        raise AssertionError(f"invalid tool calls: {message.invalid_tool_calls}")
    return Outcome(
        message.text,
        message.additional_kwargs.get("reasoning_content"),
        calls,
        message.response_metadata.get("finish_reason"),
    )


def _llama_outcome(obj: Any, response: Any) -> Outcome:
    from llama_index.core.base.llms.types import ThinkingBlock

    thinking = "".join(b.content or "" for b in response.message.blocks if isinstance(b, ThinkingBlock))
    selections = obj.get_tool_calls_from_response(response, error_on_no_tool_call=False)
    calls = [Call(s.tool_name, s.tool_kwargs) for s in selections]
    raw = response.raw if isinstance(response.raw, dict) else {}
    return Outcome(response.message.content or "", thinking or None, calls, raw.get("finish_reason"))


def _call(spec: Spec, obj: Any, tools: bool) -> Outcome:
    if spec.kind == "core":
        if not spec.stream:
            return _core_outcome(obj.chat(_request(tools)))
        with obj.stream(_request(tools)) as stream:
            for _ in stream:
                pass
            return _core_outcome(stream.response)
    if spec.kind == "langchain":
        llm = obj.bind_tools([_lc_tool()]) if tools else obj
        if not spec.stream:
            return _lc_outcome(llm.invoke("Hello"))
        return _lc_outcome(functools.reduce(operator.add, llm.stream("Hello")))
    from llama_index.core.llms import ChatMessage

    messages = [ChatMessage(role="user", content="Hello")]
    kwargs = {"tools": [_llama_tool()]} if tools else {}
    if not spec.stream:
        return _llama_outcome(obj, obj.chat(messages, **kwargs))
    responses = list(obj.stream_chat(messages, **kwargs))
    assert responses
    return _llama_outcome(obj, responses[-1])


async def _acall(spec: Spec, obj: Any, tools: bool) -> Outcome:
    if spec.kind == "core":
        if not spec.stream:
            return _core_outcome(await obj.chat(_request(tools)))
        async with obj.stream(_request(tools)) as stream:
            async for _ in stream:
                pass
            return _core_outcome(stream.response)
    if spec.kind == "langchain":
        llm = obj.bind_tools([_lc_tool()]) if tools else obj
        if not spec.stream:
            return _lc_outcome(await llm.ainvoke("Hello"))
        pieces = [piece async for piece in llm.astream("Hello")]
        return _lc_outcome(functools.reduce(operator.add, pieces))
    from llama_index.core.llms import ChatMessage

    messages = [ChatMessage(role="user", content="Hello")]
    kwargs = {"tools": [_llama_tool()]} if tools else {}
    if not spec.stream:
        return _llama_outcome(obj, await obj.achat(messages, **kwargs))
    responses = [response async for response in await obj.astream_chat(messages, **kwargs)]
    assert responses
    return _llama_outcome(obj, responses[-1])


def _lc_tool() -> dict[str, Any]:
    return {"type": "function", "function": {"name": WEATHER.name, "description": "", "parameters": WEATHER.parameters}}


def _llama_tool() -> Any:
    from llama_index.core.tools import FunctionTool

    def get_weather(city: str = "") -> str:
        """Weather."""
        return "sunny"

    return FunctionTool.from_defaults(fn=get_weather)
