"""Pickling clients without their secrets: the rule every picklable glm_core object follows.

A pickle travels (to worker processes, caches, disk), so it never holds a secret in plain text:
not the API key, not a header whose name or value marks it as a credential
(`glm_core.redaction`). What it holds is enough to rebuild the client: the provider, the resolved
base URL, timeouts, retries and the harmless headers.

On unpickling, the key is resolved again from the provider's environment variable(s)
(`ZAI_API_KEY`, ...). If none is set, or credential headers were dropped, the object is still
built and its first call raises a `ConfigurationError` saying what to set in the worker process.

Example:
    >>> client = GLMClient("zai", api_key="...")                  # doctest: +SKIP
    >>> worker_copy = pickle.loads(pickle.dumps(client))   # ZAI_API_KEY must be set where it is used

`GLMClient` / `AsyncGLMClient` use `client_reduce`; the adapters (`ChatGLM`, `GLM`) pickle their
core clients this way and drop their own secret fields with `public_settings`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from glm_core.providers import PROVIDERS, ProviderProfile
from glm_core.redaction import is_secret_header, looks_like_credential

if TYPE_CHECKING:
    from glm_core.client_base import _ClientBase

__all__ = ["client_reduce", "public_headers", "public_model_state", "restore_client"]


def public_headers(headers: Mapping[str, str] | None) -> tuple[dict[str, str] | None, list[str]]:
    """(the headers that may be pickled, the names of the credential headers left out)."""
    if not headers:
        return (None if headers is None else {}), []
    kept = {k: v for k, v in headers.items() if not (is_secret_header(k) or looks_like_credential(str(v)))}
    return kept, [k for k in headers if k not in kept]


def client_reduce(client: _ClientBase) -> tuple[Any, ...]:
    """`__reduce__` of a core client: a rebuild from its settings, without key or credential headers."""
    endpoint = client.endpoint
    provider = endpoint.provider
    kept, dropped = public_headers(endpoint.default_headers)
    dropped = sorted({*dropped, *getattr(client, "_dropped_headers", ())})
    settings = {
        "base_url": endpoint.base_url + endpoint.query,
        "timeout": client.timeout,
        "stream_idle_timeout": client.stream_idle_timeout,
        "retry_policy": client.retry_policy,
        "max_event_bytes": client.max_event_bytes,
        "default_headers": kept,
        "reasoning_effort": endpoint.reasoning_effort,
        "model_profile": endpoint.model_facts,
    }
    named = provider.id if PROVIDERS.get(provider.id) is provider else provider
    return restore_client, (type(client), named, settings, dropped)


def restore_client(
    cls: type[_ClientBase], provider: str | ProviderProfile, settings: dict[str, Any], dropped: list[str]
) -> _ClientBase:
    """Rebuild a pickled client: key from the environment; what is missing is raised at first use."""
    profile = provider if isinstance(provider, ProviderProfile) else PROVIDERS[provider]
    key = next((os.environ[name] for name in profile.api_key_env if os.environ.get(name, "").strip()), None)
    problems = []
    if key is None and profile.api_key_required:
        names = " or ".join(profile.api_key_env)
        problems.append(
            f"no API key for {profile.name}: keys are never pickled; set {names} in the worker process "
            "or pass api_key=... when you build the client there"
        )
        key = "unset"  # never sent: the endpoint refuses every call below
    if dropped:
        problems.append(
            f"the credential header(s) {', '.join(sorted(dropped))} were left out of the pickle (credentials are "
            "never pickled); build the client in the worker process with default_headers=..."
        )
    client = cls(profile, api_key=key, **settings)
    client._dropped_headers = tuple(dropped)  # a copy of this copy still names them
    if problems:
        client.endpoint.problem = "; ".join(problems)
    return client


def public_model_state(state: dict[Any, Any], unpicklable: tuple[str, ...] = ()) -> dict[Any, Any]:
    """A pydantic adapter's `__getstate__` without its secrets: `api_key` left out, credential
    `default_headers` dropped, and the `unpicklable` fields (own http clients) reset to None.
    Its private core clients pickle themselves by `client_reduce`."""
    fields = dict(state["__dict__"])
    if "api_key" in fields:
        fields["api_key"] = None
    if "default_headers" in fields:
        fields["default_headers"] = public_headers(fields["default_headers"])[0]
    for name in unpicklable:
        if name in fields:
            fields[name] = None
    return {**state, "__dict__": fields}
