"""Outcome classes of one fuzz case, and the session's tally of them.

Good: `correct` (the drawn answer, or the request sent as given), `typed_error` (a `GLMError`
with a message that says what happened). Bad, and asserted to be zero: `untyped` (any other
exception), `silent_wrong` (an answer or a request that differs from the truth), `hang` (no
outcome within the case's time limit), and `refused_valid` (a typed error for bytes that only
vary the framing of a valid answer).
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from glm_core.errors import GLMError

__all__ = ["BAD", "EXAMPLES", "FUZZ", "HANG_SECONDS", "TALLY", "classify_error", "record"]

FUZZ = os.environ.get("GLM_FUZZ") == "1"
EXAMPLES = int(os.environ.get("GLM_FUZZ_EXAMPLES") or (2000 if FUZZ else 120))
# Every client in the tier has timeout=stream_idle_timeout=10 s: a case still running after this
# long is stuck, whatever the server does.
HANG_SECONDS = 30.0
BAD = ("untyped", "silent_wrong", "hang", "refused_valid")

TALLY: Counter[tuple[str, str]] = Counter()


def classify_error(error: BaseException) -> str:
    """`typed_error` for a GLMError with a clear message, else `untyped`."""
    if not isinstance(error, GLMError):
        return "untyped"
    text = str(error)
    if len(text) < 15 or "Traceback" in text:
        return "untyped"
    return "typed_error"


# GLM_FUZZ_EXPLORE=path: bad outcomes are appended to that file instead of failing the test
# (for surveying many at once while fixing).
_EXPLORE = os.environ.get("GLM_FUZZ_EXPLORE")


def record(generator: str, outcome: str, detail: Any = None) -> None:
    TALLY[(generator, outcome)] += 1
    if _EXPLORE and outcome in BAD:
        with open(_EXPLORE, "a") as f:
            f.write(f"{generator}: {outcome}: {detail!r}\n")
        return
    assert outcome not in BAD, f"{generator}: {outcome}: {detail!r}"
