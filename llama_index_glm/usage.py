"""Token usage in the shapes LlamaIndex reads.

`TokenCountingHandler` reads `raw["usage"]` (prompt_tokens / completion_tokens) and, only when that
is missing, `ChatResponse.additional_kwargs`; OpenAI-family integrations fill both, so we do too.

Example:
    >>> usage_kwargs(Usage(input_tokens=3, output_tokens=5, total_tokens=8))
    {'prompt_tokens': 3, 'completion_tokens': 5, 'total_tokens': 8}
"""

from __future__ import annotations

from typing import Any

from glm_core.types import Usage

__all__ = ["raw_with_usage", "usage_kwargs", "usage_wire"]


def usage_kwargs(usage: Usage | None) -> dict[str, Any]:
    """`ChatResponse.additional_kwargs` for a usage: the three OpenAI counts, plus details if known."""
    if usage is None:
        return {}
    kwargs: dict[str, Any] = {
        "prompt_tokens": usage.input_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens,
    }
    if usage.reasoning_tokens is not None:
        kwargs["reasoning_tokens"] = usage.reasoning_tokens
    if usage.cached_tokens is not None:
        kwargs["cached_tokens"] = usage.cached_tokens
    return kwargs


def usage_wire(usage: Usage) -> dict[str, Any]:
    """The provider's usage object, or an OpenAI-shaped one if the provider's is unknown."""
    if usage.raw is not None and "prompt_tokens" in usage.raw:
        return usage.raw
    return {
        "prompt_tokens": usage.input_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens,
    }


def raw_with_usage(raw: dict[str, Any] | None, usage: Usage | None) -> dict[str, Any] | None:
    """`raw` with a `usage` entry TokenCountingHandler can read (a copy only if one is needed)."""
    if usage is None:
        return raw
    if raw is not None:
        current = raw.get("usage")
        if isinstance(current, dict) and "prompt_tokens" in current:
            return raw
        return {**raw, "usage": usage_wire(usage)}
    return {"usage": usage_wire(usage)}
