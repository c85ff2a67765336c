"""Each provider answers a plain chat request in its own documented shape, streamed or not."""

from __future__ import annotations

import re

import pytest

from glm_core.testing import Emulator, Shape
from tests.emulator.emulator_helpers import (
    ACCOUNT,
    KEY,
    PROVIDERS,
    ROUTES,
    ZAI_FAMILY,
    assemble,
    body_for,
    client,
    post,
    sse_chunks,
    sse_data,
    unwrap,
)


@pytest.mark.parametrize(
    ("provider", "base_url"),
    [
        ("zai", "https://api.z.ai/api/paas/v4"),
        ("zai_coding", "https://api.z.ai/api/coding/paas/v4"),
        ("bigmodel", "https://open.bigmodel.cn/api/paas/v4"),
        ("empiriolabs", "https://api.empiriolabs.ai/v1"),
        ("cloudflare", f"https://api.cloudflare.com/client/v4/accounts/{ACCOUNT}/ai"),
        ("cloudflare_openai", f"https://api.cloudflare.com/client/v4/accounts/{ACCOUNT}/ai/v1"),
        ("aimlapi", "https://api.aimlapi.com/v1"),
        ("openrouter", "https://openrouter.ai/api/v1"),
        ("vllm", "http://localhost:8000/v1"),
        ("sglang", "http://localhost:30000/v1"),
    ],
)
def test_base_url_is_the_real_one(provider: str, base_url: str) -> None:
    assert Emulator(provider, account_id=ACCOUNT).base_url == base_url


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_provider_answers_a_plain_chat(provider: str) -> None:
    r = post(provider, body_for(provider, "Hello there"))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    completion = unwrap(provider, r.json())
    assert completion["object"] == "chat.completion"
    message = completion["choices"][0]["message"]
    assert message["role"] == "assistant"
    assert message["content"] == "Hello! You said: Hello there"
    assert completion["choices"][0]["finish_reason"] == "stop"
    usage = completion["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0


@pytest.mark.parametrize("provider", ZAI_FAMILY)
def test_zai_body_id_equals_request_id_and_has_token_details(provider: str) -> None:
    completion = post(provider, body_for(provider)).json()
    assert completion["id"] == completion["request_id"]
    assert re.fullmatch(r"\d{14}[0-9a-f]{16}", completion["id"])
    message = completion["choices"][0]["message"]
    assert message["reasoning_content"]  # thinking is on by default
    assert "reasoning" not in message
    usage = completion["usage"]
    assert usage["prompt_tokens_details"] == {"cached_tokens": 0}
    assert usage["completion_tokens_details"]["reasoning_tokens"] > 0


def test_zai_echoes_a_given_request_id() -> None:
    completion = post("zai", body_for("zai", request_id="my-request-42")).json()
    assert completion["id"] == completion["request_id"] == "my-request-42"


def test_aimlapi_is_the_zai_body_plus_credits() -> None:
    completion = post("aimlapi", body_for("aimlapi")).json()
    assert completion["id"] == completion["request_id"]
    assert completion["model"] == "glm-4.7"
    assert isinstance(completion["meta"]["usage"]["credits_used"], int)
    assert completion["choices"][0]["message"]["reasoning_content"]


def test_empiriolabs_is_openai_shaped_with_reasoning_content() -> None:
    completion = post("empiriolabs", body_for("empiriolabs")).json()
    assert completion["id"].startswith("chatcmpl-")
    assert "request_id" not in completion
    assert completion["model"] == "glm-4-7-flash"
    assert completion["choices"][0]["message"]["reasoning_content"]


@pytest.mark.parametrize("provider", ["cloudflare", "cloudflare_openai", "vllm"])
def test_vllm_backed_bodies_carry_both_reasoning_fields(provider: str) -> None:
    completion = unwrap(provider, post(provider, body_for(provider)).json())
    message = completion["choices"][0]["message"]
    assert message["reasoning"] == message["reasoning_content"] and message["reasoning"]
    assert message["tool_calls"] == []
    assert completion["choices"][0]["stop_reason"] is None


def test_cloudflare_native_wraps_the_completion_and_counts_neurons() -> None:
    payload = post("cloudflare", body_for("cloudflare")).json()
    assert set(payload) == {"result", "success", "errors", "messages"}
    result = payload["result"]
    assert result["id"].startswith("chatcmpl-") and result["model"] == "@cf/zai-org/glm-4.7-flash"
    assert isinstance(result["usage"]["neurons"], float)


def test_cloudflare_openai_compatible_path_has_no_envelope() -> None:
    completion = post("cloudflare_openai", body_for("cloudflare_openai")).json()
    assert "result" not in completion and completion["object"] == "chat.completion"


def test_cloudflare_native_accepts_a_raw_prompt() -> None:
    payload = post("cloudflare", {"prompt": "Tell me something"}).json()
    assert payload["result"]["choices"][0]["message"]["content"] == "Hello! You said: Tell me something"


def test_cloudflare_account_serves_both_routes() -> None:
    emu = Emulator("cloudflare", api_key="test-key")
    with client(emu) as c:
        native = c.post("/run/@cf/zai-org/glm-4.7-flash", json=body_for("cloudflare"))
        compat = c.post("/v1/chat/completions", json=body_for("cloudflare_openai"))
    assert "result" in native.json() and "result" not in compat.json()


def test_openrouter_body_starts_with_whitespace_and_carries_reasoning_details() -> None:
    r = post("openrouter", body_for("openrouter"))
    assert r.content[:1].isspace()
    completion = r.json()
    assert completion["provider"] == "Z.AI" and completion["id"].startswith("gen-")
    choice = completion["choices"][0]
    assert choice["native_finish_reason"] == "stop"
    message = choice["message"]
    assert message["reasoning_details"] == [
        {"type": "reasoning.text", "text": message["reasoning"], "format": "unknown", "index": 0}
    ]
    assert "reasoning_content" not in message
    assert isinstance(completion["usage"]["cost"], float)


def test_sglang_uses_reasoning_content_only() -> None:
    completion = post("sglang", body_for("sglang")).json()
    message = completion["choices"][0]["message"]
    assert message["reasoning_content"] and "reasoning" not in message
    assert "matched_stop" in completion["choices"][0]


# -- streams ---------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_provider_streams_reasoning_then_content_then_done(provider: str) -> None:
    # The documented shape (Shape()); the captured variants are pinned in test_traffic_shapes.py.
    documented = Emulator(provider, api_key=KEY, shape=Shape())
    r = post(
        provider, body_for(provider, "Hello there", stream=True, stream_options={"include_usage": True}), emu=documented
    )
    assert r.status_code == 200
    assert r.headers["content-type"].lower().startswith("text/event-stream")
    chunks = sse_chunks(r.text)
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert len({c["id"] for c in chunks}) == 1
    folded = assemble(chunks)
    assert folded["content"] == "Hello! You said: Hello there"
    assert folded["reasoning"]
    assert folded["finish_reason"] == "stop"
    assert folded["usage"]["total_tokens"] > 0
    # reasoning deltas all come before the first content delta
    kinds = []
    for c in chunks:
        for choice in c["choices"]:
            d = choice["delta"]
            if d.get("reasoning_content") or d.get("reasoning"):
                kinds.append("r")
            elif d.get("content"):
                kinds.append("c")
    assert kinds == sorted(kinds, key=lambda k: k == "c")


@pytest.mark.parametrize("provider", ZAI_FAMILY)
def test_zai_stream_framing(provider: str) -> None:
    r = post(provider, body_for(provider, stream=True), emu=Emulator(provider, api_key=KEY, shape=Shape()))
    assert r.headers["content-type"] == "text/event-stream;charset=UTF-8"
    assert "event:" not in r.text
    chunks = sse_chunks(r.text)
    *body, last = chunks
    assert all("finish_reason" not in c["choices"][0] for c in body)
    assert all("usage" not in c for c in body)
    assert all(c["choices"][0]["delta"]["role"] == "assistant" for c in body)
    assert last["choices"][0] == {"index": 0, "finish_reason": "stop", "delta": {"role": "assistant", "content": ""}}
    assert last["usage"]["completion_tokens_details"]["reasoning_tokens"] > 0


@pytest.mark.parametrize("provider", ["cloudflare", "cloudflare_openai", "vllm", "sglang", "aimlapi"])
def test_stream_usage_only_when_asked_with_include_usage(provider: str) -> None:
    without = sse_chunks(post(provider, body_for(provider, stream=True)).text)
    assert all("usage" not in c for c in without)
    with_usage = sse_chunks(
        post(provider, body_for(provider, stream=True, stream_options={"include_usage": True})).text
    )
    assert "usage" in with_usage[-1]
    assert sum("usage" in c for c in with_usage) == 1


@pytest.mark.parametrize("provider", ["cloudflare", "vllm", "sglang", "openrouter"])
def test_openai_style_streams_end_with_a_usage_chunk_without_choices(provider: str) -> None:
    chunks = sse_chunks(post(provider, body_for(provider, stream=True, stream_options={"include_usage": True})).text)
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["total_tokens"] > 0
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"


def test_cloudflare_native_stream_has_no_envelope() -> None:
    chunks = sse_chunks(post("cloudflare", body_for("cloudflare", stream=True)).text)
    assert all("result" not in c and "success" not in c for c in chunks)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}


