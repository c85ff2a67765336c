"""The hostile wire (issue 15, findings 1-4 and 8): what a broken or malicious server sends.

Every case runs on the 12 surfaces against `RawServer`, which answers with exactly the given bytes.
The outcome must be the right answer, or a typed `GLMError` with a clear message: never an
exception from pydantic / LangChain / LlamaIndex, never a shortened answer passed off as whole.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from glm_core.errors import APITimeoutError, GLMError, ResponseDecodeError, StreamInterruptedError
from tests.reliability.harness import SPECS, Spec
from tests.reliability.hostile import Outcome, build, run
from tests.reliability.wire import Canned, RawServer, sse

pytestmark = pytest.mark.loopback

STREAMS = [s for s in SPECS if s.stream]
INVOKES = [s for s in SPECS if not s.stream]


@pytest.fixture(scope="module")
def server() -> Iterator[RawServer]:
    with RawServer() as raw:
        yield raw


def completion(message: dict[str, Any], **extra: Any) -> bytes:
    body = {"id": "c1", "model": "glm", "choices": [{"index": 0, "message": message, "finish_reason": "stop"}]}
    body.update(extra)
    return json.dumps(body).encode()


def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"id": "c1", "model": "glm", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}


def stream_answer(*events: Any, bom: bool = False, done: bool = True) -> Canned:
    return Canned(body=sse(*events, done=done, bom=bom), content_type="text/event-stream")


def call_delta(name: str | None, args: str, index: Any = ..., id: str | None = None) -> dict[str, Any]:
    call: dict[str, Any] = {"type": "function", "function": {"arguments": args}}
    if name is not None:
        call["function"]["name"] = name
    if index is not ...:
        call["index"] = index
    if id is not None:
        call["id"] = id
    return {"tool_calls": [call]}


async def outcome(server: RawServer, spec: Spec, *answers: Canned, tools: bool = False, **options: Any) -> Outcome:
    server.reset(*answers)
    return await run(spec, build(spec, server.base_url, **options), tools=tools)


def assert_typed(result: Outcome, kind: type[GLMError] = GLMError) -> GLMError:
    assert result.error is not None, f"expected an error, got {result}"
    assert isinstance(result.error, kind), (
        f"{type(result.error).__module__}.{type(result.error).__name__}: {result.error}"
    )
    return result.error


# -- finding 1: tool calls in separate chunks stay separate -------------------------------------------


@pytest.mark.parametrize("index", ["missing", "repeated", "string"])
@pytest.mark.parametrize("spec", STREAMS, ids=lambda s: s.id)
async def test_two_calls_in_separate_chunks_stay_two(server: RawServer, spec: Spec, index: str) -> None:
    first, second = {"missing": (..., ...), "repeated": (0, 0), "string": ("0", "1")}[index]
    answer = stream_answer(
        chunk(call_delta("get_weather", '{"city":"Rome"}', first, "call_a")),
        chunk(call_delta("get_weather", '{"city":"Oslo"}', second, "call_b")),
        chunk({}, "tool_calls"),
    )
    result = await outcome(server, spec, answer, tools=True)
    assert result.error is None, result.error
    assert [(c.name, c.arguments) for c in result.calls] == [
        ("get_weather", {"city": "Rome"}),
        ("get_weather", {"city": "Oslo"}),
    ]


@pytest.mark.parametrize("spec", STREAMS, ids=lambda s: s.id)
async def test_fragments_without_ids_still_join(server: RawServer, spec: Spec) -> None:
    answer = stream_answer(
        chunk(call_delta("get_weather", '{"ci', 0, "call_a")),
        chunk(call_delta(None, 'ty":"Rome"}', 0)),
        chunk({}, "tool_calls"),
    )
    result = await outcome(server, spec, answer, tools=True)
    assert result.error is None, result.error
    assert [(c.name, c.arguments) for c in result.calls] == [("get_weather", {"city": "Rome"})]


# -- finding 2: a BOM before the first event ----------------------------------------------------------


@pytest.mark.parametrize("spec", STREAMS, ids=lambda s: s.id)
async def test_bom_before_the_first_event_keeps_it(server: RawServer, spec: Spec) -> None:
    answer = stream_answer(chunk({"content": "Hello"}), chunk({"content": " world"}, "stop"), bom=True)
    result = await outcome(server, spec, answer)
    assert result.error is None, result.error
    assert result.text == "Hello world"


# -- finding 3: wrongly typed fields are a ResponseDecodeError -----------------------------------------

BAD_FIELDS = {
    "content-int": ({"role": "assistant", "content": 5}, {}),
    "name-int": ({"content": "", "tool_calls": [{"id": "a", "function": {"name": 5, "arguments": "{}"}}]}, {}),
    "id-object": ({"content": "", "tool_calls": [{"id": {}, "function": {"name": "f", "arguments": "{}"}}]}, {}),
    "response-id-object": ({"content": "hi"}, {"id": {}}),
    "response-id-true": ({"content": "hi"}, {"id": True}),
    "cached-tokens-text": (
        {"content": "hi"},
        {"usage": {"prompt_tokens": 1, "completion_tokens": 1, "prompt_tokens_details": {"cached_tokens": "abc"}}},
    ),
    "reasoning-list": ({"content": "hi", "reasoning_content": [1]}, {}),
    # Found by the long fuzz run: a call whose function is null came back nameless.
    "function-null": ({"content": None, "tool_calls": [{"id": "a", "type": "function", "function": None}]}, {}),
    "finish-int": ({"content": "hi"}, {"choices": [{"message": {"content": "hi"}, "finish_reason": 3}]}),
}


@pytest.mark.parametrize("case", sorted(BAD_FIELDS))
@pytest.mark.parametrize("spec", INVOKES, ids=lambda s: s.id)
async def test_wrong_types_in_a_body(server: RawServer, spec: Spec, case: str) -> None:
    message, extra = BAD_FIELDS[case]
    result = await outcome(server, spec, Canned(body=completion(message, **extra)), tools=True)
    error = assert_typed(result, ResponseDecodeError)
    assert "vLLM" in str(error)


BAD_DELTAS = {
    "content-int": chunk({"content": 5}),
    "name-int": chunk(call_delta(5, "{}", 0, "a")),  # type: ignore[arg-type]
    "id-true": chunk({"content": "x"}, id=True),
    "arguments-int": chunk({"tool_calls": [{"index": 0, "id": "a", "function": {"name": "f", "arguments": 7}}]}),
    "usage-text": chunk({"content": "x"}, usage={"prompt_tokens": "many"}),
    "choices-object": {"choices": {"delta": {}}},
    "function-null": chunk({"tool_calls": [{"index": 0, "id": "a", "function": None}]}),
}


@pytest.mark.parametrize("case", sorted(BAD_DELTAS))
@pytest.mark.parametrize("spec", STREAMS, ids=lambda s: s.id)
async def test_wrong_types_in_a_stream(server: RawServer, spec: Spec, case: str) -> None:
    answer = stream_answer(chunk({"content": "Hi"}), BAD_DELTAS[case], chunk({}, "stop"))
    result = await outcome(server, spec, answer, tools=True)
    error = assert_typed(result, StreamInterruptedError)
    assert isinstance(error.cause, ResponseDecodeError), error.cause


# -- finding 8: empty and unrecognised streams, invalid UTF-8, [DONE] with a space --------------------


@pytest.mark.parametrize(
    "body",
    [sse(), sse({"id": "x", "object": "chat.completion.chunk"}), sse({"choices": []}, {"choices": []})],
    ids=["only-done", "no-choices", "empty-choices"],
)
@pytest.mark.parametrize("spec", STREAMS, ids=lambda s: s.id)
async def test_a_stream_with_no_answer_is_an_error(server: RawServer, spec: Spec, body: bytes) -> None:
    result = await outcome(server, spec, Canned(body=body, content_type="text/event-stream"))
    error = assert_typed(result, ResponseDecodeError)
    assert "no answer" in str(error)


@pytest.mark.parametrize("spec", STREAMS, ids=lambda s: s.id)
async def test_invalid_utf8_in_a_stream(server: RawServer, spec: Spec) -> None:
    body = sse(chunk({"content": "Hi"})) + b'data: {"choices":[{"delta":{"content":"\xff\xfe"}}]}\n\n'
    result = await outcome(server, spec, Canned(body=body, content_type="text/event-stream"))
    error = assert_typed(result)
    assert "UTF-8" in str(error)


@pytest.mark.parametrize("spec", STREAMS, ids=lambda s: s.id)
async def test_done_with_a_trailing_space(server: RawServer, spec: Spec) -> None:
    body = sse(chunk({"content": "Hi"}, "stop"), done=False) + b"data: [DONE] \n\n"
    result = await outcome(server, spec, Canned(body=body, content_type="text/event-stream"))
    assert result.error is None, result.error
    assert result.text == "Hi"


@pytest.mark.parametrize("spec", INVOKES, ids=lambda s: s.id)
async def test_deeply_nested_400_is_a_bad_request(server: RawServer, spec: Spec) -> None:
    nested = "[" * 100_000 + "]" * 100_000
    result = await outcome(server, spec, Canned(status=400, body=f'{{"error": {nested}}}'.encode()))
    error = assert_typed(result)
    assert type(error).__name__.endswith("BadRequestError"), type(error)


# -- finding 4: timeouts are wall-clock deadlines ------------------------------------------------------


@pytest.mark.parametrize("spec", INVOKES, ids=lambda s: s.id)
async def test_a_trickled_body_hits_the_whole_answer_timeout(server: RawServer, spec: Spec) -> None:
    body = completion({"content": "x" * 40})
    trickle = Canned(body=body, pieces=[body[i : i + 1] for i in range(len(body))], delay=0.05)
    started = time.monotonic()
    result = await outcome(server, spec, trickle, timeout=0.5)
    elapsed = time.monotonic() - started
    assert_typed(result, APITimeoutError)
    assert "timeout=0.5" in str(result.error)
    assert elapsed < 3, elapsed  # the trickle alone would take ~6 s


@pytest.mark.parametrize("spec", STREAMS, ids=lambda s: s.id)
async def test_keep_alive_comments_do_not_reset_the_idle_timeout(server: RawServer, spec: Spec) -> None:
    pieces = [sse(chunk({"content": "Hi"}), done=False)] + [b": keep-alive\n\n"] * 60
    started = time.monotonic()
    result = await outcome(
        server, spec, Canned(pieces=pieces, delay=0.05, content_type="text/event-stream"), stream_idle_timeout=0.5
    )
    elapsed = time.monotonic() - started
    error = assert_typed(result, StreamInterruptedError)
    assert isinstance(error.cause, APITimeoutError), error.cause
    assert "stream_idle_timeout=0.5" in str(error)
    assert elapsed < 2.5, elapsed


@pytest.mark.parametrize("spec", STREAMS, ids=lambda s: s.id)
async def test_keep_alives_before_the_first_event_hit_the_timeout(server: RawServer, spec: Spec) -> None:
    pieces = [b": keep-alive\n\n"] * 60
    started = time.monotonic()
    result = await outcome(
        server, spec, Canned(pieces=pieces, delay=0.05, content_type="text/event-stream"), timeout=0.5
    )
    elapsed = time.monotonic() - started
    assert_typed(result, APITimeoutError)
    assert "timeout=0.5" in str(result.error)
    assert elapsed < 2.5, elapsed
