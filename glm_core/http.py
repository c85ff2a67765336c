"""The shared httpx2 clients.

Building an httpx2 client costs ~50 ms, nearly all of it in creating an SSL context
(quality-reliability-perf.md §3.1), so every GLMClient without a client of its own shares one:
one sync client per process and one async client per event loop (an async client's connections
belong to the loop that opened them). Timeouts are passed per request, so one client serves
every timeout setting.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncGenerator

import httpx2

__all__ = ["DEFAULT_LIMITS", "SHARED_HEADERS", "USER_AGENT", "shared_async_client", "shared_client", "without_shared"]

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
                client = _sync_client = httpx2.Client(
                    limits=DEFAULT_LIMITS, follow_redirects=True, headers=SHARED_HEADERS
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
