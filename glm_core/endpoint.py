"""An endpoint: a provider profile resolved with the user's settings (URL, key, account id).

It turns a canonical request into what goes on the wire (URL, JSON bytes, headers), after
validating it, and is shared by the sync and async clients so both behave the same.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from glm_core.arguments import ToolSchemas
from glm_core.dialects import OpenAIChatDialect, dialect_for
from glm_core.errors import ConfigurationError, InvalidRequestError
from glm_core.http import USER_AGENT
from glm_core.models import EffortLevel, ModelProfile, with_facts
from glm_core.models import model_profile as model_profile_of
from glm_core.providers import ProviderProfile, get_provider
from glm_core.redaction import RedactedHeaders, header_value_problem, is_secret_header, looks_like_credential
from glm_core.thinking import apply_thinking_rules, with_default_effort
from glm_core.types import ChatRequest
from glm_core.validation import validate_request

if TYPE_CHECKING:
    from pydantic import SecretStr

__all__ = ["Endpoint", "PreparedRequest"]

# Compact and key-order stable: the same request always gives the same bytes (cassettes match on
# the body). One encoder for every call: json.dumps with options builds a new one each time.
# allow_nan=False: NaN and Infinity are not JSON, and a provider would refuse the whole body.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


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
    # The tools whose answers may carry stringified objects to parse back (glm_core.arguments).
    tool_schemas: ToolSchemas | None = None


class Endpoint:
    """Provider + base URL + credentials. Raises `ConfigurationError` saying what is missing."""

    __slots__ = (
        "_headers",
        "_stream_headers",
        "api_key",
        "base_url",
        "default_headers",
        "dialect",
        "model_facts",
        "problem",
        "provider",
        "query",
        "reasoning_effort",
    )

    def __init__(
        self,
        provider: str | ProviderProfile = "zai",
        *,
        api_key: str | SecretStr | None = None,
        base_url: str | None = None,
        account_id: str | None = None,
        default_headers: Mapping[str, str] | None = None,
        reasoning_effort: EffortLevel | None = None,
        model_profile: ModelProfile | Mapping[str, Any] | None = None,
    ) -> None:
        profile = provider if isinstance(provider, ProviderProfile) else get_provider(provider)
        self.provider = profile
        # Used by requests that set no reasoning_effort of their own.
        self.reasoning_effort = reasoning_effort
        # Facts the user states about the model(s) called (glm_core.models.with_facts); checked now.
        self.model_facts = model_profile
        if model_profile is not None:
            try:
                with_facts(model_profile_of("glm-4.7-flash"), model_profile)
            except (ValueError, TypeError) as exc:
                raise ConfigurationError(str(exc), provider=profile.id) from None
        self.dialect: OpenAIChatDialect = dialect_for(profile)
        self.api_key = _resolve_key(profile, api_key)
        # A query string (an Azure-style gateway's "?api-version=...") goes after the path, not
        # before it: kept apart and added to every URL.
        self.base_url, self.query = _split_query(_resolve_base_url(profile, base_url, account_id))
        headers = {"content-type": "application/json", "accept": "application/json", "user-agent": USER_AGENT}
        headers.update(profile.extra_headers)
        self.default_headers = (
            _checked_headers(default_headers, profile, "default_headers", ConfigurationError) if default_headers else {}
        )
        headers.update(self.default_headers)
        # Set when this endpoint cannot be used as it is (unpickled without its key): raised at first use.
        self.problem: str | None = None
        if self.api_key is not None:
            headers["authorization"] = f"Bearer {self.api_key.get_secret_value()}"
        self._headers = headers
        self._stream_headers = {**headers, "accept": "text/event-stream"}

    def __repr__(self) -> str:
        return f"Endpoint(provider={self.provider.id!r}, base_url={self.base_url!r})"

    def model_profile(self, model: str) -> ModelProfile:
        """The facts of `model` as this provider serves it, with the user's `model_profile=` applied."""
        # A provider-native id ("@cf/zai-org/glm-4.7-flash", "z-ai/glm-4.5") has the facts of the
        # model it names, including this provider's overrides.
        facts = model_profile_of(model, provider=self.provider.id)
        return facts if self.model_facts is None else with_facts(facts, self.model_facts)

    def prepare(self, request: ChatRequest, *, stream: bool) -> PreparedRequest:
        """Validate `request` for this provider and encode it. Nothing is sent."""
        if self.problem is not None:
            raise ConfigurationError(self.problem, provider=self.provider.id)
        model = self.model_profile(request.model)
        request = apply_thinking_rules(with_default_effort(request, self.reasoning_effort), self.provider, model)
        validate_request(request, self.provider, model)
        encoded = self.dialect.encode(request, model, stream=stream)
        headers = self._stream_headers if stream else self._headers
        if request.extra_headers:
            sent = request.extra_headers
            if isinstance(sent, RedactedHeaders):
                sent = sent.unredacted()
            extra = _checked_headers(sent, self.provider, "extra_headers", InvalidRequestError)
            headers = {**headers, **extra}
        content = self._encoded(encoded.body)
        return PreparedRequest(
            url=self.url(encoded.path),
            content=content,
            headers=headers,
            body=encoded.body,
            model=model,
            tool_call_required=encoded.tool_call_required,
            wire_model=encoded.wire_model,
            tool_schemas=ToolSchemas.of(request.tools) if request.tools else None,
        )

    def json_request(self, path: str, body: dict[str, Any]) -> tuple[str, bytes, dict[str, str]]:
        """(URL, body bytes, headers) of a JSON POST to `path` after the base URL (embeddings, rerank)."""
        if self.problem is not None:
            raise ConfigurationError(self.problem, provider=self.provider.id)
        return self.url(path), self._encoded(body), self._headers

    def _encoded(self, body: dict[str, Any]) -> bytes:
        """The body as strict JSON in UTF-8; what JSON cannot carry (NaN, a lone surrogate, an object)
        is an `InvalidRequestError` naming where it is, before anything is sent."""
        try:
            return _ENCODER.encode(body).encode()
        except (ValueError, TypeError, RecursionError) as exc:  # UnicodeEncodeError is a ValueError
            raise InvalidRequestError(
                f"{self.provider.id}: the request is not valid JSON: {_unencodable(body) or exc}",
                provider=self.provider.id,
            ) from None

    def url(self, path: str) -> str:
        """The URL of `path` (after the base URL), with the base URL's query string, if any."""
        # The path can hold the model id (Cloudflare's /run/{model}); a lone surrogate there
        # cannot be written into a URL at all.
        if not path.isascii():
            problem = _unencodable(path, "the path")
            if problem:
                raise InvalidRequestError(
                    f"{self.provider.id}: the model id cannot be sent: {problem}", provider=self.provider.id
                )
        return self.base_url + path + self.query


