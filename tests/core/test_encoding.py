"""Request encoding per provider: golden JSON bodies, URLs, headers, and every option's wire form.

The golden bodies follow providers.md: §1.3-§1.6 (Z.ai family), §4 (EmpirioLabs), §2.2
(Cloudflare), §3 (AI/ML API), §5 (vLLM, SGLang, OpenRouter) and the §6 table.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from glm_core import (
    AssistantMessage,
    ChatRequest,
    NamedToolChoice,
    SystemMessage,
    ToolCall,
    ToolMessage,
    ToolSpec,
    UserMessage,
)
from glm_core.endpoint import Endpoint
from tests.core.helpers import ACCOUNT, KEY, SELF_HOSTED, client_kwargs

WEATHER_PARAMS = {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}
WEATHER = ToolSpec("weather", "Get weather", WEATHER_PARAMS)
TIME = ToolSpec("time", "Get the time", {"type": "object", "properties": {}})
WEATHER_WIRE = {
    "type": "function",
    "function": {"name": "weather", "description": "Get weather", "parameters": WEATHER_PARAMS},
}
TIME_WIRE = {
    "type": "function",
    "function": {"name": "time", "description": "Get the time", "parameters": {"type": "object", "properties": {}}},
}

ARGS = '{"location":"Florence"}'
REASONING = "User wants weather; call tool."


def conversation() -> list[Any]:
    return [
        SystemMessage("You are terse."),
        UserMessage("Weather in Florence?"),
        AssistantMessage(content="Checking.", reasoning=REASONING, tool_calls=[ToolCall("call_1", "weather", ARGS)]),
        ToolMessage("40 C", tool_call_id="call_1"),
    ]


def wire_conversation(reasoning: dict[str, Any]) -> list[dict[str, Any]]:
    """The conversation above on the wire, with reasoning sent back in the provider's field."""
    return [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Weather in Florence?"},
        {
            "role": "assistant",
            "content": "Checking.",
            **reasoning,
            "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": ARGS}}],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "40 C"},
    ]


def endpoint(provider: str) -> Endpoint:
    kwargs = client_kwargs(provider)
    return Endpoint(
        provider, api_key=kwargs["api_key"], account_id=kwargs.get("account_id"), base_url=kwargs.get("base_url")
    )


def encode(provider: str, stream: bool = False, **options: Any) -> dict[str, Any]:
    options.setdefault("messages", [UserMessage("Hi")])
    options.setdefault("model", "glm-4.7-flash")
    prepared = endpoint(provider).prepare(ChatRequest(**options), stream=stream)
    body: dict[str, Any] = json.loads(prepared.content)
    assert body == prepared.body
    return body


# ---------------------------------------------------------------- golden bodies, one per provider

RICH: dict[str, Any] = dict(
    messages=conversation(), tools=[WEATHER], thinking=True, stop=["END"], max_tokens=512, top_p=0.9
)

ZAI_GOLDEN = {
    "model": "glm-4.7",
    "messages": wire_conversation({"reasoning_content": REASONING}),
    "temperature": 0.7,
    "top_p": 0.9,
    "max_tokens": 512,
    "stop": ["END"],
    "thinking": {"type": "enabled", "clear_thinking": False},
    "tools": [WEATHER_WIRE],
}

