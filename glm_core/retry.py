"""The retry policy: which failures are retried and how long to wait. The only retry layer.

- Retried: 408, 409, 429, 5xx, connection errors and timeouts, and the provider's "overloaded"
  business codes; never the final ones (Z.ai 1113 no balance, 1301 content filter; Cloudflare
  3036 daily quota), whatever their HTTP status. The decision is the error's `retryable` flag,
  set where the error is decoded (`glm_core.dialects.errors`).
- Wait: `min(0.5 * 2**attempt, 8)` seconds, less up to 25 % jitter; a `retry-after-ms` or
  `retry-after` header from the provider wins, capped at 60 s.
- `max_retries=2` by default: at most three attempts.
- A stream is retried only before its first event reached the caller (enforced by the client).
"""

from __future__ import annotations

import email.utils
import logging
import math
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from glm_core.failures import as_glm_error
from glm_core.redaction import credential_values

if TYPE_CHECKING:
    from glm_core.providers import ProviderProfile

__all__ = ["DEFAULT_MAX_RETRIES", "Attempts", "RetryPolicy", "parse_retry_after"]

logger = logging.getLogger("glm_core")

DEFAULT_MAX_RETRIES = 2
MAX_RETRY_AFTER_SECONDS = 60.0


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds the server asked us to wait, from `retry-after-ms` or `retry-after` (seconds or date).

    None when neither says anything usable: a wait of 0 or less, or a date already past, would
    retry at once (three attempts in milliseconds); the normal backoff applies instead."""
    value = headers.get("retry-after-ms")
    if value:
        try:
            seconds = float(value) / 1000
        except ValueError:
            seconds = math.nan
        if math.isfinite(seconds) and seconds > 0:
            return seconds
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        seconds = email.utils.mktime_tz(parsed) - time.time()
    if not math.isfinite(seconds) or seconds <= 0:
        return None
    return seconds


@dataclass(slots=True)
class RetryPolicy:
    """How many times to retry and how long to wait; `random` is injectable for tests."""

    max_retries: int = DEFAULT_MAX_RETRIES
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = MAX_RETRY_AFTER_SECONDS
    random: Callable[[], float] = field(default=random.random)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, got {self.max_retries}")

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number `attempt` (0 for the first retry)."""
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        backoff = min(self.base_delay * 2**attempt, self.max_delay)
        return float(backoff * (1 - 0.25 * self.random()))


class Attempts:
    """The one retry loop's state for one call (sync and async, streamed or not).

    Example:
        attempts = Attempts(policy, provider)
        while True:
            try:
                return send()
            except Exception as exc:
                sleep(attempts.wait_after(exc))   # raises the final error instead
    """

    __slots__ = ("_what", "attempt", "headers", "policy", "provider")

    def __init__(
        self, policy: RetryPolicy, provider: ProviderProfile, headers: Mapping[str, str], what: str = ""
    ) -> None:
        self.policy = policy
        self.provider = provider
        self.headers = headers  # the request's: their credentials are masked in error texts
        self._what = what
        self.attempt = 0

    def wait_after(self, exc: Exception) -> float:
        """Seconds to wait before the next attempt; raises the glm_core error when there is none."""
        error = as_glm_error(exc, self.provider, credential_values(self.headers))
        if not error.retryable or self.attempt >= self.policy.max_retries:
            raise error from (None if error is exc else exc)
        delay = self.policy.delay(self.attempt, getattr(error, "retry_after", None))
        logger.info("retrying %s%s in %.2fs after: %s", self._what, self.provider.id, delay, error)
        self.attempt += 1
        return delay