def _resolve_key(profile: ProviderProfile, api_key: str | SecretStr | None) -> SecretStr | None:
    # Imported here, not with glm_core: pydantic is ~80 ms of a ~250 ms `import glm_core`, and it
    # is already loaded wherever LangChain or LlamaIndex is.
    from pydantic import SecretStr

    if isinstance(api_key, SecretStr):
        api_key = api_key.get_secret_value()
    where = "api_key"
    if api_key is not None and not isinstance(api_key, str):
        raise ConfigurationError(f"api_key must be text, not {type(api_key).__name__}", provider=profile.id)
    if not api_key or not api_key.strip():
        where, api_key = next(
            ((name, os.environ[name]) for name in profile.api_key_env if os.environ.get(name)), ("", None)
        )
    if api_key is not None:
        # A key read from a file or pasted often carries a newline or a space: not part of it.
        api_key = api_key.strip()
        problem = header_value_problem(api_key)
        inner = next((i for i, c in enumerate(api_key) if c.isspace()), None)
        if problem is None and inner is not None:
            # Legal in a header, but no provider's key has one: a paste that went wrong.
            problem = f"character {inner + 1} of {len(api_key)} is whitespace"
        if problem:
            raise ConfigurationError(
                f"the API key for {profile.name} ({where}) cannot be sent in an HTTP header: {problem}. "
                "Copy the key again without it",
                provider=profile.id,
            )
    if not api_key:
        if profile.api_key_required:
            names = " or ".join(profile.api_key_env)
            raise ConfigurationError(
                f"no API key for {profile.name}: {names} is not set; pass api_key=... or set the variable",
                provider=profile.id,
            )
        return None
    return SecretStr(api_key)


