"""Non-streamed answers in each provider's shape (providers.md §1.7, §2.3, §3, §4, §5).

- Z.ai family: `id == request_id`, `object`, `reasoning_content`, usage with cached/reasoning
  token details, top-level `web_search`.
- AI/ML API: the Z.ai body plus `meta.usage.credits_used`.
- EmpirioLabs: OpenAI shape with `reasoning_content`.
- Cloudflare / vLLM: the vLLM completion, both `reasoning` and `reasoning_content`, null content
  when empty; Cloudflare adds float `neurons` (and native wraps it in the envelope, emulator.py).
- SGLang: `reasoning_content`, `matched_stop`, usage `reasoning_tokens`.
- OpenRouter: `reasoning` + `reasoning_details`, `native_finish_reason`, `provider`, `usage.cost`.
"""

from __future__ import annotations

from typing import Any

from glm_core.testing.context import RequestContext
from glm_core.testing.plan import Plan

__all__ = ["reasoning_details", "render_body", "usage_object"]


def usage_object(ctx: RequestContext, plan: Plan) -> dict[str, Any]:
    """The provider's usage object (a scripted `Reply.usage` replaces it as is)."""
    if plan.usage_override is not None:
        return plan.usage_override
    p, c, r = plan.prompt_tokens, plan.completion_tokens, plan.reasoning_tokens
    family = ctx.facts.family
    if family in ("zai", "aimlapi", "empiriolabs"):
        return {
            "prompt_tokens": p,
            "completion_tokens": c,
            "total_tokens": p + c,
            "prompt_tokens_details": {"cached_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": r},
        }
    if family == "cloudflare":
        return {
            "prompt_tokens": p,
            "completion_tokens": c,
            "total_tokens": p + c,
            "prompt_tokens_details": {"cached_tokens": 0},
            "neurons": round(p * 0.0055 + c * 0.0406, 6),
        }
    if family == "openrouter":
        return {
            "prompt_tokens": p,
            "completion_tokens": c,
            "total_tokens": p + c,
            "cost": round(p * 6e-7 + c * 2.2e-6, 9),
            "is_byok": False,
            "prompt_tokens_details": {"cached_tokens": 0},
            "cost_details": {"upstream_inference_cost": None},
            "completion_tokens_details": {"reasoning_tokens": r},
        }
    usage: dict[str, Any] = {
        "prompt_tokens": p,
        "total_tokens": p + c,
        "completion_tokens": c,
        "prompt_tokens_details": None,
    }
    if family == "sglang":
        usage["reasoning_tokens"] = r
    return usage


def reasoning_details(text: str) -> list[dict[str, Any]]:
    """OpenRouter's `reasoning_details` for a piece of reasoning text."""
    return [{"type": "reasoning.text", "text": text, "format": "unknown", "index": 0}]


def _tool_calls(plan: Plan, with_index: bool) -> list[dict[str, Any]]:
    out = []
    for i, call in enumerate(plan.tool_calls):
        entry: dict[str, Any] = {"id": call.id, "type": "function"}
        if with_index:
            entry["index"] = i
        entry["function"] = {"name": call.name, "arguments": call.arguments}
        out.append(entry)
    return out


def render_body(ctx: RequestContext, plan: Plan, rid: str, created: int) -> dict[str, Any]:
    """The non-streamed JSON body (before Cloudflare's native envelope)."""
    family = ctx.facts.family
    reasoning = plan.reasoning if ctx.show_reasoning else None
    content: str | None = plan.content
    if not content and ctx.facts.empty_content_null:
        content = None
    fr = plan.finish_reason

    if family in ("zai", "aimlapi", "empiriolabs"):
        msg: dict[str, Any] = {"role": "assistant", "content": content}
        if reasoning is not None:
            msg["reasoning_content"] = reasoning
        if plan.tool_calls:
            msg["tool_calls"] = _tool_calls(plan, with_index=True)
        body: dict[str, Any] = {"id": rid}
        if family != "empiriolabs":
            body["request_id"] = rid
        body.update(
            created=created,
            model=ctx.model,
            object="chat.completion",
            choices=[{"index": 0, "finish_reason": fr, "message": msg}],
            usage=usage_object(ctx, plan),
        )
        if plan.web_search is not None:
            body["web_search"] = plan.web_search
        if family == "aimlapi":
            body["meta"] = {"usage": {"credits_used": plan.prompt_tokens * 2 + plan.completion_tokens * 8}}
        return body

    if family == "openrouter":
        msg = {"role": "assistant", "content": content, "refusal": None, "reasoning": reasoning}
        if reasoning is not None:
            msg["reasoning_details"] = reasoning_details(reasoning)
        if plan.tool_calls:
            msg["tool_calls"] = _tool_calls(plan, with_index=True)
        return {
            "id": rid,
            "provider": "Z.AI",
            "model": ctx.model,
            "object": "chat.completion",
            "created": created,
            "choices": [
                {"logprobs": None, "finish_reason": fr, "native_finish_reason": fr, "index": 0, "message": msg}
            ],
            "usage": usage_object(ctx, plan),
        }

    if family == "sglang":
        msg = {
            "role": "assistant",
            "content": content,
            "reasoning_content": reasoning,
            "tool_calls": _tool_calls(plan, with_index=True) or None,
        }
        choice: dict[str, Any] = {
            "index": 0,
            "message": msg,
            "logprobs": None,
            "finish_reason": fr,
            "matched_stop": None,
        }
        return {
            "id": rid,
            "object": "chat.completion",
            "created": created,
            "model": ctx.model,
            "choices": [choice],
            "usage": usage_object(ctx, plan),
        }

    # cloudflare and vllm: the vLLM chat.completion
    msg = {
        "role": "assistant",
        "content": content,
        "refusal": None,
        "annotations": None,
        "audio": None,
        "function_call": None,
        "tool_calls": _tool_calls(plan, with_index=False),
        "reasoning": reasoning,
        "reasoning_content": reasoning,
    }
    return {
        "id": rid,
        "object": "chat.completion",
        "created": created,
        "model": ctx.model,
        "choices": [
            {"index": 0, "message": msg, "logprobs": None, "finish_reason": fr, "stop_reason": None, "token_ids": None}
        ],
        "service_tier": None,
        "system_fingerprint": None,
        "usage": usage_object(ctx, plan),
        "prompt_logprobs": None,
        "prompt_token_ids": None,
        "kv_transfer_params": None,
    }
