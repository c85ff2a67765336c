"""Tool-call arguments read against the request's tool schemas: a stringified object parsed back.

GLM-5.2 / GLM-5.3 sometimes send an argument whose schema is an object or an array as a *string
of JSON* (`{"request": "{\\"code\\": 1}"}`; pydantic-ai#10243, NVIDIA-NeMo/Gym#2868, vllm#46924),
most often when the schema used `$defs` (which we now inline: `glm_core.schemas`). The core parses
such a value back before anyone sees the call, for both frameworks, streamed or not:

- only where the tool's schema says object or array and does not allow a string (a string
  argument is never decoded a second time, whatever it holds);
- only when the text parses, to the kind the schema allows (a string that does not parse, or
  parses to something else, stays as it was);
- nested values too (an array of objects, an object inside an object), and the whole arguments
  when they arrive as one JSON string.

`ToolSchemas` is built once per request (only tools that have something to parse back are kept);
`ToolSchemas.fix(arguments, name)` returns the arguments unchanged (the same string) when nothing
was stringified.

Example:
    >>> schemas = ToolSchemas.of([ToolSpec("f", parameters={"type": "object",
    ...     "properties": {"p": {"type": "object"}}})])
    >>> schemas.fix('{"p": "{\\\\"a\\\\": 1}"}', "f")
    '{"p": {"a": 1}}'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from glm_core.schemas import per_schema, resolve_ref, value_kinds
from glm_core.types import ChatResponse, ToolCall, ToolSpec

__all__ = ["ArgumentFixer", "ToolSchemas"]

_CONTAINERS = frozenset({"object", "array"})
_MAX_DEPTH = 32
# A string that may hold a JSON object or array: nothing to fix in arguments without one.
_STRINGIFIED = re.compile(r'"\s*[\[{]')
_STRING_STOP = re.compile(r'["\\]')
_SCALAR_END = re.compile(r"[,}\]\s]")


class ToolSchemas:
    """The parameter schemas of a request's tools that can hold an object or an array."""

    __slots__ = ("_by_name",)

    def __init__(self, by_name: dict[str, dict[str, Any]]) -> None:
        self._by_name = by_name

    @classmethod
    def of(cls, tools: Iterable[ToolSpec] | None) -> ToolSchemas | None:
        """The schemas worth checking answers against; None when no tool has an object or array."""
        kept = {t.name: t.parameters for t in tools or () if _needs_fixing(t.parameters)}
        return cls(kept) if kept else None

    def fixer(self, name: str) -> ArgumentFixer | None:
        """A streaming fixer for a call to `name`; None when that tool needs no fixing."""
        schema = self._by_name.get(name)
        return None if schema is None else ArgumentFixer(schema)

    def fix(self, arguments: str, name: str) -> str:
        """`arguments` with stringified objects and arrays parsed back, where the schema says so
        (the same string when there is nothing to fix)."""
        schema = self._by_name.get(name)
        if schema is None or _STRINGIFIED.search(arguments) is None:
            return arguments
        fixer = ArgumentFixer(schema)
        fixed = fixer.feed(arguments) + fixer.close()
        return arguments if fixed == arguments else fixed

    def fix_response(self, response: ChatResponse) -> None:
        """Fix every tool call of `response` (and of its alternatives) in place."""
        for answer in (response, *response.alternatives):
            answer.tool_calls = [self._fixed(call) for call in answer.tool_calls]

    def _fixed(self, call: ToolCall) -> ToolCall:
        arguments = self.fix(call.arguments, call.name)
        if arguments is call.arguments:
            return call
        return ToolCall(id=call.id, name=call.name, arguments=arguments, type=call.type)


@per_schema
def _needs_fixing(parameters: dict[str, Any]) -> bool:
    return _holds_containers(parameters, parameters, 0)


def _holds_containers(schema: Any, root: Mapping[str, Any], depth: int) -> bool:
    """Whether an object or array value is allowed anywhere in `schema` (below its root)."""
    if not isinstance(schema, Mapping) or depth > _MAX_DEPTH:
        return False
    if depth > 0 and value_kinds(schema, root) & _CONTAINERS:
        return True
    for child in _children(schema, root):
        if _holds_containers(child, root, depth + 1):
            return True
    return False


