"""A streamed tool call: arguments arrive in pieces as tool_call_chunks and add up to one call."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessageChunk
from langchain_core.tools import tool

from glm_core.testing import Reply, ToolCallSpec
from tests.e2e.langchain_helpers import glm_chat

pytestmark = pytest.mark.loopback


@tool
def get_weather(city: str, unit: str) -> str:
    """Get the current weather in a city."""
    return f"Sunny in {city}"


ARGS = {"city": "San Francisco", "unit": "celsius"}


def _aggregate(chunks: list[AIMessageChunk]) -> AIMessageChunk:
    full = chunks[0]
    for piece in chunks[1:]:
        full = full + piece
    return full


@pytest.mark.parametrize("provider", ["zai", "cloudflare", "vllm", "openrouter"])
def test_streamed_tool_call_arrives_in_pieces(provider: str) -> None:
    llm, emulator = glm_chat(provider, thinking=True)
    emulator.queue(
        Reply(
            content="Let me check.",
            reasoning="The user wants the weather.",
            tool_calls=[ToolCallSpec("get_weather", ARGS, id="call_sf")],
            tool_stream_fragments=4,
            # OpenRouter's default (Z.AI upstream) sends each call whole; Novita / DeepInfra fragment it.
            shape={"tool_deltas": "fragmented"} if provider == "openrouter" else None,
        )
    )
    chunks = list(llm.bind_tools([get_weather]).stream("Weather in San Francisco?"))
    pieces = [c for c in chunks if c.tool_call_chunks]
    assert len(pieces) >= 2, "the arguments should stream in several pieces"
    full = _aggregate(chunks)
    assert full.tool_calls == [{"name": "get_weather", "args": ARGS, "id": "call_sf", "type": "tool_call"}]
    assert full.content == "Let me check."
    assert full.additional_kwargs["reasoning_content"] == "The user wants the weather."
    assert chunks[-1].chunk_position == "last"
    assert full.response_metadata["finish_reason"] == "tool_calls"
    if provider == "zai":
        assert emulator.requests[0].body["tool_stream"] is True


async def test_async_streamed_parallel_calls_with_v1_blocks() -> None:
    llm, emulator = glm_chat("zai", output_version="v1")
    emulator.queue(
        Reply(
            reasoning="Two cities.",
            tool_calls=[
                ToolCallSpec("get_weather", {"city": "Rome", "unit": "celsius"}, id="c1"),
                ToolCallSpec("get_weather", {"city": "Oslo", "unit": "celsius"}, id="c2"),
            ],
        )
    )
    chunks = [c async for c in llm.bind_tools([get_weather]).astream("Weather in Rome and Oslo?")]
    full = _aggregate(chunks)
    assert [(c["id"], c["args"]["city"]) for c in full.tool_calls] == [("c1", "Rome"), ("c2", "Oslo")]
    assert isinstance(full.content, list)
    assert [b["type"] for b in full.content] == ["reasoning", "tool_call", "tool_call"]


def test_streamed_call_with_malformed_arguments_is_an_invalid_tool_call() -> None:
    llm, emulator = glm_chat("zai")
    emulator.queue(Reply(tool_calls=[ToolCallSpec("get_weather", '{"city": "Rome", "unit": ]', id="bad")]))
    full = _aggregate(list(llm.bind_tools([get_weather]).stream("Weather?")))
    assert full.tool_calls == []
    assert full.invalid_tool_calls[0]["id"] == "bad"
