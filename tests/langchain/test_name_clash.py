"""PyPI's unrelated `langchain-glm` also installs a top-level `langchain_glm`: importing ours says so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _import_langchain_glm(extra_path: Path | None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if extra_path is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(extra_path), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-c", "import langchain_glm"], capture_output=True, text=True, env=env, check=False
    )


def test_importing_warns_when_the_other_langchain_glm_distribution_is_installed(tmp_path: Path) -> None:
    info = tmp_path / "langchain_glm-0.0.2.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: langchain-glm\nVersion: 0.0.2\n")
    result = _import_langchain_glm(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "UserWarning: The unrelated distribution langchain-glm 0.0.2 is installed" in result.stderr
    assert "pip uninstall langchain-glm" in result.stderr


def test_importing_is_silent_without_it() -> None:
    result = _import_langchain_glm(None)
    assert result.returncode == 0, result.stderr
    assert "langchain-glm" not in result.stderr
