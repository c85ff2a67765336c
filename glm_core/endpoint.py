"""An endpoint: a provider profile resolved with the user's settings (URL, key, account id).

It turns a canonical request into what goes on the wire (URL, JSON bytes, headers), after
validating it, and is shared by the sync and async clients so both behave the same.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from glm_core.dialects import OpenAIChatDialect, dialect_for
from glm_core.errors import ConfigurationError
from glm_core.http import USER_AGENT
from glm_core.models import EffortLevel, ModelProfile, model_profile
from glm_core.providers import ProviderProfile, get_provider
from glm_core.thinking import apply_thinking_rules, with_default_effort
from glm_core.types import ChatRequest
from glm_core.validation import validate_request

if TYPE_CHECKING:
    from pydantic import SecretStr

__all__ = ["Endpoint", "PreparedRequest"]

# Compact and key-order stable: the same request always gives the same bytes (cassettes match on
# the body). One encoder for every call: json.dumps with options builds a new one each time.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


@dataclass(slots=True)
class PreparedRequest:
    url: str
    content: bytes
    # Carries the Authorization header: kept out of repr so the key never lands in a log.
    headers: dict[str, str] = field(repr=False)
    body: dict[str, Any]
    model: ModelProfile
    # "*" when any tool call is required, a tool name when that tool is, None otherwise.
    tool_call_required: str | None
    # The model id as sent (in the body, or in the path on Cloudflare's native route).
    wire_model: str = ""


class Endpoint:
    """Provider + base URL + credentials. Raises `ConfigurationError` saying what is missing."""

    __slots__ = ("_headers", "_stream_headers", "api_key", "base_url", "dialect", "provider", "reasoning_effort")

    def __init__(
        self,
        provider: str | ProviderProfile = "zai",
        *,
        api_key: str | SecretStr | None = None,
        base_url: str | None = None,
        account_id: str | None = None,
        default_headers: Mapping[str, str] | None = None,
        reasoning_effort: EffortLevel | None = None,
    ) -> None:
        profile = provider if isinstance(provider, ProviderProfile) else get_provider(provider)
        self.provider = profile
        # Used by requests that set no reasoning_effort of their own.
        self.reasoning_effort = reasoning_effort
        self.dialect: OpenAIChatDialect = dialect_for(profile)
        self.api_key = _resolve_key(profile, api_key)
        self.base_url = _resolve_base_url(profile, base_url, account_id)
        headers = {"content-type": "application/json", "accept": "application/json", "user-agent": USER_AGENT}
        headers.update(profile.extra_headers)
        if default_headers:
            headers.update({k.lower(): v for k, v in default_headers.items()})
        if self.api_key is not None:
            headers["authorization"] = f"Bearer {self.api_key.get_secret_value()}"
        self._headers = headers
        self._stream_headers = {**headers, "accept": "text/event-stream"}

    def __repr__(self) -> str:
        return f"Endpoint(provider={self.provider.id!r}, base_url={self.base_url!r})"

    def model_profile(self, model: str) -> ModelProfile:
        # A provider-native id ("@cf/zai-org/glm-4.7-flash", "z-ai/glm-4.5") has the facts of the
        # model it names, including this provider's overrides.
        return model_profile(model, provider=self.provider.id)

    def prepare(self, request: ChatRequest, *, stream: bool) -> PreparedRequest:
        """Validate `request` for this provider and encode it. Nothing is sent."""
        model = self.model_profile(request.model)
        request = apply_thinking_rules(with_default_effort(request, self.reasoning_effort), self.provider, model)
        validate_request(request, self.provider, model)
        encoded = self.dialect.encode(request, model, stream=stream)
        headers = self._stream_headers if stream else self._headers
        if request.extra_headers:
            headers = {**headers, **{k.lower(): v for k, v in request.extra_headers.items()}}
        content = _ENCODER.encode(encoded.body).encode()
        return PreparedRequest(
            url=self.base_url + encoded.path,
            content=content,
            headers=headers,
            body=encoded.body,
            model=model,
            tool_call_required=encoded.tool_call_required,
            wire_model=self.provider.wire_model(request.model),
        )


    def json_request(self, path: str, body: dict[str, Any]) -> tuple[str, bytes, dict[str, str]]:
        """(URL, body bytes, headers) of a JSON POST to `path` after the base URL (embeddings, rerank)."""
        return self.base_url + path, _ENCODER.encode(body).encode(), self._headers


def _resolve_key(profile: ProviderProfile, api_key: str | SecretStr | None) -> SecretStr | None:
    # Imported here, not with glm_core: pydantic is ~80 ms of a ~250 ms `import glm_core`, and it
    # is already loaded wherever LangChain or LlamaIndex is.
    from pydantic import SecretStr

    if isinstance(api_key, SecretStr):
        api_key = api_key.get_secret_value()
    if not api_key:
        api_key = next((os.environ[name] for name in profile.api_key_env if os.environ.get(name)), None)
    if not api_key:
        if profile.api_key_required:
            names = " or ".join(profile.api_key_env)
            raise ConfigurationError(
                f"no API key for {profile.name}: {names} is not set; pass api_key=... or set the variable",
                provider=profile.id,
            )
        return None
    return SecretStr(api_key)


def _resolve_base_url(profile: ProviderProfile, base_url: str | None, account_id: str | None) -> str:
    url = base_url or profile.base_url
    if url is None:
        raise ConfigurationError(
            f"{profile.name} is self-hosted: pass base_url=... (e.g. 'http://localhost:8000/v1')",
            provider=profile.id,
        )
    if not url.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"base_url {url!r} is not an http(s) URL; pass e.g. 'https://host/v1'", provider=profile.id
        )
    if "{account_id}" in url:
        account_id = account_id or (os.environ.get(profile.account_id_env) if profile.account_id_env else None)
        if not account_id:
            raise ConfigurationError(
                f"{profile.account_id_env} is not set; pass account_id=... or set the variable",
                provider=profile.id,
            )
        url = url.replace("{account_id}", account_id)
    return url.rstrip("/")