GOLDEN: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    # provider: (extra request options, expected body)
    "zai": ({"model": "glm-4.7", "temperature": 0.7, "preserve_thinking": True}, ZAI_GOLDEN),
    "zai_coding": ({"model": "glm-4.7", "temperature": 0.7, "preserve_thinking": True}, ZAI_GOLDEN),
    "bigmodel": ({"model": "glm-4.7", "temperature": 0.7, "preserve_thinking": True}, ZAI_GOLDEN),
    "empiriolabs": (
        {"temperature": 0.7},
        {
            "model": "glm-4-7-flash",
            "messages": wire_conversation({"reasoning_content": REASONING}),
            "temperature": 0.7,
            "top_p": 0.9,
            "max_tokens": 512,
            "stop": ["END"],
            "enable_thinking": True,
            "tools": [WEATHER_WIRE],
        },
    ),
    "cloudflare": (
        {"temperature": 1.5, "preserve_thinking": True},
        {
            "messages": wire_conversation({"reasoning_content": REASONING}),
            "temperature": 1.5,
            "top_p": 0.9,
            "max_completion_tokens": 512,
            "stop": ["END"],
            "chat_template_kwargs": {"enable_thinking": True, "clear_thinking": False},
            "tools": [WEATHER_WIRE],
        },
    ),
    "cloudflare_openai": (
        {"temperature": 1.5, "preserve_thinking": True},
        {
            "model": "@cf/zai-org/glm-4.7-flash",
            "messages": wire_conversation({"reasoning_content": REASONING}),
            "temperature": 1.5,
            "top_p": 0.9,
            "max_completion_tokens": 512,
            "stop": ["END"],
            "chat_template_kwargs": {"enable_thinking": True, "clear_thinking": False},
            "tools": [WEATHER_WIRE],
        },
    ),
    "aimlapi": (
        # §3: temperature and thinking are not in AI/ML's glm-4.7 schema, so neither is asked for.
        {"model": "glm-4.7", "thinking": None},
        {
            "model": "zhipu/glm-4.7",
            "messages": wire_conversation({"reasoning_content": REASONING}),
            "top_p": 0.9,
            "max_tokens": 512,
            "stop": ["END"],
            "tools": [WEATHER_WIRE],
        },
    ),
    "openrouter": (
        {"model": "glm-4.7", "temperature": 0.7},
        {
            "model": "z-ai/glm-4.7",
            "messages": wire_conversation(
                {"reasoning_details": [{"type": "reasoning.text", "text": REASONING, "format": "unknown", "index": 0}]}
            ),
            "temperature": 0.7,
            "top_p": 0.9,
            "max_tokens": 512,
            "stop": ["END"],
            "reasoning": {"enabled": True},
            "tools": [WEATHER_WIRE],
        },
    ),
    "vllm": (
        {"model": "glm-4.7-flash", "temperature": 0.7, "preserve_thinking": True},
        {
            "model": "glm-4.7-flash",
            # vLLM #38488: newer vLLM reads only `reasoning` on input.
            "messages": wire_conversation({"reasoning": REASONING}),
            "temperature": 0.7,
            "top_p": 0.9,
            "max_tokens": 512,
            "stop": ["END"],
            "chat_template_kwargs": {"enable_thinking": True, "clear_thinking": False},
            "tools": [WEATHER_WIRE],
        },
    ),
    "sglang": (
        {"model": "glm-4.7-flash", "temperature": 0.7, "preserve_thinking": True},
        {
            "model": "glm-4.7-flash",
            "messages": wire_conversation({"reasoning_content": REASONING}),
            "temperature": 0.7,
            "top_p": 0.9,
            "max_tokens": 512,
            "stop": ["END"],
            "chat_template_kwargs": {"enable_thinking": True, "clear_thinking": False},
            "tools": [WEATHER_WIRE],
        },
    ),
}


@pytest.mark.parametrize("provider", sorted(GOLDEN))
def test_golden_body(provider: str) -> None:
    options, expected = GOLDEN[provider]
    assert encode(provider, **{**RICH, **options}) == expected


def test_golden_covers_every_provider() -> None:
    from glm_core import PROVIDERS

    assert set(GOLDEN) == set(PROVIDERS)


def test_the_wire_bytes_are_compact_and_stable() -> None:
    """Cassettes match on the body: the same request must always give the same bytes."""
    first = endpoint("zai").prepare(ChatRequest(**{**RICH, **GOLDEN["zai"][0]}), stream=False).content
    again = endpoint("zai").prepare(ChatRequest(**{**RICH, **GOLDEN["zai"][0]}), stream=False).content
    assert first == again
    assert b": " not in first and b", " not in first
    non_ascii = endpoint("zai").prepare(ChatRequest("glm-4.7", [UserMessage("天气")]), stream=False).content
    assert "天气".encode() in non_ascii


# ---------------------------------------------------------------- URLs and headers

