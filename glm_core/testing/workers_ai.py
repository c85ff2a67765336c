"""Workers AI's GLM-5.3 stream as captured (real-traffic.md §3.7, `@cf/zai-org/glm-5.3-flash`
via `env.AI.run`, the 2026-10-03 incident), dressed over the ordinary Cloudflare chunks.

What the capture shows, and this module adds:
- chunk, choice and delta keys in alphabetical order (`choices, created, id, model, object, p,
  usage`), no `stop_reason`;
- `p`: a random padding field of varying length on every chunk (a side-channel guard);
- `matched_stop: null` on every choice (an SGLang field: the backend is SGLang, *inferred*);
- deltas carry `reasoning_content` (never `reasoning`), the first one `"reasoning_content": null`;
- the running usage, with float `neurons`, on every chunk;
- after the finish chunk, a `choices: []` chunk whose usage has `neurons: 0`, then a native
  `{"response": "", "usage": {...}}` chunk with no `choices` at all, then `data: [DONE]`.
The padding is pseudo-random but fixed per chunk position, so answers stay reproducible.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["dress_workers_ai_stream", "serves_glm_5_3"]

_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
_PADDING_LENGTHS = (50, 6, 3, 1, 17, 29, 9, 41, 2, 12)


def serves_glm_5_3(model: str) -> bool:
    """The captured stream is GLM-5.3-Flash's; GLM-5.3 is served the same way (*inferred*)."""
    return model.rsplit("/", 1)[-1].startswith("glm-5.3")


def _padding(position: int) -> str:
    length = _PADDING_LENGTHS[position % len(_PADDING_LENGTHS)]
    seed = 2166136261 ^ position
    out = []
    for _ in range(length):
        seed = (seed * 16777619 + 12345) % 2**32
        out.append(_ALPHABET[seed % len(_ALPHABET)])
    return "".join(out)


def _sorted(value: dict[str, Any]) -> dict[str, Any]:
    return {key: value[key] for key in sorted(value)}


def _dumps(value: dict[str, Any]) -> bytes:
    # Chunk, choice and delta keys in alphabetical order, as captured (usage keeps its own order).
    return json.dumps(_sorted(value), ensure_ascii=False, separators=(",", ":")).encode()


def _running(usage: dict[str, Any], done: int, total: int) -> dict[str, Any]:
    completion = usage["completion_tokens"] * done // max(total, 1)
    prompt = usage["prompt_tokens"]
    neurons = usage.get("neurons", 0.0) * (prompt + completion) / max(prompt + usage["completion_tokens"], 1)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": 0},
        "neurons": neurons,
    }


def dress_workers_ai_stream(frames: list[bytes], usage: dict[str, Any]) -> list[bytes]:
    """The Cloudflare stream `frames` (ending in `data: [DONE]`) in the captured §3.7 shape;
    `usage` is the answer's final usage object (with `neurons`)."""
    events: list[dict[str, Any]] = []
    for frame in frames[:-1]:
        payload = json.loads(frame[len(b"data: ") :])
        if payload.get("choices"):  # the ordinary usage chunk is replaced below
            events.append(payload)
    out = []
    for position, event in enumerate(events):
        for i, choice in enumerate(event["choices"]):
            choice["matched_stop"] = None
            choice.pop("stop_reason", None)
            delta = choice["delta"]
            if "reasoning" in delta:
                delta["reasoning_content"] = delta.pop("reasoning")
            if position == 0:
                delta.setdefault("reasoning_content", None)
            choice["delta"] = _sorted(delta)
            event["choices"][i] = _sorted(choice)
        event["p"] = _padding(position)
        event["usage"] = _running(usage, position, len(events) - 1)
        out.append(b"data: " + _dumps(event) + b"\n\n")
    last = events[-1]
    tail = {key: last[key] for key in ("created", "id", "model", "object")}
    closing = {**tail, "choices": [], "p": _padding(len(events)), "usage": {**usage, "neurons": 0}}
    out.append(b"data: " + _dumps(closing) + b"\n\n")
    out.append(b"data: " + _dumps({"response": "", "usage": usage}) + b"\n\n")
    out.append(frames[-1])
    return out
