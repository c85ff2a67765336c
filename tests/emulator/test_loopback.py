"""The emulator over real sockets: every provider, every fault kind, concurrency, the serve
command and the pytest fixture."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import httpx2
import pytest

from glm_core.testing import Emulator, Fault, Reply
from glm_core.testing.server import EmulatorServer
from tests.emulator.emulator_helpers import ACCOUNT, KEY, PROVIDERS, ROUTES, assemble, body_for, sse_chunks, sse_data

if TYPE_CHECKING:
    from glm_core.testing.pytest_plugin import StartEmulatorServer

pytest_plugins = ["glm_core.testing.pytest_plugin"]
pytestmark = pytest.mark.loopback

AUTH = {"Authorization": f"Bearer {KEY}"}


@pytest.fixture
def served() -> Iterator[tuple[Emulator, httpx2.Client]]:
    emu = Emulator("zai", api_key=KEY)
    with emu.serve() as base_url, httpx2.Client(base_url=base_url, headers=AUTH, timeout=10) as c:
        yield emu, c


def stream_events(c: httpx2.Client, path: str, body: dict[str, Any]) -> tuple[list[str], BaseException | None]:
    received: list[str] = []
    try:
        with c.stream("POST", path, json=body) as r:
            for line in r.iter_lines():
                if line.startswith("data:"):
                    received.append(line[5:].strip())
    except httpx2.HTTPError as e:
        return received, e
    return received, None


def test_serve_yields_the_real_base_path() -> None:
    with Emulator("zai").serve() as url:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/api/paas/v4")
    with Emulator("cloudflare", account_id=ACCOUNT).serve() as url:
        assert url.endswith(f"/client/v4/accounts/{ACCOUNT}/ai")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_each_provider_over_loopback(glm_emulator_server: StartEmulatorServer, provider: str) -> None:
    emu, base_url = glm_emulator_server(provider, api_key=KEY)
    path = ROUTES[provider][0]
    with httpx2.Client(base_url=base_url, headers=AUTH, timeout=10) as c:
        plain = c.post(path, json=body_for(provider))
        streamed = c.post(path, json=body_for(provider, stream=True, stream_options={"include_usage": True}))
        unauthorized = c.post(path, json=body_for(provider), headers={"Authorization": "Bearer nope"})
    assert plain.status_code == 200
    completion = plain.json()["result"] if provider == "cloudflare" else plain.json()
    assert completion["choices"][0]["message"]["content"] == "Hello! You said: Hello there"
    assert streamed.headers.get("transfer-encoding") == "chunked"
    assert assemble(sse_chunks(streamed.text))["content"] == "Hello! You said: Hello there"
    assert unauthorized.status_code == 401
    assert len(emu.requests) == 3


def test_keep_alive_reuses_one_connection(served: tuple[Emulator, httpx2.Client]) -> None:
    emu, c = served
    ports = set()
    for _ in range(5):
        r = c.post("/chat/completions", json=body_for("zai"), extensions={})
        assert r.status_code == 200
        stream = r.extensions.get("network_stream")
        if stream is not None:
            ports.add(stream.get_extra_info("client_addr"))
    assert len(ports) <= 1
    assert len(emu.requests) == 5


async def test_a_hundred_concurrent_keep_alive_clients() -> None:
    emu = Emulator("zai", api_key=KEY, max_recorded=0)
    with emu.serve() as base_url:
        limits = httpx2.Limits(max_connections=100, max_keepalive_connections=100)
        async with httpx2.AsyncClient(base_url=base_url, headers=AUTH, limits=limits, timeout=30) as c:

            async def one(i: int) -> int:
                streamed = i % 2 == 0
                r = await c.post("/chat/completions", json=body_for("zai", f"question {i}", stream=streamed))
                return r.status_code

            codes = await asyncio.gather(*(one(i) for i in range(400)))
    assert codes == [200] * 400


# -- faults over real sockets -----------------------------------------------------------------


def test_reset_closes_the_connection_before_any_byte(served: tuple[Emulator, httpx2.Client]) -> None:
    emu, c = served
    emu.queue(Fault(kind="reset_before_response"))
    with pytest.raises((httpx2.ReadError, httpx2.RemoteProtocolError)):
        c.post("/chat/completions", json=body_for("zai"))
    assert c.post("/chat/completions", json=body_for("zai")).status_code == 200  # the server lives on


def test_cut_drops_the_connection_mid_stream(served: tuple[Emulator, httpx2.Client]) -> None:
    emu, c = served
    emu.queue(Fault(kind="cut_stream_after", after_events=2))
    received, error = stream_events(c, "/chat/completions", body_for("zai", stream=True))
    assert isinstance(error, httpx2.RemoteProtocolError)
    assert len(received) == 2 and "[DONE]" not in received
    assert c.post("/chat/completions", json=body_for("zai")).status_code == 200


def test_cut_of_a_non_streamed_body(served: tuple[Emulator, httpx2.Client]) -> None:
    emu, c = served
    emu.queue(Fault(kind="cut_stream_after"))
    with pytest.raises(httpx2.RemoteProtocolError):
        c.post("/chat/completions", json=body_for("zai"))


def test_stall_trips_a_read_timeout(served: tuple[Emulator, httpx2.Client]) -> None:
    emu, c = served
    emu.queue(Fault(kind="stall_stream_after", after_events=1, stall_seconds=5))
    with pytest.raises(httpx2.ReadTimeout):
        with c.stream("POST", "/chat/completions", json=body_for("zai", stream=True), timeout=0.3) as r:
            for _ in r.iter_lines():
                pass


def test_short_stall_then_the_stream_completes(served: tuple[Emulator, httpx2.Client]) -> None:
    emu, c = served
    emu.queue(Fault(kind="stall_stream_after", after_events=1, stall_seconds=0.2))
    received, error = stream_events(c, "/chat/completions", body_for("zai", stream=True))
    assert error is None and received[-1] == "[DONE]"


def test_malformed_event_over_the_wire(served: tuple[Emulator, httpx2.Client]) -> None:
    emu, c = served
    emu.queue(Fault(kind="malformed_event", after_events=1))
    r = c.post("/chat/completions", json=body_for("zai", stream=True))
    data = sse_data(r.text)
    with pytest.raises(json.JSONDecodeError):
        json.loads(data[1])
    assert data[-1] == "[DONE]"


def test_error_in_stream_over_the_wire(served: tuple[Emulator, httpx2.Client]) -> None:
    emu, c = served
    emu.queue(Fault(kind="error_in_stream", after_events=2, code="1305"))
    r = c.post("/chat/completions", json=body_for("zai", stream=True))
    assert r.status_code == 200
    data = sse_data(r.text)
    assert json.loads(data[-1])["error"]["code"] == "1305" and "[DONE]" not in data


def test_huge_event_over_the_wire(served: tuple[Emulator, httpx2.Client]) -> None:
    emu, c = served
    emu.queue(Fault(kind="huge_event"))
    r = c.post("/chat/completions", json=body_for("zai", stream=True))
    sizes = [len(json.loads(d)["choices"][0]["delta"].get("content") or "") for d in sse_data(r.text)[:-1]]
    assert max(sizes) == 2 * 1024 * 1024


def test_http_errors_and_proxy_pages_over_the_wire(served: tuple[Emulator, httpx2.Client]) -> None:
    emu, c = served
    emu.queue(Fault(code="1302", headers={"retry-after": "1"}), Fault(kind="non_json_502"), Reply(content="ok"))
    limited = c.post("/chat/completions", json=body_for("zai"))
    assert limited.status_code == 429 and limited.headers["retry-after"] == "1"
    assert limited.json()["error"]["code"] == "1302"
    proxy = c.post("/chat/completions", json=body_for("zai"))
    assert proxy.status_code == 502 and proxy.headers["content-type"] == "text/html"
    assert c.post("/chat/completions", json=body_for("zai")).json()["choices"][0]["message"]["content"] == "ok"


def test_cloudflare_success_false_over_the_wire(glm_emulator_server: StartEmulatorServer) -> None:
    emu, base_url = glm_emulator_server("cloudflare", api_key=KEY)
    emu.queue(Fault(kind="cloudflare_success_false", code=3040))
    with httpx2.Client(base_url=base_url, headers=AUTH) as c:
        r = c.post(ROUTES["cloudflare"][0], json=body_for("cloudflare"))
    assert r.status_code == 200 and r.json()["errors"][0]["code"] == 3040


def test_wrong_cloudflare_account_over_the_wire(glm_emulator_server: StartEmulatorServer) -> None:
    _, base_url = glm_emulator_server("cloudflare", api_key=KEY, account_id=ACCOUNT)
    with httpx2.Client(headers=AUTH) as c:
        r = c.post(base_url.replace(ACCOUNT, "0" * 32) + ROUTES["cloudflare"][0], json=body_for("cloudflare"))
    assert r.status_code == 404 and r.json()["errors"][0]["code"] == 7003


# -- lifecycle --------------------------------------------------------------------------------


def test_stop_closes_the_port() -> None:
    server = EmulatorServer(Emulator("zai")).start()
    port = server.port
    socket.create_connection(("127.0.0.1", port), timeout=2).close()
    server.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_the_serve_command_prints_its_url_and_serves() -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "glm_core.testing",
            "serve",
            "--provider",
            "openrouter",
            "--port",
            "0",
            "--api-key",
            KEY,
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/api/v1")
        r = httpx2.post(base_url + "/chat/completions", json=body_for("openrouter"), headers=AUTH, timeout=10)
        assert r.status_code == 200 and r.json()["provider"] == "Z.AI"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
