"""What a validated request means for the answer: model echo, streaming, usage, thinking,
token budget and stop strings, read the way each provider reads them (providers.md §6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from glm_core.testing.facts import ProviderFacts
from glm_core.testing.model_facts import ServedModel, served_model
from glm_core.testing.model_rules import thinks
from glm_core.testing.shapes import Shape

__all__ = ["RequestContext", "build_context"]


@dataclass(slots=True)
class RequestContext:
    """The parts of a request that shape the answer."""

    facts: ProviderFacts
    body: dict[str, Any]
    model: str
    served: ServedModel
    stream: bool = False
    include_usage: bool = True
    thinking: bool = True
    show_reasoning: bool = True
    incremental_tools: bool = False
    budget: int | None = None
    stops: list[str] = field(default_factory=list)
    path: str = ""
    shape: Shape = field(default_factory=Shape)


def _enable_thinking_kwarg(body: dict[str, Any]) -> bool:
    kwargs = body.get("chat_template_kwargs")
    if isinstance(kwargs, dict) and kwargs.get("enable_thinking") is False:
        return False
    return True


def _zai_thinking(body: dict[str, Any]) -> bool:
    thinking = body.get("thinking")
    return not (isinstance(thinking, dict) and thinking.get("type") == "disabled")


def _effort(body: dict[str, Any]) -> Any:
    """The reasoning_effort asked for, wherever the provider's body puts it."""
    for holder in (body, body.get("reasoning"), body.get("chat_template_kwargs")):
        if isinstance(holder, dict):
            key = "effort" if holder is body.get("reasoning") else "reasoning_effort"
            if holder.get(key) is not None:
                return holder.get(key)
    return None


def _reasoningless(body: dict[str, Any], model: str, shape: Shape | None) -> bool:
    """GLM-5.3 at an effort the capture shows answering without reasoning (shapes.py)."""
    if shape is None or not shape.reasoningless_efforts:
        return False
    return model.rsplit("/", 1)[-1].startswith("glm-5.3") and _effort(body) in shape.reasoningless_efforts


def build_context(
    facts: ProviderFacts, body: dict[str, Any], model: str, path: str, shape: Shape | None = None
) -> RequestContext:
    """Read a validated body into a `RequestContext`.

    Example:
        >>> from glm_core.testing.facts import facts_for
        >>> ctx = build_context(facts_for("zai"), {"model": "glm-4.7", "thinking": {"type": "disabled"},
        ...                     "messages": []}, "glm-4.7", "/api/paas/v4/chat/completions")
        >>> ctx.thinking
        False
    """
    family = facts.family
    stream = body.get("stream") is True
    opts = body.get("stream_options")
    asked_usage = isinstance(opts, dict) and opts.get("include_usage") is True
    include_usage = facts.stream_usage == "always" or asked_usage

    show = True
    if family in ("zai", "aimlapi"):
        thinking = _zai_thinking(body)
    elif family == "empiriolabs":
        thinking = body.get("enable_thinking") is not False and _zai_thinking(body)
    elif family == "openrouter":
        reasoning = body.get("reasoning")
        thinking = not (isinstance(reasoning, dict) and reasoning.get("enabled") is False)
        show = not (isinstance(reasoning, dict) and reasoning.get("exclude") is True)
    else:  # cloudflare, vllm, sglang: the chat template switch
        thinking = _enable_thinking_kwarg(body)
    # A model that always thinks ignores the switch where it is not refused; effort none skips it.
    served = served_model(facts, model)
    thinking = thinks(facts, body, served, thinking) and not _reasoningless(body, model, shape)

    if facts.tool_args_stream == "incremental":
        incremental = True
    elif facts.tool_args_stream == "tool_stream":
        # Z.ai documents tool_stream for GLM-4.6 and later text models (model_facts: tool_stream).
        incremental = body.get("tool_stream") is True and served.tool_stream
    else:
        incremental = False

    budget: int | None = None
    for key in ("max_completion_tokens", "max_tokens"):
        value = body.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            budget = value
            break

    stop = body.get("stop")
    stops = (
        [stop]
        if isinstance(stop, str)
        else [s for s in stop if isinstance(s, str) and s]
        if isinstance(stop, list)
        else []
    )

    return RequestContext(
        facts=facts,
        body=body,
        model=model,
        served=served,
        stream=stream,
        include_usage=include_usage,
        thinking=thinking,
        show_reasoning=show,
        incremental_tools=incremental,
        budget=budget,
        stops=stops,
        path=path,
        shape=shape or Shape(),
    )
