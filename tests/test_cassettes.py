"""Every committed cassette is free of secrets and honestly labelled.

`cassettes/emulator/` may only hold exchanges with the emulator (URIs scrubbed to
`http://emulator`); `cassettes/live/` never does. No file may hold a key, a bearer token, or a
Cloudflare account id.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from glm_core.redaction import is_secret_header

CASSETTES = Path(__file__).resolve().parent.parent / "cassettes"
FILES = sorted(p for p in CASSETTES.rglob("*") if p.is_file() and p.name != ".gitkeep")

SECRET_PATTERNS = [
    re.compile(r"Bearer [A-Za-z0-9._-]{8,}"),
    re.compile(r"sk-[A-Za-z0-9]{16,}"),
    re.compile(r"accounts/[0-9a-f]{32}"),
    re.compile(r"emulator-test-key|test-key"),  # the keys the tests use must be scrubbed too
]


def interactions(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text())["interactions"]


def test_there_are_emulator_cassettes() -> None:
    assert any(p.is_relative_to(CASSETTES / "emulator") for p in FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CASSETTES)))
def test_cassette_holds_no_secret(path: Path) -> None:
    text = path.read_text()
    for pattern in SECRET_PATTERNS:
        assert not pattern.search(text), f"{pattern.pattern} found in {path}"
    for interaction in interactions(path):
        for name, value in interaction["request"]["headers"].items():
            if is_secret_header(name):
                assert value == ["REDACTED"], f"{name} not redacted in {path}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CASSETTES)))
def test_cassette_origin_matches_its_folder(path: Path) -> None:
    origin = path.relative_to(CASSETTES).parts[0]
    assert origin in ("emulator", "live")
    for interaction in interactions(path):
        uri = interaction["request"]["uri"]
        if origin == "emulator":
            assert uri.startswith("http://emulator/"), f"{path} is under emulator/ but called {uri}"
        else:
            assert not uri.startswith("http://emulator/"), f"{path} is under live/ but was recorded from the emulator"
