"""The library core stands alone: importing it never loads its emulator or the `glm` command."""

from __future__ import annotations

import json
import subprocess
import sys

_PROGRAM = """
import importlib, json, pkgutil, sys
import glm_core
names = []
def walk(path, prefix):  # not pkgutil.walk_packages: it imports every package, the emulator too
    for module in pkgutil.iter_modules(path, prefix):
        if module.name == "glm_core.testing":
            continue
        names.append(module.name)
        loaded = importlib.import_module(module.name)
        if module.ispkg:
            walk(loaded.__path__, module.name + ".")
walk(glm_core.__path__, "glm_core.")
loaded = sorted(n for n in sys.modules if n.startswith(("glm_core.testing", "glm_cli")))
print(json.dumps({"imported": len(names), "loaded": loaded}))
"""


def test_the_core_never_imports_its_emulator_or_the_cli() -> None:
    # A fresh interpreter: this test process has glm_core.testing loaded by the test plugins.
    result = subprocess.run([sys.executable, "-c", _PROGRAM], capture_output=True, text=True, check=True)
    report = json.loads(result.stdout)
    assert report["imported"] > 20
    assert report["loaded"] == []


def test_the_cli_package_offers_the_offline_fallback() -> None:
    import glm_cli
    from glm_cli.offline import real_or_emulated

    assert glm_cli.real_or_emulated is real_or_emulated
