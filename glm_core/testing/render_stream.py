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
from glm_core.testing.plan import Plan
from glm_core.testing.render_body import reasoning_details, usage_object

__all__ = ["DONE", "frame", "render_stream"]

DONE = b"data: [DONE]\n\n"


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


def render_stream(ctx: RequestContext, plan: Plan, rid: str, created: int) -> list[bytes]:
    """Every SSE frame of the answer, ending with `data: [DONE]`."""
    family = ctx.facts.family
    zai_like = family in ("zai", "aimlapi", "empiriolabs")
    openrouter = family == "openrouter"

    # The fields every chunk repeats are encoded once; each frame only adds its choices.
    if openrouter:
        head_obj: dict[str, Any] = {"id": rid, "provider": "Z.AI", "model": ctx.model,
                                    "object": "chat.completion.chunk", "created": created}
    elif zai_like:
        head_obj = {"id": rid, "created": created, "object": "chat.completion.chunk", "model": ctx.model}
    else:
        head_obj = {"id": rid, "object": "chat.completion.chunk", "created": created, "model": ctx.model}
    head = b"data: " + _dumps(head_obj)[:-1].encode() + b',"choices":'

    def emit(choices: list[dict[str, Any]], extra: dict[str, Any] | None = None) -> bytes:
        tail = b"," + _dumps(extra)[1:].encode() if extra else b"}"
        return head + _dumps(choices).encode() + tail + b"\n\n"

    if zai_like:
        def choice(delta: dict[str, Any]) -> dict[str, Any]:
            return {"index": 0, "delta": delta}
    elif openrouter:
        def choice(delta: dict[str, Any]) -> dict[str, Any]:
            return {"index": 0, "delta": delta, "finish_reason": None, "native_finish_reason": None,
                    "logprobs": None}
    else:
        def choice(delta: dict[str, Any]) -> dict[str, Any]:
            return {"index": 0, "delta": delta, "logprobs": None, "finish_reason": None}

    frames: list[bytes] = []
    if not zai_like and not openrouter:
        frames.append(emit([choice({"role": "assistant", "content": ""})]))

    reasoning = plan.reasoning if ctx.show_reasoning else None
    if reasoning:
        for piece in _pieces(reasoning, plan.chunk_size):
            if zai_like:
                delta: dict[str, Any] = {"role": "assistant", "reasoning_content": piece}
            elif openrouter:
                delta = {"role": "assistant", "content": "", "reasoning": piece,
                         "reasoning_details": reasoning_details(piece)}
            elif family == "sglang":
                delta = {"reasoning_content": piece}
            else:
                delta = {"reasoning": piece, "reasoning_content": piece}
            frames.append(emit([choice(delta)]))

    if plan.content:
        pieces = [plan.content] if plan.single_content_event else _pieces(plan.content, plan.chunk_size)
        for piece in pieces:
            delta = {"role": "assistant", "content": piece} if zai_like or openrouter else {"content": piece}
            frames.append(emit([choice(delta)]))

    if plan.tool_calls:
        role: dict[str, Any] = {"role": "assistant", "content": ""} if openrouter else {}
        if not ctx.incremental_tools:
            calls = [
                {"id": c.id, "index": i, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                for i, c in enumerate(plan.tool_calls)
            ]
            frames.append(emit([choice({**role, "tool_calls": calls})]))
        else:
            for i, c in enumerate(plan.tool_calls):
                first = {"index": i, "id": c.id, "type": "function", "function": {"name": c.name, "arguments": ""}}
                frames.append(emit([choice({**role, "tool_calls": [first]})]))
                for frag in _fragments(c.arguments, plan.fragments):
                    part = {"index": i, "function": {"arguments": frag}}
                    frames.append(emit([choice({**role, "tool_calls": [part]})]))

    fr = plan.finish_reason
    usage = usage_object(ctx, plan) if ctx.include_usage else None
    if zai_like:
        extra: dict[str, Any] = {}
        if usage is not None:
            extra["usage"] = usage
        if plan.web_search is not None:
            extra["web_search"] = plan.web_search
        frames.append(emit([{"index": 0, "finish_reason": fr, "delta": {"role": "assistant", "content": ""}}],
                           extra or None))
    else:
        if openrouter:
            last = {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": fr,
                    "native_finish_reason": fr, "logprobs": None}
        elif family == "sglang":
            last = {"index": 0, "delta": {}, "logprobs": None, "finish_reason": fr, "matched_stop": None}
        else:
            last = {"index": 0, "delta": {"content": ""}, "logprobs": None, "finish_reason": fr, "stop_reason": None}
        frames.append(emit([last]))
        if usage is not None:
            frames.append(emit([], {"usage": usage}))
    frames.append(DONE)
    return frames
