"""What the performance changes must not change: the bytes and headers that reach the server.

The shared httpx2 clients carry our user-agent and accept as defaults, so requests through them
leave those out (glm_core.http.SHARED_HEADERS); the server must still see exactly the same
headers as with a client of your own.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest

from glm_core import AsyncGLMClient, ChatRequest, GLMClient, UserMessage
from glm_core.http import USER_AGENT
from glm_core.testing import Emulator

pytestmark = pytest.mark.loopback

KEY = "perf-test-key"


@pytest.fixture
def served() -> Iterator[tuple[Emulator, str]]:
    emulator = Emulator("zai", api_key=KEY)
    with emulator.serve() as base_url:
        yield emulator, base_url


def _request() -> ChatRequest:
    return ChatRequest("glm-4.7-flash", [UserMessage("Hi")])


def _ours(headers: dict[str, str]) -> dict[str, str]:
    names = ("user-agent", "accept", "content-type", "authorization")
    return {name: headers[name] for name in names}


def test_shared_and_own_clients_send_the_same_headers(served: tuple[Emulator, str]) -> None:
    emulator, base_url = served
    GLMClient("zai", api_key=KEY, base_url=base_url).chat(_request())
    with httpx2.Client() as own:
        GLMClient("zai", api_key=KEY, base_url=base_url, http_client=own).chat(_request())
    shared, mine = (_ours(r.headers) for r in emulator.requests)
    assert shared == mine
    assert shared["user-agent"] == USER_AGENT
    assert shared["accept"] == "application/json"
    assert shared["authorization"] == f"Bearer {KEY}"
    assert emulator.requests[0].raw == emulator.requests[1].raw


def test_streams_on_the_shared_client_ask_for_an_event_stream(served: tuple[Emulator, str]) -> None:
    emulator, base_url = served
    client = GLMClient("zai", api_key=KEY, base_url=base_url)
    with client.stream(_request()) as stream:
        assert stream.get_final_response().content
    headers = emulator.requests[0].headers
    assert headers["accept"] == "text/event-stream"
    assert headers["user-agent"] == USER_AGENT


async def test_async_shared_client_sends_our_headers(served: tuple[Emulator, str]) -> None:
    emulator, base_url = served
    client = AsyncGLMClient("zai", api_key=KEY, base_url=base_url)
    assert (await client.chat(_request())).content
    async with client.stream(_request()) as stream:
        assert (await stream.get_final_response()).content
    plain, streamed = (r.headers for r in emulator.requests)
    assert (plain["user-agent"], plain["accept"]) == (USER_AGENT, "application/json")
    assert (streamed["user-agent"], streamed["accept"]) == (USER_AGENT, "text/event-stream")


def test_extra_headers_still_override(served: tuple[Emulator, str]) -> None:
    emulator, base_url = served
    request = _request()
    request.extra_headers = {"User-Agent": "my-app/1.0", "X-Trace": "abc"}
    GLMClient("zai", api_key=KEY, base_url=base_url).chat(request)
    headers = emulator.requests[0].headers
    assert headers["user-agent"] == "my-app/1.0"
    assert headers["x-trace"] == "abc"


def test_the_request_carries_the_client_timeout() -> None:
    seen: list[dict[str, float | None]] = []
    emulator = Emulator("zai", api_key=KEY)
    inner = emulator.transport()

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request.extensions["timeout"])
        return inner.handle_request(request)

    http = httpx2.Client(transport=httpx2.MockTransport(handler))
    client = GLMClient("zai", api_key=KEY, http_client=http, timeout=42.0, stream_idle_timeout=7.0)
    client.chat(_request())
    with client.stream(_request()) as stream:
        stream.get_final_response()
    assert seen[0] == {"connect": 5.0, "read": 42.0, "write": 42.0, "pool": 42.0}
    # Streaming: the per-read limit is only the fallback where the wall-clock deadlines (first
    # event within 42 s, then 7 s between events) cannot reach the socket.
    assert seen[1] == {"connect": 5.0, "read": 42.0, "write": 42.0, "pool": 42.0}
