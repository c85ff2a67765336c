"""Serve an `Emulator` over real HTTP/1.1 on loopback, with a small asyncio server.

Why not an ASGI server: faults must control the socket itself (a reset closes it before any
byte, a cut drops it mid-body, a stall holds it open), and a bare asyncio server also keeps the
per-request cost low enough for 100 concurrent keep-alive clients. Non-streamed answers carry
Content-Length; streams use chunked transfer encoding, one chunk per SSE event.

Example:
    >>> from glm_core.testing import Emulator
    >>> server = EmulatorServer(Emulator("zai"))
    >>> server = server.start()
    >>> server.base_url.startswith("http://127.0.0.1:")
    True
    >>> server.stop()
"""

from __future__ import annotations

import asyncio
import functools
import socket
import struct
import threading
from collections.abc import Callable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from glm_core.testing.outcome import Outcome

if TYPE_CHECKING:
    from glm_core.testing.emulator import Emulator

__all__ = ["EmulatorServer"]

_HEADER_LIMIT = 1 << 20


@functools.lru_cache(maxsize=64)
def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class _BadRequest(Exception):
    pass


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, str, str, dict[str, str], bytes] | None:
    """(method, path, version, headers, body), or None when the client closed the connection."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    except asyncio.LimitOverrunError:
        raise _BadRequest("headers too large") from None
    lines = head.decode("latin-1").split("\r\n")
    try:
        method, target, version = lines[0].split(" ", 2)
    except ValueError:
        raise _BadRequest("bad request line") from None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, _, value = line.partition(":")
        key = name.strip().lower()
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        parts: list[bytes] = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(parts)
    else:
        length = int(headers.get("content-length", "0") or 0)
        body = await reader.readexactly(length) if length else b""
    return method, unquote(urlsplit(target).path), version, headers, body


def _head(o: Outcome, *, keep_alive: bool, length: int | None) -> bytes:
    lines = [f"HTTP/1.1 {o.status} {_reason(o.status)}", f"content-type: {o.content_type}"]
    lines += [f"{k}: {v}" for k, v in o.headers]
    lines.append(f"content-length: {length}" if length is not None else "transfer-encoding: chunked")
    lines.append("connection: keep-alive" if keep_alive else "connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _reset(writer: asyncio.StreamWriter) -> None:
    # SO_LINGER 0 makes close() send RST: the client sees "connection reset by peer".
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def _send(writer: asyncio.StreamWriter, o: Outcome, keep_alive: bool) -> bool:
    """Write the outcome; False when the connection must not be reused."""
    if o.reset:
        _reset(writer)
        return False
    if not o.stream:
        body = o.body
        if o.cut_at is None and o.stall_at is None:
            writer.write(_head(o, keep_alive=keep_alive, length=len(body)) + body)
            await writer.drain()
            return keep_alive
        # A faulty non-streamed answer promises its full length, then stalls or stops short.
        full = len(body) * 2 if o.cut_at is not None else len(body)
        writer.write(_head(o, keep_alive=keep_alive, length=full))
        await writer.drain()
        if o.stall_at is not None:
            await asyncio.sleep(o.stall_seconds)
        writer.write(body)
        await writer.drain()
        if o.cut_at is not None:
            writer.close()
            return False
        return keep_alive
    writer.write(_head(o, keep_alive=keep_alive, length=None))
    for i, chunk in enumerate(o.chunks):
        if o.stall_at == i:
            await writer.drain()
            await asyncio.sleep(o.stall_seconds)
        if o.cut_at == i:
            await writer.drain()
            writer.close()
            return False
        writer.write(b"%x\r\n%b\r\n" % (len(chunk), chunk))
        await writer.drain()
    if o.cut_at is not None and o.cut_at >= len(o.chunks):
        writer.close()
        return False
    writer.write(b"0\r\n\r\n")
    await writer.drain()
    return keep_alive


class EmulatorServer:
    """An `Emulator` on a real socket: `start()` runs it in a background thread, `run()` in the
    foreground (the `serve` command). `base_url` has the provider's real base path."""

    def __init__(self, emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> None:
        self.emulator = emulator
        self.host = host
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing = False

    @property
    def base_url(self) -> str:
        """e.g. "http://127.0.0.1:54321/api/paas/v4"."""
        return f"http://{self.host}:{self.port}{self.emulator.base_path}"

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Own the connection task from the start, so a shutdown can cancel even one not yet run;
        # a connection that arrives while shutting down is dropped.
        if self._closing:
            writer.transport.abort()
            return
        task = asyncio.get_running_loop().create_task(self._client(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    request = await _read_request(reader)
                except _BadRequest:
                    writer.write(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    await writer.drain()
                    return
                if request is None:
                    return
                method, path, version, headers, body = request
                connection = headers.get("connection", "").lower()
                keep_alive = connection != "close" if version == "HTTP/1.1" else connection == "keep-alive"
                outcome = self.emulator.handle(method, path, headers, body)
                if not await _send(writer, outcome, keep_alive):
                    return
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            return
        finally:
            if not writer.transport.is_closing():
                writer.close()

    async def _open(self) -> None:
        self._server = await asyncio.start_server(
            self._accept, self.host, self.port, limit=_HEADER_LIMIT, backlog=1024, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def _close(self) -> None:
        self._closing = True
        if self._server is not None:
            self._server.close()
        while self._tasks:
            for task in list(self._tasks):
                task.cancel()
            await asyncio.wait(list(self._tasks), timeout=2)
        if self._server is not None:
            await self._server.wait_closed()

    def _thread_main(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._open())
        except BaseException as e:  # surfaced to start()
            self._error = e
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self._close())
            loop.close()

    def start(self) -> EmulatorServer:
        """Listen in a background thread; returns once the port is bound."""
        if self._thread is not None:
            raise RuntimeError("the server is already running")
        self._thread = threading.Thread(
            target=self._thread_main, name=f"glm-emulator-{self.emulator.provider}", daemon=True
        )
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self

    def stop(self) -> None:
        """Stop listening, drop open connections and join the thread."""
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._thread = None

    async def serve_forever(self, on_ready: Callable[[str], None] | None = None) -> None:
        """Serve in the current event loop until cancelled (used by `run`)."""
        await self._open()
        if on_ready is not None:
            on_ready(self.base_url)
        try:
            await asyncio.Event().wait()
        finally:
            await self._close()

    def run(self, on_ready: Callable[[str], None] | None = None) -> None:
        """Serve in the foreground until KeyboardInterrupt; `on_ready(base_url)` once bound."""
        try:
            asyncio.run(self.serve_forever(on_ready))
        except KeyboardInterrupt:
            pass
