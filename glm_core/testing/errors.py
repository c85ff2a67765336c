"""Error answers in each provider's real body shape (providers.md §1.9, §2.5, §3-§5).

`WireError` is raised inside the emulator pipeline and turned into an HTTP answer. Its body is
exactly what the provider sends; what the emulator checked is put in an `x-emulator-detail`
header so a failing test can tell which rule fired without the body being unfaithful.
"""

from __future__ import annotations

import datetime as _dt
import json
import uuid
from typing import Any

from glm_core.testing.codes import (
    CF_CODES,
    CF_DEFAULT_CODE_BY_STATUS,
    ZAI_CODES_EN,
    ZAI_CODES_ZH,
    ZAI_DEFAULT_CODE_BY_STATUS,
    zai_status,
)
from glm_core.testing.facts import ProviderFacts

__all__ = ["DETAIL_HEADER", "WireError", "cf_envelope_error", "error_payload", "provider_error"]

DETAIL_HEADER = "x-emulator-detail"

_REASON = {
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    413: "Payload Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
_AIML_MESSAGES = {
    400: "Body validation error!",
    401: "Unauthorized",
    403: "You've run out of credits. Please top up your balance to continue.",
    429: "Too Many Requests",
}
_VLLM_TYPES = {400: "BadRequestError", 401: "Unauthorized", 404: "NotFoundError", 500: "InternalServerError"}
_SGL_TYPES = {400: "BadRequest", 401: "Unauthorized", 404: "NotFound", 500: "InternalServerError"}


class WireError(Exception):
    """An error answer: status, body bytes, extra headers (the body is sent verbatim)."""

    def __init__(
        self,
        status: int,
        body: bytes,
        *,
        headers: list[tuple[str, str]] | None = None,
        content_type: str = "application/json",
        detail: str = "",
    ) -> None:
        super().__init__(f"{status}: {detail or body[:200]!r}")
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = list(headers or [])
        if detail:
            # Header values must be latin-1; keep the detail readable but safe.
            self.headers.append((DETAIL_HEADER, detail.encode("ascii", "backslashreplace").decode()[:500]))


def _reason(status: int) -> str:
    return _REASON.get(status, "Error")


# Z.ai states reset times in Beijing time (UTC+8, no daylight saving): request ids and the reset
# times of captured 1308 errors are on that clock (real-traffic.md §3.1, §3.4).
_BEIJING = _dt.timezone(_dt.timedelta(hours=8))


def _next_flush_time() -> str:
    """When a usage cap resets, as Z.ai writes it: two hours from now, Beijing time, to the second."""
    return (_dt.datetime.now(_BEIJING) + _dt.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S")


def error_payload(
    facts: ProviderFacts,
    status: int | None = None,
    *,
    code: str | int | None = None,
    message: str | None = None,
    field: str = "",
    path: str = "",
    param: str | None = None,
    openai_code: str | None = None,
) -> tuple[int, dict[str, Any]]:
    """The (status, body) a provider answers for an error.

    For the Z.ai family and Cloudflare, `code` picks the business code and with it the real
    status and message; otherwise `status` picks a default code. `message` overrides the text.

    Example:
        >>> from glm_core.testing.facts import facts_for
        >>> error_payload(facts_for("zai"), code="1211")
        (400, {'error': {'code': '1211', 'message': 'Unknown Model, please check the model code.'}})
    """
    style = facts.error_style
    if style == "zai":
        zcode = str(code) if code is not None else ZAI_DEFAULT_CODE_BY_STATUS.get(status or 500, "500")
        table = ZAI_CODES_ZH if facts.id == "bigmodel" else ZAI_CODES_EN
        text = message or table.get(zcode, ZAI_CODES_EN["500"]).replace("{field}", field or "messages")
        text = text.replace("{next_flush_time}", _next_flush_time())
        return (status or zai_status(zcode)), {"error": {"code": zcode, "message": text}}
    if style == "cloudflare":
        ccode = int(code) if code is not None else CF_DEFAULT_CODE_BY_STATUS.get(status or 500, 3043)
        cf_status, template = CF_CODES.get(ccode, (status or 500, _reason(status or 500)))
        text = message or template.replace("{field}", field)
        return (status or cf_status), cf_envelope_error([(ccode, text)])
    st = status or 500
    if style == "aimlapi":
        return st, {
            "message": message or _AIML_MESSAGES.get(st, _reason(st)),
            "path": path,
            "requestId": str(uuid.uuid4()),
            "statusCode": st,
            "timestamp": _dt.datetime.now(_dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }
    text = message or _reason(st)
    if style == "openrouter":
        return st, {"error": {"message": text, "code": code if code is not None else st}}
    if style == "vllm":
        return st, {"error": {"message": text, "type": _VLLM_TYPES.get(st, _reason(st)), "param": param, "code": st}}
    if style == "sglang":
        return st, {
            "object": "error",
            "message": text,
            "type": _SGL_TYPES.get(st, _reason(st)),
            "param": param,
            "code": st,
        }
    # EmpirioLabs: undocumented, OpenAI-style chosen.
    kind = "invalid_request_error" if st < 500 else "server_error"
    if st == 429:
        kind = "rate_limit_error"
    return st, {
        "error": {
            "message": text,
            "type": kind,
            "param": param,
            "code": openai_code if openai_code is not None else code,
        }
    }


def cf_envelope_error(errors: list[tuple[int, str]]) -> dict[str, Any]:
    """Cloudflare's failure envelope with one or more `{code, message}` errors."""
    return {
        "result": None,
        "success": False,
        "errors": [{"code": c, "message": m} for c, m in errors],
        "messages": [],
    }


def provider_error(
    facts: ProviderFacts,
    status: int | None = None,
    *,
    detail: str = "",
    headers: list[tuple[str, str]] | None = None,
    **kwargs: Any,
) -> WireError:
    """A `WireError` carrying the provider's real body (see `error_payload` for the arguments)."""
    st, payload = error_payload(facts, status, **kwargs)
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return WireError(st, body, headers=headers, detail=detail)
