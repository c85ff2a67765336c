"""An emulator that fails a deterministic share of requests with retryable faults, for load tests.

The emulator's queue scripts exact exchanges; under load a test wants "5 % of whatever arrives
fails". `FlakyEmulator` does that: request number n (counted from 0, in arrival order) gets a
fault when `n % every == every // 2`, cycling through `FAULTS`, all of which the client must retry
(503, Z.ai 1305, a reset before the response, a 1305 error object before the first event).

Run it in its own process, so the client under test has the interpreter (and its memory, for
tracemalloc) to itself:

    python -m tests.reliability.flaky --provider zai --api-key K --every 20
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Mapping
from typing import Any

from glm_core.testing import Emulator, Fault
from glm_core.testing.outcome import Outcome
from glm_core.testing.server import EmulatorServer

__all__ = ["FAULTS", "FlakyEmulator", "main"]

FAULTS = (
    Fault(status=503),
    Fault(code="1305"),
    Fault(kind="reset_before_response"),
    Fault(kind="error_in_stream", code="1305", after_events=0),
)


class FlakyEmulator(Emulator):
    """Every `every`-th request (from the middle of each block) gets the next fault of `FAULTS`."""

    def __init__(self, provider: str = "zai", *, every: int = 20, **kwargs: Any) -> None:
        kwargs.setdefault("max_recorded", 0)  # a long run must not grow
        super().__init__(provider, **kwargs)
        self.every = every
        self.count = 0
        self.faults = 0
        self._numbers = itertools.count()

    def handle(self, method: str, path: str, headers: Mapping[str, str], raw: bytes) -> Outcome:
        n = next(self._numbers)
        self.count = n + 1
        if self.every and n % self.every == self.every // 2:
            # handle() runs start to end without yielding, so the fault answers this very request.
            self.queue(FAULTS[self.faults % len(FAULTS)])
            self.faults += 1
        return super().handle(method, path, headers, raw)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.flaky", description=__doc__)
    parser.add_argument("--provider", default="zai")
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--account-id", default="reliability-account")
    parser.add_argument("--every", type=int, default=20, help="one request in EVERY fails (0: none)")
    args = parser.parse_args(argv)
    emulator = FlakyEmulator(args.provider, every=args.every, api_key=args.api_key, account_id=args.account_id)

    def ready(base_url: str) -> None:
        print(base_url, flush=True)

    EmulatorServer(emulator).run(ready)
    return 0


if __name__ == "__main__":
    sys.exit(main())
