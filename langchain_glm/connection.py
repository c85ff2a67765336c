"""`GLMConnection`: the connection fields `GLMEmbeddings` and `GLMRerank` share with `ChatGLM`
(provider, key, URL, account, timeout, retries, headers, your own HTTP clients), the core
settings built from them, and a pickle state without secrets (see `glm_core.client_settings`)."""

from __future__ import annotations

from typing import Any

import httpx2
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, field_validator, model_validator

from glm_core.client_settings import ClientSettings, state_without_secrets
from glm_core.construction_errors import RedactedConstructionErrors
from glm_core.errors import InvalidRequestError
from glm_core.options import option_names, refuse_near_misses
from glm_core.retry import DEFAULT_MAX_RETRIES

__all__ = ["GLMConnection"]

# What a pickle must not carry: the key, your own HTTP clients, credential headers.
_UNPICKLED_FIELDS = ("api_key", "http_client", "http_async_client", "default_headers")


class GLMConnection(RedactedConstructionErrors, BaseModel):
    """Where and how to reach the provider, as `ChatGLM` takes it."""

    model_config = ConfigDict(populate_by_name=True, arbitrary_types_allowed=True, protected_namespaces=())

    provider: str = "zai"
    api_key: SecretStr | str | None = Field(default=None, repr=False)
    base_url: str | None = None
    account_id: str | None = Field(default=None, repr=False)
    timeout: float | None = None
    max_retries: int = DEFAULT_MAX_RETRIES
    default_headers: dict[str, str] | None = Field(default=None, repr=False)
    http_client: httpx2.Client | None = Field(default=None, exclude=True)
    http_async_client: httpx2.AsyncClient | None = Field(default=None, exclude=True)

    _settings: ClientSettings = PrivateAttr()

    @model_validator(mode="before")
    @classmethod
    def _glm_known_options(cls, values: Any) -> Any:
        """An option the class does not take is refused: there is nowhere it could go."""
        if isinstance(values, dict):
            unknown = refuse_near_misses(values, option_names(cls), cls.__name__, body=False)
            if unknown:
                raise InvalidRequestError(
                    f"{cls.__name__} takes no option {unknown[0]!r}; see help({cls.__name__}) for the ones it takes"
                )
        return values

    @field_validator("api_key", mode="after")
    @classmethod
    def _secret_key(cls, value: SecretStr | str | None) -> SecretStr | None:
        return SecretStr(value) if isinstance(value, str) else value

    def _connect(self) -> None:
        """Build the core settings and the sync client now: a missing key fails at construction."""
        self._settings = ClientSettings(
            self.provider,
            api_key=self.api_key,
            base_url=self.base_url,
            account_id=self.account_id,
            timeout=self.timeout,
            max_retries=self.max_retries,
            default_headers=self.default_headers,
            http_client=self.http_client,
            async_http_client=self.http_async_client,
        )
        self._settings.sync()

    def __getstate__(self) -> dict[str, Any]:
        return state_without_secrets(super().__getstate__(), _UNPICKLED_FIELDS)
