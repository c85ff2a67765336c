"""The shared httpx2 clients.

Building an httpx2 client costs ~50 ms, nearly all of it in creating an SSL context
(docs/providers-facts.md, "Transport"), so every GLMClient without a client of its own shares one:
one sync client per process and one async client per event loop (an async client's connections
belong to the loop that opened them). Timeouts are passed per request, so one client serves
every timeout setting.
"""

from __future__ import annotations

import asyncio
import select
import ssl
import threading
import time
from collections.abc import AsyncGenerator, Iterable
from typing import Any, Protocol

import httpcore2
import httpx2

__all__ = [
    "DEFAULT_LIMITS",
    "SHARED_HEADERS",
    "USER_AGENT",
    "read_deadline",
    "shared_async_client",
    "shared_client",
    "with_cheap_idle_checks",
    "with_deadlines",
    "without_shared",
]

# The SDKs' limits: enough for 1,000 concurrent calls through one client without pool timeouts.
DEFAULT_LIMITS = httpx2.Limits(max_connections=1000, max_keepalive_connections=100)

USER_AGENT = "glm-integrations/0.1.0"
# Headers every request of ours carries, set once on the shared clients. httpx2 merges a request's
# headers into the client's in Python, popping each one the client already has (~18 us of a
# ~160 us mocked call for user-agent and accept), so requests on a shared client leave them out.
SHARED_HEADERS = {"user-agent": USER_AGENT, "accept": "application/json"}


def without_shared(headers: dict[str, str]) -> dict[str, str]:
    """`headers` minus those the shared clients already send with the same value."""
    return {k: v for k, v in headers.items() if SHARED_HEADERS.get(k) != v}


_lock = threading.Lock()
_sync_client: httpx2.Client | None = None
# A loop's client holds its connections and they hold the loop, so a WeakKeyDictionary never let
# a finished loop go: every asyncio.run() leaked its loop, its client and its open sockets. Each
# entry is dropped instead, and its client closed, when the loop shuts down its async generators
# (asyncio.run, pytest-asyncio, IsolatedAsyncioTestCase do); a loop closed without that is
# dropped on the next lookup, which lets the garbage collector close its sockets.
_async_clients: dict[asyncio.AbstractEventLoop, tuple[httpx2.AsyncClient, AsyncGenerator[None, None]]] = {}


def shared_client() -> httpx2.Client:
    """The process-wide sync client (created on first use)."""
    global _sync_client
    client = _sync_client
    if client is None or client.is_closed:
        with _lock:
            client = _sync_client
            if client is None or client.is_closed:
                client = _sync_client = with_deadlines(
                    httpx2.Client(limits=DEFAULT_LIMITS, follow_redirects=True, headers=SHARED_HEADERS)
                )
    return client


def shared_async_client() -> httpx2.AsyncClient:
    """The async client of the running event loop (created on first use in that loop)."""
    loop = asyncio.get_running_loop()
    entry = _async_clients.get(loop)
    if entry is None or entry[0].is_closed:
        for stale in [other for other in list(_async_clients) if other.is_closed()]:
            _async_clients.pop(stale, None)
        client = httpx2.AsyncClient(limits=DEFAULT_LIMITS, follow_redirects=True, headers=SHARED_HEADERS)
        with_cheap_idle_checks(client)
        entry = _async_clients[loop] = (client, _closed_at_loop_shutdown(loop, client))
    return entry[0]


async def _close_when_shut_down(
    loop: asyncio.AbstractEventLoop, client: httpx2.AsyncClient
) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        entry = _async_clients.get(loop)
        if entry is not None and entry[0] is client:
            del _async_clients[loop]
        await client.aclose()


def _closed_at_loop_shutdown(loop: asyncio.AbstractEventLoop, client: httpx2.AsyncClient) -> AsyncGenerator[None, None]:
    """An async generator parked at its first yield: the loop registered it when it started, and
    its `shutdown_asyncgens()` closes it, which closes `client` while the loop still runs."""
    closer = _close_when_shut_down(loop, client)
    try:
        closer.asend(None).send(None)
    except StopIteration:
        pass
    return closer


# ---------------------------------------------------------------------------- wall-clock deadlines

# httpcore2 reads a request's read timeout once and applies it to every socket read, so a body
# trickled a byte at a time never times out. The sync client sets the time.monotonic() by which
# the current read must end here (per thread: the reads of a call run in the caller's thread),
# and the connections of a client passed through `with_deadlines` cut each read to what is left.
# The async client uses asyncio.timeout instead.
_deadline = threading.local()


class read_deadline:
    """Socket reads and writes made in this block by a `with_deadlines` client end by `deadline`
    (a `time.monotonic()` value) with `httpcore2.ReadTimeout` / `WriteTimeout`.

    A class rather than a `@contextmanager` generator: it runs once per call on the hot path, and
    this costs a third of the generator's setup.
    """

    __slots__ = ("_deadline", "_previous")

    def __init__(self, deadline: float | None) -> None:
        self._deadline = deadline
        self._previous: float | None = None

    def __enter__(self) -> None:
        self._previous = getattr(_deadline, "value", None)
        _deadline.value = self._deadline

    def __exit__(self, *exc_info: object) -> None:
        _deadline.value = self._previous


