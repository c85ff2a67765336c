"""What each model refuses, enforced by the emulator from the same catalogue the client reads.

The provider facts (`facts.py`) say which ids a provider serves; the model catalogue
(`glm_core.models`) says what each of them accepts. Z.ai's behaviour (models-2026.md §2.1, §2.4):

- `thinking: {"type": "disabled"}` on a model that always thinks (GLM-5.3, GLM-5.3-Flash) is a
  400 / 1210 "This model always engages in thinking and cannot be disabled; please use low, high,
  or max" on the standard bases (BigModel in Chinese); the coding plan accepts it and still thinks.
- `reasoning_effort` outside the seven levels is a 1210; a level the model lacks (GLM-5.3:
  medium) is a 1210 on the standard bases, accepted on the coding plan; models without levels
  accept and ignore it (observed 200 on glm-4.7-flash).
- `max_tokens` above the model's output limit, and a prompt longer than its context window
  (1261 "Prompt exceeds max length"), are refused.
Other providers refuse the same limits in their own error shapes; vLLM/SGLang check prompt +
max_tokens against the context window, as a vLLM server started with `--max-model-len` does.

Example:
    >>> from glm_core.testing.facts import facts_for
    >>> check_model_rules(facts_for("zai"), {"model": "glm-5.3", "thinking": {"type": "disabled"},
    ...                   "messages": []}, "glm-5.3")
    Traceback (most recent call last):
    ...
    glm_core.testing.errors.WireError: ...
"""

from __future__ import annotations

from typing import Any

from glm_core.models import EFFORT_LEVELS, ModelProfile, model_profile
from glm_core.testing.errors import WireError, provider_error
from glm_core.testing.facts import ProviderFacts
from glm_core.testing.plan import prompt_tokens

__all__ = ["ALWAYS_THINKS_EN", "ALWAYS_THINKS_ZH", "check_model_rules", "served_profile", "thinks"]

# Observed on api.z.ai / open.bigmodel.cn (HERMES #85890, #96373).
ALWAYS_THINKS_EN = "This model always engages in thinking and cannot be disabled; please use low, high, or max"
ALWAYS_THINKS_ZH = "该模型始终思考，不支持关闭思考；请使用 low、high 或 max。"  # noqa: RUF001


def served_profile(facts: ProviderFacts, model: str) -> ModelProfile:
    """The catalogue facts of a served id ("@cf/zai-org/glm-5.2", "z-ai/glm-5.3", "glm-5-1")."""
    return model_profile(model, provider=facts.id)


def _effort(facts: ProviderFacts, body: dict[str, Any]) -> Any:
    if facts.family == "openrouter":
        reasoning = body.get("reasoning")
        return reasoning.get("effort") if isinstance(reasoning, dict) else None
    if facts.family in ("vllm", "sglang"):
        kwargs = body.get("chat_template_kwargs")
        return kwargs.get("reasoning_effort") if isinstance(kwargs, dict) else None
    return body.get("reasoning_effort")


def thinks(facts: ProviderFacts, body: dict[str, Any], model: str, switched_on: bool) -> bool:
    """Whether the answer carries reasoning, given the provider's switch (`switched_on`)."""
    profile = served_profile(facts, model)
    if profile.thinking == "none":
        return False
    effort = _effort(facts, body)
    if effort in ("none", "minimal") and profile.effort_levels:
        return False  # GLM-5.2: none / minimal skip thinking; coding plan: GLM-5.3 too (PRIME #1565)
    return switched_on or profile.always_thinks


def _refuse(
    facts: ProviderFacts,
    detail: str,
    *,
    zai_code: str = "1210",
    zai_message: str | None = None,
    status: int = 400,
    path: str = "",
) -> WireError:
    if facts.family == "zai":
        return provider_error(facts, code=zai_code, message=zai_message, detail=detail)
    if facts.family == "cloudflare":
        return provider_error(facts, code=5006, field=detail, detail=detail)
    if facts.family == "aimlapi":
        return provider_error(facts, 400, message="Body validation error!", path=path, detail=detail)
    return provider_error(facts, status, message=detail, param=None, detail=detail)


def check_model_rules(facts: ProviderFacts, body: dict[str, Any], model: str, *, path: str = "") -> None:
    """Raise the provider's `WireError` for what `model` refuses (see the module docstring)."""
    profile = served_profile(facts, model)
    coding = facts.id == "zai_coding"

    thinking = body.get("thinking")
    if (
        facts.family == "zai"
        and not coding
        and profile.always_thinks
        and isinstance(thinking, dict)
        and thinking.get("type") == "disabled"
    ):
        message = ALWAYS_THINKS_ZH if facts.id == "bigmodel" else ALWAYS_THINKS_EN
        raise _refuse(facts, "thinking cannot be disabled on this model", zai_message=message)

    effort = _effort(facts, body)
    if effort is not None:
        if effort not in EFFORT_LEVELS:
            raise _refuse(facts, f"reasoning_effort {effort!r} is not one of {', '.join(EFFORT_LEVELS)}", path=path)
        if profile.effort_levels and effort not in profile.effort_levels and facts.family == "zai" and not coding:
            raise _refuse(
                facts,
                f"reasoning_effort {effort!r} is not supported by {profile.family}; "
                f"supported: {', '.join(profile.effort_levels)}",
            )

    limit = profile.max_output_tokens
    for key in ("max_tokens", "max_completion_tokens"):
        value = body.get(key)
        # Z.ai and EmpirioLabs check the output limit; the vLLM-backed servers check the window
        # below; OpenRouter and AI/ML API clamp (not documented: UNCERTAIN_CHOICES).
        if facts.family in ("zai", "empiriolabs") and isinstance(value, int) and value > limit:
            raise _refuse(facts, f"{key} {value} is above the model's limit; valid range [1,{limit}]", path=path)

    prompt = prompt_tokens(body.get("messages"))
    window = profile.context_window
    if facts.family in ("vllm", "sglang", "cloudflare"):
        asked = body.get("max_completion_tokens") or body.get("max_tokens") or 0
        if isinstance(asked, int) and prompt + asked > window:
            raise _refuse(
                facts,
                f"This model's maximum context length is {window} tokens. However, you requested "
                f"{prompt + asked} tokens ({prompt} in the messages, {asked} in the completion). "
                "Please reduce the length of the messages or completion.",
            )
    elif prompt > window:
        raise _refuse(
            facts, f"the prompt ({prompt} tokens) exceeds the context window ({window})", zai_code="1261", path=path
        )
