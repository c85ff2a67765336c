"""Key hygiene (issue 15, findings 5 and 6): the key as users really paste it, secrets in per-call
headers, construction errors, and pickling.

- a key with surrounding whitespace (a newline from a file, CRLF, NBSP) is stripped and works;
  one with a character no header can carry is refused, and the refusal never shows the key;
- per-call `extra_headers` reach the provider but not LangChain's callbacks or LlamaIndex's
  events; a header is masked by its value too (`x-session`, `x-my-gateway-jwt`);
- a construction-time error (pydantic's included) shows no part of the key;
- `GLMClient`, `AsyncGLMClient`, `ChatGLM` and `GLM` pickle without their secrets; unpickled, the
  key comes from the environment, and without it the first call says so.
"""

from __future__ import annotations

import json
import logging
import pickle
from collections.abc import Callable
from typing import Any

import pytest

from glm_core import AsyncGLMClient, ChatRequest, GLMClient, UserMessage
from glm_core.errors import ConfigurationError, GLMError
from tests.reliability.harness import KEY, SPECS, Served, Spec
from tests.reliability.test_secrets import error_text

pytestmark = pytest.mark.loopback

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJnYXRld2F5In0.c2lnbmF0dXJlLTEyMzQ1"
SESSION = "a81f0c2e9b7d4e6f8a1b3c5d7e9f0a2b"
GATEWAY_KEY = "cfgw-5ec12e7-gateway-token-0000"
CALL_HEADERS = {"cf-aig-authorization": f"Bearer {GATEWAY_KEY}", "x-my-gateway-jwt": JWT, "x-session": SESSION}
SECRETS = (KEY, GATEWAY_KEY, JWT, SESSION, KEY[:12])


def leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


