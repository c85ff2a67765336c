"""The public names of glm_core.testing are pinned, and the emulator stays an independent oracle:
it imports nothing from the rest of glm_core and nothing beyond its allowed dependencies."""

from __future__ import annotations

import ast
import inspect
import sys
import time
from pathlib import Path

import glm_core.testing
from glm_core.testing import Emulator, Fault, Reply, ToolCallSpec

PACKAGE = Path(glm_core.testing.__file__).parent
ALLOWED_THIRD_PARTY = {"httpx2", "pydantic", "pytest"}  # pytest only in the opt-in plugin module


def test_public_names_are_pinned() -> None:
    assert sorted(glm_core.testing.__all__) == sorted(
        [
            "DEFAULT_ACCOUNT_ID",
            "FAULT_KINDS",
            "PROVIDER_FACTS",
            "UNCERTAIN_CHOICES",
            "Capture",
            "Emulator",
            "EmulatorTransport",
            "Fault",
            "FaultKind",
            "RecordedRequest",
            "Reply",
            "ToolCallSpec",
            "overlap_score",
            "text_vector",
            "DEFAULT_SHAPES",
            "OPENROUTER_UPSTREAMS",
            "Shape",
        ]
    )


def test_signatures_the_rest_of_the_project_relies_on() -> None:
    params = inspect.signature(Emulator).parameters
    assert list(params)[:5] == ["provider", "api_key", "account_id", "served_model", "base_url"]
    assert params["provider"].default == "zai"
    assert [f for f in Reply.__dataclass_fields__] == [
        "content",
        "reasoning",
        "tool_calls",
        "finish_reason",
        "usage",
        "web_search",
        "chunk_size",
        "tool_stream_fragments",
        "shape",
        "logprobs",
    ]
    assert list(Fault.__dataclass_fields__)[:5] == ["status", "body", "code", "headers", "kind"]
    assert list(ToolCallSpec.__dataclass_fields__) == ["name", "arguments", "id"]
    for method in ("transport", "queue", "reset", "serve", "requests", "base_url"):
        assert hasattr(Emulator("zai"), method)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_emulator_imports_nothing_from_the_client() -> None:
    # Not even the model catalogue: the emulator holds its own model facts (model_facts.py), so a
    # wrong catalogue row fails tests/conformance/test_facts_agree.py instead of passing with it.
    for path in PACKAGE.glob("*.py"):
        for name in _imports(path):
            if name.startswith("glm_core"):
                assert name.startswith("glm_core.testing"), f"{path.name} imports {name}"


def test_the_model_catalogue_imports_nothing_from_the_client() -> None:
    assert {n for n in _imports(PACKAGE.parent / "models.py") if n.startswith("glm_core")} == set()


def test_the_emulator_uses_only_its_allowed_dependencies() -> None:
    for path in PACKAGE.glob("*.py"):
        for name in _imports(path):
            top = name.split(".")[0]
            if top in ("glm_core", "__future__") or top in sys.stdlib_module_names:
                continue
            assert top in ALLOWED_THIRD_PARTY, f"{path.name} imports {name}"
            if top == "pytest":
                assert path.name == "pytest_plugin.py"


def test_an_in_process_call_costs_the_emulator_little() -> None:
    emu = Emulator("zai", api_key="k", max_recorded=0)
    body = b'{"model":"glm-4.7-flash","messages":[{"role":"user","content":"Hello there"}]}'
    headers = {"authorization": "Bearer k", "content-type": "application/json"}
    emu.handle("POST", "/api/paas/v4/chat/completions", headers, body)
    start = time.perf_counter()
    for _ in range(1000):
        emu.handle("POST", "/api/paas/v4/chat/completions", headers, body)
    per_call = (time.perf_counter() - start) / 1000
    assert per_call < 500e-6  # ~20 us on a laptop; generous so a loaded CI box does not flake
