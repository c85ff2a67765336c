"""The "What to check first" page: every fact the library or its emulator rests on documentation
only or on a guess, generated so it cannot drift (docs/hooks/gen_pages.py adds it to the site).

Three sources, read at build time:
- the emulator's choices where the sources are silent or disagree
  (`glm_core.testing.facts.UNCERTAIN_CHOICES`, including the retrieval ones);
- the catalogue rows whose facts rest on a secondary source (`source` naming MDEV or saying
  "unresolved") and the ids a provider's facts there are assumed;
- the deliberate departures from what a provider publishes (tests/conformance/departures.py).
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

from glm_core.models import CATALOGUE
from glm_core.testing.facts import UNCERTAIN_CHOICES

__all__ = ["uncertain_page"]

_ROOT = Path(__file__).resolve().parents[2]
_TOPIC = re.compile(r"^([A-Za-z/.()\- ]{2,40}?):\s")


def _departures() -> ModuleType:
    path = _ROOT / "tests" / "conformance" / "departures.py"
    spec = importlib.util.spec_from_file_location("glm_departures", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _grouped(choices: tuple[str, ...]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for choice in choices:
        match = _TOPIC.match(choice)
        topic = match.group(1) if match else "General"
        groups.setdefault(topic, []).append(choice[match.end() :] if match else choice)
    return groups


def uncertain_page() -> str:
    lines = [
        "# What to check first: unverified facts",
        "",
        '!!! info "Generated when these docs are built"',
        "    From `glm_core.testing.facts.UNCERTAIN_CHOICES`, the model catalogue's `source` fields and the",
        "    conformance tests' table of departures. Nothing here was checked against a live provider from",
        "    this project's machines: with a key, these are the facts worth a first real request. Where a",
        "    fact comes from, by source key: [Provider facts and sources](providers-facts.md).",
        "",
        "## Where the emulator had to choose",
        "",
        "The sources are silent or disagree; the emulator (and where it matters, the library) does this:",
        "",
    ]
    for topic, choices in sorted(_grouped(UNCERTAIN_CHOICES).items()):
        lines += [f"### {topic}", ""] + [f"- {choice}" for choice in choices] + [""]
    lines += ["## Model facts from a secondary source", ""]
    for row in CATALOGUE.values():
        if "MDEV" in row.source or "unresolved" in row.source:
            lines.append(f"- `{row.id}`: {row.source}")
    lines += [
        "",
        "## Deliberate departures from what a provider publishes",
        "",
        "| provider | model | what | why | source |",
        "|---|---|---|---|---|",
    ]
    for entry in _departures().DEPARTURES:
        reason = entry.reason.replace("|", "\\|")
        lines.append(f"| `{entry.provider}` | `{entry.model}` | {entry.fact} | {reason} | {entry.source} |")
    lines.append("")
    return "\n".join(lines)
