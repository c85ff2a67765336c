"""Property-based: however the bytes of a stream are cut, and however a tool call's arguments are
split into deltas, the same answer comes out.

The first property feeds one SSE body through the real client in random chunk sizes (a custom
httpx2 byte stream), so the SSE line splitting, UTF-8 decoding across chunk borders, CRLF line
ends, comment lines and event assembly are all exercised.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glm_core import ChatRequest, ChatResponse, ToolCall, ToolSpec, UserMessage
from glm_core.assembly import StreamAssembler
from glm_core.types import ChatChunk, ToolCallDelta
from tests.core.helpers import Server, make_async_client, make_client, sse_response

ARGS_A = '{"location":"Firenze, Toscana","unit":"°C","note":"天气 🌤"}'
ARGS_B = '{"tz":"Europe/Rome"}'


def event(delta: dict[str, Any], **extra: Any) -> dict[str, Any]:
    choice: dict[str, Any] = {"index": 0, "delta": delta}
    if "finish_reason" in extra:
        choice["finish_reason"] = extra.pop("finish_reason")
    return {
        "id": "20260101abc",
        "created": 1,
        "object": "chat.completion.chunk",
        "model": "glm-4.7",
        "choices": [choice],
        **extra,
    }


def body(line_end: str) -> bytes:
    """A Z.ai tool_stream answer with everything: comments, multi-byte text, two interleaved calls."""
    events: list[Any] = [
        ": keep-alive",
        event({"role": "assistant", "reasoning_content": "Думаю… "}),
        event({"role": "assistant", "reasoning_content": "思考 🌤 done."}),
        event({"role": "assistant", "content": "Let me check — "}),
        event({"role": "assistant", "content": "déjà vu."}),
        event(
            {
                "tool_calls": [
                    {"index": 0, "id": "call_a", "type": "function", "function": {"name": "weather", "arguments": ""}}
                ]
            }
        ),
        event({"tool_calls": [{"index": 0, "function": {"arguments": ARGS_A[:17]}}]}),
        event(
            {
                "tool_calls": [
                    {
                        "index": 1,
                        "id": "call_b",
                        "type": "function",
                        "function": {"name": "time", "arguments": ARGS_B[:5]},
                    }
                ]
            }
        ),
        event({"tool_calls": [{"index": 0, "function": {"arguments": ARGS_A[17:]}}]}),
        event({"tool_calls": [{"index": 1, "function": {"arguments": ARGS_B[5:]}}]}),
        event(
            {"role": "assistant", "content": ""},
            finish_reason="tool_calls",
            usage={
                "prompt_tokens": 50,
                "completion_tokens": 40,
                "total_tokens": 90,
                "prompt_tokens_details": {"cached_tokens": 8},
                "completion_tokens_details": {"reasoning_tokens": 20},
            },
        ),
        "data: [DONE]",
    ]
    lines = [e if isinstance(e, str) else "data: " + json.dumps(e, ensure_ascii=False) for e in events]
    return "".join(line + line_end + line_end for line in lines).encode()


BODIES = {"lf": body("\n"), "crlf": body("\r\n"), "cr": body("\r")}
REQUEST = ChatRequest(
    "glm-4.7", [UserMessage("Weather and time in Florence?")], tools=[ToolSpec("weather"), ToolSpec("time")]
)

EXPECTED = ChatResponse(
    content="Let me check — déjà vu.",
    reasoning="Думаю… 思考 🌤 done.",
    tool_calls=[ToolCall("call_a", "weather", ARGS_A), ToolCall("call_b", "time", ARGS_B)],
    finish_reason="tool_calls",
    model="glm-4.7",
    id="20260101abc",
    provider="zai",
)


def cut(data: bytes, sizes: list[int]) -> list[int]:
    """Piece sizes covering `data` (the last piece takes the rest)."""
    pieces, total = [], 0
    for size in sizes:
        if total >= len(data):
            break
        pieces.append(size)
        total += size
    return pieces


def read_sync(data: bytes, sizes: list[int]) -> tuple[list[ChatChunk], ChatResponse]:
    server = Server([sse_response(data, pieces=cut(data, sizes))])
    with make_client("zai", server).stream(REQUEST) as stream:
        chunks = list(stream)
    return chunks, stream.response


def read_async(data: bytes, sizes: list[int]) -> tuple[list[ChatChunk], ChatResponse]:
    async def go() -> tuple[list[ChatChunk], ChatResponse]:
        server = Server([sse_response(data, pieces=cut(data, sizes))])
        async with make_async_client("zai", server).stream(REQUEST) as stream:
            chunks = [chunk async for chunk in stream]
        return chunks, stream.response

    return asyncio.run(go())


def without_usage(response: ChatResponse) -> ChatResponse:
    assert response.usage is not None
    assert (response.usage.total_tokens, response.usage.cached_tokens, response.usage.reasoning_tokens) == (90, 8, 20)
    response.usage = None
    return response


REFERENCE_CHUNKS, _ = read_sync(BODIES["lf"], [len(BODIES["lf"])])

sizes_strategy = st.lists(st.integers(min_value=1, max_value=48), min_size=1, max_size=400)


def test_the_whole_body_in_one_piece_gives_the_expected_answer() -> None:
    chunks, response = read_sync(BODIES["lf"], [len(BODIES["lf"])])
    assert without_usage(response) == EXPECTED
    assert len(chunks) == 10  # the comment and [DONE] are not chunks


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(line_end=st.sampled_from(sorted(BODIES)), sizes=sizes_strategy)
def test_any_fragmentation_gives_the_same_chunks_and_answer(line_end: str, sizes: list[int]) -> None:
    chunks, response = read_sync(BODIES[line_end], sizes)
    assert chunks == REFERENCE_CHUNKS
    assert without_usage(response) == EXPECTED


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(line_end=st.sampled_from(sorted(BODIES)), sizes=sizes_strategy)
def test_any_fragmentation_gives_the_same_answer_async(line_end: str, sizes: list[int]) -> None:
    chunks, response = read_async(BODIES[line_end], sizes)
    assert chunks == REFERENCE_CHUNKS
    assert without_usage(response) == EXPECTED


# ------------------------------------------------------------------ tool-call assembly

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@st.composite
def split_text(draw: st.DrawFn, text: str) -> list[str]:
    cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=max(len(text) - 1, 1)), max_size=12)))
    cuts = [c for c in cuts if c < len(text)]
    edges = [0, *cuts, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(edges)]


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    arguments=st.dictionaries(st.text(max_size=8), json_values, max_size=5),
    name_late=st.booleans(),
    repeat_whole=st.booleans(),
)
def test_tool_call_arguments_split_anyhow_assemble_to_the_same_call(
    data: st.DataObject, arguments: dict[str, Any], name_late: bool, repeat_whole: bool
) -> None:
    text = json.dumps(arguments, ensure_ascii=False)
    fragments = data.draw(split_text(text))
    assembler = StreamAssembler("vllm")
    for position, fragment in enumerate(fragments):
        first = position == 0
        # id and name arrive with the first fragment, or (some Workers AI models) the name comes late.
        named = position == len(fragments) - 1 if name_late else first
        delta = ToolCallDelta(0, id="call_1" if first else None, name="save" if named else None, arguments=fragment)
        assembler.add(ChatChunk(tool_calls=[delta]))
    if repeat_whole:
        # vLLM #44098: a final delta repeating the id, the name and the whole arguments.
        assembler.add(
            ChatChunk(
                tool_calls=[ToolCallDelta(0, id="call_1", name="save", arguments=text)], finish_reason="tool_calls"
            )
        )
    assert assembler.tool_calls() == [ToolCall("call_1", "save", text)]
    assert json.loads(assembler.tool_calls()[0].arguments) == arguments
