"""Credential-bearing headers are recognised by name and masked; the others show as they are."""

from __future__ import annotations

import pytest

from glm_core.redaction import REDACTED, is_secret_header, redact_headers


@pytest.mark.parametrize(
    "name",
    ["Authorization", "cf-aig-authorization", "X-API-Key", "api-key", "Cookie", "x-my-gateway-token",
     "X-Client-Secret", "proxy-authorization"],
)  # fmt: skip
def test_credential_headers_are_secret(name: str) -> None:
    assert is_secret_header(name)


@pytest.mark.parametrize("name", ["content-type", "accept", "user-agent", "x-team", "HTTP-Referer", "X-Title"])
def test_ordinary_headers_are_not(name: str) -> None:
    assert not is_secret_header(name)


def test_redact_keeps_names_and_harmless_values() -> None:
    headers = {"cf-aig-authorization": "Bearer gw-123", "X-Title": "my app"}
    assert redact_headers(headers) == {"cf-aig-authorization": REDACTED, "X-Title": "my app"}
    assert headers["cf-aig-authorization"] == "Bearer gw-123", "the input is not modified"
    assert redact_headers(None) is None
