"""Connections: nothing leaks across event loops or abandoned streams, and TLS is verified.

- An application that calls `asyncio.run()` per request (scripts, sync wrappers around async
  code) gets a new event loop each time, and with it a new shared AsyncClient: each must be
  closed with its loop, or every call leaks a connection.
- A caller that stops reading a stream half-way must not leave the connection open.
- An idle keep-alive connection the server has closed is noticed before it is reused, also with
  the shared async client's cheaper idle checks (glm_core.http.with_cheap_idle_checks).
- TLS verification is on by default: the shared clients verify certificates and host names, and
  a server with a self-signed certificate is refused, once (a certificate that does not verify now
  will not on a retry), with a message that says how to trust a private CA.
"""

from __future__ import annotations

import asyncio
import gc
import shutil
import ssl
import subprocess
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from glm_core import AsyncGLMClient, ChatRequest, GLMClient, UserMessage
from glm_core.errors import APIConnectionError
from glm_core.http import shared_async_client, shared_client, with_cheap_idle_checks
from tests.reliability.harness import COUNTS_SOCKETS, GREETING, KEY, SPECS, Served, Spec, client_sockets, eventually

pytestmark = pytest.mark.loopback

REQUEST = ChatRequest("glm-4.7-flash", [UserMessage("Hello")])
needs_proc = pytest.mark.skipif(not COUNTS_SOCKETS, reason="sockets are counted from /proc (Linux)")


