"""Streamed answers (SSE frames) in each provider's shape (providers.md §1.8, §2.4, §5).

Order: reasoning deltas, content deltas, tool-call deltas, the finish chunk, usage, `[DONE]`.
- Z.ai-derived (Z.ai, AI/ML, EmpirioLabs): `role` on each reasoning/content delta, no
  `finish_reason` key before the last chunk, usage (and `web_search`) on the finish chunk;
  tool calls whole in one delta unless incremental (`tool_stream`).
- vLLM / Cloudflare / SGLang: a first `{"role":"assistant","content":""}` delta,
  `finish_reason: null` until the end, incremental tool arguments, usage as a last chunk with
  `choices: []` and only with `stream_options.include_usage`.
- OpenRouter: `reasoning` + `reasoning_details` deltas, `native_finish_reason`, usage always in a
  last `choices: []` chunk (the `: OPENROUTER PROCESSING` comments are added by emulator.py).
"""

from __future__ import annotations

import json
from typing import Any

from glm_core.testing.context import RequestContext
from glm_core.testing.logprobs import token_logprobs
from glm_core.testing.plan import Plan
from glm_core.testing.render_body import reasoning_details, usage_object
from glm_core.testing.workers_ai import dress_workers_ai_stream, serves_glm_5_3

__all__ = ["DONE", "frame", "render_stream"]

DONE = b"data: [DONE]\n\n"
# The stop token id vLLM reported for a GLM-5.1 tool call (`stop_reason: 154829`, vllm#42167).
_GLM_OBSERVATION_TOKEN = 154829


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def frame(payload: dict[str, Any]) -> bytes:
    """One SSE `data:` frame."""
    return b"data: " + _dumps(payload).encode() + b"\n\n"


def _pieces(text: str, size: int) -> list[str]:
    size = max(1, size)
    return [text[i : i + size] for i in range(0, len(text), size)]


