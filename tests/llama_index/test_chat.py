"""chat / stream / async, with reasoning, tool calls and usage, against hand-written provider answers."""

from __future__ import annotations

import httpx2
import pytest
from llama_index.core.base.llms.types import TextBlock, ThinkingBlock, ToolCallBlock
from llama_index.core.callbacks import CallbackManager, TokenCountingHandler
from llama_index.core.llms import ChatMessage

from glm_core import BadRequestError, ContentFilterError, StreamInterruptedError, ToolCallRequiredError
from tests.llama_index.helpers import Script, call, completion, delta, sse

HI = [ChatMessage(role="user", content="Hi")]

REASONING_STREAM = sse(
    # A reasoning-only first chunk, with the role: OpenAILike's astream_chat drops this one.
    delta(role="assistant", reasoning_content="I should "),
    delta(reasoning_content="greet."),
    delta(content="Hel"),
    delta(content="lo!"),
    delta(finish_reason="stop", usage=(12, 7)),
)

PARALLEL_STREAM = sse(
    delta(role="assistant", reasoning_content="Two calls."),
    # Two whole calls in ONE delta (Z.ai without tool_stream): OpenAI's update_tool_calls keeps one.
    delta(
        tool_calls=[
            call("call_a", "add", {"a": 1, "b": 2}, index=0),
            call("call_b", "multiply", {"a": 3, "b": 4}, index=1),
        ]
    ),
    delta(finish_reason="tool_calls", usage=(20, 9)),
)


