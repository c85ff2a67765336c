"""Secrets: the key never shows in repr/str, DEBUG logs, exceptions, serialization, traces or cassettes.

The key used here looks like a real one and appears nowhere else, so a plain substring search
finds any leak. Logging is captured at DEBUG for every logger (httpx2's and httpcore2's
included) during a successful call, a retried one, a failing one and a broken stream, on all 12
surfaces. Exceptions are searched with their whole chain (`traceback.format_exception`).
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from glm_core import ChatRequest, GLMClient, UserMessage
from glm_core.endpoint import Endpoint
from glm_core.errors import APIConnectionError, AuthenticationError, GLMError, QuotaExceededError
from glm_core.testing import Fault
from tests.reliability.harness import ACCOUNT, KEY, SPECS, Served, Spec, closed_port

pytestmark = pytest.mark.loopback

ROOT = Path(__file__).resolve().parents[2]
WRONG_KEY = "sk-WRONG-d3adb33f-0000-key-that-was-sent"
# A second credential users pass in default_headers (Cloudflare AI Gateway, a proxy's key).
GATEWAY_KEY = "cfgw-5ec12e7-gateway-token-0000"
HEADERS = {"cf-aig-authorization": f"Bearer {GATEWAY_KEY}", "X-Proxy-Token": GATEWAY_KEY, "x-team": "search"}
PROVIDERS = ["zai", "cloudflare", "openrouter", "vllm"]


def leaks(text: str, *secrets: str) -> list[str]:
    return [secret for secret in (secrets or (KEY,)) if secret in text]


def error_text(error: BaseException) -> str:
    """Everything an error shows: message, repr, attributes, and the whole chain as printed."""
    parts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    parts += [repr(value) for value in vars(error).values()]
    return "\n".join(parts)


# -- repr, str, serialization ----------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
def test_core_objects(provider: str) -> None:
    settings = {"api_key": KEY, "account_id": ACCOUNT, "base_url": "http://127.0.0.1:9/v1"}
    client = GLMClient(provider, **settings)
    endpoint = Endpoint(provider, **settings)
    prepared = endpoint.prepare(ChatRequest("glm-4.7-flash", [UserMessage("Hello")]), stream=True)
    shown = [repr(client), str(client), repr(vars(client)), repr(endpoint), str(endpoint), repr(prepared)]
    assert leaks("\n".join(shown)) == []
    # The key is still there for the request itself.
    assert prepared.headers["authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_chatglm_repr_and_serialization(provider: str) -> None:
    from langchain_core.load import dumpd, dumps

    from langchain_glm import ChatGLM

    llm = ChatGLM(
        provider=provider, api_key=KEY, account_id=ACCOUNT, base_url="http://127.0.0.1:9/v1", default_headers=HEADERS
    )
    bound = llm.bind_tools([{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}])
    shown = [
        repr(llm), str(llm), json.dumps(dumpd(llm)), dumps(llm, pretty=True), llm.model_dump_json(),
        repr(llm.model_dump()), repr(llm._get_invocation_params()), repr(llm._identifying_params),
        repr(llm._get_ls_params()), repr(bound), json.dumps(dumpd(bound)),
    ]  # fmt: skip
    assert leaks("\n".join(shown), KEY, GATEWAY_KEY) == []
    assert "x-team" in repr(llm) and "search" in repr(llm), "harmless headers still show"
    assert llm.api_key is not None and llm.api_key.get_secret_value() == KEY
    assert llm.default_headers == HEADERS, "the headers themselves are untouched"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_glm_repr_and_payload(provider: str) -> None:
    from llama_index_glm import GLM

    llm = GLM(
        provider=provider, api_key=KEY, account_id=ACCOUNT, base_url="http://127.0.0.1:9/v1", default_headers=HEADERS
    )
    shown = [
        repr(llm), str(llm), repr(llm.to_payload()), llm.to_json(), repr(llm.to_dict()), llm.model_dump_json(),
        repr(llm.model_dump()), repr(llm.metadata),
    ]  # fmt: skip
    assert leaks("\n".join(shown), KEY, GATEWAY_KEY) == []
    assert "x-team" in repr(llm) and "search" in llm.to_json(), "harmless headers still show"
    assert llm.default_headers == HEADERS, "the headers themselves are untouched"


@pytest.mark.parametrize("surface", ["ChatGLM", "GLM"])
def test_default_headers_still_reach_the_provider(surface: str) -> None:
    import httpx2

    from glm_core.testing import Emulator

    emulator = Emulator("zai", api_key=KEY)
    settings: dict[str, Any] = {"api_key": KEY, "base_url": emulator.base_url, "default_headers": HEADERS}
    http_client = httpx2.Client(transport=emulator.transport())
    if surface == "ChatGLM":
        from langchain_glm import ChatGLM

        ChatGLM(**settings, http_client=http_client).invoke("Hello")
    else:
        from llama_index.core.llms import ChatMessage

        from llama_index_glm import GLM

        GLM(**settings, http_client=http_client).chat([ChatMessage(role="user", content="Hello")])
    sent = emulator.requests[-1].headers
    assert sent["cf-aig-authorization"] == f"Bearer {GATEWAY_KEY}"
    assert sent["x-proxy-token"] == GATEWAY_KEY


# -- logs, traces and exceptions during real calls --------------------------------------------------


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger at DEBUG, httpx2's and httpcore2's included."""
    caplog.set_level(logging.DEBUG)
    names = [n for n in logging.root.manager.loggerDict if n.split(".")[0] in (
        "httpx2", "httpcore2", "httpx", "httpcore", "glm_core", "langchain_glm", "llama_index_glm", "llama_index",
        "langchain_core", "asyncio", "hpack")]  # fmt: skip
    for name in [*names, "httpx2", "httpcore2", "glm_core"]:
        caplog.set_level(logging.DEBUG, logger=name)
    yield caplog