URLS = {
    "zai": "https://api.z.ai/api/paas/v4/chat/completions",
    "zai_coding": "https://api.z.ai/api/coding/paas/v4/chat/completions",
    "bigmodel": "https://open.bigmodel.cn/api/paas/v4/chat/completions",
    "empiriolabs": "https://api.empiriolabs.ai/v1/chat/completions",
    "cloudflare": f"https://api.cloudflare.com/client/v4/accounts/{ACCOUNT}/ai/run/@cf/zai-org/glm-4.7-flash",
    "cloudflare_openai": f"https://api.cloudflare.com/client/v4/accounts/{ACCOUNT}/ai/v1/chat/completions",
    "aimlapi": "https://api.aimlapi.com/v1/chat/completions",
    "openrouter": "https://openrouter.ai/api/v1/chat/completions",
    "vllm": f"{SELF_HOSTED}/chat/completions",
    "sglang": f"{SELF_HOSTED}/chat/completions",
}


@pytest.mark.parametrize("provider", sorted(URLS))
def test_url(provider: str) -> None:
    model = "glm-4.7" if provider == "aimlapi" else "glm-4.7-flash"
    prepared = endpoint(provider).prepare(ChatRequest(model, [UserMessage("Hi")]), stream=False)
    assert prepared.url == URLS[provider]


def test_cloudflare_native_puts_the_model_in_the_path_only() -> None:
    body = encode("cloudflare")
    assert "model" not in body
    assert encode("cloudflare_openai")["model"] == "@cf/zai-org/glm-4.7-flash"


def test_provider_native_model_ids_pass_through() -> None:
    assert encode("cloudflare_openai", model="@cf/zai-org/glm-4.7-flash")["model"] == "@cf/zai-org/glm-4.7-flash"
    assert encode("openrouter", model="z-ai/glm-4.6")["model"] == "z-ai/glm-4.6"
    prepared = endpoint("cloudflare").prepare(
        ChatRequest("@cf/zai-org/glm-4.7-flash", [UserMessage("Hi")]), stream=False
    )
    assert prepared.url == URLS["cloudflare"]


def test_base_url_override_keeps_the_path_and_drops_a_trailing_slash() -> None:
    ep = Endpoint("zai", api_key=KEY, base_url="http://127.0.0.1:9999/api/paas/v4/")
    assert ep.prepare(ChatRequest("glm-4.7", [UserMessage("Hi")]), stream=False).url == (
        "http://127.0.0.1:9999/api/paas/v4/chat/completions"
    )


@pytest.mark.parametrize("provider", sorted(URLS))
def test_headers_carry_a_bearer_key_and_json(provider: str) -> None:
    ep = endpoint(provider)
    model = "glm-4.7" if provider == "aimlapi" else "glm-4.7-flash"
    plain = ep.prepare(ChatRequest(model, [UserMessage("Hi")]), stream=False).headers
    streamed = ep.prepare(ChatRequest(model, [UserMessage("Hi")]), stream=True).headers
    assert plain["authorization"] == f"Bearer {KEY}"
    assert plain["content-type"] == "application/json"
    assert plain["accept"] == "application/json"
    assert streamed["accept"] == "text/event-stream"
    assert streamed["authorization"] == f"Bearer {KEY}"


def test_self_hosted_without_a_key_sends_no_authorization() -> None:
    ep = Endpoint("vllm", base_url=SELF_HOSTED)
    headers = ep.prepare(ChatRequest("my-glm", [UserMessage("Hi")]), stream=False).headers
    assert "authorization" not in headers


def test_default_and_per_request_headers() -> None:
    ep = Endpoint("openrouter", api_key=KEY, default_headers={"HTTP-Referer": "https://example.org"})
    request = ChatRequest("glm-4.7", [UserMessage("Hi")], extra_headers={"X-Title": "demo"})
    headers = ep.prepare(request, stream=False).headers
    assert headers["http-referer"] == "https://example.org"
    assert headers["x-title"] == "demo"
    # Per-request headers do not stick to the endpoint.
    assert "x-title" not in ep.prepare(ChatRequest("glm-4.7", [UserMessage("Hi")]), stream=False).headers


