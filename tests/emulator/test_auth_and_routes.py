"""Authentication and routing fail the way each provider fails them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import httpx2
import pytest

from glm_core.testing import Emulator
from tests.emulator.emulator_helpers import ACCOUNT, PROVIDERS, ROUTES, ZAI_FAMILY, body_for, client, post

HOSTED = [p for p in PROVIDERS if p not in ("vllm", "sglang")]


def expected_401(provider: str, missing: bool) -> object:
    if provider in ZAI_FAMILY:
        return "1001" if missing else "1002"
    return {
        "cloudflare": 10000,
        "cloudflare_openai": 10000,
        "openrouter": "No auth credentials found" if missing else "User not found.",
        "empiriolabs": "invalid_api_key",
        "aimlapi": "Unauthorized",
    }[provider]


def code_of(provider: str, body: dict[str, object]) -> object:
    if provider in ZAI_FAMILY:
        return body["error"]["code"]  # type: ignore[index]
    if provider.startswith("cloudflare"):
        return body["errors"][0]["code"]  # type: ignore[index]
    if provider == "openrouter":
        return body["error"]["message"]  # type: ignore[index]
    if provider == "empiriolabs":
        return body["error"]["code"]  # type: ignore[index]
    return body["message"]


@pytest.mark.parametrize("provider", HOSTED)
def test_missing_key_is_a_401_in_the_providers_shape(provider: str) -> None:
    r = post(provider, body_for(provider), key=None)
    assert r.status_code == 401
    assert code_of(provider, r.json()) == expected_401(provider, missing=True)


@pytest.mark.parametrize("provider", HOSTED)
def test_wrong_key_is_a_401_in_the_providers_shape(provider: str) -> None:
    r = post(provider, body_for(provider), key="wrong")
    assert r.status_code == 401
    assert code_of(provider, r.json()) == expected_401(provider, missing=False)


@pytest.mark.parametrize("provider", HOSTED)
def test_without_a_configured_key_any_key_is_accepted_but_one_is_required(provider: str) -> None:
    emu = Emulator(provider)
    assert post(provider, body_for(provider), emu=emu, key="anything").status_code == 200
    assert post(provider, body_for(provider), emu=emu, key=None).status_code == 401


def test_zai_missing_key_message() -> None:
    r = post("zai", body_for("zai"), key=None)
    assert r.json()["error"]["message"] == "Authentication parameter not received in Header, unable to authenticate"


@pytest.mark.parametrize("provider", ["vllm", "sglang"])
def test_self_hosted_need_no_key_unless_started_with_one(provider: str) -> None:
    assert post(provider, body_for(provider), emu=Emulator(provider), key=None).status_code == 200
    locked = Emulator(provider, api_key="secret")
    r = post(provider, body_for(provider), emu=locked, key="wrong")
    assert r.status_code == 401 and r.json() == {"error": "Unauthorized"}
    assert post(provider, body_for(provider), emu=locked, key="secret").status_code == 200


def _jwt(key_id: str, secret: str, exp_ms: int, sign_with: str | None = None) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "sign_type": "SIGN"}).encode())
    payload = b64(json.dumps({"api_key": key_id, "exp": exp_ms, "timestamp": exp_ms - 60_000}).encode())
    signature = hmac.new((sign_with or secret).encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(signature)}"


def test_zai_accepts_the_legacy_jwt_made_from_an_id_dot_secret_key() -> None:
    emu = Emulator("zai", api_key="myid.mysecret")
    now = int(time.time() * 1000)
    assert post("zai", body_for("zai"), emu=emu, key=_jwt("myid", "mysecret", now + 60_000)).status_code == 200
    expired = post("zai", body_for("zai"), emu=emu, key=_jwt("myid", "mysecret", now - 1000))
    assert expired.status_code == 401 and expired.json()["error"]["code"] == "1003"
    forged = post("zai", body_for("zai"), emu=emu, key=_jwt("myid", "mysecret", now + 60_000, sign_with="guess"))
    assert forged.status_code == 401 and forged.json()["error"]["code"] == "1004"
    assert post("zai", body_for("zai"), emu=emu, key="myid.mysecret").status_code == 200


def test_cloudflare_wrong_account_id_is_a_404_with_7003() -> None:
    emu = Emulator("cloudflare", api_key="test-key", account_id=ACCOUNT)
    with client(emu) as c:
        r = c.post(
            f"https://api.cloudflare.com/client/v4/accounts/{'f' * 32}/ai/run/@cf/zai-org/glm-4.7-flash",
            json=body_for("cloudflare"),
        )
    assert r.status_code == 404
    errors = r.json()["errors"]
    assert [e["code"] for e in errors] == [7003, 7000]
    assert "perhaps your object identifier is invalid?" in errors[0]["message"]


def test_cloudflare_unknown_route_under_the_account_is_7000() -> None:
    emu = Emulator("cloudflare_openai", api_key="test-key")
    with client(emu) as c:
        r = c.post("/embeddings-that-do-not-exist", json={})
    assert r.status_code == 404 and r.json()["errors"] == [{"code": 7000, "message": "No route for that URI"}]


@pytest.mark.parametrize("provider", [p for p in PROVIDERS if not p.startswith("cloudflare")])
def test_wrong_path_is_a_404(provider: str) -> None:
    emu = Emulator(provider, api_key="test-key")
    with client(emu) as c:
        r = c.post("/completions", json=body_for(provider))
    assert r.status_code == 404


@pytest.mark.parametrize("provider", ZAI_FAMILY)
def test_get_on_the_endpoint_is_refused(provider: str) -> None:
    emu = Emulator(provider, api_key="test-key")
    with client(emu) as c:
        r = c.get(ROUTES[provider][0])
    assert r.status_code == 405 and r.json()["error"]["code"] == "1212"


def test_a_request_to_another_providers_host_does_not_connect() -> None:
    emu = Emulator("bigmodel", api_key="test-key")
    with client(emu) as c, pytest.raises(httpx2.ConnectError, match=r"open\.bigmodel\.cn"):
        c.post("https://api.z.ai/api/paas/v4/chat/completions", json=body_for("bigmodel"))


def test_vllm_answers_on_any_host_with_its_base_path() -> None:
    emu = Emulator("vllm", base_url="http://gpu-box:9000/v1")
    with client(emu, key=None) as c:
        assert c.post("http://gpu-box:9000/v1/chat/completions", json=body_for("vllm")).status_code == 200
