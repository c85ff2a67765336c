"""The benchmark command still runs: `python -m benchmarks --quick`, every section, tiny counts.

Not a timed assertion (CI machines vary too much for that): it checks that every section ran and
printed its rows and target checks, so the command cannot rot unnoticed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SECTION_TITLES = (
    "Per non-streaming call, in-process",
    "Streaming, in-process, one 1000-event stream",
    "One 2 MiB event",
    "Time to first chunk over loopback",
    "Async throughput over loopback",
    "Construction of a model object",
    "Import time, fresh interpreter",
    "Memory, fresh interpreter",
    "Embeddings over loopback",
)
TARGET_ROWS = (
    "ChatOpenAI.invoke / ChatGLM.invoke",
    "ChatGLM.invoke / floor",
    "OpenAILike.chat / GLM.chat",
    "core adds per event",
    "GLMClient.stream parses the 2 MiB event",
    "ChatGLM / ChatOpenAI throughput @ 100",
    "shared httpx2 client reused",
    "import glm_core",
    "langchain_glm - BaseChatModel import",
    "openai / litellm imported by ours",
    "openai / litellm imported while calling",
    "GLMEmbeddings / OpenAIEmbeddings embeddings sync",
    "GLMEmbeddings / OpenAIEmbeddings embeddings async",
    "GLMEmbeddings RSS over 3 more runs",
)


@pytest.mark.loopback
def test_quick_benchmark_runs_every_section() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    out = result.stdout
    for title in SECTION_TITLES:
        assert title in out, f"section missing: {title}\n{out}"
    for label in TARGET_ROWS:
        assert label in out, f"row missing: {label}\n{out}"
    assert "targets: " in out
    # A correctness check, not a timing: our packages never pull in the openai SDK or litellm.
    for line in out.splitlines():
        if "openai / litellm imported" in line:
            assert " no " in f"{line} ", line
