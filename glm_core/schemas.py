"""Tool and structured-output JSON schemas as GLM models read them best.

GLM-5.2 and GLM-5.3 (on Z.ai, and behind vLLM's `glm47` tool parser) answer an argument whose
schema is a `$ref` into `$defs` as a *string of JSON* instead of the object or array it should be
(pydantic-ai#10243, NVIDIA-NeMo/Gym#2868, vllm#46924): pydantic models with nested models, the
usual `bind_tools` / `with_structured_output` case, produce exactly such schemas. So every schema
we send has its local `$defs` / `definitions` inlined (`inline_defs`), on every provider: all the
models behind them are GLM, and inlining a non-recursive schema does not change what it accepts.
A recursive schema (a definition that reaches itself) cannot be inlined and is sent as it is.

`value_kinds` tells which JSON types a (sub)schema allows; `glm_core.arguments` uses it to parse a
stringified object back, and only where the schema says object or array, never string.

Example:
    >>> inline_defs({"$defs": {"P": {"type": "object"}}, "properties": {"p": {"$ref": "#/$defs/P"}}})
    {'properties': {'p': {'type': 'object'}}}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

__all__ = ["inline_defs", "per_schema", "resolve_ref", "value_kinds"]

_DEFS_KEYS = ("$defs", "definitions")
_MAX_DEPTH = 64  # refs followed before a schema is treated as recursive (or absurd)
_CACHE_SIZE = 512

_T = TypeVar("_T")


def per_schema(work: Callable[[dict[str, Any]], _T]) -> Callable[[dict[str, Any]], _T]:
    """`work` computed once per schema object: agents send the same tools on every call (the
    frameworks keep the bound schema dicts), and walking a schema costs tens of microseconds.
    The schema is kept with its result, so its id cannot be reused while cached; schemas are
    not to be changed once sent."""
    cache: dict[int, tuple[dict[str, Any], _T]] = {}

    def cached(schema: dict[str, Any]) -> _T:
        hit = cache.get(id(schema))
        if hit is not None and hit[0] is schema:
            return hit[1]
        result = work(schema)
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        cache[id(schema)] = (schema, result)
        return result

    return cached


class _Recursive(Exception):
    """A definition reaches itself: the schema cannot be inlined."""


def resolve_ref(ref: str, root: Mapping[str, Any]) -> Any:
    """The local definition `ref` (`#/$defs/Name`, `#/definitions/Name`) names in `root`; None
    for any other reference."""
    for key in _DEFS_KEYS:
        prefix = f"#/{key}/"
        if ref.startswith(prefix):
            defs = root.get(key)
            name = ref[len(prefix) :].replace("~1", "/").replace("~0", "~")
            return defs.get(name) if isinstance(defs, Mapping) else None
    return None


def inline_defs(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with every local `$ref` replaced by its definition and `$defs` / `definitions`
    dropped; `schema` itself (unchanged, not copied) when it has no definitions, when one is
    recursive, or when a reference does not resolve. The result is shared: do not change it."""
    if not any(key in schema for key in _DEFS_KEYS):
        return schema
    return _inlined(schema)


@per_schema
def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    try:
        inlined = _inline(schema, schema, (), 0)
    except _Recursive:
        return schema
    if not isinstance(inlined, dict):
        return schema
    for key in _DEFS_KEYS:
        inlined.pop(key, None)
    return inlined


def _inline(node: Any, root: Mapping[str, Any], seen: tuple[str, ...], depth: int) -> Any:
    if depth > _MAX_DEPTH:
        raise _Recursive
    if isinstance(node, list):
        return [_inline(item, root, seen, depth + 1) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        target = resolve_ref(ref, root)
        if ref in seen or not isinstance(target, dict):
            raise _Recursive  # a cycle, or a reference we cannot follow: keep the schema whole
        resolved = _inline(target, root, (*seen, ref), depth + 1)
        # Keywords beside the $ref (a description, a default) belong to this use of it.
        siblings = {k: _inline(v, root, seen, depth + 1) for k, v in node.items() if k != "$ref"}
        return {**resolved, **siblings}
    return {
        key: (value if key in _DEFS_KEYS and node is root else _inline(value, root, seen, depth + 1))
        for key, value in node.items()
    }


def value_kinds(schema: Any, root: Mapping[str, Any], depth: int = 0) -> frozenset[str]:
    """The JSON types `schema` allows: a subset of object, array, string, number, integer,
    boolean, null; {"any"} when it does not say (no type, an unresolvable reference, too deep)."""
    if not isinstance(schema, Mapping) or depth > _MAX_DEPTH:
        return frozenset({"any"})
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target = resolve_ref(ref, root)
        return value_kinds(target, root, depth + 1) if target is not None else frozenset({"any"})
    declared = schema.get("type")
    if isinstance(declared, str):
        return frozenset({declared})
    if isinstance(declared, list) and all(isinstance(t, str) for t in declared):
        return frozenset(declared)
    branches = [b for key in ("anyOf", "oneOf", "allOf") for b in schema.get(key) or () if isinstance(b, Mapping)]
    if branches:
        kinds: frozenset[str] = frozenset()
        for branch in branches:
            kinds |= value_kinds(branch, root, depth + 1)
        return kinds
    if "properties" in schema or "additionalProperties" in schema:
        return frozenset({"object"})
    if "items" in schema or "prefixItems" in schema:
        return frozenset({"array"})
    return frozenset({"any"})
