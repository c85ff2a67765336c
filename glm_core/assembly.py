"""Assembles stream chunks into one `ChatResponse`.

Tool calls are accumulated by `index`, whatever way the provider splits them: a whole call in one
delta (Z.ai without tool_stream), id+name first and argument fragments after (tool_stream,
OpenRouter, vLLM), arguments before the name (some Workers AI models), or a final delta that
repeats the whole arguments, with the id (vLLM #44098) or with explicit nulls for id, type and name
(vLLM 0.19 with MTP, vllm#42167).

Which call a delta belongs to: its `index` when the provider sends one (a digit string counts),
except that a new `id` at an index that already has a call starts a new call (servers that send
every call whole at index 0); with no index, its `id` (a new id is a new call, a known id that
call), and with neither, the call before it. Each delta is then rewritten to what it added: its
`index` to the call's position, and its id, name and arguments to what is new (a repeated name or
id becomes None, a resent whole call only its unseen tail), so everything downstream (LangChain's
chunk merging, LlamaIndex's blocks) adds the deltas up as they are, with no tracker of its own.

Calls to a tool whose schema can hold an object or an array (`fix`, `glm_core.arguments`) pass
their argument text through an `ArgumentFixer`: it goes on as it comes, except a string where the
schema wants an object or an array, held until it ends and passed on as the JSON it holds (what
was passed downstream cannot be taken back). A call's text waits until its name is known (some
servers send arguments first); `release` gives what is still held when the stream has ended.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from glm_core.arguments import ArgumentFixer, ToolSchemas
from glm_core.types import ChatChunk, ChatResponse, ToolCall, ToolCallDelta, Usage

__all__ = ["StreamAssembler"]


@dataclass(slots=True)
class _PendingCall:
    id: str | None = None
    index: int | None = None  # the provider's, when it sent one
    name: str | None = None
    parts: list[str] = field(default_factory=list)
    # Argument fixing (glm_core.arguments): decided once the name is known; text that came before.
    decided: bool = False
    fixer: ArgumentFixer | None = None
    backlog: list[str] = field(default_factory=list)


def _repeats(pending: _PendingCall, delta: ToolCallDelta) -> bool:
    """Whether `delta`'s arguments are the call's whole arguments again rather than a fragment.

    They start with everything received so far, and either repeat the call's id, or (vLLM sends
    the repeat with a null id) form a whole JSON value where appending them would not: a true
    fragment cannot begin with the whole text before it and still make the arguments parse.
    """
    so_far = "".join(pending.parts)
    if not delta.arguments.startswith(so_far):
        return False
    if delta.id is not None and delta.id == pending.id:
        return True
    return _parses(delta.arguments) and not _parses(so_far + delta.arguments)


def _parses(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


class StreamAssembler:
    """Feed it every chunk with `add`; `response()` gives what has arrived so far."""

    __slots__ = (
        "_by_id",
        "_by_index",
        "_calls",
        "_content",
        "_fix",
        "_reasoning",
        "events",
        "finish_reason",
        "id",
        "model",
        "provider",
        "usage",
        "web_search",
    )

    def __init__(self, provider: str | None = None, fix: ToolSchemas | None = None) -> None:
        self.provider = provider
        self._fix = fix
        self._content: list[str] = []
        self._reasoning: list[str] = []
        self._calls: list[_PendingCall] = []
        self._by_index: dict[int, int] = {}  # the provider's index -> position in _calls
        self._by_id: dict[str, int] = {}
        self.finish_reason: str | None = None
        self.usage: Usage | None = None
        self.web_search: list[dict[str, Any]] | None = None
        self.model: str | None = None
        self.id: str | None = None
        self.events = 0

    def add(self, chunk: ChatChunk) -> None:
        self.events += 1
        if chunk.content:
            self._content.append(chunk.content)
        if chunk.reasoning:
            self._reasoning.append(chunk.reasoning)
        if chunk.tool_calls:
            for delta in chunk.tool_calls:
                self._add_call(delta)
        if chunk.finish_reason:
            self.finish_reason = chunk.finish_reason
        if chunk.usage is not None:
            # Some servers repeat cumulative usage on every chunk: the last one is the total.
            self.usage = chunk.usage
        if chunk.web_search:
            self.web_search = chunk.web_search
        if self.model is None and chunk.model:
            self.model = chunk.model
        if self.id is None and chunk.id:
            self.id = chunk.id

    def _add_call(self, delta: ToolCallDelta) -> None:
        """Fold `delta` into its call, then rewrite it (in place) to what it added."""
        pending = self._call_for(delta)
        new_id = delta.id if delta.id and not pending.id else None
        new_name = delta.name if delta.name and not pending.name else None
        added = delta.arguments
        if added:
            if pending.parts and _repeats(pending, delta):
                # A repeat of the whole call (vllm#44098, #42167), not a fragment: keep it once.
                so_far = "".join(pending.parts)
                pending.parts = [added]
                added = added[len(so_far) :]
            else:
                pending.parts.append(added)
        if new_id:
            pending.id = new_id
        if new_name:
            pending.name = new_name
        # Downstream (the adapters' chunks) sees each id, name and argument byte once.
        delta.id, delta.name, delta.arguments = new_id, new_name, added
        if self._fix is not None:
            delta.arguments = self._fixed(pending, added)

    def _fixed(self, pending: _PendingCall, added: str) -> str:
        """What of `added` goes downstream, once the call's tool says whether it needs fixing."""
        if not pending.decided:
            if pending.name is None:
                pending.backlog.append(added)  # the name decides: wait for it
                return ""
            assert self._fix is not None
            pending.decided, pending.fixer = True, self._fix.fixer(pending.name)
            if pending.backlog:
                added, pending.backlog = "".join(pending.backlog) + added, []
        return pending.fixer.feed(added) if pending.fixer is not None and added else added

    def release(self) -> ChatChunk | None:
        """What the fixers still hold when the stream has ended (a string cut short, text of a
        call whose name never came), one delta per call; None when nothing is held."""
        deltas = []
        for position, call in enumerate(self._calls):
            held = call.fixer.close() if call.fixer is not None else "".join(call.backlog)
            call.backlog = []
            if held:
                deltas.append(ToolCallDelta(index=position, arguments=held))
        return ChatChunk(tool_calls=deltas) if deltas else None

    def _call_for(self, delta: ToolCallDelta) -> _PendingCall:
        """The call `delta` continues, or a new one; sets `delta.index` to that call's position."""
        calls, position = self._calls, None
        if delta.index is not None:
            position = self._by_index.get(delta.index)
            if position is not None and delta.id and calls[position].id and calls[position].id != delta.id:
                position = None  # another call at a taken index
            elif position is None and not delta.id and calls and calls[-1].index is None:
                position = len(calls) - 1  # the call began without an index; this fragment names it
        elif delta.id:
            position = self._by_id.get(delta.id)
        elif calls:
            position = len(calls) - 1
        if position is None:
            position = len(calls)
            calls.append(_PendingCall())
        if delta.index is not None:
            self._by_index[delta.index] = position
            calls[position].index = delta.index
        if delta.id:
            self._by_id.setdefault(delta.id, position)
        delta.index = position
        return calls[position]

    def tool_calls(self) -> list[ToolCall]:
        return [
            ToolCall(id=call.id or f"call_{position}", name=call.name or "", arguments="".join(call.parts))
            for position, call in enumerate(self._calls)
        ]

    @property
    def content(self) -> str:
        return "".join(self._content)

    def response(self) -> ChatResponse:
        reasoning = "".join(self._reasoning)
        return ChatResponse(
            content=self.content,
            reasoning=reasoning or None,
            tool_calls=self.tool_calls(),
            finish_reason=self.finish_reason,
            usage=self.usage,
            web_search=self.web_search,
            model=self.model,
            id=self.id,
            provider=self.provider,
        )