def _split_query(url: str) -> tuple[str, str]:
    """(the URL up to its path, "?query" or ""); a fragment is never sent and is dropped."""
    url = url.partition("#")[0]
    base, mark, query = url.partition("?")
    return base.rstrip("/"), (mark + query if query else "")


def _resolve_base_url(profile: ProviderProfile, base_url: str | None, account_id: str | None) -> str:
    url = base_url or profile.base_url
    if url is None:
        raise ConfigurationError(
            f"{profile.name} is self-hosted: pass base_url=... (e.g. 'http://localhost:8000/v1')",
            provider=profile.id,
        )
    url = _checked_url(url.strip() if isinstance(url, str) else url, profile)
    if "{account_id}" in url:
        account_id = account_id or (os.environ.get(profile.account_id_env) if profile.account_id_env else None)
        if not account_id:
            raise ConfigurationError(
                f"{profile.account_id_env} is not set; pass account_id=... or set the variable",
                provider=profile.id,
            )
        url = url.replace("{account_id}", account_id)
    return url.rstrip("/")


def _checked_url(url: object, profile: ProviderProfile) -> str:
    """An absolute http(s) URL with a host (the scheme in any case), or a `ConfigurationError`."""
    from urllib.parse import urlsplit

    example = "pass e.g. 'https://host/v1'"
    if not isinstance(url, str):
        raise ConfigurationError(f"base_url must be text, not {type(url).__name__}; {example}", provider=profile.id)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ConfigurationError(f"base_url {url!r} is not a valid URL; {example}", provider=profile.id) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ConfigurationError(f"base_url {url!r} is not an http(s) URL; {example}", provider=profile.id)
    host = parts.hostname or ""
    if not host or any(c.isspace() for c in url) or header_value_problem(host.replace("{", "").replace("}", "")):
        raise ConfigurationError(f"base_url {url!r} has no valid host; {example}", provider=profile.id)
    return parts.scheme.lower() + url[len(parts.scheme) :]


def _checked_headers(
    headers: Mapping[str, str],
    profile: ProviderProfile,
    what: str,
    error: type[ConfigurationError | InvalidRequestError],
) -> dict[str, str]:
    """`headers`, names lower-cased; refuses a name or value HTTP cannot carry without showing the value."""
    checked = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not name or header_value_problem(name) or ":" in name or " " in name:
            raise error(f"{what} has a header name HTTP cannot carry: {name!r}", provider=profile.id)
        if not isinstance(value, str):
            raise error(f"{what}[{name!r}] must be text, not {type(value).__name__}", provider=profile.id)
        problem = header_value_problem(value)
        if problem:
            secret = is_secret_header(name) or looks_like_credential(value)
            shown = "" if secret else f" {value!r}"
            raise error(
                f"{what}[{name!r}]{shown} cannot be sent in an HTTP header: {problem}; remove the character",
                provider=profile.id,
            )
        checked[name.lower()] = value
    return checked


def _unencodable(value: Any, path: str = "") -> str | None:
    """Where in the body a value is that JSON (UTF-8) cannot carry, said for the user; the error path only."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"{path or 'a value'} is {value!r}; send a finite number"
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            where = _describe_path(path)
            char = f"U+{ord(value[exc.start]):04X}"
            return f"{where} holds {char} at character {exc.start + 1}, a lone surrogate that is not Unicode text"
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _unencodable(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = _unencodable(item, f"{path}[{i}]")
            if found:
                return found
    elif value is not None and not isinstance(value, bool | int | float | str):
        return f"{path or 'a value'} is a {type(value).__name__}, which JSON cannot carry"
    return None


def _describe_path(path: str) -> str:
    match = re.match(r"messages\[(\d+)\]", path)
    return f"message {int(match.group(1)) + 1} ({path})" if match else path
