"""The thinking rules of each model: `thinking` and `reasoning_effort` resolved before encoding.

One place decides what `thinking=True/False` and `reasoning_effort=...` mean for a model, so the
core client, ChatGLM and GLM behave the same (docs/providers-facts.md, "Z.ai and Zhipu BigModel"):

- `reasoning_effort` must be one of the model's levels (GLM-5.3: low / high / max; GLM-5.2: all
  seven; older models: none), else an `InvalidRequestError` (a ValueError) naming the allowed
  levels. On a model without levels, `"none"` means `thinking=False`.
- `thinking=False` on a model that always thinks (GLM-5.3, GLM-5.3-Flash: Z.ai answers 400/1210
  to `thinking.type=disabled`) is sent as the cheapest level, `reasoning_effort="low"`.
- Contradictions (`thinking=False` with `reasoning_effort="high"`) are refused.

Example:
    >>> from glm_core.types import ChatRequest, UserMessage
    >>> from glm_core.providers import get_provider
    >>> from glm_core.models import model_profile
    >>> request = ChatRequest("glm-5.3", [UserMessage("Hi")], thinking=False)
    >>> apply_thinking_rules(request, get_provider("zai"), model_profile("glm-5.3")).reasoning_effort
    'low'
"""

from __future__ import annotations

from dataclasses import replace

from glm_core.errors import InvalidRequestError
from glm_core.models import EFFORT_LEVELS, EffortLevel, ModelProfile
from glm_core.providers import ProviderProfile
from glm_core.types import ChatRequest

__all__ = ["apply_thinking_rules", "check_reasoning_effort", "with_default_effort"]


def _fail(provider: ProviderProfile, message: str) -> InvalidRequestError:
    return InvalidRequestError(f"{provider.id}: {message}", provider=provider.id)


def check_reasoning_effort(effort: str | None, model: ModelProfile, provider: ProviderProfile) -> None:
    """Raise `InvalidRequestError` unless `effort` is valid for `model` (None always is).

    Example:
        >>> from glm_core.models import model_profile
        >>> from glm_core.providers import get_provider
        >>> check_reasoning_effort("medium", model_profile("glm-5.3"), get_provider("zai"))
        Traceback (most recent call last):
        ...
        glm_core.errors.InvalidRequestError: zai: reasoning_effort='medium' is not supported by glm-5.3; ...
    """
    if effort is None:
        return
    if effort not in EFFORT_LEVELS:
        raise _fail(provider, f"reasoning_effort={effort!r} is not a level; use one of {', '.join(EFFORT_LEVELS)}")
    levels = model.effort_levels
    if not levels:
        if effort != "none":
            raise _fail(
                provider,
                f"reasoning_effort={effort!r} is not supported by {model.id}: it has no effort levels "
                "(Z.ai has them from GLM-5.2 on); use thinking=True/False, or reasoning_effort='none' "
                "to switch thinking off",
            )
        return
    if effort not in levels:
        hint = f" (or thinking=False for the cheapest, {levels[0]})" if model.always_thinks else ""
        raise _fail(
            provider,
            f"reasoning_effort={effort!r} is not supported by {model.id}; use one of {', '.join(levels)}{hint}",
        )


def with_default_effort(request: ChatRequest, effort: EffortLevel | None) -> ChatRequest:
    """`request` with a default `effort` (a client's or model's constructor setting), unless the
    request sets its own level or switches thinking off: a call's `thinking=False` wins over a
    default level instead of contradicting it.

    Example:
        >>> from glm_core.types import ChatRequest, UserMessage
        >>> with_default_effort(ChatRequest("glm-5.3", [UserMessage("Hi")]), "high").reasoning_effort
        'high'
        >>> with_default_effort(ChatRequest("glm-5.3", [], thinking=False), "high").reasoning_effort is None
        True
    """
    if effort is None or request.reasoning_effort is not None or request.thinking is False:
        return request
    return replace(request, reasoning_effort=effort)


def apply_thinking_rules(request: ChatRequest, provider: ProviderProfile, model: ModelProfile) -> ChatRequest:
    """`request` with thinking / reasoning_effort as `model` takes them; raises for what it refuses."""
    thinking, effort = request.thinking, request.reasoning_effort
    if thinking is None and effort is None:
        return request
    check_reasoning_effort(effort, model, provider)
    if thinking is True and effort == "none":
        raise _fail(provider, "thinking=True contradicts reasoning_effort='none'; pass one of them")
    if model.thinking == "none":
        if thinking or effort not in (None, "none"):
            raise _fail(provider, f"{model.id} does not think; leave thinking and reasoning_effort unset")
        return replace(request, thinking=None, reasoning_effort=None)
    if effort == "none" and not model.effort_levels:
        return replace(request, thinking=False, reasoning_effort=None)
    if thinking is False:
        if model.always_thinks:
            cheapest = model.effort_levels[0] if model.effort_levels else None
            if effort not in (None, cheapest):
                raise _fail(
                    provider,
                    f"thinking=False contradicts reasoning_effort={effort!r}; {model.id} always thinks and "
                    f"thinking=False means its cheapest level, {cheapest!r}",
                )
            return replace(request, thinking=None, reasoning_effort=cheapest)
        if effort not in (None, "none"):
            raise _fail(provider, f"thinking=False contradicts reasoning_effort={effort!r}; pass one of them")
    return request
