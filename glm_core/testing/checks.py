"""Reusable request checks. Each raises `Invalid` with what was wrong; the per-provider
validators (validate.py) turn that into the provider's own error status and body.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any, Literal

__all__ = [
    "Invalid",
    "check_bool",
    "check_int",
    "check_messages",
    "check_number",
    "check_response_format",
    "check_stop",
    "check_tool_choice",
    "check_tools",
    "is_number",
]

Kind = Literal["param", "messages", "roles", "missing", "model"]


class Invalid(Exception):
    """A request rule was broken: `detail` says which, `param` names the field."""

    def __init__(self, detail: str, *, param: str | None = None, kind: Kind = "param") -> None:
        super().__init__(detail)
        self.detail = detail
        self.param = param
        self.kind = kind


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_number(body: dict[str, Any], key: str, lo: float | None, hi: float | None, *, lo_open: bool = False) -> None:
    """`key`, when present and not null, is a number in [lo, hi] ((lo, hi] with lo_open)."""
    value = body.get(key)
    if value is None:
        return
    if not is_number(value):
        raise Invalid(f"{key} must be a number, got {value!r}", param=key)
    if lo is not None and (value < lo or (lo_open and value == lo)):
        raise Invalid(f"{key}={value} is out of range {'(' if lo_open else '['}{lo}, {hi}]", param=key)
    if hi is not None and value > hi:
        raise Invalid(f"{key}={value} is out of range [{lo}, {hi}]", param=key)


def check_int(body: dict[str, Any], key: str, lo: int | None, hi: int | None) -> None:
    """`key`, when present and not null, is an integer in [lo, hi]."""
    value = body.get(key)
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        raise Invalid(f"{key} must be an integer, got {value!r}", param=key)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise Invalid(f"{key}={value} is out of range [{lo}, {hi}]", param=key)


def check_bool(body: dict[str, Any], key: str) -> None:
    value = body.get(key)
    if value is not None and not isinstance(value, bool):
        raise Invalid(f"{key} must be a boolean, got {value!r}", param=key)


def check_stop(body: dict[str, Any], max_items: int | None, *, array_only: bool = False) -> None:
    """`stop`: a string (unless array_only) or a list of at most `max_items` strings."""
    stop = body.get("stop")
    if stop is None:
        return
    if isinstance(stop, str):
        if array_only:
            raise Invalid("stop must be an array of strings", param="stop")
        return
    if not isinstance(stop, list) or not all(isinstance(s, str) for s in stop):
        raise Invalid("stop must be a string or an array of strings", param="stop")
    if max_items is not None and len(stop) > max_items:
        raise Invalid(f"stop has {len(stop)} items; at most {max_items} allowed", param="stop")


def check_messages(body: dict[str, Any], roles: Collection[str]) -> list[dict[str, Any]]:
    """`messages` is a non-empty list of objects with a known role; tool messages carry an id."""
    messages = body.get("messages")
    if messages is None:
        raise Invalid("messages is required", param="messages", kind="missing")
    if not isinstance(messages, list) or not messages:
        raise Invalid("messages must be a non-empty array", param="messages", kind="messages")
    for i, m in enumerate(messages):
        if not isinstance(m, dict):
            raise Invalid(f"messages[{i}] must be an object", param="messages", kind="messages")
        role = m.get("role")
        if role not in roles:
            raise Invalid(
                f"messages[{i}].role {role!r} is not one of {sorted(roles)}", param="messages", kind="messages"
            )
        content = m.get("content")
        if content is not None and not isinstance(content, str | list):
            raise Invalid(f"messages[{i}].content must be a string or an array", param="messages", kind="messages")
        if role == "tool" and not isinstance(m.get("tool_call_id"), str):
            raise Invalid(f"messages[{i}] (tool) needs a tool_call_id", param="messages", kind="messages")
        if role in ("user", "system") and content is None:
            raise Invalid(f"messages[{i}] ({role}) needs content", param="messages", kind="messages")
        calls = m.get("tool_calls")
        if calls is not None and not isinstance(calls, list):
            raise Invalid(f"messages[{i}].tool_calls must be an array", param="messages", kind="messages")
    return messages


def check_tools(
    body: dict[str, Any],
    *,
    max_tools: int | None = None,
    name_pattern: re.Pattern[str] | None = None,
    types: Collection[str] = ("function",),
) -> list[str]:
    """`tools` is a list of known tool types; returns the function names."""
    tools = body.get("tools")
    if tools is None:
        return []
    if not isinstance(tools, list):
        raise Invalid("tools must be an array", param="tools")
    if max_tools is not None and len(tools) > max_tools:
        raise Invalid(f"{len(tools)} tools; at most {max_tools} allowed", param="tools")
    names: list[str] = []
    for i, tool in enumerate(tools):
        if not isinstance(tool, dict) or tool.get("type") not in types:
            raise Invalid(f"tools[{i}].type must be one of {sorted(types)}", param="tools")
        if tool["type"] != "function":
            continue
        fn = tool.get("function")
        name = fn.get("name") if isinstance(fn, dict) else None
        if not isinstance(name, str) or not name:
            raise Invalid(f"tools[{i}].function.name is required", param="tools")
        if name_pattern is not None and not name_pattern.fullmatch(name):
            raise Invalid(f"tools[{i}].function.name {name!r} must match {name_pattern.pattern}", param="tools")
        params = fn.get("parameters") if isinstance(fn, dict) else None
        if params is not None and not isinstance(params, dict):
            raise Invalid(f"tools[{i}].function.parameters must be an object", param="tools")
        names.append(name)
    return names


def check_tool_choice(body: dict[str, Any], allowed: Collection[str], tool_names: list[str]) -> None:
    """`tool_choice` is one of `allowed` ("none", "auto", "required", "named")."""
    choice = body.get("tool_choice")
    if choice is None:
        return
    if isinstance(choice, str):
        if choice not in allowed or choice == "named":
            raise Invalid(f"tool_choice {choice!r} is not supported; allowed: {sorted(allowed)}", param="tool_choice")
        return
    if isinstance(choice, dict) and "named" in allowed:
        kind = choice.get("type")
        if kind in ("custom", "allowed_tools"):
            return
        fn = choice.get("function")
        name = fn.get("name") if isinstance(fn, dict) else None
        if kind == "function" and isinstance(name, str):
            if name not in tool_names:
                raise Invalid(f"tool_choice names {name!r}, which is not in tools", param="tool_choice")
            return
    raise Invalid(f"tool_choice {choice!r} is not supported; allowed: {sorted(allowed)}", param="tool_choice")


def check_response_format(body: dict[str, Any], allowed: Collection[str]) -> None:
    fmt = body.get("response_format")
    if fmt is None:
        return
    kind = fmt.get("type") if isinstance(fmt, dict) else None
    if kind not in allowed:
        raise Invalid(f"response_format.type {kind!r} is not one of {sorted(allowed)}", param="response_format")
    if kind == "json_schema" and not isinstance(fmt.get("json_schema"), dict):
        raise Invalid("response_format.json_schema must be an object", param="response_format")
