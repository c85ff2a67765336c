"""Run against the real provider when its key is set, and against the emulator otherwise.

What the examples and the `glm` command use so that they work on a fresh machine with no key,
and talk to the real provider as soon as one is set.

Example:
    >>> from langchain_glm import ChatGLM                             # doctest: +SKIP
    >>> with real_or_emulated("zai") as connection:
    ...     llm = ChatGLM(model="glm-4.7-flash", **connection)
    ...     print(llm.invoke("Hi").content)
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from glm_core.providers import ProviderProfile, get_provider

__all__ = ["has_credentials", "real_or_emulated"]

logger = logging.getLogger("glm_core")

EMULATOR_API_KEY = "emulator"
EMULATOR_ACCOUNT_ID = "emulator-account"


def _self_hosted_url_env(profile: ProviderProfile) -> str:
    return f"GLM_{profile.id.upper()}_BASE_URL"


def env_base_url(provider: str | ProviderProfile) -> str | None:
    """A self-hosted server's URL from `GLM_VLLM_BASE_URL` / `GLM_SGLANG_BASE_URL` (None elsewhere)."""
    profile = provider if isinstance(provider, ProviderProfile) else get_provider(provider)
    if profile.base_url is not None:
        return None
    return os.environ.get(_self_hosted_url_env(profile)) or None


def has_credentials(provider: str | ProviderProfile) -> bool:
    """Whether the environment names a real endpoint for `provider` (its key; for vLLM/SGLang a URL)."""
    profile = provider if isinstance(provider, ProviderProfile) else get_provider(provider)
    if profile.base_url is None:
        return bool(os.environ.get(_self_hosted_url_env(profile)))
    return any(os.environ.get(name) for name in profile.api_key_env)


@contextmanager
def real_or_emulated(provider: str = "zai") -> Iterator[dict[str, Any]]:
    """Yield constructor kwargs for ChatGLM, GLM or GLMClient.

    With the provider's key set (for vllm/sglang: `GLM_VLLM_BASE_URL` / `GLM_SGLANG_BASE_URL`),
    the kwargs point at the real provider. Otherwise the emulator is served on loopback for the
    duration of the block, and a warning says the answers are not from a real model.
    """
    profile = get_provider(provider)
    if has_credentials(profile):
        kwargs: dict[str, Any] = {"provider": profile.id}
        if profile.base_url is None:
            kwargs["base_url"] = os.environ[_self_hosted_url_env(profile)]
        yield kwargs
        return
    from glm_core.testing import Emulator

    needed = _self_hosted_url_env(profile) if profile.base_url is None else " or ".join(profile.api_key_env)
    logger.warning(
        "No %s set: answering from the built-in emulator, not a real model. Set it to use %s.",
        needed,
        profile.name,
    )
    emulator = Emulator(profile.id, api_key=EMULATOR_API_KEY, account_id=EMULATOR_ACCOUNT_ID)
    with emulator.serve() as base_url:
        yield {
            "provider": profile.id,
            "base_url": base_url,
            "api_key": EMULATOR_API_KEY,
            "account_id": EMULATOR_ACCOUNT_ID,
        }
