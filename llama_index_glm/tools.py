"""Tools: LlamaIndex tools to canonical `ToolSpec`s, tool_choice values, and tool calls back out.

`parse_tool_arguments` is tolerant of the partial JSON that arrives while a call is streamed: a
FunctionAgent asks for the tool calls of every chunk, so it must be cheap and must never raise.

Example:
    >>> parse_tool_arguments('{"city": "Par')
    {'city': 'Par'}
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from glm_core.options import parse_tool_choice
from glm_core.types import ToolChoice, ToolSpec

if TYPE_CHECKING:
    from llama_index.core.base.llms.types import ChatMessage
    from llama_index.core.llms.llm import ToolSelection
    from llama_index.core.tools.types import BaseTool

__all__ = [
    "parse_tool_arguments",
    "resolve_tool_choice",
    "to_tool_spec",
    "to_tool_specs",
    "tool_selections",
    "tools_and_web_search",
]

_DEFAULT_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {"input": {"title": "input query string", "type": "string"}},
    "required": ["input"],
}
_SCHEMA_KEYS = ("type", "properties", "required", "definitions", "$defs")


@lru_cache(maxsize=256)
def _parameters_of(fn_schema: type | None) -> dict[str, Any]:
    # model_json_schema() costs tens of microseconds and agents re-send their tools every step.
    if fn_schema is None:
        return _DEFAULT_PARAMETERS
    schema = fn_schema.model_json_schema()  # type: ignore[attr-defined]
    return {k: v for k, v in schema.items() if k in _SCHEMA_KEYS}


def to_tool_spec(tool: BaseTool | ToolSpec | dict[str, Any]) -> ToolSpec:
    """A canonical tool from a LlamaIndex tool, an OpenAI-style tool dict, or a ToolSpec."""
    if isinstance(tool, ToolSpec):
        return tool
    if isinstance(tool, dict):
        function = tool.get("function", tool)
        return ToolSpec(
            name=function["name"],
            description=function.get("description") or "",
            parameters=function.get("parameters") or {"type": "object", "properties": {}},
            strict=function.get("strict"),
        )
    metadata = tool.metadata
    try:
        parameters = _parameters_of(metadata.fn_schema)
    except TypeError:  # an unhashable schema object: no caching
        parameters = metadata.get_parameters_dict()
    return ToolSpec(name=metadata.get_name(), description=metadata.description, parameters=parameters)


def to_tool_specs(tools: Sequence[BaseTool | ToolSpec | dict[str, Any]] | None) -> list[ToolSpec] | None:
    if not tools:
        return None
    return [to_tool_spec(t) for t in tools]


def resolve_tool_choice(choice: Any, tool_required: bool = False) -> ToolChoice | None:
    """Any tool_choice spelling (see `glm_core.options.parse_tool_choice`); without a choice,
    `tool_required` means "required"."""
    if choice is None:
        return "required" if tool_required else None
    return parse_tool_choice(choice)


def tools_and_web_search(
    tools: Sequence[BaseTool | ToolSpec | dict[str, Any]] | None,
) -> tuple[list[ToolSpec] | None, None]:
    """The converter `glm_core.options.apply_options` takes (LlamaIndex binds no built-in tools)."""
    return to_tool_specs(tools), None


# ---------------------------------------------------------------------------- partial JSON

_CLOSERS = {"{": "}", "[": "]"}


def _scan(text: str) -> tuple[list[str], bool, bool, list[int]]:
    """Open brackets (as closers), whether a string is open / ends in an escape, and cut points."""
    stack: list[str] = []
    cuts: list[int] = []
    in_string = escaped = False
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "{" or ch == "[":
            stack.append(_CLOSERS[ch])
            cuts.append(i + 1)
        elif ch == "}" or ch == "]":
            if not stack or stack.pop() != ch:
                stack.append("!")  # mismatched: not a JSON prefix
                break
        elif ch == ",":
            cuts.append(i)
    return stack, in_string, escaped, cuts


def _close(text: str) -> str | None:
    stack, in_string, escaped, _ = _scan(text)
    if "!" in stack:
        return None
    if in_string:
        text = (text[:-1] if escaped else text) + '"'
    return text + "".join(reversed(stack))


def _parse_prefix(text: str) -> Any:
    """Parse a JSON prefix: close it, and cut back member by member until it parses."""
    _, _, _, cuts = _scan(text)
    candidate = text
    for _ in range(len(cuts) + 1):
        closed = _close(candidate)
        if closed is None:
            return None
        try:
            return json.loads(closed)
        except ValueError:
            pass
        while cuts and cuts[-1] >= len(candidate):
            cuts.pop()
        if not cuts:
            return None
        candidate = text[: cuts.pop()]
    return None


def parse_tool_arguments(text: str | dict[str, Any] | None) -> dict[str, Any]:
    """Arguments as a dict: whole JSON, a streamed prefix of it, or {} when nothing parses.

    Not llama-index-core's `parse_partial_json`: that one reads `{"city": "Par` as
    `{"city": None}` and raises on `{"a": tr`; a streaming agent wants `{"city": "Par"}` and no error.
    """
    if text is None:
        return {}
    if isinstance(text, dict):
        return text
    if not text or text.isspace():
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        value = _parse_prefix(text)
    return value if isinstance(value, dict) else {}


# ---------------------------------------------------------------------------- tool calls out


def tool_selections(message: ChatMessage) -> list[ToolSelection]:
    """Every tool call in an assistant message (blocks first, then legacy additional_kwargs)."""
    from llama_index.core.base.llms.types import ToolCallBlock
    from llama_index.core.llms.llm import ToolSelection

    selections: list[ToolSelection] = []
    for position, block in enumerate(message.blocks):
        if type(block) is ToolCallBlock or isinstance(block, ToolCallBlock):
            selections.append(
                ToolSelection(
                    tool_id=block.tool_call_id or f"call_{position}",
                    tool_name=block.tool_name,
                    tool_kwargs=parse_tool_arguments(block.tool_kwargs),
                )
            )
    if selections:
        return selections
    for position, call in enumerate(message.additional_kwargs.get("tool_calls") or ()):
        if isinstance(call, dict):
            function = call.get("function") or {}
            call_id, name, arguments = call.get("id"), function.get("name"), function.get("arguments")
        else:  # an SDK object from another integration's history
            function = getattr(call, "function", None)
            call_id = getattr(call, "id", None)
            name = getattr(function, "name", None)
            arguments = getattr(function, "arguments", None)
        if not name:
            continue
        selections.append(
            ToolSelection(
                tool_id=call_id or f"call_{position}",
                tool_name=name,
                tool_kwargs=parse_tool_arguments(arguments),
            )
        )
    return selections
