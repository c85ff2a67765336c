"""The one redaction rule: which header values are credentials, and how text is shown without them.

Users put secrets in headers besides `authorization`: Cloudflare AI Gateway's
`cf-aig-authorization`, a proxy's `x-api-key`, a cookie, an `x-my-gateway-jwt` or `x-session`.
A header is treated as a credential when its *name* says so (`is_secret_header`) or when its
*value* looks like one (`looks_like_credential`: an auth scheme such as "Bearer ...", or a long
token mixing letters and digits). Masking a harmless header costs nothing; showing a key costs
the key. Everything the library shows goes through this module: `repr`, LangChain's `dumpd` and
invocation params, LlamaIndex's `to_dict` and events (`redact_headers`), and the text of errors
and log lines built from a transport exception (`scrub`). The cassette recorder scrubs the same
names.

Example:
    >>> redact_headers({"x-session": "a1b2c3d4e5f6a7b8c9d0", "x-team": "search"})
    {'x-session': '**********', 'x-team': 'search'}
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

__all__ = [
    "REDACTED",
    "SECRET_HEADER_NAMES",
    "RedactedHeaders",
    "credential_values",
    "header_value_problem",
    "hide_header_values",
    "is_secret_header",
    "looks_like_credential",
    "redact_headers",
    "redact_options",
    "scrub",
]

REDACTED = "**********"

# Exact names, lower case, that carry a credential on the providers and gateways we know of.
SECRET_HEADER_NAMES = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "api-key", "cf-aig-authorization", "cookie", "set-cookie"}
)
# A header nobody documented to us ("x-my-gateway-token") is still treated as secret when its name
# says so.
_SECRET_WORDS = ("auth", "key", "token", "secret", "password", "cookie", "credential", "signature", "jwt", "session")
_SCHEME = re.compile(r"^\s*(bearer|basic|digest|token|apikey|api-key)\s+\S", re.IGNORECASE)
# A token: 16+ characters of the alphabets keys, JWTs and session ids are written in.
_TOKEN = re.compile(r"[A-Za-z0-9._~+/=\-]{16,}")
_SCHEME_IN_TEXT = re.compile(r"(?i)\b(bearer|basic|digest|token)(\s+)\S+")


def is_secret_header(name: str) -> bool:
    lowered = name.lower()
    return lowered in SECRET_HEADER_NAMES or any(word in lowered for word in _SECRET_WORDS)


def _is_token(text: str) -> bool:
    return any(c.isdigit() for c in text) and any(c.isalpha() for c in text)


def looks_like_credential(value: str) -> bool:
    """Whether a header value looks like a secret whatever the header's name."""
    if _SCHEME.match(value):
        return True
    stripped = value.strip()
    return bool(_TOKEN.fullmatch(stripped)) and _is_token(stripped)


def redact_headers(headers: Mapping[str, str] | None) -> dict[str, str] | None:
    """A copy of `headers` with every credential (by name or by value) replaced by `REDACTED`."""
    if headers is None:
        return None
    return {
        name: REDACTED if is_secret_header(name) or looks_like_credential(str(value)) else value
        for name, value in headers.items()
    }


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` (an exception's message, a log line) with credentials masked: each of `secrets`
    (and its repr-escaped form), anything after an auth scheme, and every long token."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            for form in {secret, secret.strip(), repr(secret)[1:-1], repr(secret.encode("utf-8", "replace"))[2:-1]}:
                if len(form) >= 4:
                    text = text.replace(form, REDACTED)
    text = _SCHEME_IN_TEXT.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    return _TOKEN.sub(lambda m: REDACTED if _is_token(m.group(0)) else m.group(0), text)


def header_value_problem(value: str) -> str | None:
    """Why `value` cannot travel in an HTTP header (without showing it), or None if it can."""
    for position, char in enumerate(value):
        if not (" " <= char <= "~" or char == "\t"):
            name = unicodedata.name(char, "a control character")
            return f"character {position + 1} of {len(value)} is U+{ord(char):04X} ({name})"
    if value != value.strip(" \t"):
        return "it starts or ends with whitespace"
    return None


def credential_values(headers: Mapping[str, str]) -> list[str]:
    """The values of `headers` that are credentials: what `scrub` must mask in an error's text."""
    return [value for name, value in headers.items() if is_secret_header(name) or looks_like_credential(str(value))]


class RedactedHeaders(dict[str, str]):
    """Headers whose visible content is redacted (repr, JSON, pydantic, tracing all see
    `REDACTED` for credentials), holding what is sent apart: `unredacted()`.

    The adapters wrap per-call `extra_headers` in it before the frameworks' callbacks and events
    see them; the endpoint sends `unredacted()`.

    Example:
        >>> RedactedHeaders({"x-session": "a1b2c3d4e5f6a7b8c9d0"})
        {'x-session': '**********'}
    """

    __slots__ = ("_sent",)

    def __init__(self, headers: Mapping[str, str]) -> None:
        sent = headers.unredacted() if isinstance(headers, RedactedHeaders) else dict(headers)
        super().__init__(redact_headers(sent) or {})
        self._sent = sent

    def unredacted(self) -> dict[str, str]:
        return dict(self._sent)

    def __copy__(self) -> RedactedHeaders:
        return RedactedHeaders(self)

    def __deepcopy__(self, memo: object) -> RedactedHeaders:
        return RedactedHeaders(self)

    def __reduce__(self) -> tuple[type[dict[str, str]], tuple[dict[str, str]]]:
        # Pickled as the plain redacted dict: the values sent never leave the process.
        return dict, (dict(self),)


_HEADER_OPTIONS = ("extra_headers", "default_headers", "headers")


def redact_options(options: dict[str, object]) -> dict[str, object]:
    """`options` (call kwargs, invocation params) with header mappings shown redacted."""
    if not any(name in options for name in _HEADER_OPTIONS):
        return options
    shown = dict(options)
    for name in _HEADER_OPTIONS:
        value = shown.get(name)
        if isinstance(value, Mapping):
            shown[name] = redact_headers(value)
    return shown


def hide_header_values(options: dict[str, object]) -> None:
    """Wrap the header mappings in `options` in `RedactedHeaders`, in place (values still sent)."""
    for name in _HEADER_OPTIONS:
        value = options.get(name)
        if isinstance(value, Mapping) and not isinstance(value, RedactedHeaders):
            options[name] = RedactedHeaders(value)