def wait_until(check: Callable[[], bool], timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


# -- one event loop per call ---------------------------------------------------------------------


@needs_proc
@pytest.mark.parametrize("spec", [s for s in SPECS if s.is_async], ids=lambda s: s.id)
def test_asyncio_run_per_call_leaks_no_connection(serve: Callable[..., Served], spec: Spec) -> None:
    served = serve("zai")
    surface = spec.build(served)
    for _ in range(8):
        assert asyncio.run(surface.call()).text == GREETING
        # The loop is gone, so is its client: no connection of it stays open.
        assert wait_until(lambda: not client_sockets(served.port)), client_sockets(served.port)
    assert served.requests == 8


@needs_proc
def test_a_loop_closed_without_shutdown_is_let_go(serve: Callable[..., Served]) -> None:
    """A loop closed by hand (no shutdown_asyncgens) cannot close its client; the next loop's
    first call drops it, and the garbage collector closes its sockets."""
    served = serve("zai")
    client = AsyncGLMClient("zai", api_key=KEY, base_url=served.base_url)
    for _ in range(5):
        loop = asyncio.new_event_loop()
        assert loop.run_until_complete(client.chat(REQUEST)).content == GREETING
        loop.close()
    assert asyncio.run(client.chat(REQUEST)).content == GREETING
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # "unclosed transport": closed by the collector
        gc.collect()
    assert wait_until(lambda: not client_sockets(served.port)), client_sockets(served.port)


# -- abandoned streams -----------------------------------------------------------------------------


def _first_chunks(spec: Spec, obj: Any) -> Any:
    """An iterator (sync or async) over the stream of one call on `obj`."""
    from llama_index.core.llms import ChatMessage

    messages = [ChatMessage(role="user", content="Hello")]
    if spec.kind == "core":
        return obj.stream(REQUEST)
    if spec.kind == "langchain":
        return obj.astream("Hello") if spec.is_async else obj.stream("Hello")
    return obj.astream_chat(messages) if spec.is_async else obj.stream_chat(messages)


@needs_proc
@pytest.mark.parametrize("spec", [s for s in SPECS if s.stream], ids=lambda s: s.id)
async def test_a_stream_abandoned_half_way_is_closed(serve: Callable[..., Served], spec: Spec) -> None:
    served = serve("zai")
    surface = spec.build(served)
    for _ in range(3):
        source = _first_chunks(spec, surface.obj)
        if spec.is_async:
            if asyncio.iscoroutine(source):
                source = await source
            async for _chunk in source:
                break
            del source
        else:
            for _chunk in source:
                break
            del source
        gc.collect()
        await asyncio.sleep(0.05)  # an async generator is closed by the loop, a moment later
    assert await eventually(lambda: len(client_sockets(served.port)) <= 1), client_sockets(served.port)
    assert (await surface.call()).text == GREETING


# -- idle keep-alive connections -------------------------------------------------------------------


ANSWER = b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok"


@pytest.fixture
async def closes_after_each_answer() -> Any:
    """(URL, connections accepted) of a server that answers one request per connection and closes
    it a moment later, without a `connection: close` header: only the idle check can tell."""
    accepted: list[int] = []

    async def answer_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(1)
        await reader.readuntil(b"\r\n\r\n")
        writer.write(ANSWER)
        await writer.drain()
        await asyncio.sleep(0.02)  # the client has put the connection back in its pool by now
        writer.close()

    server = await asyncio.start_server(answer_once, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}/", accepted


async def test_the_shared_async_client_looks_up_each_socket_once() -> None:
    """httpx2 keeps its pool behind private names: if it renames them, this says so (the client
    still works, only slower at high concurrency)."""
    backend = shared_async_client()._transport._pool._network_backend  # type: ignore[union-attr]
    assert type(backend).__name__ == "_SocketCachingBackend"


async def test_a_connection_the_server_closed_while_idle_is_not_reused(closes_after_each_answer: Any) -> None:
    url, accepted = closes_after_each_answer
    async with with_cheap_idle_checks(httpx2.AsyncClient()) as http:
        for _ in range(3):
            assert (await http.get(url)).text == "ok"
            await asyncio.sleep(0.1)  # the server's FIN arrives: the idle socket turns readable
    assert len(accepted) == 3


async def test_cheap_idle_checks_reuse_a_live_connection_over_tls(
    tls_front: tuple[Served, str], self_signed: tuple[Path, Path]
) -> None:
    served, https_url = tls_front
    context = ssl.create_default_context(cafile=str(self_signed[0]))
    async with with_cheap_idle_checks(httpx2.AsyncClient(verify=context)) as http:
        client = AsyncGLMClient("zai", api_key=KEY, base_url=https_url, http_client=http)
        for _ in range(3):
            assert (await client.chat(REQUEST)).content == GREETING
        [connection] = http._transport._pool.connections  # type: ignore[union-attr]
        assert connection.is_idle() and not connection.has_expired()
        assert connection._connection._network_stream._socket is not None  # found through the TLS stream
    assert served.requests == 3


# -- TLS ---------------------------------------------------------------------------------------------


async def test_the_shared_clients_verify_certificates_and_host_names() -> None:
    for client in (shared_client(), shared_async_client()):
        context = client._transport._pool._ssl_context  # type: ignore[union-attr]
        assert context.verify_mode == ssl.CERT_REQUIRED
        assert context.check_hostname is True


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a self-signed certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_front(serve: Callable[..., Served], self_signed: tuple[Path, Path]) -> Iterator[tuple[Served, str]]:
    """The emulator behind a TLS terminator with a self-signed certificate: (served, https base URL)."""
    served = serve("zai")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*self_signed)
    loop = asyncio.new_event_loop()

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()

    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", served.port)
        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))

    server = loop.run_until_complete(asyncio.start_server(relay, "127.0.0.1", 0, ssl=context))
    port = server.sockets[0].getsockname()[1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def shut_down() -> None:
        server.close()
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    try:
        yield served, f"https://127.0.0.1:{port}{served.emulator.base_path}"
    finally:
        # Every relay finished before the loop closes: no coroutine is left for the collector.
        asyncio.run_coroutine_threadsafe(shut_down(), loop).result(timeout=5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        loop.close()


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
async def test_a_self_signed_certificate_is_refused_once(tls_front: tuple[Served, str], spec: Spec) -> None:
    served, https_url = tls_front
    surface = spec.build(https_url, "zai")
    with pytest.raises(APIConnectionError) as info:
        await surface.call()
    assert "CERTIFICATE_VERIFY_FAILED" in str(info.value)
    assert "verify=" in str(info.value)  # says how to trust a private CA
    assert info.value.retryable is False and surface.delays == []
    assert served.requests == 0


def test_trusting_the_certificate_makes_it_work(tls_front: tuple[Served, str], self_signed: tuple[Path, Path]) -> None:
    """The refusal above is the certificate's, not a broken test server's."""
    served, https_url = tls_front
    with httpx2.Client(verify=ssl.create_default_context(cafile=str(self_signed[0]))) as http:
        client = GLMClient("zai", api_key=KEY, base_url=https_url, http_client=http)
        assert client.chat(REQUEST).content == GREETING
    assert served.requests == 1
