"""The layers stand apart, both ways, proved in fresh interpreters:

- the library core never loads its emulator or the `glm` command;
- the emulator (`glm_core.testing`) loads none of the library: not its catalogue, profiles,
  services, dialects or types. It is the oracle the library is tested against, so it holds its
  own facts; a shared table would make a wrong fact pass every test.
"""

from __future__ import annotations

import json
import subprocess
import sys

_CORE_ALONE = """
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

# `import glm_core.testing` runs glm_core/__init__.py, which loads the library for its users; a
# bare package object stands in for it here, so only what the emulator itself imports is loaded.
# Then every emulator module is imported and requests of every kind are served (chat on each
# provider, vision, a stream, embeddings, rerank, the tokenizer), so imports inside functions
# count too.
_EMULATOR_ALONE = """
import importlib, importlib.util, json, pkgutil, sys, types
spec = importlib.util.find_spec("glm_core")
bare = types.ModuleType("glm_core")
bare.__path__ = list(spec.submodule_search_locations)
sys.modules["glm_core"] = bare
import glm_core.testing
for module in pkgutil.iter_modules(glm_core.testing.__path__, "glm_core.testing."):
    if module.name != "glm_core.testing.pytest_plugin":
        importlib.import_module(module.name)
import httpx2
from glm_core.testing import Emulator, PROVIDER_FACTS
image = {"type": "image_url", "image_url": {"url": "https://x.org/a.png"}}
served = 0
for provider, facts in PROVIDER_FACTS.items():
    emu = Emulator(provider, api_key="k")
    model = facts.models[0] if facts.models else emu.served_model
    path = "/run/" + model if provider == "cloudflare" else "/chat/completions"
    with httpx2.Client(transport=emu.transport(), base_url=emu.base_url, headers={"authorization": "Bearer k"}) as http:
        for extra in ({}, {"stream": True}, {"reasoning_effort": "high"}, {"max_tokens": 10**9}):
            body = {"model": model, "messages": [{"role": "user", "content": "Hi"}], **extra}
            served += http.post(path, json=body).status_code > 0
        vision = {"role": "user", "content": [{"type": "text", "text": "What?"}, image]}
        served += http.post(path, json={"model": model, "messages": [vision]}).status_code > 0
        if provider in ("zai", "bigmodel"):
            served += http.post("/embeddings", json={"model": "embedding-3", "input": ["a"]}).status_code > 0
            served += http.post("/rerank", json={"query": "q", "documents": ["d"]}).status_code > 0
        if provider == "zai":
            served += http.post("/tokenizer", json={"model": "glm-4.6", "messages": [vision]}).status_code > 0
        if provider == "cloudflare":
            rerank = {"query": "q", "contexts": [{"text": "d"}]}
            served += http.post("/run/@cf/baai/bge-reranker-base", json=rerank).status_code > 0
loaded = sorted(n for n in sys.modules if n.startswith("glm_") and not n.startswith("glm_core.testing"))
print(json.dumps({"served": served, "loaded": loaded}))
"""


def _run(program: str) -> dict[str, object]:
    # A fresh interpreter: this test process has both layers loaded by the test plugins.
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    report: dict[str, object] = json.loads(result.stdout)
    return report


def test_the_core_never_imports_its_emulator_or_the_cli() -> None:
    report = _run(_CORE_ALONE)
    assert isinstance(report["imported"], int) and report["imported"] > 20
    assert report["loaded"] == []


def test_the_emulator_loads_nothing_of_the_library() -> None:
    report = _run(_EMULATOR_ALONE)
    assert isinstance(report["served"], int) and report["served"] > 50
    # Only the bare stand-in for the `glm_core` package itself: no catalogue (glm_core.models), no
    # profiles (providers, profile), no services, dialects, types, errors, capabilities or client.
    assert report["loaded"] == ["glm_core"]


def test_the_cli_package_offers_the_offline_fallback() -> None:
    import glm_cli
    from glm_cli.offline import real_or_emulated

    assert glm_cli.real_or_emulated is real_or_emulated
