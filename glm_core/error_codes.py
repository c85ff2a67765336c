"""Each provider's error-code facts, in one typed record (`ErrorCodes`) held by its profile.

One place answers "what does this provider's code or status mean": the HTTP status a business
code stands for (so an error inside a 200 answer is classed as the status it normally comes
with), and which codes are retried, final, a quota/credit exhaustion, a content-filter block or
a context overflow. `glm_core.dialects.errors` reads only this record.

Sources (docs/providers-facts.md, one section per provider):
- Z.ai family: 1113 arrears is sent as 429 but is final; 1301 content filter; 1261 prompt too long.
  1308 / 1310 (5-hour and weekly/monthly caps) and 1316-1321 say when the limit resets ("Your
  limit will reset at 2026-08-27 21:31:39", the docs' `${next_flush_time}`), in Beijing time
  (UTC+8): the time in Z.ai's request ids is Beijing time (`request_id` 202608300457085b... with
  `created` 1788037029 = 2026-08-29T20:57:09Z), and in captured 1308 errors the reset falls within
  five hours of the request id's time only when both are read on that clock
  (`[1308][... reset at 2026-09-08 14:29:33][20260908141510...]`); hugalafutro/model-hotel#955
  says so too. Z.ai's docs state no time zone: UNCERTAIN_CHOICES. 1313 is the fair-use limit;
  1314 and 1315 come as 429 (LiteLLM maps 1313-1321 to 429) with no documented meaning, so they
  are retried like any 429 unless their message gives a reset time. BigModel's Responses API
  uses OpenAI's string codes (`insufficient_quota`, `context_length_exceeded`, `overloaded`).
- Cloudflare: 3036 daily neuron allocation used up (429, final); 3040 capacity (retried).
- AI/ML API: no business codes; HTTP 403 alone means "You've run out of credits".
- OpenRouter: HTTP 402 "insufficient credits" (seen with z-ai/glm-4.7-flash, continuedev#10962).
- EmpirioLabs: undocumented; OpenAI-style `insufficient_quota` is assumed (UNCERTAIN_CHOICES).

Example:
    >>> from glm_core.providers import get_provider
    >>> codes = get_provider("openrouter").error_codes
    >>> codes.is_quota(None, 402)
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta, timezone, tzinfo

__all__ = [
    "AIMLAPI_CODES",
    "BEIJING",
    "CLOUDFLARE_CODES",
    "OPENAI_STYLE_CODES",
    "OPENROUTER_CODES",
    "ZAI_CODES",
    "ErrorCodes",
]

# HTTP 402 Payment Required means "no credits" wherever it is sent.
_PAYMENT_REQUIRED = frozenset({402})


@dataclass(frozen=True, slots=True)
class ErrorCodes:
    """What one provider's business codes and statuses mean (codes are strings)."""

    # Business code -> the HTTP status it comes with (for errors inside a 200 answer).
    status: Mapping[str, int] = field(default_factory=dict)
    # "Try again later", whatever the HTTP status.
    retryable: frozenset[str] = frozenset()
    # "Do not retry", whatever the HTTP status (a 429 can be "no balance").
    final: frozenset[str] = frozenset()
    # No balance, credits or quota left: QuotaExceededError, final.
    quota: frozenset[str] = frozenset()
    # HTTP statuses that alone mean "no credits" (AI/ML 403, OpenRouter 402).
    quota_statuses: frozenset[int] = _PAYMENT_REQUIRED
    content_filter: frozenset[str] = frozenset()
    # HTTP statuses that mean "a moderation filter refused it" when the body says what was flagged
    # (OpenRouter's 403 with metadata.reasons / flagged_input).
    content_filter_statuses: frozenset[int] = frozenset()
    context_overflow: frozenset[str] = frozenset()
    # "This model is not served": ModelNotFoundError, naming the model (besides a 400/404 whose
    # message says so, e.g. vLLM's "The model `x` does not exist", OpenRouter's "not a valid model ID").
    model_not_found: frozenset[str] = frozenset()
    # Codes of overload/retry that are server failures rather than rate limits.
    server_failures: frozenset[str] = frozenset()
    # Whether a numeric `code` in the body is the HTTP status (OpenAI-style servers, AI/ML API).
    code_is_status: bool = False
    # The time zone of the reset time a quota message states ("will reset at 2026-08-27 21:31:39"),
    # None where messages carry none.
    reset_time_zone: tzinfo | None = None

    def is_quota(self, code: str | None, status: int) -> bool:
        """Whether this answer means the account has no balance, credits or quota left."""
        return (code is not None and code in self.quota) or status in self.quota_statuses

    def status_of(self, code: str) -> int:
        """The HTTP status an error inside a 200 answer stands for (200 when unknown)."""
        known = self.status.get(code)
        if known is not None:
            return known
        if self.code_is_status and code.isdigit() and 400 <= int(code) <= 599:
            return int(code)
        return 200


