"""Error bodies of every provider, decoded into the one exception tree.

Four body shapes exist (providers.md §6, "Error body"):
- Z.ai family: `{"error": {"code": "1302", "message": ...}}` (code is a string);
- Cloudflare:  `{"success": false, "errors": [{"code": 3040, "message": ...}], "result": null}`;
- AI/ML API:   `{"message", "path", "requestId", "statusCode", "timestamp"}`;
- OpenAI-style (vLLM, OpenRouter, EmpirioLabs): `{"error": {"message", "type", "code"}}`, and
  SGLang's `{"object": "error", "message", "code"}`.
The class is chosen from the provider's business code first (a 429 can be "no balance" and must
not be retried), then from the HTTP status.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from glm_core.errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ContentFilterError,
    ContextOverflowError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
)
from glm_core.providers import ProviderProfile
from glm_core.retry import parse_retry_after

__all__ = ["error_from_body", "error_from_response"]

_CONTENT_FILTER_CODES = frozenset({"1301"})
_CONTEXT_OVERFLOW_CODES = frozenset({"1261"})
_CONTEXT_OVERFLOW_PHRASES = (
    "context length",
    "context window",
    "maximum context",
    "prompt exceeds max length",
    "prompt is too long",
    "too many tokens",
)
# The HTTP status each business code comes with (providers.md §1.9, §2.5). An error inside a 200
# answer (Cloudflare's `success: false`, an error event in a stream) is classified as if it had
# that status, so a bad input (Cloudflare 5006 is seen with 200) is not retried as a server failure.
_CODE_STATUS: dict[str, dict[str, int]] = {
    "zai": {
        **dict.fromkeys(("1000", "1001", "1002", "1003", "1004"), 401),
        **dict.fromkeys(("1210", "1211", "1212", "1213", "1214", "1215", "1261"), 400),
    },
    "cloudflare": {
        **dict.fromkeys(("3003", "3039", "5004", "5006", "5007", "7000"), 400),
        **dict.fromkeys(("3023", "3041", "5016", "5018"), 403),
        **dict.fromkeys(("3042", "7003"), 404),
        "3006": 413,
        "10000": 401,
    },
}
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
        code = str(status)  # AI/ML API has no business codes; 403 alone means "out of credits"
    error_class, retryable = _classify(provider, status, code, message)
    return error_class(
        message or f"{provider.name} returned HTTP {status}",
        provider=provider.id,
        status_code=status,
        code=code,
        request_id=request_id,
        body=data,
        retryable=retryable,
        retry_after=parse_retry_after(headers),
    )


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
    return str(data.get("message") or ""), _code_text(data.get("code")), _text(request_id)


def _code_text(code: Any) -> str | None:
    if code is None or code == "":
        return None
    return str(code)


def _text(value: Any) -> str | None:
    return str(value) if value else None


def _status_of_code(provider: ProviderProfile, code: str) -> int:
    """The HTTP status an error inside a 200 answer stands for (200 when unknown)."""
    known = _CODE_STATUS.get(provider.error_shape, {}).get(code)
    if known is not None:
        return known
    # OpenAI-style servers (vLLM, SGLang, OpenRouter) and AI/ML put the HTTP status in `code`.
    if provider.error_shape in ("openai", "aimlapi") and code.isdigit() and 400 <= int(code) <= 599:
        return int(code)
    return 200


def _classify(provider: ProviderProfile, status: int, code: str | None, message: str) -> tuple[type[APIError], bool]:
    if status == 200 and code is not None:
        status = _status_of_code(provider, code)
    if code is not None:
        if code in provider.quota_codes:
            return QuotaExceededError, False
        if code in _CONTENT_FILTER_CODES:
            return ContentFilterError, False
        if code in _CONTEXT_OVERFLOW_CODES:
            return ContextOverflowError, False
        if code in provider.retryable_codes:
            return (ServerError if status >= 500 or code in ("500", "1230", "1234") else RateLimitError), True
        if code in provider.final_codes:
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
