"""What `GLMClient` and `AsyncGLMClient` share: settings (endpoint, timeouts, retry policy), the
decoding of a whole answer or a JSON body, and the timeout defaults. No I/O happens here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx2

from glm_core.dialects import fields
from glm_core.dialects.errors import answer_error, error_from_response
from glm_core.endpoint import Endpoint, PreparedRequest
from glm_core.errors import (
    APITimeoutError,
    ConfigurationError,
    ResponseDecodeError,
)
from glm_core.failures import check_answer
from glm_core.http import without_shared
from glm_core.markers import clean_response, splits_markers
from glm_core.models import EffortLevel, ModelProfile
from glm_core.pickling import client_reduce
from glm_core.providers import ProviderProfile
from glm_core.retry import RetryPolicy
from glm_core.tokens import tokenizer_count
from glm_core.tool_policy import keep_first_call
from glm_core.types import ChatRequest, ChatResponse

if TYPE_CHECKING:
    from pydantic import SecretStr

__all__ = ["CONNECT_TIMEOUT", "DEFAULT_STREAM_IDLE_TIMEOUT", "DEFAULT_TIMEOUT", "TimeoutSetting"]

# The SDK convention: 10 minutes for a whole non-streamed answer, 5 s to connect.
DEFAULT_TIMEOUT = 600.0
CONNECT_TIMEOUT = 5.0
# Between two stream events (langchain-openai's default): a long think still sends deltas.
DEFAULT_STREAM_IDLE_TIMEOUT = 120.0

TimeoutSetting = float | httpx2.Timeout | None


class _ClientBase:
    _shared_http: bool  # no http_client was given: requests go through glm_core.http's shared clients

    def __init__(
        self,
        provider: str | ProviderProfile,
        *,
        api_key: str | SecretStr | None,
        base_url: str | None,
        account_id: str | None,
        timeout: TimeoutSetting,
        stream_idle_timeout: float | None,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        max_event_bytes: int,
        retry_policy: RetryPolicy | None,
        reasoning_effort: EffortLevel | None = None,
        model_profile: ModelProfile | Mapping[str, Any] | None = None,
    ) -> None:
        self.endpoint = Endpoint(
            provider,
            api_key=api_key,
            base_url=base_url,
            account_id=account_id,
            default_headers=default_headers,
            reasoning_effort=reasoning_effort,
            model_profile=model_profile,
        )
        self.retry_policy = retry_policy or RetryPolicy(max_retries=max_retries)
        if isinstance(timeout, httpx2.Timeout):
            self.timeout = timeout
        else:
            self.timeout = httpx2.Timeout(_seconds(timeout, "timeout", provider), connect=CONNECT_TIMEOUT)
        # The wall-clock deadline of one attempt: the whole non-streamed answer, or a stream's
        # first event (an httpx2.Timeout's read value stands for it).
        self.answer_timeout: float | None = self.timeout.read
        self.stream_idle_timeout = _seconds(stream_idle_timeout, "stream_idle_timeout", provider)
        # Per socket read, for transports the deadlines cannot reach (glm_core.http.with_deadlines).
        reads = [t for t in (self.answer_timeout, self.stream_idle_timeout) if t is not None]
        self.stream_timeout = httpx2.Timeout(
            connect=self.timeout.connect,
            read=max(reads) if len(reads) == 2 else None,
            write=self.timeout.write,
            pool=self.timeout.pool,
        )
        self.max_event_bytes = max_event_bytes
        self._urls: dict[str, httpx2.URL] = {}
        # Credential headers a pickle left out (glm_core.pickling), named at first use.
        self._dropped_headers: tuple[str, ...] = ()

    def _http_url(self, url: str) -> httpx2.URL:
        # httpx2 re-parses a str URL on every request (~70 us, half the cost of a whole mocked
        # call); a parsed URL is only copied. One entry per endpoint path, so the cache stays tiny.
        parsed = self._urls.get(url)
        if parsed is None:
            parsed = self._urls[url] = httpx2.URL(url)
        return parsed

    def _headers(self, headers: dict[str, str]) -> dict[str, str]:
        # The shared clients already send our user-agent and accept (glm_core.http.SHARED_HEADERS);
        # repeating them costs httpx2 a Python-level pop per header on every request.
        return without_shared(headers) if self._shared_http else headers

    @property
    def provider(self) -> ProviderProfile:
        return self.endpoint.provider

    def __repr__(self) -> str:
        return f"{type(self).__name__}(provider={self.provider.id!r}, base_url={self.endpoint.base_url!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Never the key nor credential headers; see glm_core.pickling (an own http_client and a
        # custom sleep are not pickled either: the copy uses the shared client and real sleeps).
        return client_reduce(self)

    def _decode(self, prepared: PreparedRequest, response: httpx2.Response) -> ChatResponse:
        if response.status_code >= 400:
            raise answer_error(prepared, self.provider, response.status_code, response.headers, response.content)
        try:
            # Strict UTF-8 (json.loads on bytes lets encoded surrogates through); utf-8-sig skips a
            # BOM; json.loads skips the whitespace keep-alives OpenRouter may send before the body.
            data: Any = fields.loads(response.content.decode("utf-8-sig"))
        except fields.MalformedField as exc:
            raise ResponseDecodeError(
                f"{self.provider.name} answered with a body in which {exc}", provider=self.provider.id
            ) from None
        except (ValueError, RecursionError):
            raise ResponseDecodeError(
                f"{self.provider.name} answered with a body that is not JSON "
                f"(status {response.status_code}): {response.text[:200]!r}",
                provider=self.provider.id,
            ) from None
        answer = self.endpoint.dialect.decode_response(data)
        if splits_markers(prepared.model):
            answer = clean_response(answer)
        if prepared.tool_schemas is not None:
            prepared.tool_schemas.fix_response(answer)
        check_answer(prepared, answer, self.provider)
        return answer

    def _json_body(self, response: httpx2.Response) -> Any:
        """The decoded JSON of a non-chat answer (embeddings, rerank, tokenizer); an error status raises."""
        if response.status_code >= 400:
            raise error_from_response(self.provider, response.status_code, response.headers, response.content)
        try:
            return fields.loads(response.content.decode("utf-8-sig"))
        except (fields.MalformedField, ValueError, RecursionError):
            raise ResponseDecodeError(
                f"{self.provider.name} answered with a body that is not JSON "
                f"(status {response.status_code}): {response.text[:200]!r}",
                provider=self.provider.id,
            ) from None

    def _tokens(self, response: httpx2.Response) -> int:
        return tokenizer_count(self.provider, self._json_body(response))

    def _late(self, exc: Exception, timed_out: bool) -> Exception:
        if not timed_out or not isinstance(exc, httpx2.TimeoutException | TimeoutError):
            return exc
        return APITimeoutError(
            f"no whole answer from {self.provider.name} within timeout={self.answer_timeout}s "
            "(a wall-clock limit on each attempt; raise timeout=... for long answers, or stream)",
            provider=self.provider.id,
        )


def _one_call_if_asked(request: ChatRequest, answer: ChatResponse) -> ChatResponse:
    # parallel_tool_calls=False is not sent where the provider has no switch: keep the first call.
    if request.parallel_tool_calls is False:
        keep_first_call(answer)
    return answer


def _seconds(value: float | None, name: str, provider: str | ProviderProfile) -> float | None:
    """A timeout setting: a positive finite number of seconds, or None for no limit."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        pid = provider.id if isinstance(provider, ProviderProfile) else provider
        raise ConfigurationError(
            f"{name}={value!r} is not a number of seconds; pass a positive number (or None for no limit)",
            provider=pid,
        )
    return float(value)
