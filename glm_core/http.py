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
import weakref

import httpx2

__all__ = ["DEFAULT_LIMITS", "shared_async_client", "shared_client"]

# The SDKs' limits: enough for 1,000 concurrent calls through one client without pool timeouts.
DEFAULT_LIMITS = httpx2.Limits(max_connections=1000, max_keepalive_connections=100)

_lock = threading.Lock()
_sync_client: httpx2.Client | None = None
_async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx2.AsyncClient] = weakref.WeakKeyDictionary()


def shared_client() -> httpx2.Client:
    """The process-wide sync client (created on first use)."""
    global _sync_client
    client = _sync_client
    if client is None or client.is_closed:
        with _lock:
            client = _sync_client
            if client is None or client.is_closed:
                client = _sync_client = httpx2.Client(limits=DEFAULT_LIMITS, follow_redirects=True)
    return client


def shared_async_client() -> httpx2.AsyncClient:
    """The async client of the running event loop (created on first use in that loop)."""
    loop = asyncio.get_running_loop()
    client = _async_clients.get(loop)
    if client is None or client.is_closed:
        client = _async_clients[loop] = httpx2.AsyncClient(limits=DEFAULT_LIMITS, follow_redirects=True)
    return client
