"""The in-process delivery: an httpx2 transport for both `httpx2.Client` and `httpx2.AsyncClient`.

Failures surface as a real socket's would: a reset raises `httpx2.ReadError` before any
response, a cut stream raises `httpx2.RemoteProtocolError` while the body is read, and a stall
sleeps in the body iterator (`time.sleep` sync, `asyncio.sleep` async) so a client's idle
timeout can fire. A request to a host the provider does not serve raises `httpx2.ConnectError`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import httpx2

from glm_core.testing.outcome import Outcome

if TYPE_CHECKING:
    from glm_core.testing.emulator import Emulator

__all__ = ["EmulatorTransport"]

_CUT = "peer closed connection without sending complete message body (incomplete chunked read)"


class _SyncBody(httpx2.SyncByteStream):
    def __init__(self, outcome: Outcome) -> None:
        self._o = outcome

    def __iter__(self) -> Iterator[bytes]:
        o = self._o
        for i, chunk in enumerate(o.chunks):
            if o.stall_at == i:
                time.sleep(o.stall_seconds)
            if o.cut_at == i:
                raise httpx2.RemoteProtocolError(_CUT)
            yield chunk
        if o.stall_at == len(o.chunks):
            time.sleep(o.stall_seconds)
        if o.cut_at is not None and o.cut_at >= len(o.chunks):
            raise httpx2.RemoteProtocolError(_CUT)


class _AsyncBody(httpx2.AsyncByteStream):
    def __init__(self, outcome: Outcome) -> None:
        self._o = outcome

    async def __aiter__(self) -> AsyncIterator[bytes]:
        o = self._o
        for i, chunk in enumerate(o.chunks):
            if o.stall_at == i:
                await asyncio.sleep(o.stall_seconds)
            if o.cut_at == i:
                raise httpx2.RemoteProtocolError(_CUT)
            yield chunk
        if o.stall_at == len(o.chunks):
            await asyncio.sleep(o.stall_seconds)
        if o.cut_at is not None and o.cut_at >= len(o.chunks):
            raise httpx2.RemoteProtocolError(_CUT)


class EmulatorTransport(httpx2.BaseTransport, httpx2.AsyncBaseTransport):
    """Answers httpx2 requests from an `Emulator` without sockets.

    Example:
        >>> from glm_core.testing import Emulator
        >>> emu = Emulator("openrouter")
        >>> client = httpx2.AsyncClient(transport=emu.transport(), base_url=emu.base_url)
    """

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def _outcome(self, request: httpx2.Request, raw: bytes) -> Outcome:
        emu = self.emulator
        url = request.url
        if emu.check_host and url.host != emu.host:
            raise httpx2.ConnectError(
                f"[emulator] the {emu.provider} emulator serves {emu.host}, not {url.host}", request=request
            )
        return emu.handle(request.method, url.path, dict(request.headers.items()), raw)

    @staticmethod
    def _response(request: httpx2.Request, o: Outcome, *, sync: bool) -> httpx2.Response:
        if o.reset:
            raise httpx2.ReadError("[Errno 104] Connection reset by peer", request=request)
        headers = [("content-type", o.content_type), *o.headers]
        if not o.stream and o.cut_at is None and o.stall_at is None:
            body = o.body
            headers.append(("content-length", str(len(body))))
            # A ByteStream is what a real transport hands back too; the client reads it.
            return httpx2.Response(o.status, headers=headers, stream=httpx2.ByteStream(body), request=request)
        stream: httpx2.SyncByteStream | httpx2.AsyncByteStream = _SyncBody(o) if sync else _AsyncBody(o)
        return httpx2.Response(o.status, headers=headers, stream=stream, request=request)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        raw = request.read()
        return self._response(request, self._outcome(request, raw), sync=True)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        raw = await request.aread()
        return self._response(request, self._outcome(request, raw), sync=False)
