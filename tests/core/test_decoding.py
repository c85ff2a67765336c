"""Decoding non-streamed answers, per provider shape (providers.md §1.7, §2.3, §3, §5)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from glm_core import ChatRequest, EmptyAnswerError, ResponseDecodeError, ToolCall, UserMessage
from tests.core.helpers import Server, json_response, make_async_client, make_client

HI = [UserMessage("Weather in Florence?")]

# §1.7, composed after FANTASY zai-glm-4-7-flash/tool.yaml
ZAI_TOOL_CALL = {
    "id": "20260313050303abc",
    "request_id": "20260313050303abc",
    "created": 1773349384,
    "model": "glm-4.7-flash",
    "object": "chat.completion",
    "choices": [
        {
            "index": 0,
            "finish_reason": "tool_calls",
            "message": {
                "role": "assistant",
                "content": "I'll check.",
                "reasoning_content": "Need the weather tool.",
                "tool_calls": [
                    {
                        "id": "call_-780724",
                        "index": 0,
                        "type": "function",
                        "function": {"name": "weather", "arguments": '{"location":"Florence"}'},
                    }
                ],
            },
        }
    ],
    "usage": {
        "prompt_tokens": 173,
        "completion_tokens": 88,
        "total_tokens": 261,
        "prompt_tokens_details": {"cached_tokens": 43},
        "completion_tokens_details": {"reasoning_tokens": 62},
    },
}

# §2.3, the composed native example
CLOUDFLARE_NATIVE = {
    "result": {
        "id": "chatcmpl-aff67409f4679b08",
        "object": "chat.completion",
        "created": 1760000000,
        "model": "@cf/zai-org/glm-4.7-flash",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "stop_reason": None,
                "logprobs": None,
                "message": {
                    "role": "assistant",
                    "content": "Hi!",
                    "reasoning": "Greet.",
                    "reasoning_content": "Greet.",
                    "tool_calls": [],
                    "refusal": None,
                },
            }
        ],
        "usage": {
            "prompt_tokens": 12,
            "completion_tokens": 20,
            "total_tokens": 32,
            "prompt_tokens_details": {"cached_tokens": 0},
            "neurons": 1.1,
        },
    },
    "success": True,
    "errors": [],
    "messages": [],
}

# §3, the composed AI/ML example
AIML = {
    "id": "20251224113151a94620120f9e4ebf",
    "object": "chat.completion",
    "created": 1766547111,
    "model": "glm-4.7",
    "choices": [
        {
            "index": 0,
            "finish_reason": "stop",
            "message": {"role": "assistant", "content": "Hello!", "reasoning_content": "Greet."},
        }
    ],
    "usage": {
        "prompt_tokens": 9,
        "completion_tokens": 30,
        "total_tokens": 39,
        "prompt_tokens_details": {"cached_tokens": 0},
    },
    "meta": {"usage": {"credits_used": 1149}},
}

# §5: OpenRouter answers with `reasoning` + `reasoning_details`, and may send keep-alive whitespace first.
OPENROUTER = {
    "id": "gen-1760000000-abc",
    "provider": "Z.AI",
    "model": "z-ai/glm-4.7",
    "object": "chat.completion",
    "created": 1760000000,
    "choices": [
        {
            "index": 0,
            "finish_reason": "stop",
            "native_finish_reason": "stop",
            "message": {
                "role": "assistant",
                "content": "\n\nHello there.",
                "reasoning": "Say hello.",
                "reasoning_details": [
                    {"type": "reasoning.text", "text": "Say hello.", "format": "unknown", "index": 0}
                ],
            },
        }
    ],
    "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15, "cost": 0.0001, "is_byok": False},
}

# §5: newer vLLM emits only `reasoning`.
VLLM = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1,
    "model": "glm-4.7-flash",
    "choices": [
        {
            "index": 0,
            "finish_reason": "stop",
            "message": {"role": "assistant", "content": "Hi.", "reasoning": "Short answer.", "tool_calls": []},
        }
    ],
    "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12},
}


def chat(provider: str, body: Any, model: str = "glm-4.7-flash") -> Any:
    server = Server([body if not isinstance(body, dict) else json_response(body)])
    return make_client(provider, server).chat(ChatRequest(model, HI))


def test_zai_reasoning_tool_call_and_usage_details() -> None:
    answer = chat("zai", ZAI_TOOL_CALL)
    assert answer.content == "I'll check."
    assert answer.reasoning == "Need the weather tool."
    assert answer.tool_calls == [ToolCall("call_-780724", "weather", '{"location":"Florence"}')]
    assert answer.finish_reason == "tool_calls"
    assert answer.id == "20260313050303abc"
    assert answer.model == "glm-4.7-flash"
    assert answer.provider == "zai"
    usage = answer.usage
    assert usage is not None
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens) == (173, 88, 261)
    assert (usage.cached_tokens, usage.reasoning_tokens) == (43, 62)
    assert answer.raw == ZAI_TOOL_CALL


def test_zai_parallel_tool_calls_keep_their_order() -> None:
    body = json.loads(json.dumps(ZAI_TOOL_CALL))
    message = body["choices"][0]["message"]
    message["content"] = ""
    message["tool_calls"].append(
        {
            "id": "call_-99",
            "index": 1,
            "type": "function",
            "function": {"name": "weather", "arguments": '{"location":"Rome"}'},
        }
    )
    answer = chat("zai", body)
    assert answer.content == ""
    assert [(c.id, c.arguments) for c in answer.tool_calls] == [
        ("call_-780724", '{"location":"Florence"}'),
        ("call_-99", '{"location":"Rome"}'),
    ]


def test_zai_web_search_results_are_surfaced() -> None:
    results = [
        {
            "title": "Florence weather",
            "content": "Sunny, 40 C",
            "link": "https://weather.example/florence",
            "media": "Weather Example",
            "icon": "",
            "refer": "ref_1",
            "publish_date": "2026-07-01",
        }
    ]
    body = {**ZAI_TOOL_CALL, "web_search": results}
    body["choices"] = [
        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "It is 40 C [ref_1]."}}
    ]
    answer = chat("zai", body)
    assert answer.web_search == results
    assert answer.reasoning is None
    assert answer.tool_calls == []


def test_zai_2025_answers_without_object_decode() -> None:
    body = {k: v for k, v in ZAI_TOOL_CALL.items() if k != "object"}
    assert chat("zai", body).content == "I'll check."


def test_arguments_given_as_an_object_become_json_text() -> None:
    # §9.7: the Z.ai OpenAPI says object; real traffic sends a string. Both decode to JSON text.
    body = json.loads(json.dumps(ZAI_TOOL_CALL))
    body["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"] = {"location": "Firenze"}
    call = chat("zai", body).tool_calls[0]
    assert json.loads(call.arguments) == {"location": "Firenze"}


def test_a_tool_call_without_id_gets_a_stable_one() -> None:
    body = json.loads(json.dumps(ZAI_TOOL_CALL))
    del body["choices"][0]["message"]["tool_calls"][0]["id"]
    assert chat("zai", body).tool_calls[0].id == "call_0"


def test_cloudflare_native_envelope_both_reasoning_fields_and_float_neurons() -> None:
    answer = chat("cloudflare", CLOUDFLARE_NATIVE)
    assert answer.content == "Hi!"
    assert answer.reasoning == "Greet."  # both fields carry the same text: taken once
    assert answer.tool_calls == []
    assert answer.id == "chatcmpl-aff67409f4679b08"
    assert answer.model == "@cf/zai-org/glm-4.7-flash"
    assert answer.usage is not None
    assert (answer.usage.input_tokens, answer.usage.output_tokens, answer.usage.cached_tokens) == (12, 20, 0)
    assert answer.usage.raw is not None and answer.usage.raw["neurons"] == 1.1
    assert answer.raw == CLOUDFLARE_NATIVE["result"]


def test_cloudflare_openai_is_the_bare_completion() -> None:
    answer = chat("cloudflare_openai", CLOUDFLARE_NATIVE["result"])
    assert (answer.content, answer.reasoning) == ("Hi!", "Greet.")


def test_cloudflare_content_null_when_reasoning_ate_the_budget() -> None:
    # Never a plain empty answer: an EmptyAnswerError that keeps the whole answer.
    body = json.loads(json.dumps(CLOUDFLARE_NATIVE))
    choice = body["result"]["choices"][0]
    choice["finish_reason"] = "length"
    choice["message"]["content"] = None
    with pytest.raises(EmptyAnswerError, match="whole output budget") as caught:
        chat("cloudflare", body)
    answer = caught.value.response
    assert answer is not None and answer.content == ""
    assert caught.value.reasoning == "Greet."
    assert caught.value.finish_reason == "length"


def test_aimlapi_meta_is_kept_in_raw() -> None:
    answer = chat("aimlapi", AIML, model="glm-4.7")
    assert (answer.content, answer.reasoning) == ("Hello!", "Greet.")
    assert answer.usage is not None and answer.usage.cached_tokens == 0
    assert answer.usage.reasoning_tokens is None
    assert answer.raw is not None and answer.raw["meta"] == {"usage": {"credits_used": 1149}}


def test_openrouter_reasoning_once_and_content_untouched_after_leading_whitespace() -> None:
    import httpx2

    keep_alive_first = httpx2.Response(
        200, content=b"\n\n   \n" + json.dumps(OPENROUTER).encode(), headers={"content-type": "application/json"}
    )
    answer = chat("openrouter", keep_alive_first, model="glm-4.7")
    assert answer.reasoning == "Say hello."
    assert answer.content == "\n\nHello there."
    assert answer.usage is not None and answer.usage.raw is not None and answer.usage.raw["cost"] == 0.0001


def test_openrouter_reasoning_details_alone_are_read() -> None:
    body = json.loads(json.dumps(OPENROUTER))
    del body["choices"][0]["message"]["reasoning"]
    body["choices"][0]["message"]["reasoning_details"].append(
        {"type": "reasoning.text", "text": " Then stop.", "format": "unknown", "index": 1}
    )
    assert chat("openrouter", body, model="glm-4.7").reasoning == "Say hello. Then stop."


@pytest.mark.parametrize("provider", ["vllm", "sglang"])
def test_self_hosted_reasoning_only(provider: str) -> None:
    answer = chat(provider, VLLM)
    assert (answer.content, answer.reasoning) == ("Hi.", "Short answer.")
    assert answer.usage is not None and answer.usage.cached_tokens is None


def test_total_tokens_missing_is_the_sum() -> None:
    body = {**VLLM, "usage": {"prompt_tokens": 5, "completion_tokens": 7}}
    answer = chat("vllm", body)
    assert answer.usage is not None and answer.usage.total_tokens == 12


def test_no_usage_is_none() -> None:
    body = {k: v for k, v in VLLM.items() if k != "usage"}
    assert chat("vllm", body).usage is None


@pytest.mark.parametrize("reason", ["sensitive", "length", "model_context_window_exceeded"])
def test_extra_finish_reasons_are_reported(reason: str) -> None:
    body = json.loads(json.dumps(ZAI_TOOL_CALL))
    body["choices"][0]["finish_reason"] = reason
    assert chat("zai", body).finish_reason == reason


def test_a_body_that_is_not_json_is_a_decode_error() -> None:
    import httpx2

    with pytest.raises(ResponseDecodeError, match="not JSON"):
        chat("zai", httpx2.Response(200, content=b"<html>hello</html>", headers={"content-type": "text/html"}))


@pytest.mark.parametrize("body", [{"id": "x", "choices": []}, {"id": "x"}, {"choices": [{"index": 0}]}])
def test_a_completion_without_a_message_is_a_decode_error(body: dict[str, Any]) -> None:
    with pytest.raises(ResponseDecodeError, match=r"choices\[0\]\.message"):
        chat("zai", body)


def test_a_json_array_is_a_decode_error() -> None:
    import httpx2

    with pytest.raises(ResponseDecodeError, match="expected a JSON object"):
        chat("vllm", httpx2.Response(200, json=[1, 2]))


def test_the_answer_goes_back_into_the_history_in_the_providers_reasoning_field() -> None:
    server = Server([json_response(ZAI_TOOL_CALL), json_response(ZAI_TOOL_CALL)])
    client = make_client("vllm", server)
    first = client.chat(ChatRequest("glm-4.7-flash", HI))
    client.chat(ChatRequest("glm-4.7-flash", [*HI, first.to_message()]))
    assert server.bodies[1]["messages"][1] == {
        "role": "assistant",
        "content": "I'll check.",
        "reasoning": "Need the weather tool.",
        "tool_calls": [
            {
                "id": "call_-780724",
                "type": "function",
                "function": {"name": "weather", "arguments": '{"location":"Florence"}'},
            }
        ],
    }


async def test_async_chat_decodes_the_same() -> None:
    server = Server([json_response(CLOUDFLARE_NATIVE)])
    answer = await make_async_client("cloudflare", server).chat(ChatRequest("glm-4.7-flash", HI))
    assert (answer.content, answer.reasoning, answer.finish_reason) == ("Hi!", "Greet.", "stop")
    assert str(server.requests[0].url).endswith("/ai/run/@cf/zai-org/glm-4.7-flash")
