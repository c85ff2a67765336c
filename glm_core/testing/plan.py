"""A provider-neutral answer (`Plan`) that the renderers turn into each provider's wire shape.

Both the rules brain and a scripted `Reply` end up here, so every provider renders the same
answer the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from glm_core.testing.script import Reply
from glm_core.testing.text import message_text, tokens

__all__ = ["DEFAULT_CHUNK_SIZE", "DEFAULT_FRAGMENTS", "Plan", "PlannedCall", "plan_from_reply", "prompt_tokens"]

DEFAULT_CHUNK_SIZE = 20
DEFAULT_FRAGMENTS = 3


@dataclass(slots=True)
class PlannedCall:
    """One tool call: id (None = the provider's format), name, arguments as a JSON string."""

    name: str
    arguments: str
    id: str | None = None


@dataclass(slots=True)
class Plan:
    """What the assistant says, before it is dressed in a provider's shape."""

    content: str
    reasoning: str | None
    tool_calls: list[PlannedCall]
    finish_reason: str
    prompt_tokens: int
    completion_tokens: int
    reasoning_tokens: int
    usage_override: dict[str, Any] | None = None
    web_search: list[dict[str, Any]] | None = None
    chunk_size: int = DEFAULT_CHUNK_SIZE
    fragments: int = DEFAULT_FRAGMENTS
    # huge_event: the whole content goes out as one delta.
    single_content_event: bool = False
    # Asked for with logprobs=true (and served): the top_logprobs count; None: no logprobs.
    logprobs: int | None = None
    n: int = 1  # answers to render (choices), where the provider honours `n`
    extra: dict[str, Any] = field(default_factory=dict)


def prompt_tokens(messages: Any) -> int:
    """ceil(chars/4) of every message's text, plus 3 per message (documented, deterministic)."""
    if not isinstance(messages, list):
        return 0
    total = 0
    for m in messages:
        if isinstance(m, dict):
            total += tokens(message_text(m.get("content"))) + 3
    return total


def completion_tokens(content: str, reasoning: str | None, calls: list[PlannedCall]) -> int:
    return tokens(content) + tokens(reasoning) + sum(tokens(c.name) + tokens(c.arguments) for c in calls)


def _arguments(value: dict[str, Any] | str) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def plan_from_reply(reply: Reply, prompt: int) -> Plan:
    """A scripted `Reply`, taken literally; finish_reason and usage derived when not given."""
    calls = [PlannedCall(tc.name, _arguments(tc.arguments), tc.id) for tc in reply.tool_calls]
    finish = reply.finish_reason or ("tool_calls" if calls else "stop")
    return Plan(
        content=reply.content,
        reasoning=reply.reasoning,
        tool_calls=calls,
        finish_reason=finish,
        prompt_tokens=prompt,
        completion_tokens=completion_tokens(reply.content, reply.reasoning, calls),
        reasoning_tokens=tokens(reply.reasoning),
        usage_override=reply.usage,
        web_search=reply.web_search,
        chunk_size=reply.chunk_size or DEFAULT_CHUNK_SIZE,
        fragments=reply.tool_stream_fragments or DEFAULT_FRAGMENTS,
    )
