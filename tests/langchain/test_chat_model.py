"""ChatGLM's options, calls and streaming, against scripted answers on a mock transport."""

from __future__ import annotations

import json
import warnings
from typing import Any

import httpx2
import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage
from pydantic import SecretStr

from glm_core.providers import PROVIDERS as PROFILES
from langchain_glm import ChatGLM
from tests.langchain.helpers import (
    ACCOUNT,
    KEY,
    PROVIDERS,
    chunk,
    completion,
    make_llm,
    sse,
    stream_events,
)

# ---------------------------------------------------------------- construction and options


@pytest.mark.parametrize(
    ("provider", "env"),
    [
        ("zai", {"ZAI_API_KEY": "k-env"}),
        ("zai_coding", {"ZAI_API_KEY": "k-env"}),
        ("bigmodel", {"ZHIPUAI_API_KEY": "k-env"}),
        ("empiriolabs", {"EMPIRIOLABS_API_KEY": "k-env"}),
        ("cloudflare", {"CLOUDFLARE_API_TOKEN": "k-env", "CLOUDFLARE_ACCOUNT_ID": "acct"}),
        ("cloudflare_openai", {"CLOUDFLARE_API_TOKEN": "k-env", "CLOUDFLARE_ACCOUNT_ID": "acct"}),
        ("aimlapi", {"AIMLAPI_API_KEY": "k-env"}),
        ("openrouter", {"OPENROUTER_API_KEY": "k-env"}),
    ],
)
def test_api_key_comes_from_the_providers_env_var(
    provider: str, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    llm = ChatGLM(provider=provider)
    assert llm.api_key is not None
    assert llm.api_key.get_secret_value() == "k-env"
    assert "k-env" not in repr(llm)
    assert llm.lc_secrets == {"api_key": next(n for n in env if not n.endswith("ACCOUNT_ID"))}


def test_plain_str_key_is_stored_as_a_secret() -> None:
    llm = ChatGLM(api_key="sk-plain")
    assert isinstance(llm.api_key, SecretStr)
    assert llm.api_key.get_secret_value() == "sk-plain"
    assert "sk-plain" not in repr(llm)


def test_missing_key_names_the_variable() -> None:
    with pytest.raises(ValueError, match="ZAI_API_KEY is not set; pass api_key"):
        ChatGLM(provider="zai")
    with pytest.raises(ValueError, match="CLOUDFLARE_ACCOUNT_ID is not set"):
        ChatGLM(provider="cloudflare", api_key="k")
    with pytest.raises(ValueError, match="pass base_url"):
        ChatGLM(provider="vllm")
    with pytest.raises(ValueError, match="unknown provider 'nope'; valid providers: zai"):
        ChatGLM(provider="nope", api_key="k")


def test_self_hosted_needs_no_key() -> None:
    llm = ChatGLM(provider="vllm", base_url="http://gpu:8000/v1", model="my-glm")
    assert llm.api_key is None


def test_unknown_kwargs_move_to_model_kwargs_with_a_warning_and_are_sent() -> None:
    with pytest.warns(UserWarning, match="user_id was transferred to model_kwargs"):
        llm, script = make_llm(completion(), user_id="user-123456", extra_body={"request_id": "r1"})
    assert llm.model_kwargs == {"user_id": "user-123456"}
    llm.invoke("Hi")
    assert script.body["user_id"] == "user-123456"
    assert script.body["request_id"] == "r1"


def test_known_kwargs_do_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ChatGLM(api_key="k", model="glm-4.7", temperature=0.2, thinking=False, timeout=5, max_retries=1)
        ChatGLM(api_key="k", model_name="glm-4.7", request_timeout=5, stop_sequences=["x"])


def test_default_headers_and_own_http_client_are_used() -> None:
    llm, script = make_llm(completion(), default_headers={"X-Trace": "t-1"})
    llm.invoke("Hi")
    request = script.requests[0]
    assert request.headers["x-trace"] == "t-1"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert str(request.url) == "https://api.z.ai/api/paas/v4/chat/completions"


def test_clients_are_built_once_per_model_object() -> None:
    llm, _ = make_llm(completion(), completion(), repeat=True)
    client = llm._client
    llm.invoke("a")
    llm.bind(temperature=0.5).invoke("b")
    assert llm._client is client


def test_vocabulary_options_reach_the_wire() -> None:
    llm, script = make_llm(
        completion(), temperature=0.3, top_p=0.9, max_tokens=2048, stop=["END"], seed=7, thinking=False
    )
    llm.invoke("Hi")
    body = script.body
    assert body == {
        "model": "glm-4.7-flash",
        "messages": [{"role": "user", "content": "Hi"}],
        "temperature": 0.3,
        "top_p": 0.9,
        "max_tokens": 2048,
        "stop": ["END"],
        "seed": 7,
        "thinking": {"type": "disabled"},
    }


def test_empty_stop_list_is_not_sent() -> None:
    llm, script = make_llm(completion(), stop=[])
    llm.invoke("Hi")
    assert "stop" not in script.body


def test_thinking_switch_per_provider() -> None:
    llm, script = make_llm(completion(), provider="cloudflare", thinking=False, preserve_thinking=True)
    llm.invoke("Hi")
    assert script.body["chat_template_kwargs"] == {"enable_thinking": False, "clear_thinking": False}


def test_per_call_overrides_and_model_override() -> None:
    llm, script = make_llm(completion(model="glm-4.7"))
    message = llm.invoke("Hi", model="glm-4.7", temperature=0.1, stop=["x"], thinking=True)
    assert script.body["model"] == "glm-4.7"
    assert script.body["temperature"] == 0.1
    assert script.body["stop"] == ["x"]
    assert script.body["thinking"] == {"type": "enabled"}
    assert message.response_metadata["model_name"] == "glm-4.7"
    params = llm._get_ls_params(model="glm-4.7")
    assert params["ls_model_name"] == "glm-4.7"
    assert llm._get_ls_params()["ls_model_name"] == "glm-4.7-flash"


def test_ls_params_identifying_params_and_type() -> None:
    llm = ChatGLM(api_key="k", provider="zai", temperature=0.5, max_tokens=100, stop=["a"])
    assert llm._get_ls_params() == {
        "ls_provider": "zai",
        "ls_model_name": "glm-4.7-flash",
        "ls_model_type": "chat",
        "ls_temperature": 0.5,
        "ls_max_tokens": 100,
        "ls_stop": ["a"],
    }
    assert llm._identifying_params == {
        "model": "glm-4.7-flash",
        "provider": "zai",
        "temperature": 0.5,
        "max_tokens": 100,
        "stop": ["a"],
    }
    assert llm._llm_type == "glm-chat"
    assert ChatGLM.is_lc_serializable() is False


@pytest.mark.parametrize("provider", PROVIDERS)
def test_profile_follows_model_and_provider(provider: str) -> None:
    from tests.langchain.helpers import provider_kwargs

    llm = ChatGLM(**provider_kwargs(provider))
    profile = llm.profile
    assert profile is not None
    assert profile["reasoning_output"] is True
    assert profile["tool_calling"] is True
    native_schema = provider in ("cloudflare", "cloudflare_openai", "openrouter", "vllm", "sglang", "aimlapi")
    assert profile["structured_output"] is native_schema
    # OpenRouter's Z.AI upstream refuses a forced choice: degraded there as on Z.ai.
    forced_tools = provider not in ("zai", "zai_coding", "bigmodel", "empiriolabs", "openrouter")
    assert profile["tool_choice"] is forced_tools
    expected_context = 131_072 if provider.startswith("cloudflare") else 200_000
    assert profile["max_input_tokens"] == expected_context
    assert profile["temperature"] is True  # every provider documents one (AI/ML API: 0-2, AIML-5.3)


# ---------------------------------------------------------------- invoke


def test_invoke_returns_reasoning_usage_and_metadata() -> None:
    llm, _ = make_llm(completion("Paris.", reasoning="The capital of France."))
    message = llm.invoke("Capital of France?")
    assert isinstance(message, AIMessage)
    assert message.content == "Paris."
    assert message.additional_kwargs["reasoning_content"] == "The capital of France."
    assert message.content_blocks == [
        {"type": "reasoning", "reasoning": "The capital of France."},
        {"type": "text", "text": "Paris."},
    ]
    assert message.usage_metadata is not None
    assert message.usage_metadata["input_token_details"] == {"cache_read": 4}
    assert message.usage_metadata["output_token_details"] == {"reasoning": 20}
    metadata = message.response_metadata
    assert (metadata["model_provider"], metadata["provider"], metadata["finish_reason"]) == ("zai", "zai", "stop")
    assert metadata["model_name"] == "glm-4.7-flash"
    assert metadata["id"] == "20260313050303abc"
    assert metadata["token_usage"]["prompt_tokens_details"] == {"cached_tokens": 4}


async def test_ainvoke_and_abatch() -> None:
    llm, script = make_llm(completion("a"), completion("b"))
    assert (await llm.ainvoke("x")).content == "a"
    llm2, _ = make_llm(completion("same"), repeat=True)
    results = await llm2.abatch(["x", "y"])
    assert [r.content for r in results] == ["same", "same"]
    assert len(script.requests) == 1


def test_batch() -> None:
    llm, script = make_llm(completion("same"), repeat=True)
    assert [m.content for m in llm.batch(["x", "y", "z"])] == ["same"] * 3
    assert len(script.requests) == 3


def test_output_version_v1_puts_blocks_in_content() -> None:
    llm, _ = make_llm(
        completion("Hi", reasoning="greet", tool_calls=[("call_1", "f", "{}")], finish_reason="tool_calls"),
        output_version="v1",
    )
    message = llm.invoke("Hello")
    assert message.content == [
        {"type": "reasoning", "reasoning": "greet"},
        {"type": "text", "text": "Hi"},
        {"type": "tool_call", "name": "f", "args": {}, "id": "call_1"},
    ]


def test_web_search_results_in_response_metadata() -> None:
    results = [{"title": "GLM-4.7", "link": "https://z.ai", "content": "...", "refer": "ref_1"}]
    llm, script = make_llm(completion("x", web_search=results), web_search=True)
    message = llm.invoke("news?")
    assert message.response_metadata["web_search"] == results
    assert script.body["tools"][0]["type"] == "web_search"


def test_web_search_where_unsupported_is_a_value_error_before_sending() -> None:
    llm, script = make_llm(provider="cloudflare", web_search=True)
    with pytest.raises(ValueError, match="web_search is not supported by Cloudflare"):
        llm.invoke("news?")
    assert script.requests == []


# ---------------------------------------------------------------- reasoning passback


@pytest.mark.parametrize(
    ("provider", "field", "value"),
    [
        ("zai", "reasoning_content", "I should call f."),
        ("cloudflare", "reasoning_content", "I should call f."),
        ("vllm", "reasoning", "I should call f."),
        (
            "openrouter",
            "reasoning_details",
            [{"type": "reasoning.text", "text": "I should call f.", "format": "unknown", "index": 0}],
        ),
    ],
)
def test_reasoning_goes_back_in_the_field_the_provider_reads(provider: str, field: str, value: object) -> None:
    first = completion("", reasoning="I should call f.", tool_calls=[("call_1", "f", "{}")], finish_reason="tool_calls")
    llm, script = make_llm(first, completion("done"), provider=provider)
    history: list = [HumanMessage("go")]
    ai = llm.invoke(history)
    history += [ai, ToolMessage("ok", tool_call_id="call_1")]
    llm.invoke(history)
    assistant = script.bodies[1]["messages"][1]
    assert assistant["role"] == "assistant"
    assert assistant[field] == value
    assert assistant["tool_calls"][0]["id"] == "call_1"


def test_reasoning_from_v1_content_blocks_is_sent_back() -> None:
    first = completion("", reasoning="plan", tool_calls=[("call_1", "f", "{}")], finish_reason="tool_calls")
    llm, script = make_llm(first, completion("done"), output_version="v1")
    ai = llm.invoke("go")
    assert isinstance(ai.content, list)
    # Only the v1 blocks carry the reasoning now.
    ai = AIMessage(content=ai.content, tool_calls=ai.tool_calls)
    llm.invoke([HumanMessage("go"), ai, ToolMessage("ok", tool_call_id="call_1")])
    assert script.bodies[1]["messages"][1]["reasoning_content"] == "plan"


def test_streamed_reasoning_is_sent_back_after_aggregation() -> None:
    events = stream_events(
        reasoning=["a", "b"],
        tool_deltas=[{"index": 0, "id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}],
        finish_reason="tool_calls",
    )
    llm, script = make_llm(sse(events), completion("done"))
    full: AIMessageChunk | None = None
    for piece in llm.stream("go"):
        full = piece if full is None else full + piece
    assert full is not None
    llm.invoke([HumanMessage("go"), full, ToolMessage("ok", tool_call_id="call_1")])
    assistant = script.bodies[1]["messages"][1]
    assert assistant["reasoning_content"] == "ab"
    assert assistant["tool_calls"] == [
        {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    ]


# ---------------------------------------------------------------- streaming


def _collect(llm: ChatGLM, *args: object, **kwargs: object) -> list[AIMessageChunk]:
    return list(llm.stream(*args, **kwargs))  # type: ignore[arg-type]


def test_stream_yields_reasoning_then_text_then_a_last_chunk_with_usage() -> None:
    llm, script = make_llm(sse(stream_events(["Hel", "lo"], reasoning=["th", "ink"])))
    chunks = _collect(llm, "Hi")
    assert [c.additional_kwargs.get("reasoning_content") for c in chunks[:2]] == ["th", "ink"]
    assert [c.content for c in chunks[2:4]] == ["Hel", "lo"]
    last = chunks[-1]
    assert last.chunk_position == "last"
    assert last.usage_metadata is not None and last.usage_metadata["total_tokens"] == 42
    assert sum(1 for c in chunks if c.usage_metadata) == 1
    assert sum(1 for c in chunks if "model_name" in c.response_metadata) == 1
    full = sum(chunks[1:], chunks[0])
    assert full.content == "Hello"
    assert full.additional_kwargs["reasoning_content"] == "think"
    assert full.response_metadata["finish_reason"] == "stop"
    assert full.response_metadata["model_provider"] == "zai"
    assert [b["type"] for b in full.content_blocks] == ["reasoning", "text"]
    assert script.body["stream"] is True


def test_stream_tool_call_chunks_aggregate_to_a_tool_call() -> None:
    deltas = [
        {"index": 0, "id": "call_1", "type": "function", "function": {"name": "weather", "arguments": ""}},
        {"index": 0, "function": {"arguments": '{"city": '}},
        {"index": 0, "function": {"arguments": '"Rome"}'}},
    ]
    llm, script = make_llm(sse(stream_events(tool_deltas=deltas, finish_reason="tool_calls")))

    def weather(city: str) -> str:
        """Weather in a city."""
        return "sunny"

    chunks = list(llm.bind_tools([weather]).stream("Weather in Rome?"))
    pieces = [c.tool_call_chunks[0] for c in chunks if c.tool_call_chunks]
    assert [(p["id"], p["name"], p["args"]) for p in pieces] == [
        ("call_1", "weather", None),
        (None, None, '{"city": '),
        (None, None, '"Rome"}'),
    ]
    full = sum(chunks[1:], chunks[0])
    assert isinstance(full, AIMessageChunk)
    assert full.tool_calls == [{"name": "weather", "args": {"city": "Rome"}, "id": "call_1", "type": "tool_call"}]
    assert script.body["tool_stream"] is True


def test_stream_with_malformed_arguments_gives_invalid_tool_calls_not_an_exception() -> None:
    deltas = [{"index": 0, "id": "c1", "type": "function", "function": {"name": "f", "arguments": "{oops}"}}]
    llm, _ = make_llm(sse(stream_events(tool_deltas=deltas, finish_reason="tool_calls")))
    chunks = _collect(llm, "x")
    full = sum(chunks[1:], chunks[0])
    assert isinstance(full, AIMessageChunk)
    assert full.tool_calls == []
    assert full.invalid_tool_calls[0]["args"] == "{oops}"


def test_stream_usage_false_leaves_usage_out() -> None:
    llm, _ = make_llm(sse(stream_events(["x"])), stream_usage=False)
    chunks = _collect(llm, "Hi")
    assert all(c.usage_metadata is None for c in chunks)
    assert chunks[-1].chunk_position == "last"


def test_stream_usage_per_call() -> None:
    llm, _ = make_llm(sse(stream_events(["x"])), sse(stream_events(["x"])), stream_usage=False)
    assert _collect(llm, "Hi", stream_usage=True)[-1].usage_metadata is not None
    llm2, script = make_llm(sse(stream_events(["x"])))
    assert _collect(llm2, "Hi", stream_usage=False)[-1].usage_metadata is None
    assert "stream_usage" not in script.body


@pytest.mark.parametrize("provider", sorted(p for p, profile in PROFILES.items() if profile.stream_usage_needs_option))
def test_stream_usage_false_does_not_ask_the_provider_for_usage(provider: str) -> None:
    from glm_core.testing import Emulator

    emulator = Emulator(provider, api_key="k", account_id="acct")
    base_url = "http://127.0.0.1:9/v1" if provider in ("vllm", "sglang") else None
    settings: dict[str, Any] = {"api_key": "k", "account_id": "acct", "base_url": base_url}
    http = httpx2.Client(transport=emulator.transport())
    ChatGLM(provider=provider, stream_usage=False, http_client=http, **settings).invoke("Hi", stream=True)
    list(ChatGLM(provider=provider, http_client=http, **settings).stream("Hi", stream_usage=False))
    list(ChatGLM(provider=provider, http_client=http, **settings).stream("Hi"))
    asked = ["stream_options" in request.body for request in emulator.requests]
    assert asked == [False, False, True]


def test_stream_v1_output_has_one_text_block() -> None:
    llm, _ = make_llm(sse(stream_events(["Hel", "lo"], reasoning=["a", "b"])), output_version="v1")
    chunks = _collect(llm, "Hi")
    full = sum(chunks[1:], chunks[0])
    assert isinstance(full.content, list)
    assert [b["type"] for b in full.content] == ["reasoning", "text"]
    assert full.content[1]["text"] == "Hello"  # type: ignore[index]


async def test_astream() -> None:
    llm, _ = make_llm(sse(stream_events(["a", "b"], reasoning=["r"])))
    chunks = [c async for c in llm.astream("Hi")]
    full = sum(chunks[1:], chunks[0])
    assert (full.content, full.additional_kwargs["reasoning_content"]) == ("ab", "r")
    assert chunks[-1].chunk_position == "last"
    assert chunks[-1].usage_metadata is not None


def test_streaming_true_makes_invoke_stream() -> None:
    llm, script = make_llm(sse(stream_events(["Hel", "lo"], reasoning=["r"])), streaming=True)
    message = llm.invoke("Hi")
    assert script.body["stream"] is True
    assert message.content == "Hello"
    assert message.additional_kwargs["reasoning_content"] == "r"
    assert message.usage_metadata is not None


def test_stream_skips_events_that_carry_nothing() -> None:
    events = [chunk({"role": "assistant"}), *stream_events(["x"])]
    llm, _ = make_llm(sse(events))
    chunks = _collect(llm, "Hi")
    assert [c.content for c in chunks] == ["x", ""]


def test_stream_events_v3_carry_reasoning_and_text() -> None:
    llm, _ = make_llm(sse(stream_events(["Hi!"], reasoning=["greet"])))
    stream = llm.stream_events("Hello", version="v3")
    list(stream)
    message = stream.output
    assert [b["type"] for b in message.content_blocks] == ["reasoning", "text"]


def test_callbacks_get_tokens_when_streaming() -> None:
    from langchain_core.callbacks import BaseCallbackHandler

    class Tokens(BaseCallbackHandler):
        def __init__(self) -> None:
            self.tokens: list[str] = []

        def on_llm_new_token(self, token: str, **kwargs: object) -> None:
            self.tokens.append(token)

    handler = Tokens()
    llm, _ = make_llm(sse(stream_events(["a", "b"])))
    list(llm.stream("Hi", config={"callbacks": [handler]}))
    assert handler.tokens == ["a", "b", ""]


def test_body_is_deterministic() -> None:
    call = completion("", tool_calls=[("call_1", "f", '{"x": 1}')], finish_reason="tool_calls")
    llm, script = make_llm(call, call)

    def f(x: int) -> int:
        """Double."""
        return x

    bound = llm.bind_tools([f], tool_choice="f")
    bound.invoke("go")
    bound.invoke("go")
    assert script.requests[0].content == script.requests[1].content
    assert json.loads(script.requests[0].content)["messages"][0]["role"] == "system"


def test_cloudflare_run_dialect_round_trip() -> None:
    llm, script = make_llm(completion("hi", reasoning="r"), provider="cloudflare")
    message = llm.invoke("Hello")
    assert message.content == "hi"
    assert message.response_metadata["provider"] == "cloudflare"
    url = str(script.requests[0].url)
    assert url.endswith(f"/accounts/{ACCOUNT}/ai/run/@cf/zai-org/glm-4.7-flash")
    assert "model" not in script.body


def test_own_async_client_is_used_for_async_calls() -> None:
    calls: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        calls.append("async")
        return httpx2.Response(200, json=completion("async"))

    llm = ChatGLM(api_key="k", http_async_client=httpx2.AsyncClient(transport=httpx2.MockTransport(handler)))
    import asyncio

    assert asyncio.run(llm.ainvoke("x")).content == "async"
    assert calls == ["async"]
