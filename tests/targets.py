"""Where tests send their requests: the emulator served on loopback, or the real provider.

- default: one emulator per provider, served on 127.0.0.1 for the whole test process, so the real
  HTTP path (httpx2, sockets, SSE framing) is exercised and cassettes can be recorded from it;
- `GLM_RECORD_LIVE=1`: the real provider, keys from the provider's environment variables
  (re-records `cassettes/live/`);
- `GLM_CASSETTES=live`: the real provider's URLs with dummy keys, to replay `cassettes/live/`.

`target_kwargs(provider)` gives constructor keyword arguments for GLMClient, ChatGLM and GLM.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
from typing import Any

__all__ = ["EMULATOR_ACCOUNT_ID", "EMULATOR_API_KEY", "cassette_origin", "live_targets", "target_kwargs"]

EMULATOR_API_KEY = "emulator-test-key"
# Not 32 hex digits: nothing in a cassette may look like a real Cloudflare account id.
EMULATOR_ACCOUNT_ID = "emulator-account"

_lock = threading.Lock()
_served: dict[str, str] = {}
_stack = contextlib.ExitStack()
atexit.register(_stack.close)


def live_targets() -> bool:
    """True when requests go (or, replaying, went) to the real providers."""
    return os.environ.get("GLM_RECORD_LIVE") == "1" or os.environ.get("GLM_CASSETTES") == "live"


def cassette_origin() -> str:
    return "live" if live_targets() else "emulator"


def _served_base_url(provider: str, served_model: str | None = None) -> str:
    key = provider if served_model is None else f"{provider}:{served_model}"
    with _lock:
        url = _served.get(key)
        if url is None:
            from glm_core.testing import Emulator

            extra = {} if served_model is None else {"served_model": served_model}
            emulator = Emulator(provider=provider, api_key=EMULATOR_API_KEY, account_id=EMULATOR_ACCOUNT_ID, **extra)
            url = _served[key] = _stack.enter_context(emulator.serve())
        return url


def target_kwargs(provider: str, served_model: str | None = None) -> dict[str, Any]:
    """Constructor kwargs (provider, base_url, api_key, account_id) for the current target.

    `served_model`: for vLLM / SGLang, the name the (emulated) server serves when it is not the
    default glm-4.7-flash; each name gets its own emulator, as each self-hosted server serves one."""
    if os.environ.get("GLM_RECORD_LIVE") == "1":
        kwargs: dict[str, Any] = {"provider": provider}
        self_hosted = os.environ.get(f"GLM_{provider.upper()}_BASE_URL")
        if self_hosted:
            kwargs["base_url"] = self_hosted
        return kwargs
    if os.environ.get("GLM_CASSETTES") == "live":
        kwargs = {"provider": provider, "api_key": "replayed-from-cassette", "account_id": "ACCOUNT_ID"}
        if provider in ("vllm", "sglang"):
            kwargs["base_url"] = "http://self-hosted/v1"
        return kwargs
    return {
        "provider": provider,
        "base_url": _served_base_url(provider, served_model if provider in ("vllm", "sglang") else None),
        "api_key": EMULATOR_API_KEY,
        "account_id": EMULATOR_ACCOUNT_ID,
    }
