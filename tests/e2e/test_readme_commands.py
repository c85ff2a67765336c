"""The README's two commands work as written on a fresh copy of the repository.

Each runs verbatim, in a copy of the tracked files, with a new venv (packages come from the
package index, the only network CI has). The test command's pytest is narrowed with
PYTEST_ADDOPTS, so the nested run checks the install and the runner without re-running the suite.
Set GLM_SKIP_README_COMMANDS=1 to skip locally (they take a few minutes).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(os.environ.get("GLM_SKIP_README_COMMANDS") == "1", reason="GLM_SKIP_README_COMMANDS=1")


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## The two commands") : text.index("## Providers")]
    return re.findall(r"```bash\n(.+?)\n```", section)


def fresh_copy(tmp_path: Path) -> Path:
    files = (
        subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    )
    copy = tmp_path / "glm-integrations"
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    return copy


def clean_env() -> dict[str, str]:
    drop = ("_API_KEY", "_API_TOKEN", "_ACCOUNT_ID", "_BASE_URL")
    env = {k: v for k, v in os.environ.items() if not k.endswith(drop) and k != "VIRTUAL_ENV"}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if "venv" not in p)
    return env


def test_the_readme_has_exactly_two_commands() -> None:
    assert len(readme_commands()) == 2


def test_the_main_job_command_runs_offline_on_the_emulator(tmp_path: Path) -> None:
    command = readme_commands()[0]
    copy = fresh_copy(tmp_path)
    result = subprocess.run(
        ["bash", "-c", command], cwd=copy, env=clean_env(), capture_output=True, text=True, timeout=900, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "built-in emulator" in result.stderr
    assert "[answer]" in result.stdout


def test_the_test_command_installs_and_runs_the_tests(tmp_path: Path) -> None:
    command = readme_commands()[1]
    copy = fresh_copy(tmp_path)
    env = clean_env()
    env["PYTEST_ADDOPTS"] = "-k 'test_readme_provider_table or test_connections_beyond_loopback'"
    result = subprocess.run(
        ["bash", "-c", command], cwd=copy, env=env, capture_output=True, text=True, timeout=1800, check=False
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert re.search(r"\b2 passed\b", result.stdout), result.stdout[-2000:]