@pytest.mark.parametrize(
    "pasted", [KEY + "\n", KEY + "\r\n", " " + KEY, KEY + "\u00a0"], ids=["lf", "crlf", "space", "nbsp"]
)
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
async def test_a_key_with_surrounding_whitespace_works(serve: Callable[..., Served], spec: Spec, pasted: str) -> None:
    served = serve("zai")
    answer = await spec.build(served, api_key=pasted).call()
    assert answer.text
    assert served.emulator.requests[0].headers["authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize("bad", [KEY + "\u200b", KEY[:10] + "\n" + KEY[10:], KEY[:10] + "\u00e9" + KEY[10:]])
@pytest.mark.parametrize("kind", ["core", "langchain", "llama_index"])
def test_a_key_no_header_can_carry_is_refused_without_showing_it(
    kind: str, bad: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ValueError) as raised:
        build(kind, api_key=bad)
    text = error_text(raised.value)
    assert "API key" in text and "header" in text
    assert leaks(text) == [] and leaks(caplog.text) == []


@pytest.mark.parametrize("kind", ["core", "langchain", "llama_index"])
def test_a_construction_error_shows_no_part_of_the_key(kind: str) -> None:
    with pytest.raises(ValueError) as raised:
        build(kind, api_key=KEY, base_url="not a url")
    assert leaks(error_text(raised.value)) == []
    if kind != "core":
        with pytest.raises(ValueError) as raised:
            build(kind, api_key=KEY, temperature="hot")
        assert leaks(error_text(raised.value)) == []


ACCOUNT_ID = "acct-5ecret-0042"
CLASSES = {
    "ChatGLM": ("langchain_glm", "ChatGLM"),
    "GLMEmbeddings": ("langchain_glm", "GLMEmbeddings"),
    "GLMRerank (LangChain)": ("langchain_glm", "GLMRerank"),
    "GLM": ("llama_index_glm", "GLM"),
    "GLMEmbedding": ("llama_index_glm", "GLMEmbedding"),
    "GLMRerank (LlamaIndex)": ("llama_index_glm", "GLMRerank"),
}
# Each makes a different part of construction fail: the provider, the URL, a field's type, the
# core's checks after the fields, a field of the key itself.
BAD_SETTINGS = [
    {"provider": "zaii"},
    {"base_url": "ftp://example.org"},
    {"timeout": "soon"},
    {"max_retries": -1},
    {"provider": "vllm"},
    {"default_headers": {"x-api-key": GATEWAY_KEY, "x-team": 5}},
    {"api_key": KEY + "\u200b"},
    {"api_key": [KEY]},
]


@pytest.mark.parametrize("settings", BAD_SETTINGS, ids=lambda s: next(iter(s)) + ":" + str(next(iter(s.values())))[:8])
@pytest.mark.parametrize("name", sorted(CLASSES))
def test_no_construction_error_of_any_class_shows_the_key(name: str, settings: dict[str, Any]) -> None:
    import importlib

    module, attribute = CLASSES[name]
    cls = getattr(importlib.import_module(module), attribute)
    with pytest.raises(ValueError) as raised:  # pydantic's ValidationError, or the core's error
        cls(**{"api_key": KEY, "account_id": ACCOUNT_ID, **settings})
    error = raised.value
    shown = error_text(error) + repr(getattr(error, "errors", list)())
    for secret in (KEY[:8], KEY[-8:], GATEWAY_KEY, ACCOUNT_ID):
        assert secret not in shown, f"{name}: {secret!r} in {shown[:2000]}"
    assert error.__context__ is None or leaks(error_text(error.__context__)) == []


@pytest.mark.parametrize("cls", [GLMClient, AsyncGLMClient])
@pytest.mark.parametrize("settings", BAD_SETTINGS, ids=lambda s: next(iter(s)) + ":" + str(next(iter(s.values())))[:8])
def test_no_construction_error_of_a_core_client_shows_the_key(cls: type, settings: dict[str, Any]) -> None:
    settings = {"api_key": KEY, "account_id": ACCOUNT_ID, **settings}
    provider = settings.pop("provider", "zai")
    try:
        cls(provider, **settings)
    except Exception as error:
        shown = error_text(error)
        for secret in (KEY[:8], KEY[-8:], GATEWAY_KEY, ACCOUNT_ID):
            assert secret not in shown, shown


def test_values_that_look_like_credentials_are_masked() -> None:
    from glm_core.redaction import redact_headers, scrub

    shown = redact_headers({**CALL_HEADERS, "x-team": "search", "x-request-id": "r-1"})
    assert shown is not None and leaks(json.dumps(shown)) == []
    assert shown["x-team"] == "search" and shown["x-request-id"] == "r-1"
    assert leaks(scrub(f"Illegal header value b'Bearer {KEY}\\n' {JWT} {SESSION}")) == []


async def test_extra_headers_reach_the_provider_but_not_langchain_callbacks(serve: Callable[..., Served]) -> None:
    from langchain_core.callbacks import BaseCallbackHandler

    from langchain_glm import ChatGLM

    seen: list[str] = []

    class Recorder(BaseCallbackHandler):
        def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
            seen.append(json.dumps(serialized, default=repr) + json.dumps(kwargs, default=repr))

        def on_llm_end(self, response: Any, **kwargs: Any) -> None:
            seen.append(repr(response) + json.dumps(kwargs, default=repr))

    served = serve("zai")
    llm = ChatGLM(provider="zai", api_key=KEY, base_url=served.base_url, max_retries=0)
    config: Any = {"callbacks": [Recorder()]}
    llm.invoke("Hello", config=config, extra_headers=CALL_HEADERS)
    await llm.ainvoke("Hello", config=config, extra_headers=CALL_HEADERS)
    [_ for _ in llm.bind(extra_headers=CALL_HEADERS).stream("Hello", config=config)]
    assert len(seen) == 6
    assert leaks("\n".join(seen)) == []
    for request in served.emulator.requests:
        assert request.headers["x-session"] == SESSION and request.headers["x-my-gateway-jwt"] == JWT


async def test_extra_headers_reach_the_provider_but_not_llama_index_events(serve: Callable[..., Served]) -> None:
    from llama_index.core.instrumentation import get_dispatcher
    from llama_index.core.instrumentation.event_handlers import BaseEventHandler
    from llama_index.core.llms import ChatMessage

    from llama_index_glm import GLM

    seen: list[str] = []

    class Recorder(BaseEventHandler):
        @classmethod
        def class_name(cls) -> str:
            return "Recorder"

        def handle(self, event: Any, **kwargs: Any) -> None:
            seen.append(repr(event) + event.model_dump_json())

    dispatcher = get_dispatcher()
    handler = Recorder()
    dispatcher.add_event_handler(handler)
    try:
        served = serve("zai")
        llm = GLM(provider="zai", api_key=KEY, base_url=served.base_url, max_retries=0)
        messages = [ChatMessage(role="user", content="Hello")]
        llm.chat(messages, extra_headers=CALL_HEADERS)
        await llm.achat(messages, extra_headers=CALL_HEADERS)
        list(llm.stream_chat(messages, extra_headers=CALL_HEADERS))
        llm.complete("Hello", extra_headers=CALL_HEADERS)
    finally:
        dispatcher.event_handlers.remove(handler)
    assert len(seen) >= 8
    assert leaks("\n".join(seen)) == []
    assert len(served.emulator.requests) == 4
    for request in served.emulator.requests:
        assert request.headers["x-session"] == SESSION and request.headers["x-my-gateway-jwt"] == JWT


# -- pickling ----------------------------------------------------------------------------------------

KINDS = ["core", "core-async", "langchain", "llama_index"]


def build(kind: str, **settings: Any) -> Any:
    settings = {"api_key": KEY, "base_url": "http://127.0.0.1:9/api/paas/v4", **settings}
    if kind == "core":
        return GLMClient("zai", **settings)
    if kind == "core-async":
        return AsyncGLMClient("zai", **settings)
    if kind == "langchain":
        from langchain_glm import ChatGLM

        return ChatGLM(provider="zai", **settings)
    from llama_index_glm import GLM

    return GLM(provider="zai", **settings)


def core_client(obj: Any) -> Any:
    if isinstance(obj, GLMClient | AsyncGLMClient):
        return obj
    return obj._client


@pytest.mark.parametrize("kind", KINDS)
def test_a_pickle_holds_no_secret(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZAI_API_KEY", raising=False)
    obj = build(kind, default_headers={"cf-aig-authorization": f"Bearer {GATEWAY_KEY}", "x-team": "search"})
    data = pickle.dumps(obj)
    assert leaks(data.decode("latin-1")) == []
    assert b"search" in data  # harmless headers travel


@pytest.mark.parametrize("kind", KINDS)
def test_unpickled_the_key_comes_from_the_environment(
    kind: str, serve: Callable[..., Served], monkeypatch: pytest.MonkeyPatch
) -> None:
    served = serve("zai")
    monkeypatch.delenv("ZAI_API_KEY", raising=False)
    data = pickle.dumps(build(kind, base_url=served.base_url))
    monkeypatch.setenv("ZAI_API_KEY", KEY)
    restored = pickle.loads(data)
    client = core_client(restored)
    request = ChatRequest("glm-4.7-flash", [UserMessage("Hello")])
    if kind == "core-async":
        import asyncio

        answer = asyncio.run(client.chat(request))
    elif kind == "langchain":
        answer = restored.invoke("Hello")
    elif kind == "llama_index":
        answer = restored.complete("Hello")
    else:
        answer = client.chat(request)
    assert answer is not None
    assert served.emulator.requests[-1].headers["authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize("kind", KINDS)
def test_unpickled_without_a_key_the_first_call_says_so(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZAI_API_KEY", raising=False)
    restored = pickle.loads(pickle.dumps(build(kind)))
    with pytest.raises(ConfigurationError) as raised:
        core_client(restored).endpoint.prepare(ChatRequest("glm-4.7-flash", [UserMessage("Hi")]), stream=False)
    assert "never pickled" in str(raised.value) and "ZAI_API_KEY" in str(raised.value)
    if kind == "langchain":
        with pytest.raises(GLMError, match="never pickled"):
            restored.invoke("Hello")
    if kind == "llama_index":
        with pytest.raises(GLMError, match="never pickled"):
            restored.complete("Hello")


@pytest.mark.parametrize("kind", KINDS)
def test_unpickled_dropped_credential_headers_are_named(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZAI_API_KEY", KEY)
    obj = build(kind, default_headers={"cf-aig-authorization": f"Bearer {GATEWAY_KEY}"})
    restored = pickle.loads(pickle.dumps(obj))
    with pytest.raises(ConfigurationError) as raised:
        core_client(restored).endpoint.prepare(ChatRequest("glm-4.7-flash", [UserMessage("Hi")]), stream=False)
    assert "cf-aig-authorization" in str(raised.value)
    assert leaks(str(raised.value)) == []


def test_a_copy_of_a_copy_still_names_the_dropped_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZAI_API_KEY", KEY)
    obj = build("core", default_headers={"cf-aig-authorization": f"Bearer {GATEWAY_KEY}"})
    twice = pickle.loads(pickle.dumps(pickle.loads(pickle.dumps(obj))))
    with pytest.raises(ConfigurationError, match="cf-aig-authorization"):
        twice.endpoint.prepare(ChatRequest("glm-4.7-flash", [UserMessage("Hi")]), stream=False)


def test_transport_errors_never_carry_a_credential_nor_an_empty_message(caplog: pytest.LogCaptureFixture) -> None:
    import httpx2

    from glm_core.failures import as_glm_error
    from glm_core.providers import get_provider
    from glm_core.retry import Attempts, RetryPolicy

    zai = get_provider("zai")
    empty = as_glm_error(httpx2.ReadError(""), zai)
    assert "ReadError" in str(empty) and "no message" in str(empty)
    try:
        try:
            raise ValueError(f"Illegal header value b'Bearer {KEY}\\n'")
        except ValueError as inner:
            raise httpx2.LocalProtocolError(f"Illegal header value b'Bearer {KEY}\\n' x-session={SESSION}") from inner
    except httpx2.LocalProtocolError as exc:
        caplog.set_level(logging.INFO)
        headers = {"authorization": f"Bearer {KEY}", "x-session": SESSION}
        with pytest.raises(GLMError) as raised:
            Attempts(RetryPolicy(max_retries=2), zai, headers).wait_after(exc)
    assert not raised.value.retryable  # the same bytes would fail again
    assert leaks(error_text(raised.value)) == [] and leaks(caplog.text) == []
