"""Fuzz: hostile input on every surface, and hostile keys.

Per-call options are drawn good, absent or hostile (NaN, infinities, text for numbers, booleans,
lists of anything, control characters and lone surrogates in text, header values HTTP cannot
carry). The outcome must be a typed error raised before anything is sent, or a request whose
body is strict JSON holding exactly the values given (after the documented conversions:
`stop="END"` -> `["END"]`, `max_tokens=5.0` -> `5`).

Keys are drawn with whitespace and unprintable characters around and inside a recognisable core:
the client either works with the stripped key or refuses it, and never shows the core anywhere.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import traceback
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.outcomes import EXAMPLES, HANG_SECONDS, classify_error, record
from tests.reliability.harness import SPECS, Spec
from tests.reliability.hostile import build
from tests.reliability.wire import Canned, RawServer

pytestmark = pytest.mark.loopback

SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
OK = json.dumps({"choices": [{"message": {"content": "ok"}, "finish_reason": "stop"}]}).encode()
OK_STREAM = b'data: {"choices":[{"delta":{"content":"ok"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'

ANY = st.one_of(
    st.floats(),  # NaN and infinities included
    st.integers(-(2**70), 2**70),
    st.text(max_size=8),  # lone surrogates included
    st.booleans(),
    st.none(),
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=4), st.floats()), max_size=3),
    st.dictionaries(st.text(max_size=4), st.floats(), max_size=2),
)
GOOD = {
    "temperature": st.floats(0, 1),
    "top_p": st.floats(0.05, 1),
    "max_tokens": st.one_of(st.integers(1, 4000), st.integers(1, 4000).map(float)),
    "seed": st.integers(0, 2**31),
    "stop": st.one_of(
        st.text(min_size=1, max_size=5), st.lists(st.text(min_size=1, max_size=5), min_size=1, max_size=3)
    ),
}
HEADER_VALUE = st.text(max_size=12)  # control characters, non-ASCII, surrogates included


@st.composite
def hostile_options(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    options: dict[str, Any] = {}
    for name, good in GOOD.items():
        choice = draw(st.sampled_from(["absent", "good", "hostile"]))
        if choice != "absent":
            options[name] = draw(good if choice == "good" else ANY)
    if draw(st.booleans()):
        options["extra_body"] = draw(
            st.dictionaries(st.sampled_from(["frequency_penalty", "top_k", "x"]), ANY, max_size=2)
        )
    if draw(st.booleans()):
        options["extra_headers"] = draw(
            st.dictionaries(st.sampled_from(["x-team", "x-session"]), HEADER_VALUE, max_size=2)
        )
    prompt = draw(st.text(min_size=1, max_size=12))
    return options, prompt


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()


def _strict(text: str) -> Any:
    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def _same_number(sent: Any, given: Any) -> bool:
    return isinstance(sent, int | float) and not isinstance(sent, bool) and math.isclose(sent, float(given))


def sent_as_given(body: dict[str, Any], options: dict[str, Any], prompt: str) -> str | None:
    """Why the request body differs from what was asked, or None."""
    if body["messages"][-1]["content"] != prompt:
        return "prompt"
    options = {k: v for k, v in options.items() if v is not None}  # None: the provider's default
    for name in ("temperature", "top_p", "seed"):
        if name not in options and name in body:
            return f"{name} sent although not given"
    for name in ("temperature", "top_p", "seed"):
        if name in options and not _same_number(body.get(name), options[name]):
            return name
    if "max_tokens" in options:
        sent = body.get("max_tokens", body.get("max_completion_tokens"))
        if not isinstance(sent, int) or sent != options["max_tokens"]:
            return "max_tokens"
    if "stop" in options:
        given = options["stop"]
        if not isinstance(given, str | list):
            return f"stop={given!r} accepted"
        wanted = [given] if isinstance(given, str) else list(given)
        if body.get("stop", []) != wanted:
            return "stop"
    for key, value in (options.get("extra_body") or {}).items():
        if body.get(key) != value:
            return f"extra_body.{key}"
    return None


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
@SETTINGS
@given(case=hostile_options())
def test_hostile_inputs(loop: asyncio.AbstractEventLoop, raw_server: RawServer, spec: Spec, case: Any) -> None:
    options, prompt = case
    answer = (
        Canned(body=OK_STREAM, content_type="text/event-stream", with_length=False) if spec.stream else Canned(body=OK)
    )
    raw_server.reset(answer)
    obj = build(spec, raw_server.base_url, timeout=10.0, stream_idle_timeout=10.0)
    try:
        outcome = loop.run_until_complete(asyncio.wait_for(_call(spec, obj, options, prompt), HANG_SECONDS))
    except TimeoutError:
        record("inputs", "hang", case)
        return
    if isinstance(outcome, BaseException):
        result = classify_error(outcome)
        if result == "typed_error" and raw_server.bodies:
            result = "silent_wrong"  # refused, but only after sending
        record("inputs", result, (case, outcome))
        return
    try:
        body = _strict(raw_server.bodies[0].decode("utf-8"))
    except ValueError as exc:
        record("inputs", "silent_wrong", (case, f"sent a body that is not strict JSON: {exc}"))
        return
    wrong = sent_as_given(body, options, prompt)
    record("inputs", "silent_wrong" if wrong else "correct", (case, wrong, body))


async def _call(spec: Spec, obj: Any, options: dict[str, Any], prompt: str) -> Any:
    from glm_core import ChatRequest, UserMessage

    def call() -> Any:
        kind = spec.kind
        if kind == "core":
            request = ChatRequest("glm-4.7-flash", [UserMessage(prompt)], **options)
            if spec.stream:
                with obj.stream(request) as stream:
                    return stream.get_final_response()
            return obj.chat(request)
        if kind == "langchain":
            stop = options.get("stop")
            rest = {k: v for k, v in options.items() if k != "stop"}
            if spec.stream:
                return list(obj.stream(prompt, stop=stop, **rest))
            return obj.invoke(prompt, stop=stop, **rest)
        from llama_index.core.llms import ChatMessage

        messages = [ChatMessage(role="user", content=prompt)]
        if spec.stream:
            return list(obj.stream_chat(messages, **options))
        return obj.chat(messages, **options)

    async def acall() -> Any:
        kind = spec.kind
        if kind == "core":
            request = ChatRequest("glm-4.7-flash", [UserMessage(prompt)], **options)
            if spec.stream:
                async with obj.stream(request) as stream:
                    return await stream.get_final_response()
            return await obj.chat(request)
        if kind == "langchain":
            stop = options.get("stop")
            rest = {k: v for k, v in options.items() if k != "stop"}
            if spec.stream:
                return [piece async for piece in obj.astream(prompt, stop=stop, **rest)]
            return await obj.ainvoke(prompt, stop=stop, **rest)
        from llama_index.core.llms import ChatMessage

        messages = [ChatMessage(role="user", content=prompt)]
        if spec.stream:
            return [piece async for piece in await obj.astream_chat(messages, **options)]
        return await obj.achat(messages, **options)

    try:
        if spec.is_async:
            return await acall()
        return await asyncio.to_thread(call)
    except Exception as exc:
        return exc


# -- keys --------------------------------------------------------------------------------------------

_DECORATION = st.text(st.sampled_from(" \t\n\r\u00a0\u200b\ufeff\x00\x7fé"), max_size=3)


@pytest.mark.parametrize("kind", ["core", "langchain", "llama_index"])
@SETTINGS
@given(
    core=st.text("0123456789abcdef", min_size=16, max_size=16),
    before=_DECORATION,
    inside=_DECORATION,
    after=_DECORATION,
)
def test_hostile_keys(kind: str, core: str, before: str, inside: str, after: str) -> None:
    key = f"{before}sk-{core[:8]}{inside}{core[8:]}{after}"
    logger = logging.getLogger()
    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())  # type: ignore[method-assign]
    logger.addHandler(handler)
    try:
        obj = build(Spec(kind, False, False), "http://127.0.0.1:9/v1", api_key=key)  # type: ignore[arg-type]
    except Exception as exc:
        text = str(exc) + repr(exc) + "".join(traceback.format_exception(exc)) + "\n".join(seen)
        leaked = core[:8] in text or core[8:] in text
        record("keys", "silent_wrong" if leaked else classify_error(_glm_cause(exc)), (key, text[-300:]))
        return
    finally:
        logger.removeHandler(handler)
    client = obj if kind == "core" else obj._client
    sent = client.endpoint.api_key.get_secret_value()
    record("keys", "correct" if sent == key.strip() and sent.isprintable() and sent.isascii() else "silent_wrong", key)


def _glm_cause(exc: BaseException) -> BaseException:
    """pydantic wraps a validator's ValueError: the GLMError is in its errors' context."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        for error in errors():
            inner = error.get("ctx", {}).get("error")
            if isinstance(inner, BaseException):
                return inner
    return exc