def _fragments(arguments: str, count: int) -> list[str]:
    if not arguments:
        return []
    size = max(1, -(-len(arguments) // max(1, count)))
    return _pieces(arguments, size)


def _stream_usage(usage: dict[str, Any] | None, details: bool) -> dict[str, Any] | None:
    if usage is None or details or "completion_tokens_details" not in usage:
        return usage
    return {k: v for k, v in usage.items() if k != "completion_tokens_details"}


def render_stream(ctx: RequestContext, plan: Plan, rid: str, created: int) -> list[bytes]:
    """Every SSE frame of the answer, ending with `data: [DONE]` (dressed as `ctx.shape` says)."""
    family = ctx.facts.family
    shape = ctx.shape
    zai_like = family in ("zai", "aimlapi", "empiriolabs")
    openrouter = family == "openrouter"

    # The fields every chunk repeats are encoded once; each frame only adds its choices.
    if openrouter:
        head_obj: dict[str, Any] = {
            "id": rid,
            "provider": "Z.AI",
            "model": ctx.model,
            "object": "chat.completion.chunk",
            "created": created,
        }
    elif zai_like:
        head_obj = {"id": rid, "created": created, "object": "chat.completion.chunk", "model": ctx.model}
    else:
        head_obj = {"id": rid, "object": "chat.completion.chunk", "created": created, "model": ctx.model}
    if not shape.chunk_object:
        del head_obj["object"]
    head = b"data: " + _dumps(head_obj)[:-1].encode() + b',"choices":'

    def emit(choices: list[dict[str, Any]], extra: dict[str, Any] | None = None) -> bytes:
        tail = b"," + _dumps(extra)[1:].encode() if extra else b"}"
        return head + _dumps(choices).encode() + tail + b"\n\n"

    if zai_like:

        def choice(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            out: dict[str, Any] = {"index": 0, "delta": delta}
            if finish is not None:
                out["finish_reason"] = finish
            return out
    elif openrouter:

        def choice(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {
                "index": 0,
                "delta": delta,
                "finish_reason": finish,
                "native_finish_reason": finish,
                "logprobs": None,
            }
    elif shape.vllm_null_fields:

        def choice(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish, "token_ids": None}
    else:

        def choice(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}

    frames: list[bytes] = []
    if not zai_like and not openrouter:
        first_delta: dict[str, Any] = {"role": "assistant", "content": ""}
        if shape.vllm_null_fields:
            first_delta["reasoning_content"] = None
        frames.append(emit([choice(first_delta)], {"prompt_token_ids": None} if shape.vllm_null_fields else None))
    if shape.leading_newline:
        frames.append(emit([choice({"role": "assistant", "content": "\n"})]))

    reasoning = plan.reasoning if ctx.show_reasoning else None
    if reasoning:
        for piece in _pieces(reasoning, plan.chunk_size):
            if zai_like:
                delta: dict[str, Any] = {"role": "assistant", "reasoning_content": piece}
            elif openrouter:
                delta = {"role": "assistant", "content": "", "reasoning": piece}
                if shape.reasoning_details:
                    delta["reasoning_details"] = reasoning_details(piece)
            elif family == "sglang":
                delta = {"reasoning_content": piece}
            else:
                delta = {"reasoning": piece, "reasoning_content": piece}
            frames.append(emit([choice(delta)]))

    if plan.content:
        pieces = [plan.content] if plan.single_content_event else _pieces(plan.content, plan.chunk_size)
        for piece in pieces:
            delta = {"role": "assistant", "content": piece} if zai_like or openrouter else {"content": piece}
            if shape.vllm_null_fields:
                delta["reasoning_content"] = None
            content_choice = choice(delta)
            if plan.logprobs is not None:
                content_choice["logprobs"] = {"content": token_logprobs(piece, plan.logprobs)}
            frames.append(emit([content_choice]))

    fr = plan.finish_reason
    role: dict[str, Any] = {"role": "assistant", "content": ""} if openrouter else {}
    mode = _tool_mode(ctx)
    # vLLM's finish chunk repeating the whole arguments (shapes.py); its own renderers elsewhere.
    cumulative = shape.cumulative_final_arguments and mode == "fragmented" and family in ("vllm", "cloudflare")
    whole = [
        {"id": c.id, "index": i, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
        for i, c in enumerate(plan.tool_calls)
    ]
    on_delta = fr if shape.finish_on_tool_deltas else None
    if plan.tool_calls and mode == "together":
        frames.append(emit([choice({**role, "tool_calls": whole}, on_delta)]))
    elif plan.tool_calls and mode == "one_per_delta":
        for call in whole:
            frames.append(emit([choice({**role, "tool_calls": [call]}, on_delta)]))
    elif plan.tool_calls and mode == "fragmented":
        for i, c in enumerate(plan.tool_calls):
            first = {"index": i, "id": c.id, "type": "function", "function": {"name": c.name, "arguments": ""}}
            frames.append(emit([choice({**role, "tool_calls": [first]})]))
            frags = _fragments(c.arguments, plan.fragments)
            if cumulative and len(frags) > 1:
                frags = frags[:-1]  # the last piece only comes inside the final repeat (vllm#42167)
            for frag in frags:
                part: dict[str, Any] = {"index": i, "function": {"arguments": frag}}
                if shape.fragment_ids:
                    part = {"index": i, "id": c.id, "function": {"arguments": frag}}
                frames.append(emit([choice({**role, "tool_calls": [part]})]))
    in_finish = {"tool_calls": whole} if plan.tool_calls and mode == "in_finish_event" else {}

    usage = _stream_usage(usage_object(ctx, plan), shape.usage_details) if ctx.include_usage else None
    placement = shape.usage_event
    if placement == "provider":
        placement = "finish" if zai_like else "separate"
    extra: dict[str, Any] = {}
    if usage is not None and placement == "finish":
        extra["usage"] = usage
    if zai_like:
        if plan.web_search is not None:
            extra["web_search"] = plan.web_search
        last = {"index": 0, "finish_reason": fr, "delta": {"role": "assistant", "content": "", **in_finish}}
    elif openrouter:
        last = {
            "index": 0,
            "delta": {"role": "assistant", "content": "", **in_finish},
            "finish_reason": fr,
            "native_finish_reason": fr,
            "logprobs": None,
        }
    elif family == "sglang":
        last = {"index": 0, "delta": {**in_finish}, "logprobs": None, "finish_reason": fr, "matched_stop": None}
    else:
        last = {
            "index": 0,
            "delta": {"content": "", **in_finish},
            "logprobs": None,
            "finish_reason": fr,
            "stop_reason": None,
        }
        if shape.vllm_null_fields:
            last["token_ids"] = None
        if cumulative and plan.tool_calls:
            # vllm#42167: the whole arguments again, with explicit nulls, and the stop token's id.
            last["delta"] = {
                "tool_calls": [
                    {"id": None, "type": None, "index": i, "function": {"name": None, "arguments": c.arguments}}
                    for i, c in enumerate(plan.tool_calls)
                ]
            }
            last["stop_reason"] = _GLM_OBSERVATION_TOKEN
    frames.append(emit([last], extra or None))
    if usage is not None and placement == "separate":
        frames.append(emit([], {"usage": usage}))
    elif usage is not None and placement == "separate_null_finish":
        frames.append(emit([choice({"role": "assistant", "content": ""}) | {"finish_reason": None}], {"usage": usage}))
    frames.append(DONE)
    if family == "cloudflare" and _workers_ai_dress(ctx):
        frames = dress_workers_ai_stream(frames, usage_object(ctx, plan))
    return frames


def _workers_ai_dress(ctx: RequestContext) -> bool:
    """Whether to dress a Cloudflare stream as the captured Workers AI GLM-5.3 stream (shapes.py)."""
    choice = ctx.shape.workers_ai_stream
    if choice == "provider":
        return ctx.facts.id == "cloudflare" and serves_glm_5_3(ctx.model)
    return choice == "on"


def _tool_mode(ctx: RequestContext) -> str:
    """How tool calls are cut into deltas: the shape's choice, the provider's when "provider"."""
    mode = ctx.shape.tool_deltas
    # tool_stream=true asks the Z.ai family for fragments: the request wins over a whole-call shape.
    asked_fragments = ctx.facts.tool_args_stream == "tool_stream" and ctx.incremental_tools
    if mode == "provider" or (asked_fragments and mode in ("together", "one_per_delta")):
        return "fragmented" if ctx.incremental_tools else "together"
    return mode
