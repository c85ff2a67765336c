"""Build a value that satisfies a JSON schema, lifting what it can from the user's message.

Rules (deterministic):
- integer / number: the next number in the message, in order (clamped into the schema's
  bounds); 0 (clamped) when the message has none left.
- string: `enum` -> its first value; else the next quoted string in the message, else the next
  capitalised phrase not starting a sentence ("San Francisco, CA"), else the last significant word,
  else the property name. Known formats (date, date-time, email, uri) get a fixed example.
- boolean: true.  null: null.  const: the const.
- array: `minItems` items (0 by default).  object: its required properties (all of them when the
  schema lists no `required`, or when `fill_all` is set).
- anyOf / oneOf: the first non-null option.  allOf: the merged options.  `$ref`: resolved in
  `$defs` / `definitions` of the root schema.

Example:
    >>> build_value({"type": "object", "properties": {"input": {"type": "integer"}}, "required": ["input"]},
    ...             ValueSource("What is the value of magic_function(3)?"))
    {'input': 3}
"""

from __future__ import annotations

from typing import Any

from glm_core.testing.text import capitalized_phrases, numbers, quoted_strings, significant_words

__all__ = ["ValueSource", "build_value"]

_FORMATS = {
    "date": "2026-01-01",
    "date-time": "2026-01-01T00:00:00Z",
    "time": "00:00:00",
    "email": "user@example.com",
    "uri": "https://example.com",
    "url": "https://example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
}


class ValueSource:
    """Hands out values from a message in order; each tool call gets its own source.

    `use_quoted=False` (JSON answers) keeps quoted words, which are usually key names there, out
    of the values, and describes each string field instead.
    """

    def __init__(self, text: str, *, use_quoted: bool = True) -> None:
        self._numbers = numbers(text)
        self._strings = quoted_strings(text) if use_quoted else []
        self._phrases = capitalized_phrases(text) if use_quoted else []
        words = significant_words(text)
        self._topic = words[-1] if words else ""
        self._use_quoted = use_quoted

    def number(self) -> int | float | None:
        return self._numbers.pop(0) if self._numbers else None

    def string(self, name: str) -> str:
        if self._strings:
            return self._strings.pop(0)
        if self._phrases:
            return self._phrases.pop(0)
        if not self._use_quoted:
            return f"{name.replace('_', ' ')} about {self._topic}" if self._topic else name
        return self._topic or name


def build_value(
    schema: Any,
    source: ValueSource,
    name: str = "value",
    *,
    root: Any = None,
    fill_all: bool = False,
    _depth: int = 0,
) -> Any:
    """A value valid for `schema` (see the module docstring for the rules)."""
    root = schema if root is None else root
    if _depth > 10 or not isinstance(schema, dict):
        return source.string(name)

    def again(sub: Any, sub_name: str = name) -> Any:
        return build_value(sub, source, sub_name, root=root, fill_all=fill_all, _depth=_depth + 1)

    ref = schema.get("$ref")
    if isinstance(ref, str):
        return again(_resolve(ref, root))
    if "const" in schema:
        return schema["const"]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return enum[0]
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            non_null = [o for o in options if not (isinstance(o, dict) and o.get("type") == "null")]
            return again((non_null or options)[0])
    all_of = schema.get("allOf")
    if isinstance(all_of, list) and all_of:
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in all_of:
            part = _resolve(part["$ref"], root) if isinstance(part, dict) and "$ref" in part else part
            if isinstance(part, dict):
                merged = {**part, **merged}
        return again(merged)

    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else "array" if "items" in schema else "string"

    if kind == "object":
        props = schema.get("properties")
        if not isinstance(props, dict):
            return {}
        required = schema.get("required")
        names = list(props) if fill_all or not isinstance(required, list) else [n for n in props if n in required]
        return {n: again(props[n], n) for n in names}
    if kind == "array":
        count = schema.get("minItems", 0)
        return [again(schema.get("items", {})) for _ in range(count if isinstance(count, int) else 0)]
    if kind in ("integer", "number"):
        found = source.number()
        value: int | float = 0 if found is None else found
        value = _clamp(value, schema, integer=kind == "integer")
        return int(value) if kind == "integer" else value
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt in _FORMATS:
        return _FORMATS[fmt]
    text = source.string(name)
    min_len, max_len = schema.get("minLength"), schema.get("maxLength")
    if isinstance(min_len, int) and len(text) < min_len:
        text = text + "x" * (min_len - len(text))
    if isinstance(max_len, int):
        text = text[:max_len]
    return text


def _clamp(value: int | float, schema: dict[str, Any], *, integer: bool) -> int | float:
    step = 1 if integer else 1e-6
    lo, hi = schema.get("minimum"), schema.get("maximum")
    xlo, xhi = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if isinstance(xlo, int | float) and not isinstance(xlo, bool) and value <= xlo:
        value = xlo + step
    if isinstance(lo, int | float) and not isinstance(lo, bool) and value < lo:
        value = lo
    if isinstance(xhi, int | float) and not isinstance(xhi, bool) and value >= xhi:
        value = xhi - step
    if isinstance(hi, int | float) and not isinstance(hi, bool) and value > hi:
        value = hi
    return int(value) if integer else value


def _resolve(ref: str, root: Any) -> Any:
    # Only local refs ("#/$defs/Name") occur in tool and response schemas.
    node = root
    for part in ref.lstrip("#/").split("/"):
        if not isinstance(node, dict) or part not in node:
            return {}
        node = node[part]
    return node
