"""The thinking rules of each model: `thinking` and `reasoning_effort` resolved before encoding.

One place decides what `thinking=True/False` and `reasoning_effort=...` mean for a model on a
provider, so the core client, ChatGLM and GLM behave the same (docs/providers-facts.md,
"Reasoning effort per provider"):

- `reasoning_effort` must be one of the seven level names, else an `InvalidRequestError` (a
  ValueError). The model's levels are the ones *this provider* takes for it
  (`model_profile(..., provider=...).effort_levels`: GLM-5.3 low / high / max on Z.ai, low /
  medium / high on Cloudflare, no `max` on OpenRouter, none on AI/ML API).
- A level the provider does not take is **mapped to the nearest one it takes** (a tie goes to the
  more thorough): `medium` on Z.ai's GLM-5.3 is sent as `high`, `max` on OpenRouter as `xhigh`.
  Providers alias levels the same way (Cloudflare's glm-5.3-flash, Z.ai's GLM-5.2), and a request
  stays valid when `fallbacks=` re-encodes it for another provider. `none` is not mapped: it
  switches thinking off, or, on a model that always thinks, is its cheapest level.
- On a model without levels on that provider only `"none"` is taken (thinking off): another level
  would do nothing, so it is refused, naming the provider.
- `thinking=False` on a model that always thinks (GLM-5.3, GLM-5.3-Flash: Z.ai answers 400/1210
  to `thinking.type=disabled`) is sent as the cheapest level the provider takes.
- Contradictions (`thinking=False` with `reasoning_effort="high"`) are refused.
- An id outside every family (`known=False`) is sent as asked: the provider's answer decides.

Example:
    >>> from glm_core.types import ChatRequest, UserMessage
    >>> from glm_core.providers import get_provider
    >>> from glm_core.models import model_profile
    >>> request = ChatRequest("glm-5.3", [UserMessage("Hi")], thinking=False)
    >>> apply_thinking_rules(request, get_provider("zai"), model_profile("glm-5.3")).reasoning_effort
    'low'
    >>> request = ChatRequest("glm-5.3", [UserMessage("Hi")], reasoning_effort="max")
    >>> profile = model_profile("glm-5.3", provider="openrouter")
    >>> apply_thinking_rules(request, get_provider("openrouter"), profile).reasoning_effort
    'xhigh'
"""

from __future__ import annotations

from dataclasses import replace

from glm_core.errors import InvalidRequestError
from glm_core.models import EFFORT_LEVELS, EffortLevel, ModelProfile
from glm_core.providers import ProviderProfile
from glm_core.types import ChatRequest

__all__ = ["apply_thinking_rules", "check_reasoning_effort", "nearest_level", "with_default_effort"]


def _fail(provider: ProviderProfile, message: str) -> InvalidRequestError:
    return InvalidRequestError(f"{provider.id}: {message}", provider=provider.id)


def nearest_level(effort: EffortLevel, levels: tuple[EffortLevel, ...]) -> EffortLevel:
    """The level of `levels` closest to `effort` in the order none ... max (a tie: the higher).

    Example:
        >>> nearest_level("medium", ("low", "high", "max")), nearest_level("max", ("low", "medium", "high"))
        ('high', 'high')
    """
    if effort in levels:
        return effort
    rank = EFFORT_LEVELS.index(effort)
    return min(levels, key=lambda level: (abs(EFFORT_LEVELS.index(level) - rank), -EFFORT_LEVELS.index(level)))


def check_reasoning_effort(effort: str | None, model: ModelProfile, provider: ProviderProfile) -> None:
    """Raise `InvalidRequestError` unless `effort` can be sent for `model` on `provider` (None
    always can; a level the provider lacks is mapped, see the module docstring).

    Example:
        >>> from glm_core.models import model_profile
        >>> from glm_core.providers import get_provider
        >>> check_reasoning_effort("high", model_profile("glm-4.7", provider="zai"), get_provider("zai"))
        Traceback (most recent call last):
        ...
        glm_core.errors.InvalidRequestError: zai: reasoning_effort='high' is not supported by glm-4.7 on Z.ai: ...
    """
    if effort is None:
        return
    if effort not in EFFORT_LEVELS:
        raise _fail(provider, f"reasoning_effort={effort!r} is not a level; use one of {', '.join(EFFORT_LEVELS)}")
    if not model.known or model.effort_levels or effort == "none":
        return
    if provider.id in model.effort_by_provider:
        hint = f"{provider.name}'s request schema has no reasoning_effort for it"
    else:
        hint = "it has no effort levels (Z.ai has them from GLM-5.2 on)"
    raise _fail(
        provider,
        f"reasoning_effort={effort!r} is not supported by {model.id} on {provider.name}: {hint}; use "
        "thinking=True/False, or reasoning_effort='none' to switch thinking off",
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
    """`request` with thinking / reasoning_effort as `model` on `provider` takes them (`model`:
    the provider's view, `model_profile(id, provider=...)`); raises for what it refuses."""
    thinking, effort = request.thinking, request.reasoning_effort
    if thinking is None and effort is None:
        return request
    check_reasoning_effort(effort, model, provider)
    if thinking is True and effort == "none":
        raise _fail(provider, "thinking=True contradicts reasoning_effort='none'; pass one of them")
    if not model.known:
        return request  # sent as asked: the provider decides
    if model.thinking == "none":
        if thinking or effort not in (None, "none"):
            raise _fail(provider, f"{model.id} does not think; leave thinking and reasoning_effort unset")
        return replace(request, thinking=None, reasoning_effort=None)
    levels = model.effort_levels
    if effort == "none" and "none" not in levels:
        if not model.always_thinks:
            return replace(request, thinking=False, reasoning_effort=None)
        thinking, effort = False, None  # the cheapest level, below
    if thinking is False:
        if not model.always_thinks:
            if effort not in (None, "none"):
                raise _fail(provider, f"thinking=False contradicts reasoning_effort={effort!r}; pass one of them")
            return request
        if not levels:
            raise _fail(
                provider,
                f"{model.id} always thinks, and {provider.name} takes no reasoning_effort for it, so its thinking "
                "cannot be lowered there; leave thinking unset",
            )
        cheapest = levels[0]
        if effort is not None and nearest_level(effort, levels) != cheapest:
            raise _fail(
                provider,
                f"thinking=False contradicts reasoning_effort={effort!r}; {model.id} always thinks and "
                f"thinking=False means its cheapest level on {provider.name}, {cheapest!r}",
            )
        return replace(request, thinking=None, reasoning_effort=cheapest)
    if effort is not None and effort not in levels:
        return replace(request, reasoning_effort=nearest_level(effort, levels))
    return request
