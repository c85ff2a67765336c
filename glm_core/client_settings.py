"""`ClientSettings`: what the embedding and rerank classes need to build their core clients,
built lazily and picklable without ever writing a secret.

The pickling rule (the same as for the chat classes): a pickle holds no API key and no
credential header; after unpickling, the key is resolved again from the provider's environment
variable, and if it is not set the first call raises a `ConfigurationError` saying so. Your own
`http_client` objects are not pickled either (sockets do not cross processes): an unpickled object
uses the shared clients. When `GLMClient` pickles by itself, this class can pickle its clients.

Example:
    >>> import pickle
    >>> settings = ClientSettings("zai", api_key="sk-secret")
    >>> b"sk-secret" in pickle.dumps(settings)
    False
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from glm_core.client import DEFAULT_TIMEOUT, AsyncGLMClient, GLMClient
from glm_core.errors import ConfigurationError
from glm_core.options import resolve_timeout
from glm_core.pickling import public_headers
from glm_core.providers import ProviderProfile, get_provider
from glm_core.retry import DEFAULT_MAX_RETRIES

if TYPE_CHECKING:
    import httpx2
    from pydantic import SecretStr

__all__ = ["ClientSettings", "state_without_secrets"]


class ClientSettings:
    """Provider, credentials and transport settings; `sync()` / `async_()` build the clients once."""

    def __init__(
        self,
        provider: str | ProviderProfile = "zai",
        *,
        api_key: str | SecretStr | None = None,
        base_url: str | None = None,
        account_id: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx2.Client | None = None,
        async_http_client: httpx2.AsyncClient | None = None,
    ) -> None:
        self.profile = provider if isinstance(provider, ProviderProfile) else get_provider(provider)
        self.api_key = api_key
        self.base_url = base_url
        self.account_id = account_id
        self.timeout = resolve_timeout(timeout)
        self.max_retries = max_retries
        self.default_headers = dict(default_headers) if default_headers else None
        self.http_client = http_client
        self.async_http_client = async_http_client
        self.unpickled = False
        self._sync: GLMClient | None = None
        self._async: AsyncGLMClient | None = None

    def _common(self) -> dict[str, Any]:
        return {
            "api_key": self.api_key,
            "base_url": self.base_url,
            "account_id": self.account_id,
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            "default_headers": self.default_headers,
        }

    def _explain(self, error: ConfigurationError) -> ConfigurationError:
        if not self.unpickled or "no API key" not in error.message:
            return error
        names = " or ".join(self.profile.api_key_env)
        return ConfigurationError(
            f"keys are never pickled; set {names} in the worker or pass api_key= ({error.message})",
            provider=self.profile.id,
        )

    def sync(self) -> GLMClient:
        """The sync client (built on first use; resolves the key and URL)."""
        client = self._sync
        if client is None:
            try:
                client = self._sync = GLMClient(self.profile, http_client=self.http_client, **self._common())
            except ConfigurationError as error:
                raise self._explain(error) from None
        return client

    def async_(self) -> AsyncGLMClient:
        """The async client (built on first use)."""
        client = self._async
        if client is None:
            try:
                client = self._async = AsyncGLMClient(
                    self.profile, http_client=self.async_http_client, **self._common()
                )
            except ConfigurationError as error:
                raise self._explain(error) from None
        return client

    def __getstate__(self) -> dict[str, Any]:
        headers = self.default_headers
        return {
            "profile": self.profile.id if self.profile is get_provider_or_none(self.profile.id) else self.profile,
            "base_url": self.base_url,
            "account_id": self.account_id,
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            # A gateway key in a header (cf-aig-authorization, x-api-key, a Bearer value under any
            # name) is a secret like api_key: the one rule of glm_core.pickling.
            "default_headers": public_headers(headers)[0],
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        profile = state["profile"]
        self.profile = get_provider(profile) if isinstance(profile, str) else profile
        self.api_key = None
        self.base_url = state["base_url"]
        self.account_id = state["account_id"]
        self.timeout = state["timeout"]
        self.max_retries = state["max_retries"]
        self.default_headers = state["default_headers"]
        self.http_client = self.async_http_client = None
        self.unpickled = True
        self._sync = self._async = None

    def __repr__(self) -> str:
        return f"ClientSettings(provider={self.profile.id!r}, base_url={self.base_url!r})"


def get_provider_or_none(provider_id: str) -> ProviderProfile | None:
    try:
        return get_provider(provider_id)
    except ConfigurationError:
        return None


def state_without_secrets(state: dict[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """A pydantic model's pickle state with `fields` (keys, HTTP clients, credential headers) emptied.

    `default_headers` keeps only its non-secret headers.
    """
    values = dict(state["__dict__"])
    for name in fields:
        if name == "default_headers" and values.get(name):
            values[name] = public_headers(values[name])[0]
        elif name in values:
            values[name] = None
    return {**state, "__dict__": values}
