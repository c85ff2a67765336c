"""Cloudflare native answers validate against the required parts of the model's published output
schema (cloudflare-docs src/content/workers-ai-models/glm-4.7-flash.json, "schema.output"):

- the REST envelope: {result, success, errors, messages};
- result: required id (string), object (string), created (integer), model (string), choices
  (array, minItems 1);
- each choice: required index (integer), message, finish_reason (stop | length | tool_calls |
  content_filter | function_call), logprobs (object or null);
- message: required role ("assistant"), content (string or null), refusal (string or null);
  tool_calls items require id, type "function", function {name, arguments: string};
- usage: required prompt_tokens, completion_tokens, total_tokens (integers).
The stream is the second oneOf branch (text/event-stream): chat.completion.chunk objects, no envelope.

Note: observed traffic carries `annotations: null` and `audio: null`, which the published
schema types as array/object; the emulator follows the traffic, so those optional properties are
not checked here.
"""

from __future__ import annotations

from typing import Any

import pytest

from glm_core.testing import Emulator, Fault
from tests.emulator.emulator_helpers import MAGIC_TOOL, WEATHER_TOOL, body_for, post, sse_chunks

FINISH_REASONS = {"stop", "length", "tool_calls", "content_filter", "function_call"}


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_envelope(payload: dict[str, Any]) -> dict[str, Any]:
    assert set(payload) == {"result", "success", "errors", "messages"}
    assert payload["success"] is True and payload["errors"] == [] and isinstance(payload["messages"], list)
    result: dict[str, Any] = payload["result"]
    return result


def check_completion(result: dict[str, Any]) -> None:
    for key, kind in (("id", str), ("object", str), ("model", str), ("choices", list)):
        assert isinstance(result.get(key), kind), key
    assert is_int(result["created"])
    assert len(result["choices"]) >= 1
    for choice in result["choices"]:
        assert {"index", "message", "finish_reason", "logprobs"} <= set(choice)
        assert is_int(choice["index"]) and choice["finish_reason"] in FINISH_REASONS
        assert choice["logprobs"] is None or isinstance(choice["logprobs"], dict)
        message = choice["message"]
        assert {"role", "content", "refusal"} <= set(message)
        assert message["role"] == "assistant"
        assert message["content"] is None or isinstance(message["content"], str)
        assert message["refusal"] is None or isinstance(message["refusal"], str)
        for call in message.get("tool_calls", []):
            assert isinstance(call["id"], str) and call["type"] == "function"
            assert isinstance(call["function"]["name"], str) and isinstance(call["function"]["arguments"], str)
        assert message.get("function_call") is None or isinstance(message["function_call"], dict)
    usage = result.get("usage")
    if usage is not None:
        assert all(is_int(usage[k]) for k in ("prompt_tokens", "completion_tokens", "total_tokens"))
        assert isinstance(usage.get("prompt_tokens_details", {}), dict)


def check_chunk(chunk: dict[str, Any]) -> None:
    assert "result" not in chunk and "success" not in chunk
    for key, kind in (("id", str), ("object", str), ("model", str), ("choices", list)):
        assert isinstance(chunk.get(key), kind), key
    assert chunk["object"] == "chat.completion.chunk" and is_int(chunk["created"])
    for choice in chunk["choices"]:
        assert is_int(choice["index"]) and isinstance(choice["delta"], dict)
        assert choice["finish_reason"] is None or choice["finish_reason"] in FINISH_REASONS


REQUESTS = {
    "plain": body_for("cloudflare", "Hello there"),
    "prompt": {"prompt": "Hello there"},
    "tool_call": body_for("cloudflare", "Use magic_function(3)", tools=[MAGIC_TOOL]),
    "parallel": body_for("cloudflare", "magic_function(3) and the weather in Oslo", tools=[MAGIC_TOOL, WEATHER_TOOL]),
    "forced": body_for("cloudflare", "Hi", tools=[WEATHER_TOOL], tool_choice="required"),
    "json_schema": body_for(
        "cloudflare",
        "A pet",
        response_format={
            "type": "json_schema",
            "json_schema": {
                "name": "pet",
                "schema": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
            },
        },
    ),
    "no_thinking": body_for("cloudflare", "Hi", chat_template_kwargs={"enable_thinking": False}),
    "budget_spent": body_for("cloudflare", "Explain", max_completion_tokens=2),
}


@pytest.mark.parametrize("name", list(REQUESTS))
def test_native_answers_match_the_published_output_schema(name: str) -> None:
    r = post("cloudflare", REQUESTS[name])
    assert r.status_code == 200, r.text
    check_completion(check_envelope(r.json()))


@pytest.mark.parametrize("name", list(REQUESTS))
def test_native_streams_match_the_event_stream_branch(name: str) -> None:
    body = REQUESTS[name] | {"stream": True, "stream_options": {"include_usage": True}}
    r = post("cloudflare", body)
    assert r.headers["content-type"].startswith("text/event-stream")
    chunks = sse_chunks(r.text)
    for chunk in chunks:
        check_chunk(chunk)
    assert chunks[-1]["choices"] == [] and is_int(chunks[-1]["usage"]["total_tokens"])


def test_the_openai_compatible_path_returns_the_bare_result() -> None:
    r = post("cloudflare_openai", body_for("cloudflare_openai"))
    check_completion(r.json())


@pytest.mark.parametrize(("fault", "status"), [(Fault(code=3040), 429), (Fault(kind="cloudflare_success_false"), 200)])
def test_failures_use_the_error_envelope(fault: Fault, status: int) -> None:
    emu = Emulator("cloudflare", api_key="test-key")
    emu.queue(fault)
    r = post("cloudflare", body_for("cloudflare"), emu=emu)
    payload = r.json()
    assert r.status_code == status
    assert set(payload) == {"result", "success", "errors", "messages"}
    assert payload["result"] is None and payload["success"] is False
    assert all(is_int(e["code"]) and isinstance(e["message"], str) for e in payload["errors"])