def test_openrouter_stream_has_processing_comments_and_usage_without_asking() -> None:
    # Documented by OpenRouter; not seen in captured GLM streams, so a variant rather than the default.
    r = post(
        "openrouter",
        body_for("openrouter", stream=True),
        emu=Emulator("openrouter", api_key=KEY, shape={"comment_lines": True}),
    )
    assert r.text.startswith(": OPENROUTER PROCESSING\n\n")
    chunks = sse_chunks(r.text)
    assert chunks[-1]["usage"]["cost"] > 0
    reasoning = [c for c in chunks if c["choices"] and c["choices"][0]["delta"].get("reasoning")]
    assert reasoning and all(
        c["choices"][0]["delta"]["reasoning_details"][0]["type"] == "reasoning.text" for c in reasoning
    )


def test_stream_data_lines_are_all_json_except_done() -> None:
    data = sse_data(post("zai", body_for("zai", stream=True)).text)
    assert data[-1] == "[DONE]" and all(d.startswith("{") for d in data[:-1])


@pytest.mark.parametrize("provider", PROVIDERS)
def test_requests_are_recorded_with_lowercase_headers_and_parsed_body(provider: str) -> None:
    emu = Emulator(provider, api_key="test-key")
    body = body_for(provider)
    with client(emu) as c:
        c.post(ROUTES[provider][0], json=body, headers={"X-Custom": "1"})
    (recorded,) = emu.requests
    assert recorded.method == "POST"
    assert recorded.path == emu.base_path + ROUTES[provider][0]
    assert recorded.headers["x-custom"] == "1" and recorded.headers["authorization"] == "Bearer test-key"
    assert recorded.body == body
    assert b'"messages"' in recorded.raw