def test_the_key_is_never_in_a_repr() -> None:
    from glm_core import GLMClient

    ep = endpoint("zai")
    prepared = ep.prepare(ChatRequest("glm-4.7", [UserMessage("Hi")]), stream=False)
    client = GLMClient("cloudflare", api_key=KEY, account_id=ACCOUNT)
    for text in (repr(ep), str(ep), repr(client), repr(prepared), repr(ep.api_key), repr(client.endpoint)):
        assert KEY not in text


# ---------------------------------------------------------------- thinking


@pytest.mark.parametrize(
    ("provider", "thinking", "expected"),
    [
        ("zai", False, {"thinking": {"type": "disabled"}}),
        ("zai", True, {"thinking": {"type": "enabled"}}),
        ("bigmodel", False, {"thinking": {"type": "disabled"}}),
        ("empiriolabs", False, {"enable_thinking": False}),
        ("cloudflare", False, {"chat_template_kwargs": {"enable_thinking": False}}),
        ("cloudflare_openai", False, {"chat_template_kwargs": {"enable_thinking": False}}),
        ("vllm", False, {"chat_template_kwargs": {"enable_thinking": False}}),
        ("sglang", True, {"chat_template_kwargs": {"enable_thinking": True}}),
        ("openrouter", False, {"reasoning": {"enabled": False}}),
    ],
)
def test_thinking_switch(provider: str, thinking: bool, expected: dict[str, Any]) -> None:
    body = encode(provider, model="glm-4.7-flash", thinking=thinking)
    switches = {k: body[k] for k in ("thinking", "enable_thinking", "chat_template_kwargs", "reasoning") if k in body}
    assert switches == expected


@pytest.mark.parametrize(
    "provider", ["zai", "zai_coding", "cloudflare", "vllm", "openrouter", "aimlapi", "empiriolabs"]
)
def test_thinking_none_sends_no_switch(provider: str) -> None:
    model = "glm-4.7" if provider == "aimlapi" else "glm-4.7-flash"
    body = encode(provider, model=model)
    assert set(body) == {"model", "messages"} - ({"model"} if provider == "cloudflare" else set())


def test_preserve_thinking_on_zai_implies_thinking_and_can_be_turned_off() -> None:
    assert encode("zai", preserve_thinking=True)["thinking"] == {"type": "enabled", "clear_thinking": False}
    # The coding plan preserves by default; False asks it to clear earlier reasoning.
    assert encode("zai_coding", preserve_thinking=False)["thinking"] == {"type": "enabled", "clear_thinking": True}


def test_reasoning_is_sent_back_only_when_there_is_some() -> None:
    history = [UserMessage("Hi"), AssistantMessage(content="Hello"), UserMessage("Again")]
    assert encode("zai", messages=history)["messages"][1] == {"role": "assistant", "content": "Hello"}


def test_assistant_tool_call_without_content_sends_empty_content() -> None:
    history = [
        UserMessage("Weather?"),
        AssistantMessage(tool_calls=[ToolCall("call_9", "weather", ARGS)]),
        ToolMessage("40 C", tool_call_id="call_9"),
    ]
    assert encode("zai", messages=history)["messages"][1] == {
        "role": "assistant",
        "content": "",
        "tool_calls": [{"id": "call_9", "type": "function", "function": {"name": "weather", "arguments": ARGS}}],
    }


def test_tool_error_results_say_so() -> None:
    history = [
        UserMessage("Weather?"),
        AssistantMessage(tool_calls=[ToolCall("call_9", "weather", ARGS)]),
        ToolMessage("city unknown", tool_call_id="call_9", is_error=True),
    ]
    assert encode("zai", messages=history)["messages"][2]["content"] == "Error: city unknown"


# ---------------------------------------------------------------- sampling


def test_temperature_zero_on_the_zai_family_is_do_sample_false() -> None:
    # §1.3: the server range is [0, 1]; greedy decoding is spelled do_sample=false (the SDK does it).
    for provider in ("zai", "zai_coding", "bigmodel", "empiriolabs"):
        body = encode(provider, temperature=0)
        assert body["do_sample"] is False
        assert "temperature" not in body


