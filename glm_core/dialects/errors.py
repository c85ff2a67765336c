"""Error bodies of every provider, decoded into the one exception tree.

Four body shapes exist (docs/providers-facts.md: one per provider):
- Z.ai family: `{"error": {"code": "1302", "message": ...}}` (code is a string), also flat
  (`{"code": "1210", "message": ...}`), with a top-level `request_id` on the Anthropic route, and
  `{"code": 1000, "msg": ..., "success": false}` with status 200 from BigModel's Responses API;
- Cloudflare:  `{"success": false, "errors": [{"code": 3040, "message": ...}], "result": null}`;
- AI/ML API:   `{"message", "path", "requestId", "statusCode", "timestamp"}`;
- OpenAI-style (vLLM, OpenRouter, EmpirioLabs): `{"error": {"message", "type", "code"}}`, and
  SGLang's `{"object": "error", "message", "code"}`.
The class is chosen from the provider's business code first (a 429 can be "no balance" and must
not be retried), then from the HTTP status.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from glm_core.errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ContentFilterError,
    ContextOverflowError,
    ModelNotFoundError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
)
from glm_core.providers import ProviderProfile
from glm_core.retry import parse_retry_after

if TYPE_CHECKING:
    from glm_core.endpoint import PreparedRequest

__all__ = ["answer_error", "error_from_body", "error_from_response"]

_CONTEXT_OVERFLOW_PHRASES = (
    "context length",
    "context window",
    "maximum context",
    "prompt exceeds max length",
    "prompt is too long",
    "too many tokens",
)
# "This model is not served" in the words of servers without a code for it (vLLM/SGLang "The
# model `x` does not exist.", OpenRouter "x is not a valid model ID"); codes are the profile's.
_MODEL_NOT_FOUND_PHRASES = ("is not a valid model id", "does not exist")
# Which code means what (and the HTTP status each business code comes with, so an error inside
# a 200 answer is classified as if it had that status) is the provider's `error_codes` record.
_STATUS_CLASSES: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    413: BadRequestError,
    422: BadRequestError,
    429: RateLimitError,
}


def error_from_response(provider: ProviderProfile, status: int, headers: Mapping[str, str], content: bytes) -> APIError:
    """The typed error for an HTTP error response (any body, JSON or not)."""
    try:
        data: Any = json.loads(content) if content else None
    except (ValueError, RecursionError):
        data = None
    if data is None:
        # A proxy's HTML page or an empty body: keep a short, readable excerpt.
        text = content.decode("utf-8", "replace").strip()
        data = {"message": " ".join(text.split())[:300] or f"HTTP {status}"}
    return error_from_body(provider, status, data, headers)


def error_from_body(provider: ProviderProfile, status: int, data: Any, headers: Mapping[str, str]) -> APIError:
    """The typed error for a decoded error body; status 200 means "inside a successful response"."""
    message, code, request_id = _parse_body(data)
    request_id = request_id or headers.get("x-request-id") or headers.get("cf-ray")
    if provider.error_shape == "aimlapi" and code is None and status >= 400:
        code = str(status)  # AI/ML API has no business codes: its status stands in for one
    reset_at = _stated_reset(message, provider)
    error_class, retryable = _classify(provider, status, code, message)
    if status in provider.error_codes.content_filter_statuses and _flagged(data):
        error_class, retryable = ContentFilterError, False
    if reset_at is not None and error_class in (RateLimitError, APIError):
        # A limit that names when it resets is a quota (Z.ai's caps, whatever their code):
        # retrying before then cannot succeed.
        error_class, retryable = QuotaExceededError, False
    upstream, said = _upstream(data)
    retry_after = parse_retry_after(headers)
    error = error_class(
        message or f"{provider.name} returned HTTP {status}",
        provider=provider.id,
        status_code=status,
        code=code,
        request_id=request_id,
        body=data,
        retryable=retryable,
        retry_after=retry_after,
        upstream_provider=upstream,
        upstream_error=said,
    )
    if isinstance(error, QuotaExceededError):
        if reset_at is None and retry_after is not None:
            reset_at = datetime.now(UTC) + timedelta(seconds=retry_after)
        error.reset_at = reset_at
    return error


# "Your limit will reset at 2026-08-27 21:31:39" (Z.ai 1308, 1310), and BigModel's Chinese "...将在 <time> 重置".
_RESET = re.compile(r"(?:reset at|将在)\s*(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2})", re.IGNORECASE)


def _stated_reset(message: str, provider: ProviderProfile) -> datetime | None:
    """The reset time a quota message states, in the provider's time zone (error_codes.py)."""
    zone = provider.error_codes.reset_time_zone
    if zone is None:
        return None
    found = _RESET.search(message)
    if found is None:
        return None
    try:
        return datetime.fromisoformat(found.group(1)).replace(tzinfo=zone)
    except ValueError:
        return None


