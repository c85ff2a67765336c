"""Every shape of captured GLM traffic (shared/reference/real-traffic.md), through every path.

Each case is an emulator dressed as the capture shows (the provider default where the capture
shows it is normal, else a `Shape` variant) answering one scripted `Reply`; GLMClient, ChatGLM
and GLM, sync and async, streamed and not, must all return the same answer.
"""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from glm_core.testing import DEFAULT_SHAPES, OPENROUTER_UPSTREAMS, Emulator, Reply, Shape, ToolCallSpec
from tests.traffic.helpers import KEY, every_way, ways

TOOL_REPLY = Reply(
    content="",
    reasoning="两个城市都要查天气。",
    tool_calls=[ToolCallSpec("get_weather", {"city": "北京"}), ToolCallSpec("get_weather", {"city": "Paris"})],
)
TEXT_REPLY = Reply(content="你好 Hello, I am GLM.", reasoning="The user greets me. 用户在打招呼。")
EXPECTED_CALLS = [("get_weather", {"city": "北京"}), ("get_weather", {"city": "Paris"})]

CASES: list[tuple[str, str, dict[str, Any] | Shape | None]] = [
    # provider, name, shape (None: the provider's captured default)
    ("zai", "default: no object, finish_reason on every tool delta, usage without details", None),
    ("zai_coding", "glm-4.5 coding: a newline content delta before the reasoning", {"leading_newline": True}),
    ("zai", "all calls in one delta, each delta with a finish reason", {"tool_deltas": "together"}),
    ("bigmodel", "default: usage in its own choices:[] event", None),
    ("openrouter", "default (Z.AI upstream): no comments, whole call per delta, keep-alive lines", None),
    (
        "openrouter",
        "BaseTen upstream: whole call in the finish event, usage with finish_reason null",
        OPENROUTER_UPSTREAMS["BaseTen"],
    ),
    ("openrouter", "Novita upstream: arguments fragmented by index", OPENROUTER_UPSTREAMS["Novita"]),
    ("openrouter", "fragments that repeat the call's id", {"tool_deltas": "fragmented", "fragment_ids": True}),
    ("openrouter", "documented: processing comment lines", {"comment_lines": True}),
    ("openrouter", "twelve keep-alive lines before the body", {"body_keepalive_lines": 12}),
    ("vllm", "default (GLM-5.1 with MTP): the finish chunk repeats the whole arguments, nulls", None),
    ("vllm", "usage on the finish chunk", {"usage_event": "finish"}),
    ("vllm", "no cumulative repeat", {"cumulative_final_arguments": False, "vllm_null_fields": False}),
    (
        "cloudflare_openai",
        "usage event with a choice whose finish_reason is null",
        {"usage_event": "separate_null_finish"},
    ),
]


def _emulator(provider: str, shape: dict[str, Any] | Shape | None) -> Emulator:
    return Emulator(provider, api_key=KEY, shape=shape)


@pytest.mark.parametrize(("provider", "name", "shape"), CASES, ids=[f"{c[0]}: {c[1]}" for c in CASES])
def test_text_answers_arrive_whole_every_way(provider: str, name: str, shape: Any) -> None:
    leading = "\n" if isinstance(shape, dict) and shape.get("leading_newline") else ""
    for seen in every_way(_emulator(provider, shape), TEXT_REPLY):
        # The non-streamed body has no leading newline: only the stream sends that delta.
        expected = leading + TEXT_REPLY.content if "stream" in seen.way else TEXT_REPLY.content
        assert seen.content == expected, seen.way
        assert seen.reasoning == TEXT_REPLY.reasoning, seen.way
        assert seen.calls == []


@pytest.mark.parametrize(("provider", "name", "shape"), CASES, ids=[f"{c[0]}: {c[1]}" for c in CASES])
def test_parallel_tool_calls_arrive_whole_every_way(provider: str, name: str, shape: Any) -> None:
    for seen in every_way(_emulator(provider, shape), TOOL_REPLY):
        assert seen.calls == EXPECTED_CALLS, seen.way
        assert seen.reasoning == TOOL_REPLY.reasoning, seen.way


@pytest.mark.parametrize("provider", ["zai", "bigmodel", "openrouter", "vllm"])
def test_usage_reaches_every_path(provider: str) -> None:
    for seen in every_way(_emulator(provider, None), TEXT_REPLY):
        if seen.way.startswith("GLM."):
            continue  # LlamaIndex reports usage in raw/additional_kwargs, not in `Seen`
        assert seen.total_tokens and seen.total_tokens > 0, seen.way


def test_a_shape_can_be_chosen_per_reply() -> None:
    emu = Emulator("openrouter", api_key=KEY)
    emu.queue(Reply(content="Hi", shape={"comment_lines": True}), Reply(content="Hi"))
    with httpx2.Client(
        transport=emu.transport(), base_url=emu.base_url, headers={"Authorization": f"Bearer {KEY}"}
    ) as http:
        body = {"model": "z-ai/glm-4.7", "messages": [{"role": "user", "content": "Hi"}], "stream": True}
        assert http.post("/chat/completions", json=body).text.startswith(": OPENROUTER PROCESSING")
        assert http.post("/chat/completions", json=body).text.startswith("data: ")


