"""The test run can reach loopback only: no test can call a real provider by accident."""

import socket

import pytest
from pytest_socket import SocketConnectBlockedError

from tests.targets import live_targets


@pytest.mark.skipif(live_targets(), reason="live recording needs the network")
@pytest.mark.filterwarnings("ignore:A test tried to use socket:UserWarning")  # the block we assert
def test_connections_beyond_loopback_are_blocked() -> None:
    with pytest.raises(SocketConnectBlockedError):
        socket.create_connection(("192.0.2.1", 443), timeout=1)  # TEST-NET-1, never routed


def test_scrubbed_uris_hide_ports_and_account_ids() -> None:
    from tests.conftest import scrub_uri

    uri = "http://127.0.0.1:50123/client/v4/accounts/emulator-account/ai/run/@cf/zai-org/glm-4.7-flash"
    assert scrub_uri(uri) == "http://emulator/client/v4/accounts/ACCOUNT_ID/ai/run/@cf/zai-org/glm-4.7-flash"
