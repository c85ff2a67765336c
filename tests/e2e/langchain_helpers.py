"""Shared pieces of the LangChain end-to-end tests: one emulator per provider, served on loopback.

Each provider's emulator is served once per test process (a thread and a socket, stopped at exit);
`glm_chat` resets it (no queued replies, no recorded requests) and returns a fresh ChatGLM pointed
at it.
"""

from __future__ import annotations

import atexit
import contextlib
import threading
from typing import Any

from glm_core.testing import Emulator
from langchain_glm import ChatGLM

API_KEY = "e2e-test-key"
ACCOUNT_ID = "e2e-account"
MODEL_FOR = {"aimlapi": "glm-4.7"}

_lock = threading.Lock()
_served: dict[str, tuple[Emulator, str]] = {}
_stack = contextlib.ExitStack()
atexit.register(_stack.close)


def _server(provider: str) -> tuple[Emulator, str]:
    with _lock:
        entry = _served.get(provider)
        if entry is None:
            emulator = Emulator(provider, api_key=API_KEY, account_id=ACCOUNT_ID)
            entry = _served[provider] = (emulator, _stack.enter_context(emulator.serve()))
        return entry


def glm_chat(provider: str = "zai", **options: Any) -> tuple[ChatGLM, Emulator]:
    """A ChatGLM talking to `provider`'s emulator over loopback, and that emulator (reset)."""
    emulator, base_url = _server(provider)
    emulator.reset()
    kwargs: dict[str, Any] = {
        "provider": provider,
        "model": MODEL_FOR.get(provider, "glm-4.7-flash"),
        "api_key": API_KEY,
        "account_id": ACCOUNT_ID,
        "base_url": base_url,
        "max_retries": 0,
        **options,
    }
    return ChatGLM(**kwargs), emulator


def assistant_turns(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in body["messages"] if m["role"] == "assistant"]