def test_workers_ai_streams_glm_5_3_flash_as_captured() -> None:
    # real-traffic.md §3.7 (2026-10-03): padding, matched_stop, running usage with neurons, a
    # `choices: []` chunk, then a native chunk without choices.
    emu = Emulator("cloudflare", api_key=KEY)
    with client(emu) as c:
        text = c.post("/run/@cf/zai-org/glm-5.3-flash", json=body_for("cloudflare", stream=True)).text
    *chunks, native = sse_chunks(text)
    assert set(native) == {"response", "usage"} and native["response"] == "" and native["usage"]["neurons"] > 0
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["neurons"] == 0
    for chunk in chunks:
        assert list(chunk) == sorted(chunk) and isinstance(chunk["p"], str) and chunk["p"]
        assert isinstance(chunk["usage"]["neurons"], float | int)
        for choice in chunk["choices"]:
            assert choice["matched_stop"] is None and "reasoning" not in choice["delta"]
    running = [c["usage"]["completion_tokens"] for c in chunks]
    assert running == sorted(running) and running[-1] == native["usage"]["completion_tokens"]
    assert chunks[0]["choices"][0]["delta"] == {"content": "", "reasoning_content": None, "role": "assistant"}


def test_workers_ai_dress_is_only_the_captured_default_for_glm_5_3_on_the_native_route() -> None:
    assert "p" not in sse_chunks(post("cloudflare", body_for("cloudflare", stream=True)).text)[0]
    dressed = Emulator("cloudflare_openai", api_key=KEY, shape={"workers_ai_stream": "on"})
    chunks = sse_chunks(post("cloudflare_openai", body_for("cloudflare_openai", stream=True), emu=dressed).text)
    assert "p" in chunks[0] and set(chunks[-1]) == {"response", "usage"}


@pytest.mark.parametrize(("effort", "reasons"), [("low", False), ("high", False), ("max", True), (None, True)])
def test_zai_glm_5_3_answers_without_reasoning_at_low_and_high_effort(effort: str | None, reasons: bool) -> None:
    # real-traffic.md §3.1 (pydantic-ai cassettes, Z.ai PAYG, 2026-08-30).
    body = body_for("zai", model="glm-5.3") | ({"reasoning_effort": effort} if effort else {})
    completion = post("zai", body).json()
    assert ("reasoning_content" in completion["choices"][0]["message"]) is reasons
    assert (completion["usage"]["completion_tokens_details"]["reasoning_tokens"] > 0) is reasons


def test_empty_after_reasoning_stops_with_reasoning_and_nothing_else() -> None:
    emu = Emulator("zai", api_key=KEY, shape={"empty_after_reasoning": True})
    message = post("zai", body_for("zai"), emu=emu).json()["choices"][0]
    assert message["finish_reason"] == "stop" and message["message"]["content"] == ""
    assert message["message"]["reasoning_content"]
