"""A small JSON-Schema checker for the providers' published request schemas (`schemas/`).

The emulator ships without third-party validators, so this covers what those documents use:
type (one or a list), enum, const, minimum / maximum, minLength / maxLength, pattern, minItems /
maxItems, required, properties, additionalProperties (false or a schema), items, anyOf, oneOf,
allOf and local `$ref`s (`#/$defs/x`, `#/components/schemas/x`). Annotations (`description`,
`default`, `title`, `$comment`, `x-*`) are ignored. The tests run the same documents through the
`jsonschema` package on the same bodies (tests/conformance/test_published_schemas.py), so the two
cannot drift apart.

Example:
    >>> first_error({"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}}, {"n": 0})
    "at '/n': 0 is less than the minimum of 1"
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

__all__ = ["first_error"]

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "null": (type(None),),
    "number": (int, float),
    "integer": (int,),
}


@lru_cache(maxsize=64)
def _pattern(regex: str) -> re.Pattern[str]:
    return re.compile(regex)


def _is(value: Any, kind: str) -> bool:
    if kind in ("number", "integer") and isinstance(value, bool):
        return False
    if kind == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES[kind])


def _resolve(root: dict[str, Any], ref: str) -> Any:
    node: Any = root
    for key in ref.removeprefix("#/").split("/"):
        node = node[key]
    return node


def first_error(schema: dict[str, Any], value: Any, root: dict[str, Any] | None = None, where: str = "") -> str | None:
    """The first way `value` breaks `schema`, as "at '/path': reason", or None when it conforms."""
    root = schema if root is None else root
    at = f"at '{where or '/'}'"
    if "$ref" in schema:
        found = first_error(_resolve(root, schema["$ref"]), value, root, where)
        if found:
            return found
    kinds = schema.get("type")
    if kinds is not None:
        names = [kinds] if isinstance(kinds, str) else list(kinds)
        if not any(_is(value, k) for k in names):
            return f"{at}: {value!r:.60} is not of type {' or '.join(names)}"
    if "enum" in schema and value not in schema["enum"]:
        return f"{at}: must be equal to one of the allowed values {schema['enum']}"
    if "const" in schema and value != schema["const"]:
        return f"{at}: must be {schema['const']!r}"
    for check in (_number, _string, _array, _object):
        found = check(schema, value, root, where, at)
        if found:
            return found
    for sub in schema.get("allOf", ()):
        found = first_error(sub, value, root, where)
        if found:
            return found
    if "anyOf" in schema:
        errors = [first_error(sub, value, root, where) for sub in schema["anyOf"]]
        if all(errors):
            return f"{at}: anyOf not met: {errors[0]}"
    if "oneOf" in schema:
        errors = [first_error(sub, value, root, where) for sub in schema["oneOf"]]
        matches = sum(e is None for e in errors)
        if matches != 1:
            detail = next((e for e in errors if e), "")
            return f"oneOf {at} not met, {matches} matches" + (f": {detail}" if matches == 0 else "")
    return None


def _number(schema: dict[str, Any], value: Any, root: dict[str, Any], where: str, at: str) -> str | None:
    if not (_is(value, "number")):
        return None
    if "minimum" in schema and value < schema["minimum"]:
        return f"{at}: {value} is less than the minimum of {schema['minimum']}"
    if "maximum" in schema and value > schema["maximum"]:
        return f"{at}: {value} is greater than the maximum of {schema['maximum']}"
    return None


def _string(schema: dict[str, Any], value: Any, root: dict[str, Any], where: str, at: str) -> str | None:
    if not isinstance(value, str):
        return None
    if "minLength" in schema and len(value) < schema["minLength"]:
        return f"{at}: must NOT have fewer than {schema['minLength']} characters"
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        return f"{at}: must NOT have more than {schema['maxLength']} characters"
    if "pattern" in schema and not _pattern(schema["pattern"]).search(value):
        return f"{at}: must match pattern {schema['pattern']!r}"
    return None


def _array(schema: dict[str, Any], value: Any, root: dict[str, Any], where: str, at: str) -> str | None:
    if not isinstance(value, list):
        return None
    if "minItems" in schema and len(value) < schema["minItems"]:
        return f"{at}: must NOT have fewer than {schema['minItems']} items"
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        return f"{at}: must NOT have more than {schema['maxItems']} items"
    items = schema.get("items")
    if isinstance(items, dict):
        for i, item in enumerate(value):
            found = first_error(items, item, root, f"{where}/{i}")
            if found:
                return found
    return None


def _object(schema: dict[str, Any], value: Any, root: dict[str, Any], where: str, at: str) -> str | None:
    if not isinstance(value, dict):
        return None
    for key in schema.get("required", ()):
        if key not in value:
            return f"{at}: must have required property '{key}'"
    properties: dict[str, Any] = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        sub = properties.get(key)
        if sub is None:
            if extra is False:
                return f"{at}: must NOT have additional property '{key}'"
            sub = extra if isinstance(extra, dict) else None
        if sub is not None:
            found = first_error(sub, item, root, f"{where}/{key}")
            if found:
                return found
    return None