def test_temperature_zero_elsewhere_is_sent_as_is() -> None:
    for provider in ("cloudflare", "cloudflare_openai", "vllm", "sglang", "openrouter"):
        body = encode(provider, temperature=0.0)
        assert body["temperature"] == 0.0
        assert "do_sample" not in body


def test_temperature_one_on_zai_is_sent() -> None:
    assert encode("zai", temperature=1.0)["temperature"] == 1.0


def test_seed_is_sent() -> None:
    assert encode("vllm", seed=7)["seed"] == 7


# ---------------------------------------------------------------- web search


def test_web_search_on_zai_is_a_web_search_tool_with_results_returned() -> None:
    body = encode("zai", web_search=True)
    assert body["tools"] == [
        {
            "type": "web_search",
            "web_search": {"enable": True, "search_engine": "search_pro_jina", "search_result": True},
        }
    ]


def test_web_search_options_on_zai_override_the_defaults_and_sit_next_to_functions() -> None:
    body = encode("bigmodel", tools=[WEATHER], web_search={"count": 5, "search_recency_filter": "oneWeek"})
    assert body["tools"] == [
        WEATHER_WIRE,
        {
            "type": "web_search",
            "web_search": {
                "enable": True,
                "search_engine": "search_pro_jina",
                "search_result": True,
                "count": 5,
                "search_recency_filter": "oneWeek",
            },
        },
    ]


def test_web_search_on_empiriolabs_is_flat_params() -> None:
    body = encode("empiriolabs", web_search={"count": 3})
    assert {k: v for k, v in body.items() if k not in ("model", "messages")} == {
        "tool_web_search": True,
        "search_result": True,
        "count": 3,
    }


def test_web_search_false_sends_nothing() -> None:
    assert "tools" not in encode("zai", web_search=False)


# ---------------------------------------------------------------- structured output

SCHEMA = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}
JSON_SCHEMA = {"type": "json_schema", "json_schema": {"name": "Person", "schema": SCHEMA, "strict": True}}


@pytest.mark.parametrize("provider", ["cloudflare", "cloudflare_openai", "vllm", "sglang", "openrouter", "aimlapi"])
def test_json_schema_is_native_where_supported(provider: str) -> None:
    model = "glm-4.7" if provider == "aimlapi" else "glm-4.7-flash"
    body = encode(provider, model=model, response_format=JSON_SCHEMA)
    assert body["response_format"] == JSON_SCHEMA
    assert body["messages"] == [{"role": "user", "content": "Hi"}]


@pytest.mark.parametrize("provider", ["zai", "zai_coding", "bigmodel", "empiriolabs"])
def test_json_schema_is_emulated_with_json_mode_and_an_instruction(provider: str) -> None:
    body = encode(provider, messages=[SystemMessage("Be brief."), UserMessage("Who?")], response_format=JSON_SCHEMA)
    assert body["response_format"] == {"type": "json_object"}
    system = body["messages"][0]
    assert system["role"] == "system"
    assert system["content"].startswith("Be brief.\n\nRespond only with a JSON object")
    assert json.dumps(SCHEMA, sort_keys=True) in system["content"]
    assert body["messages"][1:] == [{"role": "user", "content": "Who?"}]


def test_emulated_json_schema_adds_a_system_message_when_there_is_none() -> None:
    messages = encode("zai", response_format=JSON_SCHEMA)["messages"]
    assert [m["role"] for m in messages] == ["system", "user"]


def test_json_mode_is_sent_as_is() -> None:
    assert encode("zai", response_format={"type": "json_object"})["response_format"] == {"type": "json_object"}


# ---------------------------------------------------------------- streaming options


