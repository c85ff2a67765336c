"""The official clients talk to the emulator served on loopback as they talk to the real APIs:
`openai.OpenAI` for every OpenAI-compatible provider, zai-sdk's `ZaiClient` / `ZhipuAiClient`
for Z.ai and BigModel (their own request building, SSE parsing and error mapping)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest
import zai
from zai.core._errors import APIReachLimitError, APIResponseError

from glm_core.testing import Emulator, Fault
from tests.emulator.emulator_helpers import KEY, MAGIC_TOOL, ROUTES

pytestmark = pytest.mark.loopback

OPENAI_STYLE = [p for p in ROUTES if p != "cloudflare"]
QUESTION = "What is the value of magic_function(3)? Use the tool."


@pytest.fixture(params=OPENAI_STYLE)
def served(request: pytest.FixtureRequest) -> Iterator[tuple[str, Emulator, openai.OpenAI]]:
    provider: str = request.param
    emu = Emulator(provider, api_key=KEY)
    with emu.serve() as base_url, httpx.Client(timeout=10) as http:
        yield provider, emu, openai.OpenAI(base_url=base_url, api_key=KEY, http_client=http, max_retries=0)


def model_of(provider: str) -> str:
    model = ROUTES[provider][1]
    assert model is not None
    return model


def test_openai_client_plain_and_streamed(served: tuple[str, Emulator, openai.OpenAI]) -> None:
    provider, _, client = served
    messages: Any = [{"role": "user", "content": "Hello there"}]
    completion = client.chat.completions.create(model=model_of(provider), messages=messages)
    assert completion.choices[0].message.content == "Hello! You said: Hello there"
    assert completion.usage is not None and completion.usage.total_tokens > 0

    text = ""
    usage_seen = False
    for chunk in client.chat.completions.create(
        model=model_of(provider), messages=messages, stream=True, stream_options={"include_usage": True}
    ):
        usage_seen = usage_seen or chunk.usage is not None
        for choice in chunk.choices:
            text += choice.delta.content or ""
    assert text == "Hello! You said: Hello there" and usage_seen


def test_openai_client_tool_calls_streamed_and_not(served: tuple[str, Emulator, openai.OpenAI]) -> None:
    provider, _, client = served
    messages: Any = [{"role": "user", "content": QUESTION}]
    tools: Any = [MAGIC_TOOL]
    completion = client.chat.completions.create(model=model_of(provider), messages=messages, tools=tools)
    call = completion.choices[0].message.tool_calls[0]  # type: ignore[index]
    assert call.function.name == "magic_function"  # type: ignore[union-attr]
    assert json.loads(call.function.arguments) == {"input": 3}  # type: ignore[union-attr]

    arguments = ""
    with client.chat.completions.stream(model=model_of(provider), messages=messages, tools=tools) as stream:
        for event in stream:
            if event.type == "tool_calls.function.arguments.delta":
                arguments += event.arguments_delta
        final = stream.get_final_completion()
    assert json.loads(arguments) == {"input": 3}
    assert final.choices[0].message.tool_calls[0].function.name == "magic_function"  # type: ignore[index]


def test_openai_client_maps_auth_and_rate_limit_errors(served: tuple[str, Emulator, openai.OpenAI]) -> None:
    provider, emu, client = served
    messages: Any = [{"role": "user", "content": "Hi"}]
    with pytest.raises(openai.AuthenticationError):
        client.with_options(api_key="wrong").chat.completions.create(model=model_of(provider), messages=messages)
    emu.queue(Fault(status=429))
    with pytest.raises(openai.RateLimitError):
        client.chat.completions.create(model=model_of(provider), messages=messages)


def test_openai_client_raises_on_an_error_inside_a_zai_stream() -> None:
    emu = Emulator("zai", api_key=KEY)
    emu.queue(Fault(kind="error_in_stream", after_events=2))
    with emu.serve() as base_url, httpx.Client(timeout=10) as http:
        client = openai.OpenAI(base_url=base_url, api_key=KEY, http_client=http, max_retries=0)
        with pytest.raises(openai.APIError, match="overloaded"):
            for _ in client.chat.completions.create(
                model="glm-4.7", stream=True, messages=[{"role": "user", "content": "Hi"}]
            ):
                pass


@pytest.mark.parametrize(("provider", "client_class"), [("zai", zai.ZaiClient), ("bigmodel", zai.ZhipuAiClient)])
def test_zai_sdk_client_over_loopback(provider: str, client_class: Any) -> None:
    emu = Emulator(provider, api_key=KEY)
    with emu.serve() as base_url:
        client = client_class(api_key=KEY, base_url=base_url, max_retries=0)
        messages = [{"role": "user", "content": QUESTION}]
        completion = client.chat.completions.create(
            model="glm-4.7", messages=messages, tools=[MAGIC_TOOL], thinking={"type": "enabled"}
        )
        message = completion.choices[0].message
        assert message.reasoning_content and message.tool_calls[0].function.name == "magic_function"

        reasoning, content = "", ""
        for chunk in client.chat.completions.create(
            model="glm-4.7", stream=True, messages=[{"role": "user", "content": "Hello there"}]
        ):
            delta = chunk.choices[0].delta
            reasoning += delta.reasoning_content or ""
            content += delta.content or ""
        assert reasoning and content == "Hello! You said: Hello there"

        # the SDK clamps temperature into (0, 1) itself; the emulator accepts what it sends
        client.chat.completions.create(
            model="glm-4.7", temperature=1.0, top_p=1.0, messages=[{"role": "user", "content": "Hi"}]
        )
        assert emu.requests[-1].body["temperature"] <= 1


def test_zai_sdk_raises_its_own_errors() -> None:
    emu = Emulator("zai", api_key=KEY)
    with emu.serve() as base_url:
        client = zai.ZaiClient(api_key=KEY, base_url=base_url, max_retries=0)
        emu.queue(Fault(code="1302"))
        with pytest.raises(APIReachLimitError):
            client.chat.completions.create(model="glm-4.7", messages=[{"role": "user", "content": "Hi"}])
        emu.queue(Fault(kind="error_in_stream", after_events=1))
        with pytest.raises(APIResponseError):
            for _ in client.chat.completions.create(
                model="glm-4.7", stream=True, messages=[{"role": "user", "content": "Hi"}]
            ):
                pass