def log_text(caplog: pytest.LogCaptureFixture) -> str:
    lines = []
    for record in caplog.records:
        lines.append(f"{record.name} {record.getMessage()} {record.args!r}")
        if record.exc_info and record.exc_info[1] is not None:
            lines.append("".join(traceback.format_exception(record.exc_info[1])))
    return "\n".join(lines)


async def calls_and_errors(served: Served, spec: Spec) -> list[BaseException]:
    """A good call, a retried one, a final error and a broken stream; returns the errors."""
    surface = spec.build(served)
    errors: list[BaseException] = []
    await surface.call()
    served.emulator.queue(Fault(code="1302", headers={"retry-after": "1"}))
    await surface.call()
    served.emulator.queue(Fault(code="1113"))
    with pytest.raises(QuotaExceededError) as quota:
        await surface.call()
    errors.append(quota.value)
    served.emulator.queue(Fault(kind="cut_stream_after", after_events=3))
    try:
        await surface.call()
    except GLMError as error:
        errors.append(error)
    # A wrong key: the provider's 401 must not echo what was sent, and neither may the error.
    wrong = spec.build(served, api_key=WRONG_KEY)
    with pytest.raises(AuthenticationError) as auth:
        await wrong.call()
    errors.append(auth.value)
    refused = spec.build(f"http://127.0.0.1:{closed_port()}/api/paas/v4", "zai")
    with pytest.raises(APIConnectionError) as connection:
        await refused.call()
    errors.append(connection.value)
    return errors


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
async def test_debug_logs_and_exceptions(
    serve: Callable[..., Served], spec: Spec, debug_logs: pytest.LogCaptureFixture
) -> None:
    served = serve("zai")
    errors = await calls_and_errors(served, spec)
    logs = log_text(debug_logs)
    assert "httpcore2" in logs or "httpx2" in logs, "the transport's own DEBUG logs were captured"
    assert "retrying" in logs  # the core's retry log line
    assert leaks(logs, KEY, WRONG_KEY) == []
    for error in errors:
        assert leaks(error_text(error), KEY, WRONG_KEY) == [], type(error).__name__
    # The key did reach the provider: the emulator checks it.
    assert served.emulator.requests[0].headers["authorization"] == f"Bearer {KEY}"


