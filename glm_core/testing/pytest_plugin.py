"""A pytest plugin with an emulator-server fixture. Nothing is registered globally: load it with

    pytest_plugins = ["glm_core.testing.pytest_plugin"]

Example:
    def test_chat(glm_emulator_server):
        emulator, base_url = glm_emulator_server("cloudflare", api_key="k")
        ...  # base_url == "http://127.0.0.1:<port>/client/v4/accounts/<id>/ai"

Every server started through the fixture is stopped at the end of the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from glm_core.testing.emulator import Emulator
from glm_core.testing.server import EmulatorServer

__all__ = ["StartEmulatorServer", "glm_emulator", "glm_emulator_server"]

StartEmulatorServer = Callable[..., tuple[Emulator, str]]


@pytest.fixture
def glm_emulator_server() -> Iterator[StartEmulatorServer]:
    """A callable `start(provider="zai", **emulator_kwargs) -> (emulator, base_url)`."""
    servers: list[EmulatorServer] = []

    def start(provider: str = "zai", **emulator_kwargs: Any) -> tuple[Emulator, str]:
        emulator = Emulator(provider, **emulator_kwargs)
        server = EmulatorServer(emulator).start()
        servers.append(server)
        return emulator, server.base_url

    try:
        yield start
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def glm_emulator() -> Callable[..., Emulator]:
    """A factory of in-process emulators: `glm_emulator("zai", api_key="k").transport()`."""
    return Emulator
