"""The emulator's answers parse with the official SDK types: openai's ChatCompletion /
ChatCompletionChunk for every OpenAI-style provider, and zai-sdk's Completion /
ChatCompletionChunk for the Z.ai-derived ones."""

from __future__ import annotations

from typing import Any

import pytest
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from zai.types.chat.chat_completion import Completion as ZaiCompletion
from zai.types.chat.chat_completion_chunk import ChatCompletionChunk as ZaiChunk

from glm_core.testing import Emulator, Reply, ToolCallSpec
from tests.emulator.emulator_helpers import (
    MAGIC_TOOL,
    PROVIDERS,
    WEATHER_TOOL,
    body_for,
    post,
    sse_chunks,
    unwrap,
)

ZAI_DERIVED = ["zai", "zai_coding", "bigmodel", "aimlapi", "empiriolabs"]

# One request per situation a client meets: plain text, a tool call, parallel calls, a tool
# result, JSON mode, and reasoning switched off.
SCENARIOS: dict[str, dict[str, Any]] = {
    "plain": {"content": "Hello there"},
    "tool_call": {"content": "What is the value of magic_function(3)? Use the tool.", "tools": [MAGIC_TOOL]},
    "parallel": {
        "content": "Use magic_function(3) and tell me the weather in Paris",
        "tools": [MAGIC_TOOL, WEATHER_TOOL],
    },
    "json": {"content": "Return JSON with 'a' and 'b' keys", "response_format": {"type": "json_object"}},
    "tiny_budget": {"content": "Explain everything", "max_tokens": 2},
}


def request(provider: str, scenario: str, **extra: Any) -> dict[str, Any]:
    spec = dict(SCENARIOS[scenario])
    return body_for(provider, spec.pop("content"), **spec, **extra)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
@pytest.mark.parametrize("provider", PROVIDERS)
def test_non_streamed_answers_are_openai_chat_completions(provider: str, scenario: str) -> None:
    r = post(provider, request(provider, scenario))
    assert r.status_code == 200, r.text
    completion = ChatCompletion.model_validate(unwrap(provider, r.json()))
    assert completion.object == "chat.completion"
    assert completion.choices[0].finish_reason in ("stop", "tool_calls", "length")
    if scenario in ("tool_call", "parallel"):
        assert completion.choices[0].message.tool_calls


@pytest.mark.parametrize("scenario", list(SCENARIOS))
@pytest.mark.parametrize("provider", PROVIDERS)
def test_stream_chunks_are_openai_chat_completion_chunks(provider: str, scenario: str) -> None:
    body = request(provider, scenario, stream=True, stream_options={"include_usage": True})
    chunks = [ChatCompletionChunk.model_validate(c) for c in sse_chunks(post(provider, body).text)]
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    assert any(c.usage is not None for c in chunks)
    finishes = [ch.finish_reason for c in chunks for ch in c.choices if ch.finish_reason]
    assert len(finishes) == 1


@pytest.mark.parametrize("provider", ZAI_DERIVED)
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_zai_derived_answers_are_zai_sdk_completions(provider: str, scenario: str) -> None:
    completion = ZaiCompletion.model_validate(post(provider, request(provider, scenario)).json())
    assert completion.choices[0].message.role == "assistant"
    assert completion.usage.total_tokens > 0
    if scenario != "tiny_budget":
        assert completion.choices[0].message.reasoning_content


@pytest.mark.parametrize("provider", ZAI_DERIVED)
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_zai_derived_chunks_are_zai_sdk_chunks(provider: str, scenario: str) -> None:
    body = request(provider, scenario, stream=True, stream_options={"include_usage": True})
    # extra_json is filled in by the SDK itself, it is not on the wire
    chunks = [ZaiChunk.model_validate({**c, "extra_json": {}}) for c in sse_chunks(post(provider, body).text)]
    assert chunks[-1].usage is not None and chunks[-1].choices[0].finish_reason


def test_zai_tool_stream_chunks_validate() -> None:
    body = request("zai", "parallel", stream=True, tool_stream=True)
    for chunk in sse_chunks(post("zai", body).text):
        ChatCompletionChunk.model_validate(chunk)
        ZaiChunk.model_validate({**chunk, "extra_json": {}})


@pytest.mark.parametrize("provider", PROVIDERS)
def test_scripted_replies_validate_too(provider: str) -> None:
    emu = Emulator(provider, api_key="test-key")
    reply = Reply(content="", reasoning="Thinking.", tool_calls=[ToolCallSpec("get_weather", {"location": "Rome"})])
    emu.queue(reply, reply)
    ChatCompletion.model_validate(unwrap(provider, post(provider, body_for(provider), emu=emu).json()))
    for chunk in sse_chunks(post(provider, body_for(provider, stream=True), emu=emu).text):
        ChatCompletionChunk.model_validate(chunk)