async def test_langchain_callbacks_and_traces(serve: Callable[..., Served]) -> None:
    """What a tracer (LangSmith, Langfuse) receives: serialized model, invocation params, results."""
    from langchain_core.callbacks import BaseCallbackHandler

    from langchain_glm import ChatGLM

    seen: list[str] = []

    class Recorder(BaseCallbackHandler):
        def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
            seen.append(json.dumps(serialized, default=repr) + json.dumps(kwargs, default=repr))

        def on_llm_end(self, response: Any, **kwargs: Any) -> None:
            seen.append(repr(response) + json.dumps(kwargs, default=repr))

        def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
            seen.append(error_text(error))

    served = serve("zai")
    llm = ChatGLM(provider="zai", api_key=KEY, base_url=served.base_url, max_retries=0)
    config: Any = {"callbacks": [Recorder()]}
    await llm.ainvoke("Hello", config=config)
    llm.invoke("Hello", config=config)
    served.emulator.queue(Fault(code="1113"))
    with pytest.raises(QuotaExceededError):
        await llm.ainvoke("Hello", config=config)
    assert len(seen) == 6
    assert leaks("\n".join(seen)) == []


async def test_llama_index_instrumentation_events(serve: Callable[..., Served]) -> None:
    """What LlamaIndex's dispatcher hands event and span handlers (observability integrations)."""
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
        await llm.achat(messages)
        llm.complete("Hello")
        list(llm.stream_chat(messages))
    finally:
        dispatcher.event_handlers.remove(handler)
    assert len(seen) >= 6
    assert leaks("\n".join(seen)) == []


# -- cassettes ---------------------------------------------------------------------------------------

_SECRET_HEADERS = ("authorization", "x-api-key", "api-key", "cf-aig-authorization", "cookie", "set-cookie")


def _test_keys() -> set[str]:
    """Every key-like string literal the test suite uses, wherever it is defined."""
    found = set()
    pattern = re.compile(r"""^\s*[A-Z_]*(?:KEY|TOKEN|SECRET)[A-Z_]*\s*=\s*["']([^"']{8,})["']""", re.MULTILINE)
    for path in (ROOT / "tests").rglob("*.py"):
        found.update(pattern.findall(path.read_text(encoding="utf-8")))
    return found


def test_no_secret_in_any_cassette() -> None:
    keys = _test_keys()
    assert {"emulator-test-key", KEY} <= keys
    files = [p for p in (ROOT / "cassettes").rglob("*") if p.is_file()]
    assert files, "no cassettes found"
    problems: list[str] = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        problems += [f"{path}: test key {key!r}" for key in keys if key in text]
        if re.search(r"Bearer\s+(?!REDACTED)[A-Za-z0-9._\-]{6,}", text):
            problems.append(f"{path}: a bearer token")
        if path.suffix not in (".yaml", ".yml"):
            continue
        for interaction in (yaml.safe_load(text) or {}).get("interactions", []):
            request, response = interaction["request"], interaction["response"]
            for name, values in (request.get("headers") or {}).items():
                if name.lower() in _SECRET_HEADERS and values != ["REDACTED"]:
                    problems.append(f"{path}: request header {name} = {values}")
            for name in response.get("headers") or {}:
                if name.lower() in _SECRET_HEADERS:
                    problems.append(f"{path}: response header {name}")
            account = re.search(r"/accounts/([^/]+)/", request["uri"])
            if account and account.group(1) != "ACCOUNT_ID":
                problems.append(f"{path}: account id {account.group(1)!r} in {request['uri']}")
            if "emulator-account" in json.dumps(interaction, default=str):
                problems.append(f"{path}: the emulator's account id")
    assert problems == []
