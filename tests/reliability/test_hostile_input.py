"""Hostile input (issue 15, finding 7): values of the wrong type or outside JSON, on every surface.

Each case is refused with an `InvalidRequestError` / `ConfigurationError` (both `ValueError`s and
`GLMError`s) that says what to fix, before anything is sent; or, where the intent is plain, it is
converted (`stop="END"` is one stop sequence). Nothing untyped (`TypeError`,
`UnicodeEncodeError`, pydantic's `ValidationError`) and nothing sent that is not valid JSON.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

import pytest

from glm_core import ChatRequest, GLMClient, ToolSpec, UserMessage
from glm_core.errors import ConfigurationError, GLMError, InvalidRequestError
from tests.reliability.harness import KEY
from tests.reliability.wire import Canned, RawServer

pytestmark = pytest.mark.loopback

OK = json.dumps({"choices": [{"message": {"content": "ok"}, "finish_reason": "stop"}]}).encode()
SURFACES = ["core", "langchain", "llama_index"]


@pytest.fixture(scope="module")
def server() -> Iterator[RawServer]:
    with RawServer() as raw:
        raw.queue(Canned(body=OK))
        yield raw


def call(surface: str, base_url: str, prompt: Any = "Hello", **options: Any) -> Any:
    """One non-streamed call with per-call `options` on `surface`."""
    if surface == "core":
        client = GLMClient("vllm", api_key=KEY, base_url=base_url, max_retries=0)
        return client.chat(ChatRequest("glm-4.7-flash", [UserMessage(prompt)], **options))
    if surface == "langchain":
        from langchain_glm import ChatGLM

        llm = ChatGLM(model="glm-4.7-flash", provider="vllm", api_key=KEY, base_url=base_url, max_retries=0)
        stop = options.pop("stop", None)
        return llm.invoke(prompt, stop=stop, **options)
    from llama_index.core.llms import ChatMessage

    from llama_index_glm import GLM

    llm = GLM(model="glm-4.7-flash", provider="vllm", api_key=KEY, base_url=base_url, max_retries=0)
    return llm.chat([ChatMessage(role="user", content=prompt)], **options)


NAN_TOOL = ToolSpec("f", "", {"type": "object", "properties": {"x": {"type": "number", "maximum": math.inf}}})

REFUSED: dict[str, tuple[dict[str, Any], str]] = {
    "seed-nan": ({"seed": math.nan}, "seed"),
    "temperature-nan": ({"temperature": math.nan}, "temperature"),
    "temperature-text": ({"temperature": "hot"}, "temperature"),
    "max-tokens-text": ({"max_tokens": "100"}, "max_tokens"),
    "max-tokens-fraction": ({"max_tokens": 1.5}, "max_tokens"),
    "stop-none": ({"stop": [None]}, "stop"),
    "stop-int": ({"stop": [5]}, "stop"),
    "stop-empty": ({"stop": [""]}, "stop"),
    "extra-body-nan": ({"extra_body": {"frequency_penalty": math.nan}}, "frequency_penalty"),
    "extra-body-inf": ({"extra_body": {"presence_penalty": -math.inf}}, "presence_penalty"),
    "tool-schema-inf": ({"tools": [NAN_TOOL]}, "not valid JSON"),
    "tool-name-newline": ({"tools": [ToolSpec("get_weather\n")]}, "tool name"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
@pytest.mark.parametrize("surface", SURFACES)
def test_refused_before_sending(server: RawServer, surface: str, case: str) -> None:
    options, named = REFUSED[case]
    if surface != "core" and case.startswith("tool-"):
        pytest.skip("the adapters build tools from their own objects (covered by the core)")
    server.reset(Canned(body=OK))
    with pytest.raises(GLMError) as raised:
        call(surface, server.base_url, **options)
    assert isinstance(raised.value, InvalidRequestError), type(raised.value)
    assert named in str(raised.value)
    assert server.requests == []


@pytest.mark.parametrize("prompt", [None, 5, "\ud83d lone surrogate"], ids=["none", "int", "surrogate"])
@pytest.mark.parametrize("surface", SURFACES)
def test_bad_message_content(server: RawServer, surface: str, prompt: Any) -> None:
    if surface != "core" and not isinstance(prompt, str):
        pytest.skip("LangChain and LlamaIndex check (or convert) the type of their own messages")
    server.reset(Canned(body=OK))
    with pytest.raises(GLMError) as raised:
        call(surface, server.base_url, prompt=prompt)
    assert isinstance(raised.value, InvalidRequestError | ConfigurationError), type(raised.value)
    assert "message" in str(raised.value)
    assert server.requests == []


@pytest.mark.parametrize("surface", SURFACES)
def test_a_single_stop_string_is_one_stop_sequence(server: RawServer, surface: str) -> None:
    server.reset(Canned(body=OK))
    call(surface, server.base_url, stop="END")
    head = server.requests[0]
    assert head  # the body is checked through the core's prepared request below
    prepared = GLMClient("vllm", api_key=KEY, base_url=server.base_url).endpoint.prepare(
        ChatRequest("glm-4.7-flash", [UserMessage("Hi")], stop="END"),  # type: ignore[arg-type]
        stream=False,
    )
    assert prepared.body["stop"] == ["END"]


@pytest.mark.parametrize("value", [-1, 0, math.nan, math.inf])
@pytest.mark.parametrize("setting", ["timeout", "stream_idle_timeout"])
@pytest.mark.parametrize("surface", SURFACES)
def test_bad_timeouts_refused_at_construction(surface: str, setting: str, value: Any) -> None:
    with pytest.raises(ValueError) as raised:
        build(surface, **{setting: value})
    assert setting in str(raised.value)


@pytest.mark.parametrize(
    "url", ["http://", "localhost:8000/v1", "http://[::1/v1", "http://host:port/v1", "ftp://host/v1", "http:// x/v1"]
)
@pytest.mark.parametrize("surface", SURFACES)
def test_malformed_base_url_refused_at_construction(surface: str, url: str) -> None:
    with pytest.raises(ValueError) as raised:
        build(surface, base_url=url)
    assert "base_url" in str(raised.value)


@pytest.mark.parametrize("surface", SURFACES)
def test_an_upper_case_scheme_is_a_url(surface: str) -> None:
    build(surface, base_url="HTTPS://gpu.example.com/v1")


def build(surface: str, **options: Any) -> Any:
    settings: dict[str, Any] = {"api_key": KEY, "base_url": "http://127.0.0.1:9/v1", **options}
    if surface == "core":
        return GLMClient("vllm", **settings)
    if surface == "langchain":
        from langchain_glm import ChatGLM

        return ChatGLM(model="glm-4.7-flash", provider="vllm", **settings)
    from llama_index_glm import GLM

    return GLM(model="glm-4.7-flash", provider="vllm", **settings)
