"""A small JSON-schema checker for structured output given as a dict or a TypedDict.

Pydantic models validate themselves; a plain JSON schema needs a checker, and `jsonschema` is not
a dependency. This covers what `convert_to_json_schema` and structured-output schemas use: type
(and lists of types), properties / required / additionalProperties, items, enum, const,
anyOf / oneOf / allOf, $ref into $defs / definitions, numeric and length bounds. Unknown keywords
(format, pattern, ...) are ignored, as the JSON-schema spec allows.

Example:
    >>> schema_errors({"type": "object", "required": ["a"]}, {})
    ["$: missing required property 'a'"]
"""

from __future__ import annotations

from typing import Any

__all__ = ["schema_errors"]

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list, tuple),
    "string": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
    "null": (type(None),),
}
_MAX_ERRORS = 10


def _is_type(value: Any, kind: str) -> bool:
    if kind in ("number", "integer") and isinstance(value, bool):
        return False
    if kind == "integer" and isinstance(value, float):
        return value.is_integer()
    expected = _TYPES.get(kind)
    return True if expected is None else isinstance(value, expected)


def _resolve(root: dict[str, Any], ref: str) -> dict[str, Any]:
    if not ref.startswith("#/"):
        return {}
    node: Any = root
    for part in ref[2:].split("/"):
        node = node.get(part.replace("~1", "/").replace("~0", "~")) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def _check(root: dict[str, Any], schema: Any, value: Any, path: str, errors: list[str], depth: int = 0) -> None:
    if len(errors) >= _MAX_ERRORS or not isinstance(schema, dict) or depth > 64:
        return
    if "$ref" in schema:
        _check(root, _resolve(root, schema["$ref"]), value, path, errors, depth + 1)
    kind = schema.get("type")
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(_is_type(value, k) for k in kinds):
            errors.append(f"{path}: expected {' or '.join(map(str, kinds))}, got {type(value).__name__}")
            return
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} is not one of {schema['enum']!r}")
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}: expected {schema['const']!r}")
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            matches = 0
            for option in options:
                trial: list[str] = []
                _check(root, option, value, path, trial, depth + 1)
                matches += not trial
            if matches == 0 or (key == "oneOf" and matches > 1):
                errors.append(f"{path}: matches {matches} of the {key} alternatives")
    for option in schema.get("allOf") or ():
        _check(root, option, value, path, errors, depth + 1)
    if isinstance(value, dict):
        _check_object(root, schema, value, path, errors, depth)
    elif isinstance(value, list | tuple):
        items = schema.get("items")
        if isinstance(items, dict):
            for i, item in enumerate(value):
                _check(root, items, item, f"{path}[{i}]", errors, depth + 1)
        _bound(errors, path, len(value), schema, "minItems", "maxItems", "items")
    elif isinstance(value, str):
        _bound(errors, path, len(value), schema, "minLength", "maxLength", "characters")
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: {value} is below the minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: {value} is above the maximum {schema['maximum']}")
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            errors.append(f"{path}: {value} must be above {schema['exclusiveMinimum']}")
        if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
            errors.append(f"{path}: {value} must be below {schema['exclusiveMaximum']}")


def _check_object(
    root: dict[str, Any], schema: dict[str, Any], value: dict[str, Any], path: str, errors: list[str], depth: int
) -> None:
    properties = schema.get("properties") or {}
    for name in schema.get("required") or ():
        if name not in value:
            errors.append(f"{path}: missing required property {name!r}")
    extra = schema.get("additionalProperties", True)
    for name, item in value.items():
        if name in properties:
            _check(root, properties[name], item, f"{path}.{name}", errors, depth + 1)
        elif extra is False:
            errors.append(f"{path}: property {name!r} is not allowed")
        elif isinstance(extra, dict):
            _check(root, extra, item, f"{path}.{name}", errors, depth + 1)


def _bound(errors: list[str], path: str, size: int, schema: dict[str, Any], low: str, high: str, unit: str) -> None:
    if low in schema and size < schema[low]:
        errors.append(f"{path}: {size} {unit}, fewer than {schema[low]}")
    if high in schema and size > schema[high]:
        errors.append(f"{path}: {size} {unit}, more than {schema[high]}")


def schema_errors(schema: dict[str, Any], value: Any) -> list[str]:
    """What is wrong with `value` under `schema` (empty when it conforms); at most 10 messages."""
    errors: list[str] = []
    _check(schema, schema, value, "$", errors)
    return errors