# Beijing time (China Standard Time, no daylight saving): see the module docstring.
BEIJING = timezone(timedelta(hours=8), "UTC+08:00")
_ZAI_CAPS = ("1308", "1310", "1316", "1317", "1318", "1319", "1320", "1321")

ZAI_CODES = ErrorCodes(
    status={
        **dict.fromkeys(("1000", "1001", "1002", "1003", "1004"), 401),
        **dict.fromkeys(("1210", "1211", "1212", "1213", "1214", "1215", "1261", "1301"), 400),
        **dict.fromkeys(("1113", "1302", "1303", "1304", "1305", "1309", "1312", "1313", "1314", "1315"), 429),
        **dict.fromkeys(_ZAI_CAPS, 429),
    },
    # 1302/1303/1305/1312 are load; 1234 a network error; 500 internal.
    retryable=frozenset({"500", "1230", "1234", "1302", "1303", "1305", "1312", "overloaded"}),
    # 1113 arrears (sent as 429), 1301 content filter, 1304 and the caps (1308, 1310, 1316-1321),
    # 1309 plan expired, 1311 model not in the plan, 1313 fair use.
    final=frozenset({"1113", "1301", "1304", "1309", "1311", "1313", *_ZAI_CAPS}),
    quota=frozenset({"1113", "1304", "1309", "1313", "insufficient_quota", *_ZAI_CAPS}),
    content_filter=frozenset({"1301"}),
    context_overflow=frozenset({"1261", "context_length_exceeded"}),
    model_not_found=frozenset({"1211"}),
    server_failures=frozenset({"500", "1230", "1234"}),
    reset_time_zone=BEIJING,
)

CLOUDFLARE_CODES = ErrorCodes(
    status={
        **dict.fromkeys(("3003", "3039", "5004", "5006", "5007", "7000"), 400),
        **dict.fromkeys(("3023", "3041", "5016", "5018"), 403),
        **dict.fromkeys(("3042", "7003"), 404),
        **dict.fromkeys(("3036", "3040"), 429),
        "3006": 413,
        "10000": 401,
    },
    retryable=frozenset({"3040", "3007", "3008"}),
    final=frozenset({"3036"}),
    quota=frozenset({"3036"}),
    model_not_found=frozenset({"5007", "3042"}),
)

# AI/ML API bodies carry no business code: the decoder uses the status as the code.
AIMLAPI_CODES = ErrorCodes(
    quota=frozenset({"403"}), final=frozenset({"403"}), quota_statuses=_PAYMENT_REQUIRED | {403}, code_is_status=True
)

# vLLM, SGLang, OpenRouter, EmpirioLabs: `code` is the HTTP status, or OpenAI's string codes.
OPENAI_STYLE_CODES = ErrorCodes(
    quota=frozenset({"402", "insufficient_quota"}),
    final=frozenset({"402", "insufficient_quota"}),
    model_not_found=frozenset({"model_not_found"}),
    code_is_status=True,
)

# OpenRouter (OR-ERR): 403 is its moderation / guardrail refusal (a ContentFilterError, not a
# permission problem); 402 no credits; upstream failures carry metadata.provider_name and raw.
OPENROUTER_CODES = replace(OPENAI_STYLE_CODES, content_filter_statuses=frozenset({403}))
