"""The fault matrix: every fault the emulator can inject, on every surface, over real sockets.

Each row runs 12 times (core / ChatGLM / GLM x sync / async x invoke / stream) against a fresh
emulator served on 127.0.0.1. Every row ends the same way: the same client object answers the next
call normally, and the client side holds at most one (idle, keep-alive) connection to the
emulator, none half-closed: nothing leaked.

What must hold is DESIGN.md's reliability policy: retry 408/409/429/5xx, connection errors and
timeouts; the business code decides (Z.ai 1113/1301 and Cloudflare 3036 are final); Retry-After
is honoured up to 60 s; a stream is retried only before its first event; in-stream errors are
errors; a broken stream is never returned as a complete answer.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections import Counter
from collections.abc import Callable

import pytest

from glm_core.errors import (
    APIConnectionError,
    APITimeoutError,
    BadRequestError,
    ContentFilterError,
    GLMError,
    QuotaExceededError,
    RateLimitError,
    ResponseDecodeError,
    ServerError,
    StreamInterruptedError,
)
from glm_core.testing import Fault, Reply
from glm_core.testing.server import EmulatorServer
from tests.reliability.harness import GREETING, SPECS, Served, SleepRecorder, Spec, Surface, client_sockets, closed_port

# One event loop for the module, as in an application: one shared AsyncClient, not one per test.
pytestmark = [pytest.mark.loopback, pytest.mark.asyncio(loop_scope="module")]

BACKOFF_1 = (0.375, 0.5)  # min(0.5 * 2**0, 8) less up to 25 % jitter
BACKOFF_2 = (0.75, 1.0)


# -- shared checks -----------------------------------------------------------------------------


def _leak_free(port: int, baseline: Counter[str]) -> bool:
    now = Counter(client_sockets(port)) - baseline
    return now["CLOSE_WAIT"] == 0 and sum(now.values()) <= 1


async def recovers(surface: Surface, served: Served) -> None:
    """The same client answers the next call normally, and no connection leaked."""
    answer = await surface.call()
    assert answer.text == GREETING
    deadline = time.monotonic() + 2
    while not _leak_free(served.port, served.baseline):
        assert time.monotonic() < deadline, f"client sockets left open: {client_sockets(served.port)}"
        await asyncio.sleep(0.01)


async def fails(surface: Surface, error: type[GLMError]) -> GLMError:
    with pytest.raises(error) as info:
        await surface.call()
    return info.value


def within(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] - 1e-9 <= value <= bounds[1] + 1e-9


def check_partial(error: GLMError, surface: Surface, full: str = GREETING, finish: str | None = None) -> None:
    """A broken stream: the partial answer is on the error, is what the caller saw, and is short."""
    assert isinstance(error, StreamInterruptedError)
    assert error.partial is not None
    assert error.partial.finish_reason == finish
    assert error.partial.content == "".join(surface.received)
    assert full.startswith(error.partial.content) and error.partial.content != full


# -- baseline ----------------------------------------------------------------------------------


async def test_baseline_answer(serve: Callable[..., Served], spec: Spec) -> None:
    served = serve("zai")
    surface = spec.build(served)
    answer = await surface.call()
    assert (answer.text, answer.reasoning) == (GREETING, 'The user wrote "Hello". I will answer briefly.')
    assert (served.requests, surface.delays) == (1, [])
    await recovers(surface, served)


# -- 429 and Retry-After -----------------------------------------------------------------------


def _http_date(seconds_ahead: float) -> str:
    return email.utils.formatdate(time.time() + seconds_ahead, usegmt=True)


RETRY_AFTER = {
    "no-header": (dict[str, str](), BACKOFF_1),
    "retry-after": ({"retry-after": "7"}, (7.0, 7.0)),
    "retry-after-ms": ({"retry-after-ms": "1500"}, (1.5, 1.5)),
    "ms-wins": ({"retry-after-ms": "250", "retry-after": "9"}, (0.25, 0.25)),
    "capped-60s": ({"retry-after": "120"}, (60.0, 60.0)),
    "ms-capped-60s": ({"retry-after-ms": "600000"}, (60.0, 60.0)),
    "http-date": ({"retry-after": "DATE+31"}, (28.0, 31.0)),
}


@pytest.mark.parametrize("case", list(RETRY_AFTER))
async def test_429_delay_honoured_and_capped(serve: Callable[..., Served], spec: Spec, case: str) -> None:
    served = serve("zai")
    surface = spec.build(served)
    headers, bounds = RETRY_AFTER[case]
    headers = {k: _http_date(31) if v == "DATE+31" else v for k, v in headers.items()}
    served.emulator.queue(Fault(status=429, code="1302", headers=headers))
    assert (await surface.call()).text == GREETING
    assert served.requests == 2
    assert len(surface.delays) == 1 and within(surface.delays[0], bounds), surface.delays
    await recovers(surface, served)


async def test_429_retries_exhausted(serve: Callable[..., Served], spec: Spec) -> None:
    served = serve("zai")
    surface = spec.build(served)
    served.emulator.queue(*[Fault(code="1302")] * 3)
    error = await fails(surface, RateLimitError)
    assert (error.status_code, error.code, error.retryable) == (429, "1302", True)  # type: ignore[attr-defined]
    assert served.requests == 3
    assert len(surface.delays) == 2
    assert within(surface.delays[0], BACKOFF_1) and within(surface.delays[1], BACKOFF_2), surface.delays
    await recovers(surface, served)


async def test_max_retries_zero_means_one_attempt(serve: Callable[..., Served], spec: Spec) -> None:
    served = serve("zai")
    surface = spec.build(served, max_retries=0)
    served.emulator.queue(Fault(code="1305"))
    await fails(surface, RateLimitError)
    assert (served.requests, surface.delays) == (1, [])
    await recovers(surface, served)


# -- business codes decide ---------------------------------------------------------------------


@pytest.mark.parametrize("code", ["1302", "1305"])
async def test_zai_overload_codes_are_retried(serve: Callable[..., Served], spec: Spec, code: str) -> None:
    served = serve("zai")
    surface = spec.build(served)
    served.emulator.queue(Fault(code=code))
    assert (await surface.call()).text == GREETING
    assert (served.requests, len(surface.delays)) == (2, 1)
    await recovers(surface, served)


@pytest.mark.parametrize(
    ("provider", "code", "status", "error_class"),
    [
        ("zai", "1113", 429, QuotaExceededError),
        ("zai", "1301", 400, ContentFilterError),
        ("bigmodel", "1113", 429, QuotaExceededError),
        ("cloudflare", "3036", 429, QuotaExceededError),
        ("cloudflare_openai", "3036", 429, QuotaExceededError),
    ],
)
async def test_final_codes_are_not_retried(
    serve: Callable[..., Served], spec: Spec, provider: str, code: str, status: int, error_class: type[GLMError]
) -> None:
    served = serve(provider)
    surface = spec.build(served)
    served.emulator.queue(Fault(code=code))
    error = await fails(surface, error_class)
    assert (error.status_code, error.code, error.retryable) == (status, code, False)  # type: ignore[attr-defined]
    assert error.provider == provider
    if spec.kind == "langchain":
        assert error.is_retryable is False  # type: ignore[attr-defined]
    assert (served.requests, surface.delays) == (1, [])
    await recovers(surface, served)


@pytest.mark.parametrize("provider", ["cloudflare", "cloudflare_openai"])
async def test_cloudflare_3040_is_retried(serve: Callable[..., Served], spec: Spec, provider: str) -> None:
    served = serve(provider)
    surface = spec.build(served)
    served.emulator.queue(Fault(code=3040))
    assert (await surface.call()).text == GREETING
    assert (served.requests, len(surface.delays)) == (2, 1)
    served.emulator.queue(*[Fault(code=3040)] * 3)
    error = await fails(surface, RateLimitError)
    assert (error.status_code, error.code) == (429, "3040")  # type: ignore[attr-defined]
    await recovers(surface, served)


@pytest.mark.parametrize(("provider", "status"), [("zai", 500), ("zai", 503), ("cloudflare", 500), ("cloudflare", 503)])
async def test_server_errors_are_retried(serve: Callable[..., Served], spec: Spec, provider: str, status: int) -> None:
    served = serve(provider)
    surface = spec.build(served)
    served.emulator.queue(Fault(status=status))
    assert (await surface.call()).text == GREETING
    assert (served.requests, len(surface.delays)) == (2, 1)
    served.emulator.queue(*[Fault(status=status)] * 3)
    error = await fails(surface, ServerError)
    assert error.status_code == status and error.retryable  # type: ignore[attr-defined]
    assert served.requests == 5
    await recovers(surface, served)


async def test_non_json_502_from_a_proxy(serve: Callable[..., Served], spec: Spec) -> None:
    served = serve("zai")
    surface = spec.build(served)
    served.emulator.queue(Fault(kind="non_json_502"))
    assert (await surface.call()).text == GREETING
    assert served.requests == 2
    served.emulator.queue(*[Fault(kind="non_json_502")] * 3)
    error = await fails(surface, ServerError)
    assert error.status_code == 502 and error.code is None  # type: ignore[attr-defined]
    # A readable excerpt of the page, not the whole HTML.
    assert "502 Bad Gateway" in str(error) and len(str(error)) < 400
    await recovers(surface, served)


# -- connections -------------------------------------------------------------------------------


class _StartServerOnSleep(SleepRecorder):
    """The first retry wait brings the server up: the retry must then reach it."""

    def __init__(self, start: Callable[[], None]) -> None:
        super().__init__()
        self._start = start

    def sleep(self, seconds: float) -> None:
        if not self.delays:
            self._start()
        super().sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        if not self.delays:
            await asyncio.to_thread(self._start)
        await super().asleep(seconds)


async def test_connection_refused_is_retried(serve: Callable[..., Served], spec: Spec) -> None:
    served = serve("zai")  # only for its emulator and its path
    port = closed_port()
    base_url = f"http://127.0.0.1:{port}{served.emulator.base_path}"
    target = Served(served.emulator, base_url)  # its socket baseline is taken now, before any call
    server = EmulatorServer(served.emulator, port=port)
    recorder = _StartServerOnSleep(server.start)
    try:
        # Nothing listens yet for a surface that never waits: three refused attempts.
        refused = spec.build(base_url, "zai")
        error = await fails(refused, APIConnectionError)
        assert "ConnectError" in str(error)
        assert len(refused.delays) == 2 and served.requests == 0
        # The first retry wait starts the server: the retry connects and gets the answer.
        surface = spec.build(base_url, "zai", sleep=recorder)
        assert (await surface.call()).text == GREETING
        assert len(recorder.delays) == 1 and served.requests == 1
        await recovers(surface, target)
    finally:
        server.stop()


async def test_reset_before_response_is_retried(serve: Callable[..., Served], spec: Spec) -> None:
    served = serve("zai")
    surface = spec.build(served)
    served.emulator.queue(Fault(kind="reset_before_response"))
    assert (await surface.call()).text == GREETING
    assert (served.requests, len(surface.delays)) == (2, 1)
    served.emulator.queue(*[Fault(kind="reset_before_response")] * 3)
    await fails(surface, APIConnectionError)
    assert served.requests == 5
    await recovers(surface, served)


# -- streams that break ------------------------------------------------------------------------


@pytest.mark.parametrize("after_events", [1, 4])
async def test_cut_stream(serve: Callable[..., Served], spec: Spec, after_events: int) -> None:
    served = serve("zai")
    surface = spec.build(served)
    served.emulator.queue(Fault(kind="cut_stream_after", after_events=after_events))
    if not spec.stream:
        # A non-streamed body cut half-way reached nobody: retried like a dropped connection.
        assert (await surface.call()).text == GREETING
        assert served.requests == 2
    else:
        error = await fails(surface, StreamInterruptedError)
        check_partial(error, surface)
        assert isinstance(error.cause, APIConnectionError)  # type: ignore[attr-defined]
        assert (served.requests, surface.delays) == (1, [])  # never retried after an event
        if after_events == 4:
            assert error.partial.content == "Hello! You said: Hel"  # type: ignore[attr-defined]
        else:
            assert error.partial.content == "" and error.partial.reasoning  # type: ignore[attr-defined]
    await recovers(surface, served)


async def test_cut_before_the_first_event_is_retried(serve: Callable[..., Served], spec: Spec) -> None:
    served = serve("zai")
    surface = spec.build(served)
    served.emulator.queue(Fault(kind="cut_stream_after", after_events=0))
    assert (await surface.call()).text == GREETING
    assert (served.requests, len(surface.delays)) == (2, 1)
    await recovers(surface, served)


@pytest.mark.parametrize("after_events", [0, 3])
async def test_stalled_stream_hits_the_idle_timeout(
    serve: Callable[..., Served], spec: Spec, after_events: int
) -> None:
    served = serve("zai")
    surface = spec.build(served, timeout=0.3, stream_idle_timeout=0.3)
    served.emulator.queue(Fault(kind="stall_stream_after", after_events=after_events, stall_seconds=3))
    started = time.monotonic()
    if spec.stream and after_events > 0:
        error = await fails(surface, StreamInterruptedError)
        check_partial(error, surface)
        assert isinstance(error.cause, APITimeoutError)  # type: ignore[attr-defined]
        assert served.requests == 1
    else:
        # Before the first event (or a non-streamed body): a timeout, retried.
        assert (await surface.call()).text == GREETING
        assert (served.requests, len(surface.delays)) == (2, 1)
    assert time.monotonic() - started < 2.5, "the idle timeout did not fire; the stall ran out instead"
    await recovers(surface, served)


@pytest.mark.parametrize("spec", [s for s in SPECS if s.kind == "core"], ids=lambda s: s.id)
async def test_stalled_stream_with_retries_exhausted(serve: Callable[..., Served], spec: Spec) -> None:
    # Core only: the adapters' stall handling is the core's, covered row by row above.
    served = serve("zai")
    surface = spec.build(served, max_retries=1, timeout=0.3, stream_idle_timeout=0.3)
    served.emulator.queue(*[Fault(kind="stall_stream_after", after_events=0, stall_seconds=3)] * 2)
    await fails(surface, APITimeoutError)
    assert served.requests == 2
    await recovers(surface, served)


async def test_malformed_event(serve: Callable[..., Served], spec: Spec) -> None:
    served = serve("zai")
    surface = spec.build(served)
    served.emulator.queue(Fault(kind="malformed_event", after_events=2))
    if spec.stream:
        error = await fails(surface, StreamInterruptedError)
        check_partial(error, surface)
        assert isinstance(error.cause, ResponseDecodeError)  # type: ignore[attr-defined]
        assert "not JSON" in str(error)
    else:
        error = await fails(surface, ResponseDecodeError)
        assert "not JSON" in str(error)
    assert (served.requests, surface.delays) == (1, [])
    await recovers(surface, served)


async def test_malformed_first_event(serve: Callable[..., Served], spec: Spec) -> None:
    served = serve("zai")
    surface = spec.build(served)
    served.emulator.queue(Fault(kind="malformed_event", after_events=0))
    await fails(surface, ResponseDecodeError)
    assert surface.received == []
    assert (served.requests, surface.delays) == (1, [])
    await recovers(surface, served)


@pytest.mark.parametrize(("provider", "code"), [("zai", "1305"), ("cloudflare", 3040), ("cloudflare_openai", 3040)])
async def test_error_object_inside_a_200_stream(
    serve: Callable[..., Served], spec: Spec, provider: str, code: str | int
) -> None:
    served = serve(provider)
    surface = spec.build(served)
    served.emulator.queue(Fault(kind="error_in_stream", code=code, after_events=3))
    if spec.stream:
        error = await fails(surface, StreamInterruptedError)
        check_partial(error, surface)
        cause = error.cause  # type: ignore[attr-defined]
        assert isinstance(cause, RateLimitError) and cause.code == str(code) and cause.status_code == 200
        assert served.requests == 1
    else:
        # A non-streamed 200 whose body is the error object: a typed error, retried by its code.
        assert (await surface.call()).text == GREETING
        assert served.requests == 2
    await recovers(surface, served)


async def test_error_object_before_the_first_event(serve: Callable[..., Served], spec: Spec) -> None:
    served = serve("zai")
    surface = spec.build(served)
    served.emulator.queue(Fault(kind="error_in_stream", code="1305", after_events=0))
    assert (await surface.call()).text == GREETING
    assert (served.requests, len(surface.delays)) == (2, 1)
    served.emulator.queue(Fault(kind="error_in_stream", code="1301", after_events=0))
    error = await fails(surface, ContentFilterError)
    assert error.code == "1301" and served.requests == 3  # type: ignore[attr-defined]
    await recovers(surface, served)


@pytest.mark.parametrize("provider", ["cloudflare", "cloudflare_openai"])
async def test_cloudflare_success_false_with_200(serve: Callable[..., Served], spec: Spec, provider: str) -> None:
    served = serve(provider)
    surface = spec.build(served)
    served.emulator.queue(Fault(kind="cloudflare_success_false"))
    error = await fails(surface, BadRequestError)
    assert (error.status_code, error.code, error.retryable) == (200, "5006", False)  # type: ignore[attr-defined]
    assert served.requests == 1
    served.emulator.queue(Fault(kind="cloudflare_success_false", code=3040))
    assert (await surface.call()).text == GREETING
    assert served.requests == 3
    served.emulator.queue(Fault(kind="cloudflare_success_false", code=3036))
    await fails(surface, QuotaExceededError)
    assert served.requests == 4
    await recovers(surface, served)


@pytest.mark.parametrize("provider", ["zai", "cloudflare"])
async def test_a_2_mib_event(serve: Callable[..., Served], spec: Spec, provider: str) -> None:
    served = serve(provider)
    surface = spec.build(served)
    size = 2 * 1024 * 1024
    served.emulator.queue(Fault(kind="huge_event", size=size))
    answer = await surface.call()
    assert len(answer.text.encode()) == size
    if spec.stream:
        assert max(len(piece) for piece in surface.received) == size  # one event, whole
    await recovers(surface, served)


# -- scripted answers survive faults before them -----------------------------------------------


async def test_scripted_reply_after_a_burst_of_faults(serve: Callable[..., Served], spec: Spec) -> None:
    served = serve("zai")
    surface = spec.build(served, max_retries=4)
    served.emulator.queue(
        Fault(kind="reset_before_response"),
        Fault(code="1305"),
        Fault(kind="non_json_502"),
        Fault(status=503),
        Reply(content="survived", reasoning="after four faults"),
    )
    answer = await surface.call()
    assert (answer.text, answer.reasoning) == ("survived", "after four faults")
    assert (served.requests, len(surface.delays)) == (5, 4)
    await recovers(surface, served)


async def test_zai_network_error_finish_is_never_a_complete_answer(serve: Callable[..., Served], spec: Spec) -> None:
    """Z.ai ends a generation that broke on its side with finish_reason "network_error"."""
    served = serve("zai")
    surface = spec.build(served)
    broken = Reply(content="Half an answ", reasoning="Thinking.", finish_reason="network_error")
    served.emulator.queue(broken)
    if spec.stream:
        error = await fails(surface, StreamInterruptedError)
        check_partial(error, surface, full="Half an answer.", finish="network_error")
        assert isinstance(error.cause, ServerError)  # type: ignore[attr-defined]
        assert (served.requests, surface.delays) == (1, [])
    else:
        # Nothing reached the caller yet: a server failure, retried.
        assert (await surface.call()).text == GREETING
        assert (served.requests, len(surface.delays)) == (2, 1)
    await recovers(surface, served)
