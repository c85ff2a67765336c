"""Every Python sample in the README and the docs site runs, offline, against the emulator.

See tests/docs/samples.py for how: placeholder keys, and each provider's URLs answered in-process
by its emulator. The blocks of a page run in order, in one namespace.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.docs.samples import Sample, all_pages, all_samples, offline_providers, run_sample

# The samples that are shown but not run, each with the reason its page gives. Adding one is a
# deliberate change: it must be listed here too.
NOT_RUN: set[tuple[str, str]] = {("docs/guides/rag.md", "needs Ray and a cluster")}

_PAGES_WITH_SAMPLES = sorted({s.page for s in all_samples() if s.not_run is None and not s.pytest_file})
_PYTEST_FILES = [s for s in all_samples() if s.pytest_file]


def test_the_docs_have_samples_to_run() -> None:
    pages = all_pages()
    assert "README.md" in pages and "docs/index.md" in pages
    assert any(page.startswith("docs/providers/") for page in _PAGES_WITH_SAMPLES), "generated pages are included"
    assert len(all_samples()) >= 30


def test_the_samples_that_are_not_run_are_listed_with_their_reason() -> None:
    assert {(s.page, s.not_run) for s in all_samples() if s.not_run is not None} == NOT_RUN
    assert all(s.not_run for s in all_samples() if s.not_run is not None), "a not-run marker needs a reason"


@pytest.mark.loopback
@pytest.mark.parametrize("page", _PAGES_WITH_SAMPLES)
def test_page_samples_run_against_the_emulator(page: str, monkeypatch: pytest.MonkeyPatch) -> None:
    samples: list[Sample] = [s for s in all_samples() if s.page == page and s.not_run is None and not s.pytest_file]
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    with offline_providers(monkeypatch):
        for sample in samples:
            run_sample(sample, namespace)


@pytest.mark.loopback
@pytest.mark.parametrize("sample", _PYTEST_FILES, ids=lambda s: f"{s.page}:{s.line}")
def test_pytest_file_samples_pass_under_pytest(sample: Sample, tmp_path: Path) -> None:
    (tmp_path / "test_docs_sample.py").write_text(sample.code)
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "test_docs_sample.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
