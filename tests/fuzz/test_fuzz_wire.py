"""Fuzz: hostile bodies and streams on every surface (core / ChatGLM / GLM, sync / async).

Each example draws an answer, renders it as a provider would, makes it hostile (see
`tests/fuzz/answers.py`), serves the bytes from a raw loopback server and calls one surface. The
outcome must be the drawn answer or a typed error; benign framing variants must give the answer.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.answers import Answer, answers, body, events, paths, replace, sse_bytes, wrong_value
from tests.fuzz.outcomes import EXAMPLES, HANG_SECONDS, classify_error, record
from tests.reliability.harness import SPECS, Spec
from tests.reliability.hostile import Outcome, build, run
from tests.reliability.wire import Canned, RawServer

pytestmark = pytest.mark.loopback

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
STREAMS = [s for s in SPECS if s.stream]
INVOKES = [s for s in SPECS if not s.stream]


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()


_OBJECTS: dict[tuple[str, str], Any] = {}


def surface(spec: Spec, server: RawServer) -> Any:
    key = (spec.id, server.base_url)
    if key not in _OBJECTS:
        _OBJECTS[key] = build(spec, server.base_url, timeout=10.0, stream_idle_timeout=10.0)
    return _OBJECTS[key]


def same(outcome: Outcome, truth: Answer) -> bool:
    calls = [(c.name, c.arguments) for c in outcome.calls]
    return (
        (outcome.text or "") == truth.content
        and (outcome.reasoning or "") == truth.reasoning
        and calls == [(name, args) for name, args in truth.calls]
    )


def check(
    loop: asyncio.AbstractEventLoop,
    spec: Spec,
    server: RawServer,
    canned: Canned,
    truth: Answer,
    kind: str,
    family: str,
) -> None:
    server.reset(canned)
    obj = surface(spec, server)
    try:
        outcome = loop.run_until_complete(asyncio.wait_for(run(spec, obj, tools=True), HANG_SECONDS))
    except TimeoutError:
        record(family, "hang", (kind, canned))
        return
    if outcome.error is None:
        result = "correct" if same(outcome, truth) else "silent_wrong"
    else:
        result = classify_error(outcome.error)
        if result == "typed_error" and kind == "benign":
            result = "refused_valid"
    record(family, result, (kind, outcome, truth, canned.body[:600] if canned.body else canned.pieces))


def _pieces(draw: st.DrawFn, data: bytes) -> list[bytes] | None:
    if not draw(st.booleans()):
        return None
    sizes = draw(st.lists(st.integers(1, 64), min_size=1, max_size=6))
    out, position, i = [], 0, 0
    while position < len(data):
        size = sizes[i % len(sizes)]
        out.append(data[position : position + size])
        position, i = position + size, i + 1
    return out


def _lone_surrogate(draw: st.DrawFn, raw: bytes) -> bytes:
    """A lone surrogate escape put inside one of the JSON strings (valid JSON, not valid text)."""
    quotes = [i for i in range(len(raw)) if raw[i : i + 1] == b'"']
    if not quotes:
        return raw + b"\\ud800"
    at = draw(st.sampled_from(quotes)) + 1
    return raw[:at] + draw(st.sampled_from([b"\\ud800", b"\\uDC00", b"\\ud83d"])) + raw[at:]


# -- bodies ------------------------------------------------------------------------------------------


@st.composite
def hostile_bodies(draw: st.DrawFn) -> tuple[Canned, Answer, str]:
    truth = draw(answers())
    data: Any = body(truth)
    kind = draw(
        st.sampled_from(["benign", "wrong_type", "wrong_type", "cut", "bad_utf8", "surrogate", "status", "not_json"])
    )
    with_length = True
    if kind == "wrong_type":
        path = draw(st.sampled_from(paths(data)))
        value, _ = wrong_value(draw, path)
        data = replace(data, path, value)
    raw = json.dumps(data, ensure_ascii=draw(st.booleans()), indent=draw(st.sampled_from([None, 1]))).encode()
    status = 200
    if kind == "benign":
        raw = (
            draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\n \n", b"   "])) + raw + draw(st.sampled_from([b"", b"\n"]))
        )
    elif kind == "cut":
        raw = raw[: draw(st.integers(0, len(raw) - 1))]
        with_length = draw(st.booleans())
    elif kind == "bad_utf8":
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xe2\x82"])) + raw[at:]
    elif kind == "surrogate":
        raw = _lone_surrogate(draw, raw)
    elif kind == "status":
        status = draw(st.sampled_from([400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503, 529]))
        raw = draw(
            st.sampled_from([raw, b"", b"<html>bad gateway</html>", b'{"error": 5}', b'{"error": {"code": []}}'])
        )
    elif kind == "not_json":
        raw = draw(st.binary(max_size=40))
    canned = Canned(body=raw, status=status, pieces=_pieces(draw, raw), with_length=with_length)
    if kind == "cut" and with_length:
        canned.headers = {"content-length": str(len(raw) + draw(st.integers(1, 50)))}
        canned.with_length = False
    return canned, truth, kind


@pytest.mark.parametrize("spec", INVOKES, ids=lambda s: s.id)
@SETTINGS
@given(case=hostile_bodies())
def test_hostile_bodies(loop: asyncio.AbstractEventLoop, raw_server: RawServer, spec: Spec, case: Any) -> None:
    canned, truth, kind = case
    check(loop, spec, raw_server, canned, truth, kind, "bodies")


# -- streams -----------------------------------------------------------------------------------------


@st.composite
def hostile_streams(draw: st.DrawFn) -> tuple[Canned, Answer, str]:
    truth = draw(answers())
    payloads: list[Any] = events(truth, draw(st.integers(1, 8)))
    kind = draw(
        st.sampled_from(
            ["benign", "benign", "wrong_type", "wrong_type", "cut", "bad_utf8", "surrogate", "error_event", "no_answer"]
        )
    )
    newline, space, done, bom = b"\n", True, b"[DONE]", b""
    if kind == "benign":
        newline = draw(st.sampled_from([b"\n", b"\r\n", b"\r"]))
        space = draw(st.booleans())
        done = draw(st.sampled_from([b"[DONE]", b"[DONE] ", b" [DONE]"]))
        bom = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))
    elif kind == "wrong_type":
        at = draw(st.integers(0, len(payloads) - 1))
        path = draw(st.sampled_from(paths(payloads[at])))
        value, _ = wrong_value(draw, path, stream=True)
        payloads[at] = replace(payloads[at], path, value)
    elif kind == "error_event":
        at = draw(st.integers(0, len(payloads)))
        error = draw(
            st.sampled_from([{"error": {"message": "overloaded", "code": "1305"}}, {"object": "error", "message": "x"}])
        )
        payloads.insert(at, error)
    elif kind == "no_answer":
        payloads = draw(st.sampled_from([[], [{"id": "x", "object": "chat.completion.chunk"}], [{"choices": []}]]))
    raw = bom + sse_bytes(payloads, newline=newline, space=space, done=done)
    if kind == "benign" and draw(st.booleans()):
        # Keep-alive comments and ignored fields between events.
        at = raw.find(newline * 2) + 2 * len(newline)
        raw = raw[:at] + b": keep-alive" + newline + b"id: 7" + newline + newline + raw[at:]
    if kind == "cut":
        raw = raw[: draw(st.integers(0, len(raw) - 1))]
    elif kind == "bad_utf8":
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80"])) + raw[at:]
    elif kind == "surrogate":
        raw = _lone_surrogate(draw, raw)
    canned = Canned(body=raw, content_type="text/event-stream", pieces=_pieces(draw, raw), with_length=False)
    return canned, truth, kind


@pytest.mark.parametrize("spec", STREAMS, ids=lambda s: s.id)
@SETTINGS
@given(case=hostile_streams())
def test_hostile_streams(loop: asyncio.AbstractEventLoop, raw_server: RawServer, spec: Spec, case: Any) -> None:
    canned, truth, kind = case
    check(loop, spec, raw_server, canned, truth, kind, "streams")
