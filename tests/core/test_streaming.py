"""Streamed answers: every delta shape in providers.md, errors inside 200 streams, broken streams.

Each test runs sync and async (`mode`). Stream bodies follow §1.8 (Z.ai, with and without
tool_stream), §2.4 (Cloudflare), §5 (vLLM #44098, OpenRouter comments and first-delta-only ids).
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest

from glm_core import (
    APIConnectionError,
    ChatRequest,
    ContentFilterError,
    NamedToolChoice,
    RateLimitError,
    ResponseDecodeError,
    ServerError,
    StreamInterruptedError,
    ToolCall,
    ToolCallDelta,
    ToolCallRequiredError,
    ToolSpec,
    UserMessage,
)
from tests.core.helpers import ChunkedStream, Server, json_response, make_client, sse_body, sse_response
from tests.core.streaming import MODES, run_stream

ARGS = '{"location":"Florence"}'
USAGE = {
    "prompt_tokens": 173,
    "completion_tokens": 93,
    "total_tokens": 266,
    "prompt_tokens_details": {"cached_tokens": 172},
    "completion_tokens_details": {"reasoning_tokens": 65},
}


def zai_event(delta: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    choice: dict[str, Any] = {"index": 0, "delta": delta if delta is not None else {}}
    if "finish_reason" in extra:
        choice["finish_reason"] = extra.pop("finish_reason")
    return {
        "id": "X",
        "created": 1,
        "object": "chat.completion.chunk",
        "model": "glm-4.7-flash",
        "choices": [choice],
        **extra,
    }


def zai_final(reason: str = "stop", **extra: Any) -> dict[str, Any]:
    return zai_event({"role": "assistant", "content": ""}, finish_reason=reason, usage=USAGE, **extra)


# §1.8, the composed stream: reasoning, then content, then the whole tool call, usage last.
ZAI_TOOL_STREAM = sse_body(
    zai_event({"role": "assistant", "reasoning_content": "Need"}),
    zai_event({"role": "assistant", "reasoning_content": " weather."}),
    zai_event({"role": "assistant", "content": "Checking."}),
    zai_event(
        {
            "tool_calls": [
                {"id": "call_ab12", "index": 0, "type": "function", "function": {"name": "weather", "arguments": ARGS}}
            ]
        }
    ),
    zai_final("tool_calls"),
)


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_zai_reasoning_then_content_then_a_whole_tool_call(mode: str) -> None:
    outcome = run_stream(mode, "zai", [sse_response(ZAI_TOOL_STREAM)])
    chunks = outcome.chunks
    assert [c.reasoning for c in chunks] == ["Need", " weather.", "", "", ""]
    assert [c.content for c in chunks] == ["", "", "Checking.", "", ""]
    assert chunks[3].tool_calls == [ToolCallDelta(0, "call_ab12", "weather", ARGS)]
    assert [c.finish_reason for c in chunks] == [None, None, None, None, "tool_calls"]
    assert [c.usage is not None for c in chunks] == [False, False, False, False, True]
    answer = outcome.answer()
    assert answer.reasoning == "Need weather."
    assert answer.content == "Checking."
    assert answer.tool_calls == [ToolCall("call_ab12", "weather", ARGS)]
    assert answer.finish_reason == "tool_calls"
    assert answer.usage is not None
    assert (answer.usage.input_tokens, answer.usage.cached_tokens, answer.usage.reasoning_tokens) == (173, 172, 65)
    assert (answer.id, answer.model, answer.provider) == ("X", "glm-4.7-flash", "zai")
    assert len(outcome.server.requests) == 1
    assert outcome.server.requests[0].headers["accept"] == "text/event-stream"


def test_zai_tool_stream_fragments_are_joined_by_index(mode: str) -> None:
    body = sse_body(
        zai_event(
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "call_ab12",
                        "type": "function",
                        "function": {"name": "weather", "arguments": ""},
                    }
                ]
            }
        ),
        zai_event({"tool_calls": [{"index": 0, "function": {"arguments": '{"loca'}}]}),
        zai_event({"tool_calls": [{"index": 0, "function": {"arguments": 'tion":"Florence"}'}}]}),
        zai_final("tool_calls"),
    )
    weather = ToolSpec("weather", "Get weather")
    request = ChatRequest("glm-4.7", [UserMessage("Weather?")], tools=[weather])
    outcome = run_stream(mode, "zai", [sse_response(body)], request)
    assert outcome.server.body["tool_stream"] is True
    assert outcome.answer().tool_calls == [ToolCall("call_ab12", "weather", ARGS)]


def test_openrouter_comments_and_an_id_only_in_the_first_delta(mode: str) -> None:
    def event(delta: dict[str, Any], **extra: Any) -> dict[str, Any]:
        choice = {
            "index": 0,
            "delta": delta,
            "finish_reason": extra.pop("finish_reason", None),
            "native_finish_reason": None,
        }
        return {
            "id": "gen-1",
            "provider": "Z.AI",
            "model": "z-ai/glm-4.7",
            "object": "chat.completion.chunk",
            "created": 1,
            "choices": [choice],
            **extra,
        }

    body = sse_body(
        ": OPENROUTER PROCESSING",
        event(
            {
                "role": "assistant",
                "content": "",
                "reasoning": "Think",
                "reasoning_details": [{"type": "reasoning.text", "text": "Think", "format": "unknown", "index": 0}],
            }
        ),
        ": OPENROUTER PROCESSING",
        event(
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {"index": 0, "id": "call_or1", "type": "function", "function": {"name": "weather", "arguments": ""}}
                ],
            }
        ),
        event(
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [{"index": 0, "type": "function", "function": {"arguments": '{"location":'}}],
            }
        ),
        event(
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [{"index": 0, "type": "function", "function": {"arguments": '"Florence"}'}}],
            }
        ),
        event({"role": "assistant", "content": ""}, finish_reason="tool_calls"),
        event(
            {"role": "assistant", "content": ""},
            usage={"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30, "cost": 0.001},
        ),
    )
    outcome = run_stream(mode, "openrouter", [sse_response(body)])
    answer = outcome.answer()
    assert answer.reasoning == "Think"  # `reasoning` and `reasoning_details` carry the same text: once
    assert answer.tool_calls == [ToolCall("call_or1", "weather", ARGS)]
    assert answer.finish_reason == "tool_calls"
    assert answer.usage is not None and answer.usage.total_tokens == 30
    assert len(outcome.chunks) == 6  # comments are not events


def test_arguments_before_the_name(mode: str) -> None:
    # §2.4: some Workers AI models stream arguments before the name; accumulate by index anyway.
    body = sse_body(
        zai_event({"tool_calls": [{"index": 0, "function": {"arguments": '{"location":'}}]}),
        zai_event(
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "chatcmpl-tool-1",
                        "type": "function",
                        "function": {"name": "weather", "arguments": '"Florence"}'},
                    }
                ]
            }
        ),
        zai_event({}, finish_reason="tool_calls"),
    )
    outcome = run_stream(mode, "cloudflare", [sse_response(body)])
    assert outcome.answer().tool_calls == [ToolCall("chatcmpl-tool-1", "weather", ARGS)]


def test_vllm_final_chunk_repeating_the_id_and_the_whole_arguments(mode: str) -> None:
    # vLLM #44098: the last chunk repeats id/name and carries the whole arguments with finish_reason.
    call = {"index": 0, "id": "chatcmpl-tool-9", "type": "function"}
    body = sse_body(
        zai_event({"role": "assistant", "reasoning": "Use the tool."}),
        zai_event({"tool_calls": [{**call, "function": {"name": "weather", "arguments": ""}}]}),
        zai_event({"tool_calls": [{"index": 0, "function": {"arguments": '{"location":'}}]}),
        zai_event({"tool_calls": [{"index": 0, "function": {"arguments": '"Florence"}'}}]}),
        zai_event(
            {"tool_calls": [{**call, "function": {"name": "weather", "arguments": ARGS}}]}, finish_reason="tool_calls"
        ),
        {
            "id": "X",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "glm-4.7-flash",
            "choices": [],
            "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7},
        },
    )
    outcome = run_stream(mode, "vllm", [sse_response(body)])
    answer = outcome.answer()
    assert answer.reasoning == "Use the tool."
    assert answer.tool_calls == [ToolCall("chatcmpl-tool-9", "weather", ARGS)]
    assert answer.usage is not None and answer.usage.total_tokens == 7


def test_vllm_final_chunk_carrying_the_rest_of_the_arguments_with_the_id(mode: str) -> None:
    # The other reading of #44098: the id is repeated, but with only the missing fragment.
    call = {"index": 0, "id": "chatcmpl-tool-9", "type": "function"}
    body = sse_body(
        zai_event({"tool_calls": [{**call, "function": {"name": "weather", "arguments": '{"location":'}}]}),
        zai_event(
            {"tool_calls": [{**call, "function": {"name": "weather", "arguments": '"Florence"}'}}]},
            finish_reason="tool_calls",
        ),
    )
    outcome = run_stream(mode, "vllm", [sse_response(body)])
    assert outcome.answer().tool_calls == [ToolCall("chatcmpl-tool-9", "weather", ARGS)]


@pytest.mark.parametrize(
    ("pieces", "final", "expected"),
    [
        # vllm#42167: the repeat comes with "id": null, "type": null, "name": null.
        (['{"location":', '"Flor'], '{"location":"Florence"}', '{"location":"Florence"}'),
        # A true last fragment that happens to begin like the text so far is still a fragment.
        (['{"a":'], '{"a":1}}', '{"a":{"a":1}}'),
        (["{"], '"a":1}', '{"a":1}'),
    ],
)
def test_a_final_chunk_with_null_id_repeating_the_arguments_keeps_them_once(
    mode: str, pieces: list[str], final: str, expected: str
) -> None:
    start = {"index": 0, "id": "chatcmpl-tool-9", "type": "function", "function": {"name": "weather", "arguments": ""}}
    body = sse_body(
        zai_event({"tool_calls": [start]}),
        *(zai_event({"tool_calls": [{"index": 0, "function": {"arguments": p}}]}) for p in pieces),
        zai_event(
            {"tool_calls": [{"id": None, "type": None, "index": 0, "function": {"name": None, "arguments": final}}]},
            finish_reason="tool_calls",
        ),
    )
    outcome = run_stream(mode, "vllm", [sse_response(body)])
    assert outcome.answer().tool_calls == [ToolCall("chatcmpl-tool-9", "weather", expected)]


def test_parallel_calls_in_one_chunk(mode: str) -> None:
    body = sse_body(
        zai_event(
            {
                "tool_calls": [
                    {
                        "id": "call_a",
                        "index": 0,
                        "type": "function",
                        "function": {"name": "weather", "arguments": ARGS},
                    },
                    {
                        "id": "call_b",
                        "index": 1,
                        "type": "function",
                        "function": {"name": "weather", "arguments": '{"location":"Rome"}'},
                    },
                ]
            }
        ),
        zai_final("tool_calls"),
    )
    outcome = run_stream(mode, "zai", [sse_response(body)])
    assert outcome.answer().tool_calls == [
        ToolCall("call_a", "weather", ARGS),
        ToolCall("call_b", "weather", '{"location":"Rome"}'),
    ]


def test_parallel_call_fragments_interleaved(mode: str) -> None:
    body = sse_body(
        zai_event(
            {"tool_calls": [{"id": "call_a", "index": 0, "function": {"name": "weather", "arguments": '{"location":'}}]}
        ),
        zai_event({"tool_calls": [{"id": "call_b", "index": 1, "function": {"name": "time", "arguments": "{"}}]}),
        zai_event(
            {
                "tool_calls": [
                    {"index": 1, "function": {"arguments": "}"}},
                    {"index": 0, "function": {"arguments": '"Florence"}'}},
                ]
            }
        ),
        zai_event({}, finish_reason="tool_calls"),
    )
    outcome = run_stream(mode, "sglang", [sse_response(body)])
    assert outcome.answer().tool_calls == [ToolCall("call_a", "weather", ARGS), ToolCall("call_b", "time", "{}")]


def test_usage_only_in_a_final_chunk_without_choices(mode: str) -> None:
    body = sse_body(
        zai_event({"role": "assistant", "content": "Hi"}),
        zai_event({}, finish_reason="stop"),
        {
            "id": "X",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "m",
            "choices": [],
            "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
        },
    )
    outcome = run_stream(mode, "aimlapi", [sse_response(body)])
    assert outcome.server.body["stream_options"] == {"include_usage": True}
    answer = outcome.answer()
    assert answer.usage is not None and (answer.usage.output_tokens, answer.usage.total_tokens) == (2, 3)
    assert answer.content == "Hi" and answer.finish_reason == "stop"


def test_usage_on_every_chunk_keeps_the_last(mode: str) -> None:
    # §2.4: Cloudflare may put cumulative usage (with float neurons) on every chunk.
    def usage(n: int) -> dict[str, Any]:
        return {"prompt_tokens": 12, "completion_tokens": n, "total_tokens": 12 + n, "neurons": n * 0.5}

    body = sse_body(
        zai_event({"role": "assistant", "reasoning_content": "Hm", "reasoning": "Hm"}, usage=usage(1)),
        zai_event({"content": "Hi"}, usage=usage(2)),
        zai_event({"content": "!"}, finish_reason="stop", usage=usage(3)),
    )
    answer = run_stream(mode, "cloudflare", [sse_response(body)]).answer()
    assert answer.reasoning == "Hm"  # both reasoning fields in one delta: taken once
    assert answer.content == "Hi!"
    assert answer.usage is not None and answer.usage.output_tokens == 3
    assert answer.usage.raw is not None and answer.usage.raw["neurons"] == 1.5


def test_web_search_results_on_the_final_chunk(mode: str) -> None:
    results = [
        {
            "title": "t",
            "content": "c",
            "link": "https://x.org",
            "media": "m",
            "icon": "",
            "refer": "ref_1",
            "publish_date": "2026-01-01",
        }
    ]
    body = sse_body(zai_event({"role": "assistant", "content": "Sunny [ref_1]."}), zai_final(web_search=results))
    answer = run_stream(mode, "zai", [sse_response(body)]).answer()
    assert answer.web_search == results


def test_a_stream_with_finish_reason_but_no_done_is_complete(mode: str) -> None:
    body = sse_body(zai_event({"content": "Hi"}), zai_final(), done=False)
    answer = run_stream(mode, "zai", [sse_response(body)]).answer()
    assert (answer.content, answer.finish_reason) == ("Hi", "stop")


def test_sensitive_finish_is_reported_not_hidden(mode: str) -> None:
    body = sse_body(zai_event({"content": "Partly"}), zai_final("sensitive"))
    answer = run_stream(mode, "zai", [sse_response(body)]).answer()
    assert (answer.content, answer.finish_reason) == ("Partly", "sensitive")


# ------------------------------------------------------------------ broken streams


def test_a_stream_that_ends_without_done_or_finish_reason_is_interrupted(mode: str) -> None:
    body = sse_body(zai_event({"reasoning_content": "Think"}), zai_event({"content": "Half an ans"}), done=False)
    outcome = run_stream(mode, "zai", [sse_response(body)])
    error = outcome.raised()
    assert isinstance(error, StreamInterruptedError)
    assert error.partial is not None
    assert (error.partial.content, error.partial.reasoning) == ("Half an ans", "Think")
    assert error.partial.finish_reason is None
    assert isinstance(error.cause, APIConnectionError)
    assert len(outcome.chunks) == 2
    assert len(outcome.server.requests) == 1  # never retried after an event reached the caller


def test_a_connection_reset_mid_stream_is_interrupted_with_the_partial(mode: str) -> None:
    body = sse_body(zai_event({"content": "Hello "}), zai_event({"content": "wor"}), done=False)
    outcome = run_stream(mode, "zai", [sse_response(body, error=httpx2.ReadError("connection reset"))])
    error = outcome.raised()
    assert isinstance(error, StreamInterruptedError)
    assert error.partial is not None and error.partial.content == "Hello wor"
    assert isinstance(error.cause, APIConnectionError)
    assert isinstance(error.__cause__, httpx2.ReadError)
    assert len(outcome.server.requests) == 1


def test_finish_reason_network_error_is_an_interruption(mode: str) -> None:
    # §1.8: Z.ai ends a generation that broke on its side with finish_reason network_error.
    body = sse_body(zai_event({"content": "Half"}), zai_final("network_error"))
    outcome = run_stream(mode, "zai", [sse_response(body)])
    error = outcome.raised()
    assert isinstance(error, StreamInterruptedError)
    assert error.partial is not None and error.partial.content == "Half"
    assert isinstance(error.cause, ServerError) and error.cause.code == "network_error"
    assert len(outcome.server.requests) == 1


@pytest.mark.parametrize(
    "error_event",
    [
        'data: {"error":{"code":"1305","message":"The service may be temporarily overloaded"}}',
        'event: error\ndata: {"error":{"code":"1305","message":"The service may be temporarily overloaded"}}',
    ],
    ids=["data-only", "event-error"],
)
def test_an_error_inside_a_200_stream_after_the_first_event(mode: str, error_event: str) -> None:
    body = sse_body(zai_event({"content": "Hi"}), error_event, done=False)
    outcome = run_stream(mode, "zai", [sse_response(body)])
    error = outcome.raised()
    assert isinstance(error, StreamInterruptedError)
    assert isinstance(error.cause, RateLimitError) and error.cause.code == "1305"
    assert error.partial is not None and error.partial.content == "Hi"
    assert len(outcome.server.requests) == 1


def test_a_final_error_as_the_first_event_is_raised_as_itself(mode: str) -> None:
    body = sse_body('data: {"error":{"code":"1301","message":"unsafe"}}', done=False)
    outcome = run_stream(mode, "zai", [sse_response(body)])
    error = outcome.raised()
    assert isinstance(error, ContentFilterError) and error.code == "1301" and error.status_code == 200
    assert outcome.chunks == []
    assert len(outcome.server.requests) == 1


def test_a_malformed_event_mid_stream_is_an_interruption(mode: str) -> None:
    body = sse_body(zai_event({"content": "Hi"}), "data: {not json", done=False)
    error = run_stream(mode, "zai", [sse_response(body)]).raised()
    assert isinstance(error, StreamInterruptedError)
    assert isinstance(error.cause, ResponseDecodeError)
    assert error.partial is not None and error.partial.content == "Hi"


def test_a_malformed_first_event_is_a_decode_error(mode: str) -> None:
    outcome = run_stream(mode, "zai", [sse_response(sse_body("data: <html>", done=False))])
    assert isinstance(outcome.raised(), ResponseDecodeError)
    assert len(outcome.server.requests) == 1


def test_a_json_error_body_instead_of_a_stream_is_the_typed_error(mode: str) -> None:
    # Some gateways answer a streaming request with a plain JSON error and status 200.
    replies = [json_response({"error": {"code": "1113", "message": "Insufficient balance"}})]
    error = run_stream(mode, "zai", replies).raised()
    from glm_core import QuotaExceededError

    assert isinstance(error, QuotaExceededError) and error.code == "1113"


def test_a_json_completion_instead_of_a_stream_is_a_decode_error(mode: str) -> None:
    completion = {
        "id": "x",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Hi"}}],
    }
    error = run_stream(mode, "zai", [json_response(completion)]).raised()
    assert isinstance(error, ResponseDecodeError)
    assert "text/event-stream" in str(error)


def test_an_http_error_status_on_a_stream_is_the_typed_error(mode: str) -> None:
    replies = [httpx2.Response(401, json={"error": {"code": "1002", "message": "bad token"}})]
    from glm_core import AuthenticationError

    error = run_stream(mode, "zai", replies).raised()
    assert isinstance(error, AuthenticationError) and error.code == "1002"


# ------------------------------------------------------------------ tool_choice verification


def test_a_required_tool_call_missing_from_a_stream_raises(mode: str) -> None:
    body = sse_body(zai_event({"content": "It is sunny."}), zai_final())
    request = ChatRequest(
        "glm-4.7-flash", [UserMessage("Weather?")], tools=[ToolSpec("weather")], tool_choice="required"
    )
    error = run_stream(mode, "zai", [sse_response(body)], request).raised()
    assert isinstance(error, ToolCallRequiredError)
    assert error.response is not None and error.response.content == "It is sunny."


def test_a_named_tool_call_present_in_a_stream_passes(mode: str) -> None:
    request = ChatRequest(
        "glm-4.7-flash",
        [UserMessage("Weather?")],
        tools=[ToolSpec("weather"), ToolSpec("time")],
        tool_choice=NamedToolChoice("weather"),
    )
    answer = run_stream(mode, "zai", [sse_response(ZAI_TOOL_STREAM)], request).answer()
    assert answer.tool_calls[0].name == "weather"


def test_non_streamed_answer_without_the_required_tool_raises() -> None:
    completion = {
        "id": "x",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "No."}}],
    }
    server = Server([json_response(completion)])
    request = ChatRequest(
        "glm-4.7",
        [UserMessage("Time?")],
        tools=[ToolSpec("weather"), ToolSpec("time")],
        tool_choice=NamedToolChoice("time"),
    )
    with pytest.raises(ToolCallRequiredError, match="'time'") as caught:
        make_client("zai", server).chat(request)
    assert caught.value.response is not None and caught.value.response.content == "No."
    assert len(server.requests) == 1  # not retried: the same prompt would likely answer the same


def test_the_wrong_named_tool_does_not_count() -> None:
    completion = {
        "id": "x",
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls",
                "message": {
                    "role": "assistant",
                    "content": "",
                    "tool_calls": [{"id": "c", "type": "function", "function": {"name": "weather", "arguments": "{}"}}],
                },
            }
        ],
    }
    request = ChatRequest(
        "glm-4.7",
        [UserMessage("Time?")],
        tools=[ToolSpec("weather"), ToolSpec("time")],
        tool_choice=NamedToolChoice("time"),
    )
    with pytest.raises(ToolCallRequiredError):
        make_client("zai", Server([json_response(completion)])).chat(request)


@pytest.mark.parametrize("choice", ["required", NamedToolChoice("time")], ids=["required", "named"])
def test_a_required_call_is_checked_where_the_tool_choice_is_sent_too(choice: Any) -> None:
    # vLLM is sent tool_choice, but its GLM tool parsers cannot enforce it: the answer decides.
    completion = {
        "id": "x",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "No."}}],
    }
    request = ChatRequest("glm-4.7-flash", [UserMessage("Time?")], tools=[ToolSpec("time")], tool_choice=choice)
    with pytest.raises(ToolCallRequiredError, match="was sent the tool_choice but did not enforce it") as raised:
        make_client("vllm", Server([json_response(completion)])).chat(request)
    assert raised.value.response is not None and raised.value.response.content == "No."


# ------------------------------------------------------------------ the stream object


def test_the_stream_object_rules() -> None:
    server = Server([sse_response(ZAI_TOOL_STREAM)])
    client = make_client("zai", server)
    stream = client.stream(ChatRequest("glm-4.7-flash", [UserMessage("Hi")]))
    assert server.requests == []  # nothing is sent until the stream is read
    with pytest.raises(RuntimeError, match="not been read"):
        _ = stream.response
    answer = stream.get_final_response()
    assert answer.tool_calls == [ToolCall("call_ab12", "weather", ARGS)]
    with pytest.raises(RuntimeError, match="only once"):
        iter(stream)
    assert isinstance(server.streams[0], ChunkedStream) and server.all_closed()


def test_leaving_a_stream_early_closes_the_response() -> None:
    server = Server([sse_response(ZAI_TOOL_STREAM)])
    with make_client("zai", server).stream(ChatRequest("glm-4.7-flash", [UserMessage("Hi")])) as stream:
        for _ in stream:
            break
    assert isinstance(server.streams[0], ChunkedStream) and server.all_closed()


def test_partial_is_available_while_streaming() -> None:
    stream = make_client("zai", Server([sse_response(ZAI_TOOL_STREAM)])).stream(
        ChatRequest("glm-4.7-flash", [UserMessage("Hi")])
    )
    seen = []
    for _ in stream:
        seen.append(stream.partial().reasoning)
    assert seen[:2] == ["Need", "Need weather."]


async def test_async_get_final_response() -> None:
    from tests.core.helpers import make_async_client

    server = Server([sse_response(ZAI_TOOL_STREAM)])
    stream = make_async_client("zai", server).stream(ChatRequest("glm-4.7-flash", [UserMessage("Hi")]))
    answer = await stream.get_final_response()
    assert answer.content == "Checking."
    assert isinstance(server.streams[0], ChunkedStream) and server.all_closed()


def test_big_events_fit() -> None:
    # DESIGN: httpx2's 1 MiB default per event is too small for a long tool argument.
    big = json.dumps({"text": "x" * (2 * 1024 * 1024)})
    body = sse_body(
        zai_event(
            {
                "tool_calls": [
                    {"id": "c", "index": 0, "type": "function", "function": {"name": "save", "arguments": big}}
                ]
            }
        ),
        zai_final("tool_calls"),
    )
    answer = run_stream("sync", "zai", [sse_response(body)]).answer()
    assert answer.tool_calls[0].arguments == big


def test_null_finalisation_tool_chunks_change_nothing(mode: str) -> None:
    # §2.4 (cloudflare/ai #523): a tool chunk with every field null may follow the complete call.
    body = sse_body(
        zai_event(
            {
                "tool_calls": [
                    {"index": 0, "id": "call_1", "type": "function", "function": {"name": "weather", "arguments": ARGS}}
                ]
            }
        ),
        zai_event(
            {"tool_calls": [{"index": 0, "id": None, "type": None, "function": {"name": None, "arguments": None}}]}
        ),
        zai_event({}, finish_reason="tool_calls"),
    )
    assert run_stream(mode, "cloudflare", [sse_response(body)]).answer().tool_calls == [
        ToolCall("call_1", "weather", ARGS)
    ]


def test_a_single_call_without_an_index(mode: str) -> None:
    body = sse_body(
        zai_event(
            {
                "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": '{"location":'}}
                ]
            }
        ),
        zai_event({"tool_calls": [{"function": {"arguments": '"Florence"}'}}]}),
        zai_event({}, finish_reason="tool_calls"),
    )
    assert run_stream(mode, "vllm", [sse_response(body)]).answer().tool_calls == [ToolCall("call_1", "weather", ARGS)]


def test_an_sglang_error_object_in_a_stream_is_an_error_not_an_empty_chunk(mode: str) -> None:
    error_event = {"object": "error", "message": "CUDA out of memory", "type": "InternalServerError", "code": 500}
    body = sse_body(zai_event({"content": "Hi"}), error_event)
    error = run_stream(mode, "sglang", [sse_response(body)]).raised()
    assert isinstance(error, StreamInterruptedError)
    assert isinstance(error.cause, ServerError) and error.cause.code == "500"
    assert error.partial is not None and error.partial.content == "Hi"


def test_a_vllm_bad_request_as_the_first_event_is_not_retried(mode: str) -> None:
    from glm_core import BadRequestError

    first = {"error": {"object": "error", "message": "bad tool schema", "type": "BadRequestError", "code": 400}}
    outcome = run_stream(mode, "vllm", [sse_response(sse_body(first))])
    assert isinstance(outcome.raised(), BadRequestError)
    assert len(outcome.server.requests) == 1