def _left(timeout: float | None) -> float | None:
    deadline: float | None = getattr(_deadline, "value", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    return left if timeout is None else min(timeout, left)


def _wrap_backends(client: httpx2.Client | httpx2.AsyncClient, kind: type, wrapper: type) -> None:
    """Wrap the network backend of each of `client`'s pools of `kind` in `wrapper` (once): through
    httpx2's private `_pool._network_backend`; a pool without it is left as it is."""
    for transport in [client._transport, *client._mounts.values()]:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, kind) and not isinstance(backend, wrapper):
            pool._network_backend = wrapper(backend)  # type: ignore[union-attr]


def with_deadlines(client: httpx2.Client) -> httpx2.Client:
    """`client`, its connections made to honour `read_deadline` (idempotent; others unchanged).

    Example:
        http = with_deadlines(httpx2.Client(proxy="http://proxy:3128"))
        client = GLMClient("zai", http_client=http)   # GLMClient does this itself

    Like `with_cheap_idle_checks`, it reaches the pools through private attributes; where httpx2
    renames them the deadline is checked between reads only, never wrongly.
    """
    _wrap_backends(client, httpcore2.NetworkBackend, _DeadlineBackend)
    return client


class _DeadlineBackend(httpcore2.NetworkBackend):
    def __init__(self, backend: httpcore2.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        stream = self._backend.connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore2.NetworkStream:
        return _DeadlineStream(self._backend.connect_unix_socket(path, timeout=timeout, socket_options=socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _DeadlineStream(httpcore2.NetworkStream):
    def __init__(self, stream: httpcore2.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        timeout = _left(timeout)
        if timeout is not None and timeout <= 0:
            raise httpcore2.ReadTimeout("the call's deadline has passed")
        return self._stream.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        timeout = _left(timeout)
        if timeout is not None and timeout <= 0:
            raise httpcore2.WriteTimeout("the call's deadline has passed")
        self._stream.write(buffer, timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore2.NetworkStream:
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


# ---------------------------------------------------------------------------- idle-connection checks


def with_cheap_idle_checks(client: httpx2.AsyncClient) -> httpx2.AsyncClient:
    """`client`, its connection pools set to look up each connection's socket once.

    Example:
        http = with_cheap_idle_checks(httpx2.AsyncClient(timeout=30))
        client = AsyncGLMClient("zai", http_client=http)

    Whenever a request starts or ends, httpcore2's async pool asks every idle keep-alive
    connection whether its socket is readable (a server that closed it). The anyio stream answers
    by looking the socket up through anyio's typed attributes, which rebuilds a dict of a dozen
    lambdas each time (~15 us); with 100 calls in flight that is ~50 lookups per request start and
    end, half the CPU of a call through LangChain (profiled in benchmarks/loopback.py: ChatGLM
    at 100 concurrent went from ~550 to ~880 calls/s). The sync pool already keeps the socket.
    Pools reached through a private attribute httpx2 may rename are left as they are: slower,
    never wrong (tests/reliability/test_connections.py notices when that happens).
    """
    _wrap_backends(client, httpcore2.AsyncNetworkBackend, _SocketCachingBackend)
    return client


class _SocketCachingBackend(httpcore2.AsyncNetworkBackend):
    """Opens connections through `backend`, each wrapped in a `_SocketCachingStream`."""

    def __init__(self, backend: httpcore2.AsyncNetworkBackend) -> None:
        self._backend = backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.AsyncNetworkStream:
        stream = await self._backend.connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        return _SocketCachingStream(stream)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore2.AsyncNetworkStream:
        stream = await self._backend.connect_unix_socket(path, timeout=timeout, socket_options=socket_options)
        return _SocketCachingStream(stream)

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


class _SocketCachingStream(httpcore2.AsyncNetworkStream):
    """`stream`, answering "is_readable" from its socket, looked up on the first ask.

    A connection's socket object never changes (TLS wraps the stream, not the socket, and a
    closed socket reports fileno -1, which counts as readable: expired).
    """

    def __init__(self, stream: httpcore2.AsyncNetworkStream) -> None:
        self._stream = stream
        self._socket: _HasFileno | None = None

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore2.AsyncNetworkStream:
        return _SocketCachingStream(await self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            if self._socket is None:
                found = self._stream.get_extra_info("socket")  # asyncio's TransportSocket, trio's socket
                if not callable(getattr(found, "fileno", None)):  # a mock stream: let it answer
                    return self._stream.get_extra_info(info)
                self._socket = found
            return _is_readable(self._socket)
        return self._stream.get_extra_info(info)


class _HasFileno(Protocol):
    def fileno(self) -> int: ...


def _is_readable(sock: _HasFileno) -> bool:
    """Whether a read would return at once: for an idle keep-alive connection, that the server
    closed it (or sent something unasked). A closed socket counts as readable, as httpcore2's own
    check does. That check lives in a private module: importing it would break glm_core on a
    rename, where the private attributes above only lose the speed-up."""
    fd = sock.fileno()
    if fd < 0:
        return True
    if not hasattr(select, "poll"):  # Windows
        return bool(select.select([fd], [], [], 0)[0])
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))
