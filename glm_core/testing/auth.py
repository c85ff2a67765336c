"""Authentication as each provider checks it (providers.md §1.1, §2.1, §2.5, §3-§5).

- Hosted providers need `Authorization: Bearer <key>`. With `Emulator(api_key=None)` any
  non-empty key is accepted; with a key, only that key.
- Z.ai family: the legacy JWT form is accepted too when the key looks like `id.secret` (HS256,
  header {"alg":"HS256","sign_type":"SIGN"}, payload {"api_key": id, "exp": ms, "timestamp": ms}).
  Missing header -> 1001, wrong key -> 1002, expired JWT -> 1003, bad JWT signature -> 1004.
- vLLM / SGLang check a key only when the server was started with one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping

from glm_core.testing.errors import WireError, provider_error
from glm_core.testing.facts import ProviderFacts

__all__ = ["bearer_token", "check_auth"]


def bearer_token(headers: Mapping[str, str]) -> str | None:
    """The token of an `Authorization: Bearer ...` header, or None."""
    value = headers.get("authorization")
    if not value:
        return None
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _jwt_code(token: str, api_key: str) -> str | None:
    """None when the token is a valid Z.ai JWT for `api_key`, else the business code to answer."""
    key_id, _, secret = api_key.partition(".")
    parts = token.split(".")
    if not secret or len(parts) != 3:
        return "1002"
    try:
        payload = json.loads(_b64(parts[1]))
        signature = _b64(parts[2])
    except (ValueError, binascii.Error):
        return "1002"
    expected = hmac.new(secret.encode(), f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(signature, expected) or not isinstance(payload, dict):
        return "1004"
    if payload.get("api_key") != key_id:
        return "1002"
    exp = payload.get("exp")
    if not isinstance(exp, int | float) or exp < time.time() * 1000:
        return "1003"
    return None


def _unauthorized(facts: ProviderFacts, *, missing: bool, path: str, zai_code: str) -> WireError:
    family = facts.family
    detail = "missing Authorization: Bearer header" if missing else "wrong API key"
    if family == "zai":
        return provider_error(facts, code="1001" if missing else zai_code, detail=detail)
    if family == "cloudflare":
        return provider_error(facts, code=10000, detail=detail)
    if family == "openrouter":
        return provider_error(
            facts, 401, message="No auth credentials found" if missing else "User not found.", detail=detail
        )
    if family == "empiriolabs":
        return provider_error(
            facts, 401, message="Invalid API key provided", openai_code="invalid_api_key", detail=detail
        )
    if family in ("vllm", "sglang"):
        # Their auth middleware answers before the OpenAI error machinery.
        return WireError(401, b'{"error":"Unauthorized"}', detail=detail)
    return provider_error(facts, 401, path=path, detail=detail)


def check_auth(facts: ProviderFacts, api_key: str | None, headers: Mapping[str, str], path: str = "") -> None:
    """Raise the provider's 401 answer unless the request carries an acceptable key."""
    if not facts.auth_required and api_key is None:
        return
    token = bearer_token(headers)
    if token is None:
        raise _unauthorized(facts, missing=True, path=path, zai_code="1001")
    if api_key is None or hmac.compare_digest(token.encode(), api_key.encode()):
        return
    if facts.family == "zai" and "." in api_key and token.count(".") == 2:
        code = _jwt_code(token, api_key)
        if code is None:
            return
        raise _unauthorized(facts, missing=False, path=path, zai_code=code)
    raise _unauthorized(facts, missing=False, path=path, zai_code="1002")