def test_chat_with_reasoning_and_usage() -> None:
    script = Script(completion("Hello!", reasoning="Greet back."))
    response = script.llm().chat(HI)
    thinking, text = response.message.blocks
    assert isinstance(thinking, ThinkingBlock) and thinking.content == "Greet back."
    assert isinstance(text, TextBlock) and response.message.content == "Hello!"
    assert response.additional_kwargs == {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
    assert response.raw["usage"]["prompt_tokens"] == 10


def test_call_kwargs_and_settings_reach_the_body() -> None:
    script = Script(completion("ok"))
    llm = script.llm("zai", model="glm-4.7", temperature=0.2, thinking=False, extra_body={"user_id": "u1"})
    llm.chat(HI, max_tokens=100, stop="END", request_id="r-1")
    body = script.bodies[-1]
    assert body["model"] == "glm-4.7"
    assert body["temperature"] == 0.2
    assert body["thinking"] == {"type": "disabled"}
    assert body["max_tokens"] == 100
    assert body["stop"] == ["END"]
    assert body["user_id"] == "u1"
    assert body["request_id"] == "r-1"  # unknown kwargs go into the body
    assert llm.extra_body == {"user_id": "u1"}  # not mutated


def _check_reasoning_stream(chunks: list) -> None:
    assert [c.additional_kwargs.get("thinking_delta") for c in chunks[:2]] == ["I should ", "greet."]
    assert [c.delta for c in chunks] == ["", "", "Hel", "lo!", ""]
    # Cumulative message on every chunk; the first reasoning chunk is not lost.
    assert chunks[0].message.blocks[0].content == "I should "
    last = chunks[-1]
    assert isinstance(last.message.blocks[0], ThinkingBlock)
    assert last.message.blocks[0].content == "I should greet."
    assert last.message.content == "Hello!"
    assert last.additional_kwargs["prompt_tokens"] == 12
    assert last.additional_kwargs["total_tokens"] == 19
    assert last.raw["usage"]["completion_tokens"] == 7


def test_stream_chat_with_reasoning() -> None:
    chunks = list(Script(REASONING_STREAM).llm().stream_chat(HI))
    _check_reasoning_stream(chunks)


async def test_astream_chat_with_reasoning() -> None:
    chunks = [c async for c in await Script(REASONING_STREAM).llm().astream_chat(HI)]
    _check_reasoning_stream(chunks)


async def test_achat_and_acomplete() -> None:
    llm = Script(completion("Hello!", reasoning="Greet.")).llm()
    response = await llm.achat(HI)
    assert response.message.content == "Hello!"
    completed = await llm.acomplete("Hi")
    assert completed.text == "Hello!"
    assert completed.additional_kwargs["thinking"] == "Greet."
    assert completed.additional_kwargs["total_tokens"] == 15


def test_complete_and_stream_complete() -> None:
    script = Script(completion("Hello!"), REASONING_STREAM)
    llm = script.llm()
    assert llm.complete("Hi").text == "Hello!"
    assert script.bodies[-1]["messages"] == [{"role": "user", "content": "Hi"}]
    chunks = list(llm.stream_complete("Hi"))
    assert chunks[0].additional_kwargs["thinking_delta"] == "I should "
    assert chunks[-1].text == "Hello!"
    assert chunks[-1].additional_kwargs["thinking"] == "I should greet."
    assert chunks[-1].additional_kwargs["completion_tokens"] == 7


async def test_astream_complete() -> None:
    chunks = [c async for c in await Script(REASONING_STREAM).llm().astream_complete("Hi")]
    assert "".join(c.delta or "" for c in chunks) == "Hello!"
    assert chunks[0].additional_kwargs["thinking_delta"] == "I should "


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_parallel_tool_calls_in_one_chunk(mode: str) -> None:
    llm = Script(PARALLEL_STREAM).llm()
    if mode == "sync":
        chunks = list(llm.stream_chat_with_tools([], user_msg="both", allow_parallel_tool_calls=True))
    else:
        chunks = [c async for c in await llm.astream_chat(HI)]
    last = chunks[-1]
    calls = [b for b in last.message.blocks if isinstance(b, ToolCallBlock)]
    assert [(c.tool_call_id, c.tool_name, c.tool_kwargs) for c in calls] == [
        ("call_a", "add", {"a": 1, "b": 2}),
        ("call_b", "multiply", {"a": 3, "b": 4}),
    ]
    assert [c["id"] for c in last.message.additional_kwargs["tool_calls"]] == ["call_a", "call_b"]
    assert [s.tool_id for s in llm.get_tool_calls_from_response(last)] == ["call_a", "call_b"]
    assert last.message.blocks[0].content == "Two calls."


def test_streamed_tool_arguments_are_partial_then_whole() -> None:
    stream = sse(
        delta(
            role="assistant",
            tool_calls=[{"index": 0, "id": "c1", "type": "function", "function": {"name": "add", "arguments": ""}}],
        ),
        delta(tool_calls=[{"index": 0, "function": {"arguments": '{"a": 1, '}}]),
        delta(tool_calls=[{"index": 0, "function": {"arguments": '"b": 2}'}}]),
        delta(finish_reason="tool_calls"),
        {"id": "chatcmpl-1", "choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 4, "total_tokens": 9}},
    )
    llm = Script(stream).llm("vllm", model="glm-4.7-flash")
    seen = []
    chunks = []
    for chunk in llm.stream_chat(HI):
        chunks.append(chunk)
        seen.append([s.tool_kwargs for s in llm.get_tool_calls_from_response(chunk, error_on_no_tool_call=False)])
    assert seen[:3] == [[{}], [{"a": 1}], [{"a": 1, "b": 2}]]
    last = chunks[-1]
    assert last.message.blocks[-1].tool_kwargs == {"a": 1, "b": 2}
    assert last.raw["usage"]["total_tokens"] == 9
    assert last.additional_kwargs["total_tokens"] == 9


def test_usage_before_the_end_gets_a_closing_chunk() -> None:
    stream = sse(
        delta(role="assistant", content="Hi", usage=(1, 1)),
        delta(content=" there"),
        delta(finish_reason="stop"),
    )
    chunks = list(Script(stream).llm("vllm", model="glm-4.7-flash").stream_chat(HI))
    last = chunks[-1]
    assert last.delta == ""
    assert last.message.content == "Hi there"
    assert last.raw["usage"]["total_tokens"] == 2


def test_token_counting_handler_reads_the_last_chunk() -> None:
    counter = TokenCountingHandler()
    llm = Script(REASONING_STREAM).llm(callback_manager=CallbackManager([counter]))
    list(llm.stream_chat(HI))
    assert counter.prompt_llm_token_count == 12
    assert counter.completion_llm_token_count == 7
    llm2 = Script(completion("x", usage=(4, 3))).llm(callback_manager=CallbackManager([counter]))
    llm2.chat(HI)
    assert counter.prompt_llm_token_count == 16


def test_provider_errors_are_typed() -> None:
    refused = httpx2.Response(400, json={"error": {"code": "1214", "message": "bad param"}})
    with pytest.raises(BadRequestError):
        Script(refused).llm().chat(HI)
    filtered = httpx2.Response(400, json={"error": {"code": "1301", "message": "unsafe"}})
    with pytest.raises(ContentFilterError):
        Script(filtered).llm().chat(HI)


def test_broken_stream_raises_after_partial_output() -> None:
    truncated = sse(delta(role="assistant", reasoning_content="thinking"), delta(content="Hel"), done=False)
    llm = Script(truncated).llm()
    seen = []
    with pytest.raises(StreamInterruptedError) as info:
        for chunk in llm.stream_chat(HI):
            seen.append(chunk.delta)
    assert seen == ["", "Hel"]
    assert info.value.partial is not None and info.value.partial.content == "Hel"


async def test_required_tool_call_missing_in_a_stream() -> None:
    llm = Script(REASONING_STREAM).llm()
    from llama_index.core.tools import FunctionTool

    def add(a: int, b: int) -> int:
        """Add."""
        return a + b

    with pytest.raises(ToolCallRequiredError):
        async for _ in await llm.astream_chat_with_tools(
            [FunctionTool.from_defaults(add)], user_msg="x", tool_required=True
        ):
            pass


def test_invalid_call_option_raises_before_sending() -> None:
    script = Script(completion())
    with pytest.raises(ValueError, match="out of range"):
        script.llm().chat(HI, temperature=3.0)
    with pytest.raises(ValueError, match="out of range"):
        script.llm().stream_chat(HI, temperature=3.0)
    assert script.requests == []


def test_reasoning_tokens_on_the_last_chunk() -> None:
    stream = sse(
        delta(role="assistant", reasoning_content="hmm"),
        delta(content="ok"),
        {
            "id": "chatcmpl-1",
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
            "usage": {
                "prompt_tokens": 3,
                "completion_tokens": 4,
                "total_tokens": 7,
                "completion_tokens_details": {"reasoning_tokens": 2},
            },
        },
    )
    last = list(Script(stream).llm().stream_chat(HI))[-1]
    assert last.message.blocks[0].num_tokens == 2
    assert last.additional_kwargs["reasoning_tokens"] == 2


def test_memory_stays_flat_over_many_calls() -> None:
    import gc
    import tracemalloc

    from llama_index_glm import GLM

    answer = httpx2.Response(200, json=completion("Hello!", reasoning="Greet.")).content
    transport = httpx2.MockTransport(lambda request: httpx2.Response(200, content=answer))
    llm = GLM(api_key="k", http_client=httpx2.Client(transport=transport))  # no request recording
    for _ in range(200):
        llm.chat(HI)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(600):
            llm.chat(HI)
        gc.collect()
        growth = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # A leak of even one response per call (~2 KiB) would keep over 1 MiB here.
    assert growth < 128 * 1024, f"{growth} bytes kept after 600 calls"
