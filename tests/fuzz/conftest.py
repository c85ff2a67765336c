"""The fuzz tier's budget and its tally of outcomes.

By default each property runs a CI-sized number of examples (`GLM_FUZZ_EXAMPLES`, default 120);
`GLM_FUZZ=1` is the long run (default 2,000 examples per property; set `GLM_FUZZ_EXAMPLES` to
change it). The tally of outcome classes per generator is printed at the end of the session and,
with `GLM_FUZZ_REPORT=path.json`, written there (the README's figures come from it).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator

import pytest

from tests.fuzz.outcomes import TALLY
from tests.reliability.wire import RawServer


@pytest.fixture(scope="session")
def raw_server() -> Iterator[RawServer]:
    with RawServer() as server:
        yield server


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TALLY:
        return
    by_generator: dict[str, Counter[str]] = {}
    for (generator, outcome), count in TALLY.items():
        by_generator.setdefault(generator, Counter())[outcome] = count
    terminalreporter.section("fuzz outcomes")
    for generator, counts in sorted(by_generator.items()):
        shown = ", ".join(f"{name}={count}" for name, count in sorted(counts.items()))
        terminalreporter.write_line(f"{generator}: {sum(counts.values())} cases ({shown})")
    path = os.environ.get("GLM_FUZZ_REPORT")
    if path:
        with open(path, "w") as f:
            json.dump({g: dict(c) for g, c in by_generator.items()}, f, indent=2, sort_keys=True)
