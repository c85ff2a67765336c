"""Strict readers for the values a provider sends: the one decoding boundary of glm_core.

Every field a dialect takes from a body or an event goes through one of these readers, which
either return the value in the canonical type or raise `MalformedField` naming the field. The
dialect's `decode_response` / `decode_event` turn that (and anything else a malformed value makes
Python raise) into one `ResponseDecodeError` naming the provider, so a wrongly typed field never
surfaces as an int where a str belongs, nor as an exception from pydantic, LangChain or LlamaIndex.

Conversions that cannot lose or invent anything are made: a list of text parts for `content`, a
JSON object for tool arguments (serialized), an integral float or a digit string for a count or
an index, a number for an id.

Example:
    >>> text({"a": 1}, "content")  # doctest: +SKIP
    MalformedField: content is an object, not text
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = [
    "DECODE_FAILURES",
    "MalformedField",
    "arguments",
    "count",
    "index",
    "items",
    "label",
    "loads",
    "mapping",
    "optional_text",
    "text",
]


class MalformedField(ValueError):
    """A field whose value is not of the documented type; the message names the field."""


# What a malformed value can make the decoding code raise before a reader sees it; a deeply
# nested value can hit the recursion limit while being serialized.
DECODE_FAILURES = (MalformedField, TypeError, ValueError, AttributeError, KeyError, IndexError, RecursionError)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _bad(name: str, value: Any, wanted: str) -> MalformedField:
    return MalformedField(f"{name} is {_kind(value)}, not {wanted}")


def text(value: Any, name: str) -> str:
    """A text field: a string, null (""), or a list of text parts (joined)."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, list) and all(
        isinstance(p, dict) and p.get("type", "text") == "text" and isinstance(p.get("text"), str) for p in value
    ):
        return "".join(p["text"] for p in value)
    raise _bad(name, value, "text")


def optional_text(value: Any, name: str) -> str | None:
    """An identifier or label: a string (None when empty), null, or an integer (as text)."""
    if isinstance(value, str):
        return value or None
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise _bad(name, value, "text")


def label(value: Any, name: str) -> str | None:
    """A label (finish_reason, model, type): a string (None when empty) or null."""
    if isinstance(value, str):
        return value or None
    if value is None:
        return None
    raise _bad(name, value, "text")


def count(value: Any, name: str) -> int | None:
    """A token count: a non-negative integer (an integral float or a digit string is converted)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise _bad(name, value, "a count")
    if isinstance(value, int):
        result = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        result = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        result = int(value)
    else:
        raise _bad(name, value, "a count")
    if result < 0:
        raise MalformedField(f"{name} is negative ({result})")
    return result


def index(value: Any, name: str) -> int | None:
    """A tool call's stream index: a count, or None when the server left it out."""
    return count(value, name)


def arguments(value: Any, name: str) -> str:
    """Tool-call arguments as JSON text: a string as sent, an object or list serialized, null as ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    raise _bad(name, value, "JSON text or an object")


def mapping(value: Any, name: str, *, nullable: bool = True) -> dict[str, Any]:
    """An object field; null is an empty object (unless `nullable` is False)."""
    if value is None and nullable:
        return {}
    if isinstance(value, dict):
        return value
    raise _bad(name, value, "an object")


def items(value: Any, name: str) -> list[dict[str, Any]]:
    """A list of objects; null is an empty list."""
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return value
    raise _bad(name, value, "a list of objects")


def loads(text: str) -> Any:
    """`json.loads`, refusing a lone surrogate escape ("\\ud800"): JSON allows the escape, but the
    string it makes is not Unicode text and would fail wherever the answer is encoded later."""
    value = json.loads(text)
    if "\\ud" in text or "\\uD" in text:
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise MalformedField("a string holds a lone surrogate escape, which is not Unicode text") from None
    return value
