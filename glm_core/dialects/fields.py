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

import binascii
import json
import math
import sys
from array import array
from typing import Any

__all__ = [
    "DECODE_FAILURES",
    "MalformedField",
    "arguments",
    "base64_vector",
    "count",
    "describe",
    "index",
    "items",
    "label",
    "loads",
    "mapping",
    "optional_text",
    "position",
    "score",
    "text",
    "vector",
]


class MalformedField(ValueError):
    """A field whose value is not of the documented type; the message names the field."""


# What a malformed value can make the decoding code raise before a reader sees it; a deeply
# nested value can hit the recursion limit while being serialized.
DECODE_FAILURES = (MalformedField, TypeError, ValueError, AttributeError, KeyError, IndexError, RecursionError)


def describe(value: Any) -> str:
    """What kind of JSON value `value` is, for a message ("a number", "text", "null", ...)."""
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
    return MalformedField(f"{name} is {describe(value)}, not {wanted}")


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


def position(value: Any, name: str, size: int) -> int:
    """A position in a list of `size` items sent with the request (an embedding's or a rerank
    result's index): a count below `size`; null and booleans are refused."""
    if value is None:
        raise _bad(name, value, "a position")
    result = count(value, name)
    assert result is not None
    if result >= size:
        raise MalformedField(f"{name} is {result}, out of range for {size} item{'' if size == 1 else 's'}")
    return result


def _finite(value: float | int) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def score(value: Any, name: str) -> float:
    """A score: a finite number (an integer is converted); not a boolean, not text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _bad(name, value, "a number")
    if not _finite(value):
        raise MalformedField(f"{name} is {_shown(value)}, not a finite number")
    return float(value)


def _shown(value: float | int) -> str:
    return repr(value) if isinstance(value, float) else f"an integer of {len(str(abs(value)))} digits"


_NUMBERS = frozenset({float, int})


def vector(value: Any, name: str) -> list[float]:
    """A vector: a list of finite numbers, as floats. Booleans, text, null and nested lists are
    refused, and so are NaN and the infinities (JSON's `NaN`, `Infinity`, or `1e400`).

    The common case costs two C-level passes: the set of element types, and a sum, which is
    finite only when every element is (a NaN or an infinity propagates); the element that is wrong
    is looked for only when one is.
    """
    if not isinstance(value, list):
        raise _bad(name, value, "a list of numbers")
    kinds = set(map(type, value))
    if not kinds <= _NUMBERS:
        at, wrong = next((i, x) for i, x in enumerate(value) if type(x) not in _NUMBERS)
        raise MalformedField(f"{name} holds {describe(wrong)} at position {at}, not a number")
    try:
        finite = math.isfinite(sum(value))
    except OverflowError:
        finite = False
    if not finite:
        found = next(((i, x) for i, x in enumerate(value) if not _finite(x)), None)
        if found is not None:  # else finite numbers whose sum overflowed: all good
            raise MalformedField(f"{name} holds {_shown(found[1])} at position {found[0]}, not a finite number")
    if int in kinds:
        return [float(x) for x in value]
    return value


def base64_vector(value: Any, name: str) -> list[float]:
    """A vector sent as base64 of little-endian float32 (OpenAI's `encoding_format: "base64"`):
    valid base64 (checked whole, strictly) of a whole number of floats, each finite."""
    if not isinstance(value, str):
        raise _bad(name, value, "base64 text")
    try:
        raw = binascii.a2b_base64(value, strict_mode=True)
    except (binascii.Error, ValueError):
        raise MalformedField(f"{name} is not valid base64") from None
    if len(raw) % 4:
        raise MalformedField(f"{name} is {len(raw)} bytes, not a whole number of 4-byte floats")
    values = array("f")
    values.frombytes(raw)
    if sys.byteorder != "little":  # the wire is little-endian float32
        values.byteswap()
    if not math.isfinite(sum(values)):
        at = next((i for i, x in enumerate(values) if not math.isfinite(x)), None)
        if at is not None:
            raise MalformedField(f"{name} holds {values[at]!r} at position {at}, not a finite number")
    return values.tolist()


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
