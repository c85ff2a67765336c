"""What each model refuses, enforced by the emulator from its own facts (`model_facts.py`).

The provider facts (`facts.py`) say which ids a provider serves; `model_facts.served_model` says
what each of them accepts there. Z.ai's behaviour (ZAI-OAS; models-2026.md §2.1, §2.4):

- `thinking: {"type": "disabled"}` on a model that always thinks (GLM-5.3, GLM-5.3-Flash) is a
  400 / 1210 "This model always engages in thinking and cannot be disabled; please use low, high,
  or max" on the standard bases (BigModel in Chinese); the coding plan accepts it and still thinks.
- `reasoning_effort` a model's levels lack (GLM-5.3: none, minimal, medium, xhigh) is the same 1210
  on the standard bases (observed, OBS-LLMGW), accepted on the coding plan; models without levels
  accept and ignore it (observed 200 on glm-4.7-flash).
- `max_tokens` above the model's output limit, and a prompt longer than its context window
  (1261 "Prompt exceeds max length"), are refused.
Other providers refuse the same in their own error shapes: Cloudflare and OpenRouter the levels
outside a model's list, OpenRouter a switched-off reasoning where it is mandatory (GLM-5.3);
vLLM/SGLang check prompt + max_tokens against the context window, as a vLLM server started with
`--max-model-len` does, and render whatever level the chat template makes of it.

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

from glm_core.testing.errors import WireError, provider_error
from glm_core.testing.facts import ProviderFacts
from glm_core.testing.model_facts import EFFORT_NAMES, ServedModel, served_model
from glm_core.testing.plan import prompt_tokens

__all__ = ["ALWAYS_THINKS_EN", "ALWAYS_THINKS_ZH", "check_model_rules", "requested_effort", "thinks"]

# Observed on api.z.ai / open.bigmodel.cn (HERMES #85890, #96373).
ALWAYS_THINKS_EN = "This model always engages in thinking and cannot be disabled; please use low, high, or max"
ALWAYS_THINKS_ZH = "该模型始终思考，不支持关闭思考；请使用 low、high 或 max。"  # noqa: RUF001
# OpenRouter's answer where reasoning is mandatory (observed on openai/gpt-5, CIRISAgent PR #769).
MANDATORY_REASONING = "Reasoning is mandatory for this endpoint and cannot be disabled."


def requested_effort(facts: ProviderFacts, body: dict[str, Any]) -> Any:
    """The reasoning_effort a body asks for, read where the provider reads it."""
    if facts.family == "openrouter":
        reasoning = body.get("reasoning")
        return reasoning.get("effort") if isinstance(reasoning, dict) else None
    if facts.family in ("vllm", "sglang"):
        kwargs = body.get("chat_template_kwargs")
        return kwargs.get("reasoning_effort") if isinstance(kwargs, dict) else None
    return body.get("reasoning_effort")


def thinks(facts: ProviderFacts, body: dict[str, Any], model: ServedModel, switched_on: bool) -> bool:
    """Whether the answer carries reasoning, given the provider's switch (`switched_on`)."""
    if model.thinking == "none":
        return False
    effort = requested_effort(facts, body)
    if effort in model.effort_skips_thinking:
        return False
    return switched_on or model.thinking == "always"


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


def _switched_off(facts: ProviderFacts, body: dict[str, Any]) -> bool:
    thinking = body.get("thinking")
    if isinstance(thinking, dict) and thinking.get("type") == "disabled":
        return True
    reasoning = body.get("reasoning")
    if facts.family == "openrouter" and isinstance(reasoning, dict):
        return reasoning.get("enabled") is False or reasoning.get("effort") == "none"
    return False


def _check_effort(facts: ProviderFacts, body: dict[str, Any], model: ServedModel, path: str) -> None:
    if model.refuses_disabled and _switched_off(facts, body):
        if facts.family == "openrouter":
            raise _refuse(facts, MANDATORY_REASONING)
        message = ALWAYS_THINKS_ZH if facts.id == "bigmodel" else ALWAYS_THINKS_EN
        raise _refuse(facts, "thinking cannot be disabled on this model", zai_message=message, path=path)
    effort = requested_effort(facts, body)
    if effort is not None and effort not in EFFORT_NAMES and facts.family not in ("vllm", "sglang"):
        # vLLM/SGLang pass chat_template_kwargs to the template as they are.
        raise _refuse(facts, f"reasoning_effort {effort!r} is not one of {', '.join(EFFORT_NAMES)}", path=path)
    if effort is None or model.effort is None or effort in model.effort or effort in model.effort_aliases:
        return
    detail = f"reasoning_effort {effort!r} is not supported by {model.name}; supported: {', '.join(model.effort)}"
    always = ALWAYS_THINKS_ZH if facts.id == "bigmodel" else ALWAYS_THINKS_EN
    raise _refuse(facts, detail, zai_message=always if model.thinking == "always" else None, path=path)


def check_model_rules(facts: ProviderFacts, body: dict[str, Any], model_id: str, *, path: str = "") -> None:
    """Raise the provider's `WireError` for what `model_id` refuses (see the module docstring)."""
    model = served_model(facts, model_id)
    _check_effort(facts, body, model, path)

    limit = model.max_output
    for key in ("max_tokens", "max_completion_tokens"):
        value = body.get(key)
        # Z.ai and EmpirioLabs check the output limit; the vLLM-backed servers check the window
        # below; OpenRouter and AI/ML API clamp (not documented: UNCERTAIN_CHOICES).
        if facts.family in ("zai", "empiriolabs") and isinstance(value, int) and value > limit:
            raise _refuse(facts, f"{key} {value} is above the model's limit; valid range [1,{limit}]", path=path)

    prompt = prompt_tokens(body.get("messages"))
    window = model.context_window
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
