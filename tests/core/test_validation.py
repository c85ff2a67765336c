"""Bad input is refused before anything is sent, with a message naming the provider and what is allowed.

Request problems raise `InvalidRequestError`; setup problems (unknown provider, missing key or
account id, bad base URL) raise `ConfigurationError`. Both are `ValueError`s.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from glm_core import (
    AssistantMessage,
    ChatRequest,
    ConfigurationError,
    GLMClient,
    ImagePart,
    InvalidRequestError,
    NamedToolChoice,
    SystemMessage,
    TextPart,
    ToolCall,
    ToolMessage,
    ToolSpec,
    UserMessage,
)
from glm_core.endpoint import PreparedRequest
from tests.core.helpers import Server, make_async_client, make_client

HI = [UserMessage("Hi")]
TOOL = ToolSpec("weather", "Get weather")


def refuse(provider: str, match: str, **options: Any) -> InvalidRequestError:
    """Assert the request is refused by sync chat, sync stream, async chat and async stream, unsent."""
    options.setdefault("model", "glm-4.7" if provider == "aimlapi" else "glm-4.7-flash")
    options.setdefault("messages", HI)
    request = ChatRequest(**options)
    server = Server()
    client = make_client(provider, server)
    with pytest.raises(InvalidRequestError, match=match) as caught:
        client.chat(request)
    with pytest.raises(InvalidRequestError, match=match):
        client.stream(request)

    async def go() -> None:
        aclient = make_async_client(provider, server)
        with pytest.raises(InvalidRequestError, match=match):
            await aclient.chat(request)
        with pytest.raises(InvalidRequestError, match=match):
            aclient.stream(request)

    asyncio.run(go())
    assert server.requests == []
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.provider == provider
    assert str(error).startswith(f"{provider}: ") or provider in str(error)
    return error


def prepare(provider: str, **options: Any) -> PreparedRequest:
    from glm_core.endpoint import Endpoint
    from tests.core.helpers import client_kwargs

    options.setdefault("model", "glm-4.7" if provider == "aimlapi" else "glm-4.7-flash")
    options.setdefault("messages", HI)
    return Endpoint(provider, **client_kwargs(provider)).prepare(ChatRequest(**options), stream=False)


def accept(provider: str, **options: Any) -> None:
    prepare(provider, **options)


# ------------------------------------------------------------------ sampling ranges per provider


@pytest.mark.parametrize(
    ("provider", "bad", "good", "allowed"),
    [
        ("zai", 1.01, 1.0, "0.0 to 1.0"),
        ("bigmodel", -0.1, 0.0, "0.0 to 1.0"),
        ("empiriolabs", 1.5, 0.5, "0.0 to 1.0"),
        ("cloudflare", 2.1, 2.0, "0.0 to 2.0"),
        ("openrouter", -1.0, 1.7, "0.0 to 2.0"),
        ("vllm", 2.5, 1.9, "0.0 to 2.0"),
    ],
)
def test_temperature_range(provider: str, bad: float, good: float, allowed: str) -> None:
    error = refuse(provider, "temperature", temperature=bad)
    assert allowed in str(error)
    accept(provider, temperature=good)


def test_aimlapi_takes_temperature_from_0_to_2() -> None:
    # AIML-5.3 (zhipu/glm-5-3): temperature 0-2 (it was refused before issue 22).
    accept("aimlapi", temperature=1.5)
    refuse("aimlapi", "accepts 0.0 to 2.0", temperature=2.5)


@pytest.mark.parametrize(
    ("provider", "bad", "good"),
    [
        ("zai", 0.0, 0.01),
        ("zai_coding", 1.2, 1.0),
        ("aimlapi", 0.001, 0.5),
        ("cloudflare", 1.01, 0.0),
        ("sglang", -0.1, 0.0),
    ],
)
def test_top_p_range(provider: str, bad: float, good: float) -> None:
    refuse(provider, "top_p", top_p=bad)
    accept(provider, top_p=good)


def test_max_tokens_range_follows_the_model() -> None:
    refuse("zai", "max_tokens=0", max_tokens=0)
    accept("zai", model="glm-4.7", max_tokens=131_072)
    refuse("zai", "1 to 131072", model="glm-4.7", max_tokens=131_073)
    error = refuse("zai", "max_tokens", model="glm-4.5", max_tokens=98_305)
    assert "1 to 98304" in str(error)


@pytest.mark.parametrize(
    ("provider", "limit"), [("zai", 1), ("zai_coding", 1), ("bigmodel", 1), ("cloudflare", 4), ("aimlapi", 4)]
)
def test_stop_count(provider: str, limit: int) -> None:
    accept(provider, stop=["x"] * limit)
    error = refuse(provider, "stop sequences", stop=["x"] * (limit + 1))
    assert f"at most {limit}" in str(error)


def test_any_number_of_stops_on_self_hosted() -> None:
    accept("vllm", stop=[str(n) for n in range(16)])


# ------------------------------------------------------------------ features a provider lacks


def test_thinking_is_switched_on_aimlapi() -> None:
    # AIML-5.3: thinking {type: enabled | disabled} (it was refused before issue 22).
    accept("aimlapi", thinking=False)


@pytest.mark.parametrize("provider", ["empiriolabs", "aimlapi", "openrouter"])
def test_preserve_thinking_where_unsupported(provider: str) -> None:
    refuse(provider, "preserve_thinking is not supported", preserve_thinking=True)


def test_preserve_thinking_on_a_model_without_it() -> None:
    # §1.5: preserved thinking is a GLM-4.7 feature; GLM-4.6/4.5 would silently ignore it.
    error = refuse("zai", "preserve_thinking", model="glm-4.6", preserve_thinking=True)
    assert "glm-4.6" in str(error)
    accept("zai", model="glm-4.6", preserve_thinking=False)
    accept("zai", model="glm-4.7", preserve_thinking=True)


@pytest.mark.parametrize("provider", ["cloudflare", "cloudflare_openai", "aimlapi", "openrouter", "vllm", "sglang"])
def test_web_search_where_unsupported(provider: str) -> None:
    error = refuse(provider, "web_search is not supported", web_search=True)
    assert "zai" in str(error)  # says where it is supported
    accept(provider, web_search=False)


def test_parallel_tool_calls_false_is_accepted_on_zai_and_kept_to_one_call_by_the_client() -> None:
    accept("zai", tools=[TOOL], parallel_tool_calls=False)
    accept("zai", tools=[TOOL], parallel_tool_calls=True)


# ------------------------------------------------------------------ messages


@pytest.mark.parametrize("provider", ["zai", "vllm"])
def test_empty_messages(provider: str) -> None:
    refuse(provider, "messages is empty", messages=[])


@pytest.mark.parametrize(
    "messages",
    [[SystemMessage("Be brief.")], [AssistantMessage("Hello")], [SystemMessage("s"), AssistantMessage("a")]],
)
def test_a_conversation_without_a_user_message(messages: list[Any]) -> None:
    refuse("vllm", "no user message", messages=messages)


@pytest.mark.parametrize("provider", ["zai", "zai_coding", "bigmodel"])
def test_assistant_first_on_the_zai_family_is_accepted(provider: str) -> None:
    # The dialect puts a user turn before the greeting (test_encoding / tests/traffic).
    accept(provider, messages=[SystemMessage("s"), AssistantMessage("Hello!"), UserMessage("Hi")])


def test_tool_result_first_on_zai() -> None:
    refuse("zai", "user message", messages=[ToolMessage("40 C", tool_call_id="c"), UserMessage("Hi")])


@pytest.mark.parametrize("provider", ["vllm", "cloudflare", "openrouter"])
def test_assistant_first_is_fine_elsewhere(provider: str) -> None:
    accept(provider, messages=[AssistantMessage("Hello!"), UserMessage("Hi")])


def test_a_tool_result_needs_its_call_id() -> None:
    messages = [
        UserMessage("Weather?"),
        AssistantMessage(tool_calls=[ToolCall("c1", "weather", "{}")]),
        ToolMessage("40 C", tool_call_id=""),
    ]
    refuse("vllm", "tool_call_id", messages=messages)


def test_images_for_a_text_only_model() -> None:
    messages = [UserMessage([TextPart("What is this?"), ImagePart("https://x.org/a.png")])]
    error = refuse("zai", "text-only", model="glm-4.7", messages=messages)
    assert "glm-4.7" in str(error)
    accept("zai", model="glm-4.7", messages=[UserMessage([TextPart("Only text")])])


# ------------------------------------------------------------------ tools


@pytest.mark.parametrize("name", ["get weather", "", "x" * 65, "naïve", "a.b", "tool/1"])
def test_bad_tool_names(name: str) -> None:
    error = refuse("zai", "tool name", tools=[ToolSpec(name)])
    assert repr(name) in str(error)


@pytest.mark.parametrize("name", ["weather", "get_weather-2", "x" * 64, "A9"])
def test_good_tool_names(name: str) -> None:
    accept("zai", tools=[ToolSpec(name)])


def test_too_many_tools() -> None:
    accept("zai", tools=[ToolSpec(f"t{n}") for n in range(128)])
    error = refuse("zai", "129 tools", tools=[ToolSpec(f"t{n}") for n in range(129)])
    assert "at most 128" in str(error)


def test_tool_choice_without_tools() -> None:
    refuse("vllm", "without tools", tool_choice="required")
    refuse("zai", "without tools", tool_choice=NamedToolChoice("weather"))
    accept("vllm", tool_choice="none")


def test_named_tool_choice_must_name_a_bound_tool() -> None:
    error = refuse("cloudflare", "'time'", tools=[TOOL], tool_choice=NamedToolChoice("time"))
    assert "weather" in str(error)


# ------------------------------------------------------------------ structured output


def test_unknown_response_format() -> None:
    refuse("vllm", "response_format type 'yaml'", response_format={"type": "yaml"})


@pytest.mark.parametrize(
    "response_format",
    [
        {"type": "json_schema"},
        {"type": "json_schema", "json_schema": {"name": "P"}},
        {"type": "json_schema", "json_schema": "P"},
    ],
)
def test_json_schema_needs_a_schema(response_format: dict[str, Any]) -> None:
    refuse("zai", "json_schema needs", response_format=response_format)


# ------------------------------------------------------------------ models


@pytest.mark.parametrize(
    ("provider", "model"),
    [
        ("zai", "gpt-4o"),
        ("zai", "GLM-5.9"),
        ("aimlapi", "glm-4.7-flash"),
        ("cloudflare", "glm-4.7"),
        ("bigmodel", "glm-4-plus"),
    ],
)
def test_no_model_id_is_refused_before_sending(provider: str, model: str) -> None:
    # The provider's own answer says whether it serves a model (ModelNotFoundError), not a list of ours.
    accept(provider, model=model)


# ------------------------------------------------------------------ thinking and reasoning_effort


@pytest.mark.parametrize(
    ("provider", "asked", "sent"),
    [
        ("zai", "medium", "high"),  # ZAI-OAS: GLM-5.3 takes low / high / max
        ("zai", "xhigh", "max"),
        ("openrouter", "max", "xhigh"),  # OR-REASON: no max
        ("cloudflare", "max", "high"),  # CF-5.3: low | medium | high
        ("vllm", "medium", "high"),  # TPL-5.3F: low / high as given
    ],
)
def test_an_effort_level_the_provider_lacks_is_sent_as_its_nearest_level(provider: str, asked: str, sent: str) -> None:
    wire = prepare(provider, model="glm-5.3", reasoning_effort=asked).body
    effort = wire.get("reasoning_effort") or wire.get("reasoning", {}).get("effort")
    assert (effort or wire.get("chat_template_kwargs", {}).get("reasoning_effort")) == sent


def test_an_effort_level_on_a_model_without_levels_is_refused() -> None:
    refuse("zai", "glm-4.7 has no effort levels|it has no effort levels", model="glm-4.7", reasoning_effort="high")
    refuse("zai", "is not a level", model="glm-5.2", reasoning_effort="ultra")


def test_contradicting_thinking_and_effort_are_refused() -> None:
    refuse("zai", "contradicts", model="glm-5.2", thinking=False, reasoning_effort="high")
    refuse("zai", "contradicts", model="glm-5.2", thinking=True, reasoning_effort="none")
    refuse("zai", "contradicts", model="glm-5.3", thinking=False, reasoning_effort="max")


def test_self_hosted_serves_any_name() -> None:
    accept("vllm", model="my-finetune")


# ------------------------------------------------------------------ setup


def test_unknown_provider_lists_the_valid_ids() -> None:
    with pytest.raises(ConfigurationError) as caught:
        GLMClient("openai", api_key="k")
    message = str(caught.value)
    for provider in (
        "zai",
        "zai_coding",
        "bigmodel",
        "empiriolabs",
        "cloudflare",
        "cloudflare_openai",
        "aimlapi",
        "openrouter",
        "vllm",
        "sglang",
    ):
        assert provider in message
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("provider", "variable"),
    [
        ("zai", "ZAI_API_KEY"),
        ("zai_coding", "ZAI_API_KEY"),
        ("bigmodel", "ZHIPUAI_API_KEY"),
        ("empiriolabs", "EMPIRIOLABS_API_KEY"),
        ("cloudflare", "CLOUDFLARE_API_TOKEN"),
        ("aimlapi", "AIMLAPI_API_KEY"),
        ("openrouter", "OPENROUTER_API_KEY"),
    ],
)
def test_a_missing_key_names_the_variable(provider: str, variable: str) -> None:
    with pytest.raises(ConfigurationError, match=variable) as caught:
        GLMClient(provider, account_id="acct")
    assert "api_key=" in str(caught.value)


def test_the_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHIPUAI_API_KEY", "env-key")
    client = GLMClient("bigmodel")
    assert client.endpoint.api_key is not None and client.endpoint.api_key.get_secret_value() == "env-key"


def test_an_explicit_key_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZAI_API_KEY", "env-key")
    client = GLMClient("zai", api_key="explicit")
    assert client.endpoint.api_key is not None and client.endpoint.api_key.get_secret_value() == "explicit"


@pytest.mark.parametrize("provider", ["cloudflare", "cloudflare_openai"])
def test_a_missing_cloudflare_account_id_names_the_variable(provider: str) -> None:
    with pytest.raises(ConfigurationError, match="CLOUDFLARE_ACCOUNT_ID is not set; pass account_id="):
        GLMClient(provider, api_key="k")


def test_the_account_id_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDFLARE_ACCOUNT_ID", "acct-env")
    assert "/accounts/acct-env/ai/v1" in GLMClient("cloudflare_openai", api_key="k").endpoint.base_url


@pytest.mark.parametrize("provider", ["vllm", "sglang"])
def test_self_hosted_needs_a_base_url_but_no_key(provider: str) -> None:
    with pytest.raises(ConfigurationError, match="base_url"):
        GLMClient(provider)
    assert GLMClient(provider, base_url="http://localhost:8000/v1").endpoint.api_key is None


def test_self_hosted_takes_the_optional_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GLM_API_KEY", "self-hosted-key")
    client = GLMClient("vllm", base_url="http://localhost:8000/v1")
    assert client.endpoint.api_key is not None


@pytest.mark.parametrize("url", ["localhost:8000/v1", "ftp://host/v1", "ws://host/v1", "//host/v1"])
def test_a_base_url_that_is_not_http(url: str) -> None:
    with pytest.raises(ConfigurationError, match="not an http"):
        GLMClient("vllm", base_url=url)