@pytest.mark.parametrize(
    ("provider", "expected"),
    [
        ("zai", {"stream": True}),  # §1.8: usage always comes on the final chunk
        ("openrouter", {"stream": True}),
        ("cloudflare", {"stream": True, "stream_options": {"include_usage": True}}),
        ("cloudflare_openai", {"stream": True, "stream_options": {"include_usage": True}}),
        ("aimlapi", {"stream": True, "stream_options": {"include_usage": True}}),
        ("vllm", {"stream": True, "stream_options": {"include_usage": True}}),
        ("sglang", {"stream": True, "stream_options": {"include_usage": True}}),
    ],
)
def test_stream_options(provider: str, expected: dict[str, Any]) -> None:
    model = "glm-4.7" if provider == "aimlapi" else "glm-4.7-flash"
    body = encode(provider, stream=True, model=model)
    assert {k: v for k, v in body.items() if k not in ("model", "messages")} == expected


def test_non_streamed_requests_say_nothing_about_streaming() -> None:
    body = encode("vllm", tools=[WEATHER])
    assert "stream" not in body and "stream_options" not in body and "tool_stream" not in body


def test_tool_stream_is_asked_for_on_zai_when_streaming_tools() -> None:
    body = encode("zai", stream=True, model="glm-4.7", tools=[WEATHER])
    assert body["tool_stream"] is True
    assert "tool_stream" not in encode("zai", stream=True, model="glm-4.7")  # no tools, nothing to stream
    assert "tool_stream" not in encode("zai", stream=False, model="glm-4.7", tools=[WEATHER])


def test_tool_stream_is_not_asked_of_models_without_it() -> None:
    # §1.3: tool_stream is for GLM-4.6 and later.
    assert "tool_stream" not in encode("zai", stream=True, model="glm-4.5", tools=[WEATHER])
    assert encode("zai", stream=True, model="glm-4.6", tools=[WEATHER])["tool_stream"] is True


def test_tool_stream_is_not_sent_to_providers_that_always_stream_arguments() -> None:
    for provider in ("vllm", "cloudflare", "openrouter"):
        assert "tool_stream" not in encode(provider, stream=True, tools=[WEATHER])


# ---------------------------------------------------------------- tool_choice


@pytest.mark.parametrize("provider", ["cloudflare", "cloudflare_openai", "aimlapi", "vllm", "sglang"])
@pytest.mark.parametrize(
    ("choice", "wire", "checked"),
    [
        ("auto", "auto", None),
        ("none", "none", None),
        ("required", "required", "*"),
        (NamedToolChoice("weather"), {"type": "function", "function": {"name": "weather"}}, "weather"),
    ],
)
def test_tool_choice_is_sent_as_is_where_allowed(provider: str, choice: Any, wire: Any, checked: str | None) -> None:
    model = "glm-4.7" if provider == "aimlapi" else "glm-4.7-flash"
    prepared = endpoint(provider).prepare(
        ChatRequest(model, [UserMessage("Hi")], tools=[WEATHER, TIME], tool_choice=choice), stream=False
    )
    assert prepared.body["tool_choice"] == wire
    assert prepared.body["tools"] == [WEATHER_WIRE, TIME_WIRE]
    assert prepared.body["messages"] == [{"role": "user", "content": "Hi"}]
    # Sent, and still checked in the answer: not every server enforces it (vLLM's GLM parsers).
    assert prepared.tool_call_required == checked


ZAI_FAMILY = ["zai", "zai_coding", "bigmodel", "empiriolabs"]


@pytest.mark.parametrize("provider", ZAI_FAMILY)
def test_tool_choice_auto_is_sent_on_the_zai_family(provider: str) -> None:
    body = encode(provider, tools=[WEATHER], tool_choice="auto")
    assert body["tool_choice"] == "auto"


@pytest.mark.parametrize("provider", ZAI_FAMILY)
def test_tool_choice_none_on_the_zai_family_drops_the_tools(provider: str) -> None:
    prepared = endpoint(provider).prepare(
        ChatRequest("glm-4.7-flash", [UserMessage("Hi")], tools=[WEATHER], tool_choice="none"), stream=True
    )
    assert "tools" not in prepared.body
    assert "tool_choice" not in prepared.body
    assert "tool_stream" not in prepared.body
    assert prepared.tool_call_required is None


