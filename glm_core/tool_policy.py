"""Tool-call policies both adapters apply the same way.

- One call only (`parallel_tool_calls=False`): providers without the switch (the Z.ai family,
  EmpirioLabs) are not sent it; the answer keeps its first call instead, streamed or not (what
  OpenAI's LlamaIndex integration does). Where the switch is sent, trimming changes nothing.
- Tool names we choose (structured output): a schema's title ("Person Info", "人物") is not a
  valid function name on any provider (`^[a-zA-Z0-9_-]{1,64}$`); `safe_tool_name` makes one.

Example:
    >>> safe_tool_name("Person Info")
    'Person_Info'
    >>> safe_tool_name("人物")
    'structured_output'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from glm_core.types import ChatRequest, ChatResponse, ToolCallDelta

__all__ = ["FirstCallOnly", "first_call_only", "keep_first_call", "restore_tool_name", "safe_tool_name"]

_NOT_ALLOWED = re.compile(r"[^a-zA-Z0-9_-]+")
_VALID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_FALLBACK = "structured_output"


def safe_tool_name(name: str) -> str:
    """A function name every provider accepts, as close to `name` as possible (deterministic)."""
    if _VALID.match(name):
        return name
    cleaned = _NOT_ALLOWED.sub("_", name).strip("_")[:64]
    return cleaned if re.search(r"[a-zA-Z0-9]", cleaned) else _FALLBACK


def restore_tool_name(wire_name: str, names: Iterable[str]) -> str:
    """The user's tool name a wire name stands for (`wire_name` itself when none matches)."""
    names = list(names)
    if wire_name in names:
        return wire_name
    return next((n for n in names if safe_tool_name(n) == wire_name), wire_name)


def keep_first_call(response: ChatResponse) -> None:
    """Drop every tool call after the first (in place)."""
    if len(response.tool_calls) > 1:
        del response.tool_calls[1:]


class FirstCallOnly:
    """Filters stream deltas down to the first tool call (its index; a new id there is a new call).

    Example:
        >>> keep = FirstCallOnly()
        >>> [d.index for d in keep.deltas([ToolCallDelta(0, "a"), ToolCallDelta(1, "b")]) or ()]
        [0]
    """

    __slots__ = ("_closed", "_id", "_index")

    def __init__(self) -> None:
        self._index: int | None = None
        self._id: str | None = None
        self._closed = False

    def deltas(self, deltas: list[ToolCallDelta]) -> list[ToolCallDelta] | None:
        """The deltas that belong to the first call (None when none does)."""
        kept = []
        for delta in deltas:
            if self._closed:
                break
            if self._index is None:
                self._index, self._id = delta.index, delta.id
            elif delta.index != self._index or (delta.id and self._id and delta.id != self._id):
                self._closed = True  # a second call has started: nothing after it belongs to the first
                break
            elif delta.id and self._id is None:
                self._id = delta.id
            kept.append(delta)
        return kept or None


def first_call_only(request: ChatRequest) -> FirstCallOnly | None:
    """A stream filter when the request allows one call only, else None."""
    return FirstCallOnly() if request.parallel_tool_calls is False else None
