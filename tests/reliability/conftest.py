"""Fixtures of the reliability tier: a fresh emulator served on loopback per test, and surfaces."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from glm_core.testing.pytest_plugin import (
    StartEmulatorServer,
    glm_emulator_server,  # noqa: F401  (the fixture, re-exported)
)
from tests.reliability.harness import ACCOUNT, KEY, SPECS, Served, Spec


@pytest.fixture
def serve(glm_emulator_server: StartEmulatorServer) -> Callable[..., Served]:  # noqa: F811
    """`serve(provider="zai", **emulator_kwargs)`: an emulator on 127.0.0.1 that wants `KEY`."""

    def start(provider: str = "zai", **kwargs: object) -> Served:
        emulator, base_url = glm_emulator_server(provider, api_key=KEY, account_id=ACCOUNT, **kwargs)
        return Served(emulator, base_url)

    return start


@pytest.fixture(params=SPECS, ids=[spec.id for spec in SPECS])
def spec(request: pytest.FixtureRequest) -> Spec:
    """Every surface: core / ChatGLM / GLM x sync / async x invoke / stream."""
    value: Spec = request.param
    return value