@pytest.mark.parametrize("provider", ZAI_FAMILY)
def test_named_tool_choice_on_the_zai_family_offers_only_that_tool_and_asks_for_it(provider: str) -> None:
    prepared = endpoint(provider).prepare(
        ChatRequest(
            "glm-4.7-flash",
            [SystemMessage("Be brief."), UserMessage("Hi")],
            tools=[WEATHER, TIME],
            tool_choice=NamedToolChoice("time"),
        ),
        stream=False,
    )
    assert prepared.body["tools"] == [TIME_WIRE]
    assert "tool_choice" not in prepared.body
    assert prepared.body["messages"][0] == {
        "role": "system",
        "content": "Be brief.\n\nAnswer by calling the `time` tool.",
    }
    assert prepared.tool_call_required == "time"


@pytest.mark.parametrize("provider", ZAI_FAMILY)
def test_required_tool_choice_on_the_zai_family_keeps_the_tools_and_asks_for_a_call(provider: str) -> None:
    prepared = endpoint(provider).prepare(
        ChatRequest("glm-4.7-flash", [UserMessage("Hi")], tools=[WEATHER, TIME], tool_choice="required"),
        stream=False,
    )
    assert prepared.body["tools"] == [WEATHER_WIRE, TIME_WIRE]
    assert "tool_choice" not in prepared.body
    assert prepared.body["messages"] == [
        {"role": "system", "content": "Answer by calling one of the available tools."},
        {"role": "user", "content": "Hi"},
    ]
    assert prepared.tool_call_required == "*"


def test_parallel_tool_calls_is_sent_where_supported_only() -> None:
    assert encode("vllm", tools=[WEATHER], parallel_tool_calls=False)["parallel_tool_calls"] is False
    assert "parallel_tool_calls" not in encode("zai", tools=[WEATHER], parallel_tool_calls=True)


def test_strict_tools_carry_strict() -> None:
    strict = ToolSpec("weather", "Get weather", WEATHER_PARAMS, strict=True)
    assert encode("openrouter", tools=[strict])["tools"][0]["function"]["strict"] is True


# ---------------------------------------------------------------- images


def test_image_parts_are_encoded_as_image_url_for_a_vision_model() -> None:
    from dataclasses import replace

    from glm_core import TextPart
    from glm_core.dialects import OpenAIChatDialect
    from glm_core.models import model_profile
    from glm_core.types import ImagePart

    dialect = OpenAIChatDialect(endpoint("vllm").provider)
    vision = replace(model_profile("glm-4.6v"), inputs=frozenset({"text", "image"}))
    request = ChatRequest("glm-4.6v", [UserMessage([TextPart("What is it?"), ImagePart("https://x.org/a.png")])])
    assert dialect.encode(request, vision, stream=False).body["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is it?"},
                {"type": "image_url", "image_url": {"url": "https://x.org/a.png"}},
            ],
        }
    ]


# ---------------------------------------------------------------- extra_body


def test_extra_body_adds_fields_and_wins() -> None:
    body = encode("zai", temperature=0.5, extra_body={"user_id": "user-123456", "temperature": 0.2})
    assert body["user_id"] == "user-123456"
    assert body["temperature"] == 0.2


def test_extra_body_merges_one_level_into_fields_the_core_set() -> None:
    body = encode("vllm", thinking=False, extra_body={"chat_template_kwargs": {"custom": 1}})
    assert body["chat_template_kwargs"] == {"enable_thinking": False, "custom": 1}
    body = encode("zai", thinking=True, extra_body={"thinking": {"type": "disabled"}})
    assert body["thinking"] == {"type": "disabled"}


def test_extra_body_is_not_mutated() -> None:
    extra = {"chat_template_kwargs": {"custom": 1}}
    encode("vllm", thinking=False, extra_body=extra)
    assert extra == {"chat_template_kwargs": {"custom": 1}}


def test_encoding_does_not_mutate_the_request() -> None:
    messages = [SystemMessage("Be brief."), UserMessage("Hi")]
    request = ChatRequest("glm-4.7", messages, tools=[WEATHER, TIME], tool_choice=NamedToolChoice("time"))
    endpoint("zai").prepare(request, stream=False)
    assert request.messages == [SystemMessage("Be brief."), UserMessage("Hi")]
    assert request.tools == [WEATHER, TIME]
