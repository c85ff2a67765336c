"""Which headers carry credentials, and how to show a set of headers without them.

Users put secrets in `default_headers` too: Cloudflare AI Gateway's `cf-aig-authorization`, a
proxy's `x-api-key`, a cookie. The adapters show their settings in `repr`, LangChain's `dumpd`
and LlamaIndex's `to_dict`; those go through `redact_headers` so only the key names show.
The cassette recorder scrubs the same names.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["REDACTED", "SECRET_HEADER_NAMES", "is_secret_header", "redact_headers"]

REDACTED = "**********"

# Exact names, lower case, that carry a credential on the providers and gateways we know of.
SECRET_HEADER_NAMES = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "api-key", "cf-aig-authorization", "cookie", "set-cookie"}
)
# A header nobody documented to us ("x-my-gateway-token") is still treated as secret when its name
# says so: showing a masked harmless header costs nothing, showing a key costs the key.
_SECRET_WORDS = ("auth", "key", "token", "secret", "password", "cookie", "credential", "signature")


def is_secret_header(name: str) -> bool:
    lowered = name.lower()
    return lowered in SECRET_HEADER_NAMES or any(word in lowered for word in _SECRET_WORDS)


def redact_headers(headers: Mapping[str, str] | None) -> dict[str, str] | None:
    """A copy of `headers` with every credential-bearing value replaced by `REDACTED`."""
    if headers is None:
        return None
    return {name: REDACTED if is_secret_header(name) else value for name, value in headers.items()}