def _flagged(data: Any) -> bool:
    """Whether the body says a moderation filter flagged the input (OpenRouter's 403 carries
    `metadata.reasons` and `flagged_input`, OR-ERR; a 403 without them stays a permission error)."""
    error = data.get("error") if isinstance(data, dict) else None
    metadata = error.get("metadata") if isinstance(error, dict) else None
    return isinstance(metadata, dict) and ("reasons" in metadata or "flagged_input" in metadata)


def _upstream(data: Any) -> tuple[str | None, str | None]:
    """A gateway's `error.metadata.provider_name` and `raw` (OpenRouter, OR-ERR), kept on the error."""
    error = data.get("error") if isinstance(data, dict) else None
    metadata = error.get("metadata") if isinstance(error, dict) else None
    if not isinstance(metadata, dict):
        return None, None
    name, raw = metadata.get("provider_name"), metadata.get("raw")
    if raw is not None and not isinstance(raw, str):
        raw = json.dumps(raw, ensure_ascii=False)
    return (str(name) if name else None), raw


def _parse_body(data: Any) -> tuple[str, str | None, str | None]:
    if not isinstance(data, dict):
        return str(data)[:300], None, None
    request_id = data.get("request_id") or data.get("requestId") or data.get("id")
    error = data.get("error")
    if isinstance(error, dict):
        code = error.get("code")
        return str(error.get("message") or error.get("type") or ""), _code_text(code), _text(request_id)
    if isinstance(error, str):
        return error, _code_text(data.get("code")), _text(request_id)
    errors = data.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        return str(first.get("message") or ""), _code_text(first.get("code")), _text(request_id)
    # BigModel's Responses API says `msg` (`{"code":1000,"msg":"身份验证失败。","success":false}`).
    message = data.get("message") or data.get("msg")
    return str(message or ""), _code_text(data.get("code")), _text(request_id)


def _code_text(code: Any) -> str | None:
    if code is None or code == "":
        return None
    return str(code)


def _text(value: Any) -> str | None:
    return str(value) if value else None


def _names_a_missing_model(message: str) -> bool:
    lowered = message.lower()
    return "model" in lowered and any(phrase in lowered for phrase in _MODEL_NOT_FOUND_PHRASES)


def _classify(provider: ProviderProfile, status: int, code: str | None, message: str) -> tuple[type[APIError], bool]:
    codes = provider.error_codes
    if status == 200 and code is not None:
        status = codes.status_of(code)
    if code in codes.model_not_found or (status in (400, 404) and _names_a_missing_model(message)):
        return ModelNotFoundError, False
    if codes.is_quota(code, status):
        return QuotaExceededError, False
    if code is not None:
        if code in codes.content_filter:
            return ContentFilterError, False
        if code in codes.context_overflow:
            return ContextOverflowError, False
        if code in codes.retryable:
            return (ServerError if status >= 500 or code in codes.server_failures else RateLimitError), True
        if code in codes.final:
            return _STATUS_CLASSES.get(status, APIError), False
    if status in (400, 413, 422):
        lowered = message.lower()
        if any(phrase in lowered for phrase in _CONTEXT_OVERFLOW_PHRASES):
            return ContextOverflowError, False
    if status >= 500:
        return ServerError, True
    if status in (408, 409):
        return APIError, True
    if status == 200:
        # An error inside a successful response with no known code: a server-side failure.
        return ServerError, True
    return _STATUS_CLASSES.get(status, APIError), status == 429


def answer_error(
    prepared: PreparedRequest, provider: ProviderProfile, status: int, headers: Mapping[str, str], body: bytes
) -> APIError:
    """The error of an answer with an error status (streamed or not); "model not found" names
    the model as it was sent, since the provider's own message often does not."""
    error = error_from_response(provider, status, headers, body)
    if isinstance(error, ModelNotFoundError):
        error.name_model(prepared.wire_model, provider.name)
    return error