def _children(schema: Mapping[str, Any], root: Mapping[str, Any]) -> list[Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target = resolve_ref(ref, root)
        schema = target if isinstance(target, Mapping) else {}
    out: list[Any] = []
    properties = schema.get("properties")
    if isinstance(properties, Mapping):
        out.extend(properties.values())
    for key in ("additionalProperties", "items"):
        if isinstance(schema.get(key), Mapping):
            out.append(schema[key])
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        out.extend(b for b in schema.get(key) or () if isinstance(b, Mapping))
    return out


def _decoded(value: str, kinds: frozenset[str]) -> Any:
    """`value` parsed, when it is JSON of a container kind the schema allows; else None."""
    text = value.strip()
    if not text or text[0] not in "{[":
        return None
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if isinstance(parsed, dict) and "object" in kinds:
        return parsed
    if isinstance(parsed, list) and "array" in kinds:
        return parsed
    return None


def _coerce(value: Any, schema: Any, root: Mapping[str, Any], depth: int) -> tuple[Any, bool]:
    """(value fixed against schema, whether anything changed)."""
    if depth > _MAX_DEPTH or not isinstance(schema, Mapping):
        return value, False
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target = resolve_ref(ref, root)
        return _coerce(value, target, root, depth + 1) if isinstance(target, Mapping) else (value, False)
    changed = False
    if isinstance(value, str):
        kinds = value_kinds(schema, root)
        if not kinds & _CONTAINERS or kinds & {"string", "any"}:
            return value, False  # a string is allowed here: never decoded a second time
        parsed = _decoded(value, kinds)
        if parsed is None:
            return value, False
        value, changed = parsed, True
    if isinstance(value, dict):
        for key, item in value.items():
            fixed, item_changed = _coerce(item, _property_schema(schema, key, root), root, depth + 1)
            if item_changed:
                value[key], changed = fixed, True
    elif isinstance(value, list):
        for i, item in enumerate(value):
            fixed, item_changed = _coerce(item, _item_schema(schema, i, root), root, depth + 1)
            if item_changed:
                value[i], changed = fixed, True
    return value, changed


def _branches(schema: Mapping[str, Any], root: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """`schema` and its anyOf / oneOf / allOf branches (references followed)."""
    out = [schema]
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(key) or ():
            if isinstance(branch, Mapping):
                ref = branch.get("$ref")
                target = resolve_ref(ref, root) if isinstance(ref, str) else branch
                if isinstance(target, Mapping):
                    out.extend(_branches(target, root))
    return out


def _property_schema(schema: Mapping[str, Any], key: str, root: Mapping[str, Any]) -> Any:
    for branch in _branches(schema, root):
        properties = branch.get("properties")
        if isinstance(properties, Mapping) and key in properties:
            return properties[key]
    for branch in _branches(schema, root):
        if isinstance(branch.get("additionalProperties"), Mapping):
            return branch["additionalProperties"]
    return None


def _item_schema(schema: Mapping[str, Any], index: int, root: Mapping[str, Any]) -> Any:
    for branch in _branches(schema, root):
        prefix = branch.get("prefixItems")
        if isinstance(prefix, list) and index < len(prefix):
            return prefix[index]
        if isinstance(branch.get("items"), Mapping):
            return branch["items"]
    return None


def _resolved(schema: Any, root: Mapping[str, Any]) -> Any:
    for _ in range(_MAX_DEPTH):
        ref = schema.get("$ref") if isinstance(schema, Mapping) else None
        if not isinstance(ref, str):
            return schema
        schema = resolve_ref(ref, root)
    return None


class _Frame:
    """An object or array being read: its schema, what comes next, its current key or index."""

    __slots__ = ("expect", "index", "is_object", "key", "schema")

    def __init__(self, is_object: bool, schema: Mapping[str, Any] | None, expect: str) -> None:
        self.is_object = is_object
        self.schema = schema
        # object: key_or_end, key, colon, value, scalar, comma; array: value_or_end, value, scalar, comma
        self.expect = expect
        self.key: str | None = None
        self.index = 0


class ArgumentFixer:
    """Reads tool-call arguments as they stream in and passes them on, parsing a stringified
    object or array back where the schema says so; feed it the pieces, then `close` it.

    The text goes out as it comes, byte for byte, except a string that starts where the schema
    wants an object or an array: it is held until it ends, then sent as the JSON it holds (or as
    it was, when it does not parse to that). So progressive parsing downstream (partial structured
    output) keeps working, and the pieces add up to `ToolSchemas.fix` of the whole text. Text that
    is not JSON is passed on untouched from the point it stops being JSON.
    """

    __slots__ = ("_broken", "_buffer", "_child", "_done", "_escape", "_root", "_stack", "_string")

    def __init__(self, schema: dict[str, Any]) -> None:
        self._root = schema
        self._stack: list[_Frame] = []
        self._child: Any = schema  # the schema of the value that comes next
        self._done = False  # the top-level value has been read
        self._string: str | None = None  # inside a string: "key", "value" or "capture"
        self._escape = False
        self._buffer: list[str] = []  # a key, or a captured string, so far
        self._broken = False

    def feed(self, text: str) -> str:
        """What of `text` can be passed on now."""
        out: list[str] = []
        i, n = 0, len(text)
        while i < n:
            if self._broken:
                out.append(text[i:])
                break
            if self._string is not None:
                i = self._read_string(text, i, out)
            else:
                i = self._read_structure(text, i, out)
        return "".join(out)

    def close(self) -> str:
        """The end of the arguments: a string still held (cut short) goes out as it came."""
        held = "".join(self._buffer) if self._string == "capture" else ""
        self._buffer, self._string = [], None
        return held

    # -- inside a string -----------------------------------------------------------------------

    def _sink(self, piece: str, out: list[str]) -> None:
        if self._string != "value":
            self._buffer.append(piece)
        if self._string != "capture":
            out.append(piece)

    def _read_string(self, text: str, i: int, out: list[str]) -> int:
        if self._escape:
            self._sink(text[i], out)
            self._escape = False
            return i + 1
        stop = _STRING_STOP.search(text, i)
        if stop is None:
            self._sink(text[i:], out)
            return len(text)
        j = stop.start()
        self._sink(text[i : j + 1], out)
        if text[j] == "\\":
            self._escape = True
        else:
            self._end_string(out)
        return j + 1

    def _end_string(self, out: list[str]) -> None:
        kind, literal = self._string, "".join(self._buffer)
        self._string, self._buffer = None, []
        if kind == "key":
            frame = self._stack[-1]
            try:
                frame.key = json.loads(literal)
            except ValueError:
                frame.key = None
            frame.expect = "colon"
            return
        if kind == "capture":
            out.append(self._unstringified(literal))
        self._after_value()

    def _unstringified(self, literal: str) -> str:
        """A captured string literal as the JSON it holds, when that is what the schema wants."""
        try:
            inner = json.loads(literal)
        except (ValueError, RecursionError):
            return literal
        parsed = _decoded(inner, value_kinds(self._child, self._root)) if isinstance(inner, str) else None
        if parsed is None:
            return literal
        fixed, _ = _coerce(parsed, self._child, self._root, 0)
        return json.dumps(fixed, ensure_ascii=False)

    # -- between strings -----------------------------------------------------------------------

    def _read_structure(self, text: str, i: int, out: list[str]) -> int:
        frame = self._stack[-1] if self._stack else None
        if frame is not None and frame.expect == "scalar":
            end = _SCALAR_END.search(text, i)
            stop = len(text) if end is None else end.start()
            out.append(text[i:stop])
            if end is not None:
                frame.expect = "comma"
            return stop
        c = text[i]
        out.append(c)
        if c in " \t\r\n":
            return i + 1
        expect = frame.expect if frame is not None else ("done" if self._done else "value")
        closer = "}" if frame is not None and frame.is_object else "]"
        if frame is not None and c == closer and expect in ("key_or_end", "value_or_end", "comma"):
            self._stack.pop()
            self._after_value()
        elif expect in ("value", "value_or_end"):
            self._start_value(c, out)
        elif frame is not None and expect == "comma" and c == ",":
            if frame.is_object:
                frame.expect = "key"
            else:
                frame.index += 1
                frame.expect = "value"
                self._child = _item_schema(frame.schema, frame.index, self._root) if frame.schema else None
        elif frame is not None and expect in ("key_or_end", "key") and c == '"':
            self._string, self._buffer = "key", ['"']
        elif frame is not None and expect == "colon" and c == ":":
            frame.expect = "value"
            key = frame.key
            self._child = _property_schema(frame.schema, key, self._root) if frame.schema and key is not None else None
        else:
            self._broken = True  # not JSON (any more): the rest is passed on as it comes
        return i + 1

    def _start_value(self, c: str, out: list[str]) -> None:
        frame = self._stack[-1] if self._stack else None
        child = _resolved(self._child, self._root) if self._child is not None else None
        schema = child if isinstance(child, Mapping) else None
        if c == "{":
            self._stack.append(_Frame(True, schema, "key_or_end"))
        elif c == "[":
            self._stack.append(_Frame(False, schema, "value_or_end"))
            self._child = _item_schema(schema, 0, self._root) if schema else None
        elif c == '"':
            kinds = value_kinds(schema, self._root) if schema is not None else frozenset({"any"})
            if kinds & _CONTAINERS and not kinds & {"string", "any"}:
                out.pop()  # the opening quote is held with the rest of the string
                self._string, self._buffer = "capture", ['"']
            else:
                self._string = "value"
        elif frame is not None:
            frame.expect = "scalar"
        else:
            self._broken = True  # a bare top-level number or literal: nothing to fix in it

    def _after_value(self) -> None:
        if self._stack:
            self._stack[-1].expect = "comma"
        else:
            self._done = True
