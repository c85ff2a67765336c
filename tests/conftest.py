"""Test-wide setup: no real keys leak in, network only to loopback, and the cassette machinery.

Cassettes live in `cassettes/<origin>/<provider>/<Class>.<test>.yaml`, origin `emulator` (recorded
against the emulator served on loopback) or `live` (recorded from a real provider). A test module
opts in with `pytestmark = pytest.mark.vcr` and a `glm_provider` fixture naming the provider.

- Replay (the default, and always in CI): record mode "none"; a missing cassette fails the test.
- Record against the emulator: `GLM_RECORD=1 pytest tests/... --record-mode=rewrite`.
- Record live: `GLM_RECORD_LIVE=1 pytest tests/... --record-mode=rewrite` with the provider's keys set.
Secrets are scrubbed before anything is written: every key-bearing request header, and the
Cloudflare account id in URLs. Emulator hosts (127.0.0.1:<port>) become `http://emulator`, so a
replay matches whatever port the emulator got.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from glm_core.redaction import is_secret_header
from tests.targets import cassette_origin, live_targets

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "cassettes"

_KEY_ENV_VARS = (
    "ZAI_API_KEY",
    "ZHIPUAI_API_KEY",
    "EMPIRIOLABS_API_KEY",
    "CLOUDFLARE_API_TOKEN",
    "CLOUDFLARE_ACCOUNT_ID",
    "AIMLAPI_API_KEY",
    "OPENROUTER_API_KEY",
    "GLM_API_KEY",
)
_LOOPBACK = re.compile(r"^http://(?:127\.0\.0\.1|localhost|\[::1\]):\d+")
_ACCOUNT = re.compile(r"/accounts/[^/]+/")


@pytest.fixture(autouse=True)
def _no_real_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never pick up a developer's real keys, except when recording live on purpose."""
    if os.environ.get("GLM_RECORD_LIVE") == "1":
        return
    for name in _KEY_ENV_VARS:
        monkeypatch.delenv(name, raising=False)


def scrub_uri(uri: str) -> str:
    return _ACCOUNT.sub("/accounts/ACCOUNT_ID/", _LOOPBACK.sub("http://emulator", uri))


def _scrub_request(request: Any) -> Any:
    request.uri = scrub_uri(request.uri)
    # Any credential-looking header, the user's own gateway headers included (not only Authorization).
    for name in [n for n in request.headers if is_secret_header(n)]:
        request.headers[name] = "REDACTED"
    # The Host header repeats the emulator's random port (or a real host): the URI already says it.
    for name in [n for n in request.headers if n.lower() == "host"]:
        del request.headers[name]
    return request


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers") or {}
    for name in list(headers):
        if name.lower() in ("set-cookie", "cf-ray", "date", "server") or "token" in name.lower():
            del headers[name]
    return response


@pytest.fixture(scope="session")
def vcr_config() -> dict[str, Any]:
    config: dict[str, Any] = {
        "match_on": ["method", "uri", "body"],
        "before_record_request": _scrub_request,
        "before_record_response": _scrub_response,
        "decode_compressed_response": True,
        "allow_playback_repeats": True,
    }
    recording = os.environ.get("GLM_RECORD") == "1" or os.environ.get("GLM_RECORD_LIVE") == "1"
    if os.environ.get("CI") or not recording:
        config["record_mode"] = "none"  # replay only: a missing cassette is a failure
    return config


@pytest.fixture
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    try:
        provider = request.getfixturevalue("glm_provider")
    except pytest.FixtureLookupError:
        provider = "mixed"
    return str(CASSETTES / cassette_origin() / str(provider))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if live_targets():
        return
    # Replaying live cassettes needs no emulator; everything else must stay off the network.
    for item in items:
        item.add_marker(pytest.mark.allow_hosts(["127.0.0.1", "localhost", "::1"]))