def test_captured_defaults() -> None:
    assert DEFAULT_SHAPES["zai"].chunk_object is False
    assert DEFAULT_SHAPES["bigmodel"].usage_event == "separate"
    assert DEFAULT_SHAPES["openrouter"].comment_lines is False
    assert DEFAULT_SHAPES["openrouter"].body_keepalive_lines >= 3


@pytest.mark.parametrize(
    ("provider", "content_type"), [("zai", "text/event-stream;charset=UTF-8"), ("openrouter", "text/event-stream")]
)
def test_streams_are_sent_with_the_captured_content_type(provider: str, content_type: str) -> None:
    emu = Emulator(provider, api_key=KEY)
    model = "z-ai/glm-4.7" if provider == "openrouter" else "glm-4.7"
    with httpx2.Client(
        transport=emu.transport(), base_url=emu.base_url, headers={"Authorization": f"Bearer {KEY}"}
    ) as http:
        body = {"model": model, "messages": [{"role": "user", "content": "Hi"}], "stream": True}
        assert http.post("/chat/completions", json=body).headers["content-type"] == content_type


@pytest.mark.parametrize(
    "content_type", ["text/event-stream;charset=UTF-8", "TEXT/EVENT-STREAM; charset=utf-8", "text/event-stream"]
)
def test_every_content_type_spelling_streams(content_type: str) -> None:
    for seen in every_way(Emulator("vllm", api_key=KEY, shape={"sse_content_type": content_type}), TEXT_REPLY):
        assert seen.content == TEXT_REPLY.content, seen.way


# -- Cloudflare Workers AI, GLM-5.3-Flash (real-traffic.md §3.7) ---------------------------------


@pytest.mark.parametrize(
    ("provider", "shape"),
    [("cloudflare", None), ("cloudflare_openai", {"workers_ai_stream": "on"})],
    ids=["native /ai/run (captured default)", "OpenAI-compatible /ai/v1 dressed the same"],
)
@pytest.mark.parametrize("reply", [TEXT_REPLY, TOOL_REPLY], ids=["text", "tool calls"])
def test_the_workers_ai_glm_5_3_stream_decodes_with_usage_once(provider: str, shape: Any, reply: Reply) -> None:
    # Every chunk carries the running usage: the streamed paths report the same total as the
    # non-streamed ones only if the last usage wins.
    totals = set()
    for seen in every_way(_emulator(provider, shape), reply, model_id="glm-5.3-flash"):
        assert (seen.content, seen.reasoning) == (reply.content, reply.reasoning), seen.way
        assert seen.calls == ([] if reply is TEXT_REPLY else EXPECTED_CALLS), seen.way
        if not seen.way.startswith("GLM."):
            totals.add(seen.total_tokens)
    assert len(totals) == 1 and totals.pop()


# -- GLM-5.3 at low / high effort answers without reasoning (real-traffic.md §3.1) --------------


@pytest.mark.parametrize("model_id", ["glm-5.3", "glm-5.3-flash"])
@pytest.mark.parametrize("effort", ["low", "high"])
def test_glm_5_3_at_low_or_high_effort_is_a_valid_answer_without_reasoning(model_id: str, effort: str) -> None:
    emu = Emulator("zai", api_key=KEY)
    for way, call in ways(emu, model_id=model_id, reasoning_effort=effort).items():
        seen = call()
        assert seen.content.startswith("Hello! You said"), way
        assert seen.reasoning == "", way
    sent = emu.requests[-1].body
    assert sent["reasoning_effort"] == effort


def test_glm_5_3_at_max_effort_still_reasons() -> None:
    emu = Emulator("zai", api_key=KEY)
    seen = ways(emu, model_id="glm-5.3", reasoning_effort="max")["GLMClient.chat"]()
    assert seen.reasoning


def test_no_reasoning_at_low_effort_reports_zero_reasoning_tokens_in_both_frameworks() -> None:
    from langchain_core.messages import HumanMessage
    from llama_index.core.llms import ChatMessage

    from tests.traffic.helpers import chat_glm, glm

    emu = Emulator("zai", api_key=KEY)
    message = chat_glm(emu, model="glm-5.3", reasoning_effort="low").invoke([HumanMessage("2+2?")])
    assert "reasoning_content" not in message.additional_kwargs
    assert message.usage_metadata is not None
    assert message.usage_metadata["output_token_details"]["reasoning"] == 0  # type: ignore[typeddict-item]
    answer = glm(emu, model="glm-5.3", reasoning_effort="low").chat([ChatMessage(role="user", content="2+2?")])
    assert answer.message.content and answer.additional_kwargs["reasoning_tokens"] == 0
