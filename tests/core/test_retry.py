"""The retry policy (DESIGN.md, reliability policy), with a fake clock: no test ever sleeps.

`sleep=` is injected into the clients and the policy's `random` is fixed, so every delay the
client asks for is recorded and exact.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest

from glm_core import (
    APIConnectionError,
    APITimeoutError,
    ChatRequest,
    ChatResponse,
    GLMError,
    RetryPolicy,
    ServerError,
    StreamInterruptedError,
    UserMessage,
)
from glm_core.retry import parse_retry_after
from tests.core.helpers import (
    KEY,
    SSE_HEADERS,
    Reply,
    Server,
    json_response,
    make_async_client,
    make_client,
    sse_body,
    sse_response,
)
from tests.core.streaming import MODES, run_stream

OK = {"id": "ok", "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Hi"}}]}
OK_STREAM = sse_body(
    {"id": "s", "choices": [{"index": 0, "delta": {"content": "Hi"}}]},
    {"id": "s", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
)


def ok() -> httpx2.Response:
    return json_response(OK)


def zai_error(status: int, code: str, headers: dict[str, str] | None = None) -> httpx2.Response:
    return httpx2.Response(status, json={"error": {"code": code, "message": f"error {code}"}}, headers=headers)


def status(code: int, headers: dict[str, str] | None = None) -> httpx2.Response:
    return httpx2.Response(code, json={"error": {"message": f"HTTP {code}"}}, headers=headers)


@dataclass
class ChatOutcome:
    answer: ChatResponse | None
    error: GLMError | None
    server: Server
    delays: list[float]


def run_chat(mode: str, provider: str, replies: list[Reply], **client_kwargs: Any) -> ChatOutcome:
    server = Server(list(replies))
    request = ChatRequest("glm-4.7" if provider == "aimlapi" else "glm-4.7-flash", [UserMessage("Hi")])
    if mode == "sync":
        client = make_client(provider, server, **client_kwargs)
        try:
            return ChatOutcome(client.chat(request), None, server, client.sleep.delays)  # type: ignore[attr-defined]
        except GLMError as exc:
            return ChatOutcome(None, exc, server, client.sleep.delays)  # type: ignore[attr-defined]

    async def go() -> ChatOutcome:
        client = make_async_client(provider, server, **client_kwargs)
        try:
            return ChatOutcome(await client.chat(request), None, server, client.sleep.delays)  # type: ignore[attr-defined]
        except GLMError as exc:
            return ChatOutcome(None, exc, server, client.sleep.delays)  # type: ignore[attr-defined]

    return asyncio.run(go())


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# ------------------------------------------------------------------ the policy alone


def test_backoff_doubles_from_half_a_second_up_to_eight() -> None:
    policy = RetryPolicy(random=lambda: 0.0)
    assert [policy.delay(n) for n in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_jitter_takes_off_at_most_a_quarter() -> None:
    assert [RetryPolicy(random=lambda: 1.0).delay(n) for n in range(3)] == [0.375, 0.75, 1.5]
    assert RetryPolicy(random=lambda: 0.5).delay(4) == 7.0


def test_retry_after_wins_and_is_capped_at_60_seconds() -> None:
    policy = RetryPolicy(random=lambda: 0.0)
    assert policy.delay(0, 3.0) == 3.0
    assert policy.delay(3, 0.0) == 0.0
    assert policy.delay(0, 600.0) == 60.0


def test_max_retries_defaults_to_two_and_cannot_be_negative() -> None:
    assert RetryPolicy().max_retries == 2
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=-1)


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after": "7"}, 7.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "retry-after": "7"}, 0.25),  # the precise one wins
        ({"retry-after-ms": "soon", "retry-after": "7"}, 7.0),
        ({"retry-after-ms": "-5", "retry-after": "7"}, 7.0),
        ({"retry-after": "-3"}, None),
        ({"retry-after": "0"}, None),
        ({"retry-after-ms": "0", "retry-after": "2"}, 2.0),
        ({"retry-after-ms": "0"}, None),
        ({"retry-after": "whenever"}, None),
        ({}, None),
    ],
)
def test_parse_retry_after(headers: dict[str, str], seconds: float | None) -> None:
    assert parse_retry_after(httpx2.Headers(headers)) == seconds


def test_parse_retry_after_as_an_http_date(monkeypatch: pytest.MonkeyPatch) -> None:
    now = 1_800_000_000.0
    monkeypatch.setattr("glm_core.retry.time.time", lambda: now)
    assert parse_retry_after({"retry-after": email.utils.formatdate(now + 30, usegmt=True)}) == 30.0
    assert parse_retry_after({"retry-after": email.utils.formatdate(now - 30, usegmt=True)}) is None  # past


# ------------------------------------------------------------------ what is retried (chat)


@pytest.mark.parametrize("code", [408, 409, 429, 500, 502, 503, 504])
def test_retried_statuses(mode: str, code: int) -> None:
    outcome = run_chat(mode, "vllm", [status(code), status(code), ok()])
    assert outcome.answer is not None and outcome.answer.content == "Hi"
    assert len(outcome.server.requests) == 3
    assert outcome.delays == [0.5, 1.0]


@pytest.mark.parametrize("code", [400, 401, 403, 404, 422])
def test_final_statuses_are_not_retried(mode: str, code: int) -> None:
    outcome = run_chat(mode, "vllm", [status(code), ok()])
    assert outcome.error is not None and not outcome.error.retryable
    assert len(outcome.server.requests) == 1
    assert outcome.delays == []


@pytest.mark.parametrize(
    ("provider", "reply"),
    [
        ("zai", lambda: zai_error(429, "1302")),
        ("zai", lambda: zai_error(429, "1305")),
        ("zai", lambda: zai_error(500, "1234")),
        (
            "cloudflare",
            lambda: httpx2.Response(
                429, json={"success": False, "errors": [{"code": 3040, "message": "busy"}], "result": None}
            ),
        ),
    ],
)
def test_retried_business_codes(mode: str, provider: str, reply: Callable[[], httpx2.Response]) -> None:
    answer = ok() if provider != "cloudflare" else json_response({"result": OK, "success": True})
    outcome = run_chat(mode, provider, [reply(), answer])
    assert outcome.answer is not None
    assert len(outcome.server.requests) == 2


@pytest.mark.parametrize(
    ("provider", "reply"),
    [
        ("zai", lambda: zai_error(429, "1113")),
        ("zai", lambda: zai_error(400, "1301")),
        ("bigmodel", lambda: zai_error(429, "1113")),
        (
            "cloudflare",
            lambda: httpx2.Response(
                429, json={"success": False, "errors": [{"code": 3036, "message": "quota"}], "result": None}
            ),
        ),
        ("aimlapi", lambda: httpx2.Response(403, json={"message": "You've run out of credits", "statusCode": 403})),
    ],
)
def test_final_business_codes_are_not_retried(mode: str, provider: str, reply: Callable[[], httpx2.Response]) -> None:
    outcome = run_chat(mode, provider, [reply(), ok()])
    assert outcome.error is not None and not outcome.error.retryable
    assert len(outcome.server.requests) == 1


def test_max_retries_is_respected(mode: str) -> None:
    outcome = run_chat(mode, "vllm", [status(503)] * 5, retry_policy=RetryPolicy(max_retries=3, random=lambda: 0.0))
    assert isinstance(outcome.error, ServerError)
    assert len(outcome.server.requests) == 4
    assert outcome.delays == [0.5, 1.0, 2.0]


def test_max_retries_zero_means_one_attempt(mode: str) -> None:
    outcome = run_chat(mode, "vllm", [status(503), ok()], max_retries=0, retry_policy=None)
    assert isinstance(outcome.error, ServerError)
    assert len(outcome.server.requests) == 1


def test_the_max_retries_argument_sets_the_default_policy() -> None:
    from glm_core import GLMClient

    assert GLMClient("vllm", base_url="http://h/v1", max_retries=5).retry_policy.max_retries == 5


def test_jitter_is_applied_by_the_client(mode: str) -> None:
    outcome = run_chat(mode, "vllm", [status(503), status(503), ok()], retry_policy=RetryPolicy(random=lambda: 1.0))
    assert outcome.delays == [0.375, 0.75]


@pytest.mark.parametrize(
    ("headers", "delay"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after-ms": "1250"}, 1.25),
        ({"retry-after": "600"}, 60.0),
    ],
)
def test_retry_after_is_honoured_and_capped(mode: str, headers: dict[str, str], delay: float) -> None:
    outcome = run_chat(mode, "zai", [zai_error(429, "1302", headers), ok()])
    assert outcome.answer is not None
    assert outcome.delays == [delay]


@pytest.mark.parametrize(
    "headers",
    [
        {"retry-after": "0"},
        {"retry-after": "-5"},
        {"retry-after-ms": "0"},
        {"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"},
    ],
    ids=["zero", "negative", "zero-ms", "past-date"],
)
def test_a_retry_after_of_no_time_falls_back_to_the_backoff(mode: str, headers: dict[str, str]) -> None:
    errors = [zai_error(429, "1302", headers), zai_error(429, "1302", headers)]
    outcome = run_chat(mode, "zai", [*errors, ok()], retry_policy=RetryPolicy(random=lambda: 0.0))
    assert outcome.answer is not None
    assert outcome.delays == [0.5, 1.0]  # not [0.0, 0.0]: three attempts in a few milliseconds


@pytest.mark.parametrize(
    "failure",
    [
        httpx2.ConnectError("refused"),
        httpx2.RemoteProtocolError("reset before the response"),
        httpx2.ReadError("reset"),
    ],
)
def test_connection_errors_are_retried(mode: str, failure: Exception) -> None:
    outcome = run_chat(mode, "vllm", [failure, ok()])
    assert outcome.answer is not None
    assert outcome.delays == [0.5]


@pytest.mark.parametrize(
    "failure", [httpx2.ConnectTimeout("slow"), httpx2.ReadTimeout("slow"), httpx2.PoolTimeout("full")]
)
def test_timeouts_are_retried_then_raised_as_api_timeout(mode: str, failure: Exception) -> None:
    outcome = run_chat(mode, "vllm", [failure, failure, failure])
    assert isinstance(outcome.error, APITimeoutError)
    assert isinstance(outcome.error.__cause__, type(failure))
    assert len(outcome.server.requests) == 3


def test_connection_error_after_retries_is_typed_and_keyless(mode: str) -> None:
    outcome = run_chat(mode, "zai", [httpx2.ConnectError("refused")] * 3)
    assert type(outcome.error) is APIConnectionError
    assert outcome.error.retryable
    assert KEY not in str(outcome.error)


def test_finish_reason_network_error_is_retried_when_not_streaming(mode: str) -> None:
    broken = {
        "id": "b",
        "choices": [{"index": 0, "finish_reason": "network_error", "message": {"role": "assistant", "content": "Ha"}}],
    }
    outcome = run_chat(mode, "zai", [json_response(broken), ok()])
    assert outcome.answer is not None and outcome.answer.content == "Hi"
    assert len(outcome.server.requests) == 2


def test_a_cloudflare_capacity_error_with_200_is_retried(mode: str) -> None:
    busy = json_response(
        {"result": None, "success": False, "errors": [{"code": 3040, "message": "busy"}], "messages": []}
    )
    outcome = run_chat(
        mode, "cloudflare", [busy, json_response({"result": OK, "success": True, "errors": [], "messages": []})]
    )
    assert outcome.answer is not None
    assert len(outcome.server.requests) == 2


def test_failed_non_streamed_responses_are_closed(mode: str) -> None:
    from tests.core.helpers import ChunkedStream

    failing = httpx2.Response(503, stream=ChunkedStream([b'{"error":{"message":"down"}}']))
    outcome = run_chat(mode, "vllm", [failing, ok()])
    assert outcome.answer is not None
    assert outcome.server.all_closed()


def test_retries_are_logged_without_the_key(mode: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="glm_core"):
        run_chat(mode, "zai", [zai_error(429, "1302"), ok()])
    assert "retrying" in caplog.text
    assert KEY not in caplog.text


# ------------------------------------------------------------------ streams


def test_a_stream_is_retried_on_an_error_status_before_it_starts(mode: str) -> None:
    outcome = run_stream(mode, "zai", [zai_error(429, "1302", {"retry-after": "2"}), sse_response(OK_STREAM)])
    assert outcome.answer().content == "Hi"
    assert outcome.delays == [2.0]
    assert outcome.server.all_closed()


def test_a_stream_is_retried_when_the_error_event_comes_first(mode: str) -> None:
    first = sse_response(sse_body('data: {"error":{"code":"1305","message":"overloaded"}}', done=False))
    outcome = run_stream(mode, "zai", [first, sse_response(OK_STREAM)])
    assert outcome.answer().content == "Hi"
    assert len(outcome.server.requests) == 2
    assert outcome.delays == [0.5]
    assert outcome.server.all_closed()


def test_a_cloudflare_error_event_first_is_retried(mode: str) -> None:
    first = sse_response(
        sse_body({"success": False, "errors": [{"code": 3040, "message": "busy"}], "result": None}, done=False)
    )
    outcome = run_stream(mode, "cloudflare", [first, sse_response(OK_STREAM)])
    assert outcome.answer().content == "Hi"


@pytest.mark.parametrize("failure", [httpx2.ConnectError("refused"), httpx2.RemoteProtocolError("reset")])
def test_a_stream_is_retried_when_the_connection_fails_before_the_response(mode: str, failure: Exception) -> None:
    outcome = run_stream(mode, "zai", [failure, sse_response(OK_STREAM)])
    assert outcome.answer().content == "Hi"
    assert outcome.delays == [0.5]


def test_a_stream_reset_before_its_first_event_is_retried(mode: str) -> None:
    reset = sse_response(b": keep-alive\n\n", error=httpx2.ReadError("connection reset"))
    outcome = run_stream(mode, "zai", [reset, sse_response(OK_STREAM)])
    assert outcome.answer().content == "Hi"
    assert len(outcome.server.requests) == 2
    assert outcome.server.all_closed()


def test_a_stream_that_closes_before_its_first_event_is_retried(mode: str) -> None:
    # Nothing reached the caller, so trying again cannot duplicate anything.
    outcome = run_stream(mode, "zai", [sse_response(b""), sse_response(OK_STREAM)])
    assert outcome.answer().content == "Hi"
    assert len(outcome.server.requests) == 2


def test_a_stream_that_never_starts_fails_typed_after_the_retries(mode: str) -> None:
    outcome = run_stream(mode, "zai", [sse_response(b""), sse_response(b""), sse_response(b"")])
    error = outcome.raised()
    assert isinstance(error, APIConnectionError)
    assert len(outcome.server.requests) == 3


def test_a_stream_is_never_retried_after_its_first_event(mode: str) -> None:
    first_event_then_reset = sse_response(
        sse_body({"id": "s", "choices": [{"index": 0, "delta": {"content": "Hel"}}]}, done=False),
        error=httpx2.ReadError("reset"),
    )
    outcome = run_stream(mode, "zai", [first_event_then_reset, sse_response(OK_STREAM)])
    error = outcome.raised()
    assert isinstance(error, StreamInterruptedError)
    assert error.partial is not None and error.partial.content == "Hel"
    assert len(outcome.server.requests) == 1
    assert outcome.delays == []
    assert outcome.server.all_closed()


def test_a_stream_retry_respects_max_retries(mode: str) -> None:
    outcome = run_stream(mode, "vllm", [status(503)] * 4, retry_policy=RetryPolicy(max_retries=1, random=lambda: 0.0))
    assert isinstance(outcome.raised(), ServerError)
    assert len(outcome.server.requests) == 2
    assert outcome.server.all_closed()


# ------------------------------------------------------------------ stalled streams (async idle timeout)


class Stalling(httpx2.AsyncByteStream):
    """Sends `head`, then goes quiet (but for keep-alive comments) far longer than the idle timeout."""

    def __init__(self, head: bytes) -> None:
        self.head = head
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self.head:
            yield self.head
        for _ in range(100):
            await asyncio.sleep(0.01)
            yield b": keep-alive\n\n"

    async def aclose(self) -> None:
        self.closed = True


def test_a_stalled_stream_after_an_event_is_interrupted_by_the_idle_timeout() -> None:
    head = sse_body({"id": "s", "choices": [{"index": 0, "delta": {"content": "Hel"}}]}, done=False)
    stalled = httpx2.Response(200, headers=SSE_HEADERS, stream=Stalling(head))
    outcome = run_stream("async", "zai", [stalled], stream_idle_timeout=0.2)
    error = outcome.raised()
    assert isinstance(error, StreamInterruptedError)
    assert isinstance(error.cause, APITimeoutError)
    assert error.partial is not None and error.partial.content == "Hel"


def test_a_stream_stalled_before_its_first_event_is_retried() -> None:
    stalled = httpx2.Response(200, headers=SSE_HEADERS, stream=Stalling(b""))
    outcome = run_stream("async", "zai", [stalled, sse_response(OK_STREAM)], stream_idle_timeout=0.2)
    assert outcome.answer().content == "Hi"
    assert outcome.delays == [0.5]
