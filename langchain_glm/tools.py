"""Tools and tool_choice: LangChain's forms to the OpenAI function format, then to glm_core.

`bind_tools` stores tools in the OpenAI function format and tool_choice as "auto", "none",
"required" or `{"type": "function", "function": {"name": ...}}` (plain, serialisable values for
tracing and caching). Each call turns them into canonical `ToolSpec`s and a `ToolChoice`; the core
then sends what the provider accepts (on the Z.ai family, which only accepts "auto": "none" sends
no tools, a named tool offers only that tool, and a required call is checked in the answer).

Example:
    >>> normalize_tool_choice("any", ["get_weather"])
    'required'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool

from glm_core.options import parse_tool_choice
from glm_core.types import NamedToolChoice, ToolSpec

__all__ = ["bound_names", "convert_tools", "normalize_tool_choice", "tool_specs"]

_DEFAULT_PARAMETERS: dict[str, Any] = {"type": "object", "properties": {}}
# Built-in provider tools passed as dicts (`{"type": "web_search", "web_search": {...}}`).
_BUILTIN_TYPES = frozenset({"web_search"})


def convert_tools(
    tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool], *, strict: bool | None = None
) -> list[dict[str, Any]]:
    """Tools from pydantic models, functions, `BaseTool`s, runnables or dicts, in OpenAI form."""
    converted: list[dict[str, Any]] = []
    for tool in tools:
        if isinstance(tool, dict) and tool.get("type") in _BUILTIN_TYPES:
            converted.append(tool)
            continue
        if isinstance(tool, dict) and tool.get("type") not in (None, "function", "object"):
            raise ValueError(
                f"tool of type {tool.get('type')!r} is not supported; pass functions, pydantic models, "
                "BaseTools, or {'type': 'web_search', 'web_search': {...}}"
            )
        converted.append(convert_to_openai_tool(tool, strict=strict))
    return converted


def bound_names(tools: Sequence[dict[str, Any]]) -> list[str]:
    """The function names among bound tools (what a named tool_choice may name)."""
    return [t["function"]["name"] for t in tools if t.get("type") == "function"]


def normalize_tool_choice(tool_choice: Any, names: Sequence[str]) -> str | dict[str, Any] | None:
    """Every spelling of tool_choice (see `glm_core.options.parse_tool_choice`), as the plain value
    `bind_tools` stores: "auto" / "none" / "required" / `{"type": "function", ...}` naming a bound tool.
    """
    choice = parse_tool_choice(tool_choice, names)
    if isinstance(choice, NamedToolChoice):
        return {"type": "function", "function": {"name": choice.name}}
    return choice


def tool_specs(tools: Sequence[dict[str, Any]]) -> tuple[list[ToolSpec] | None, dict[str, Any] | None]:
    """Canonical tool specs, and the web_search settings if a built-in web_search tool was bound."""
    specs: list[ToolSpec] = []
    web_search: dict[str, Any] | None = None
    for tool in tools:
        kind = tool.get("type")
        if kind == "web_search":
            settings = tool.get("web_search")
            web_search = dict(settings) if isinstance(settings, dict) else {}
            continue
        function = tool["function"] if kind == "function" else tool
        specs.append(
            ToolSpec(
                name=function["name"],
                description=function.get("description") or "",
                parameters=function.get("parameters") or _DEFAULT_PARAMETERS,
                strict=function.get("strict"),
            )
        )
    return specs or None, web_search
