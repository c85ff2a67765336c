"""Wire-shape variants seen in real GLM traffic (shared/reference/real-traffic.md).

A `Shape` says how an answer is dressed beyond what providers.md documents: where usage goes,
whether stream chunks carry `object`, how tool calls are cut into deltas, what content type a
stream is sent with, whitespace before an OpenRouter body, the flat Z.ai error body. Each
provider has a default (`DEFAULT_SHAPES`), on where the capture shows it is the provider's normal
behaviour; an `Emulator(shape=...)` or a scripted `Reply(shape=...)` picks another. Overrides are
given as keyword dicts or whole `Shape`s.

Captured defaults:
- Z.ai (PAYG): GLM-5.3 / GLM-5.3-Flash at `reasoning_effort` low or high answer with no
  reasoning at all (pydantic-ai cassettes, 2026-08-30).
- Z.ai, coding plan: stream chunks without `object`; `finish_reason: "tool_calls"` on every
  tool-call delta (each a whole call) and again on the finish chunk; streamed usage without
  `completion_tokens_details`; content type `text/event-stream;charset=UTF-8` (fantasy 2025-09).
- BigModel: usage in its own `choices: []` event after the finish event (octollm 2026-02).
- OpenRouter (Z.AI upstream): no `: OPENROUTER PROCESSING` comment lines, each whole call in its
  own delta with a finish reason, usage in a `choices: []` event, 3 whitespace keep-alive lines
  before a non-streamed body, bare `text/event-stream` (fantasy 2026-03).
- Cloudflare native route, GLM-5.3 models: the Workers AI stream of the 2026-10-03 incident
  (real-traffic.md §3.7, `workers_ai_stream`).
- vLLM (GLM-5.1 with MTP, the recipe's setup): the finish chunk repeats each call's whole
  arguments with null id/type/name and an integer `stop_reason`; `token_ids`,
  `reasoning_content` and `prompt_token_ids` sent as explicit nulls (vllm#42167, PR #31220).
`OPENROUTER_UPSTREAMS` holds the other upstreams' shapes (BaseTen, Novita/DeepInfra).

Example:
    >>> from glm_core.testing import Emulator, Reply
    >>> emu = Emulator("openrouter", shape=OPENROUTER_UPSTREAMS["BaseTen"])
    >>> emu.queue(Reply(content="Hi", shape={"usage_event": "finish"}))
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Literal

from glm_core.testing.stringified import StringifiedArguments

__all__ = [
    "DEFAULT_SHAPES",
    "OPENROUTER_UPSTREAMS",
    "SHAPE_UNCERTAIN_CHOICES",
    "Shape",
    "ShapeOverride",
    "resolve_shape",
]

ToolDeltas = Literal["provider", "together", "one_per_delta", "fragmented", "in_finish_event"]
UsageEvent = Literal["provider", "finish", "separate", "separate_null_finish"]
WorkersAIStream = Literal["provider", "on", "off"]


@dataclass(frozen=True, slots=True)
class Shape:
    """How an answer is dressed on the wire ("provider" keeps the documented behaviour).

    - `chunk_object`: stream chunks carry `"object": "chat.completion.chunk"`.
    - `leading_newline`: a `"\\n"` content delta before the reasoning (Z.ai glm-4.5, coding plan).
    - `tool_deltas`: "together" (all calls whole in one delta), "one_per_delta" (each call whole,
      in its own delta), "fragmented" (id and name first, arguments in pieces, by index),
      "in_finish_event" (the whole calls only in the event that carries the finish reason).
    - `finish_on_tool_deltas`: every tool-call delta also carries `finish_reason: "tool_calls"`.
    - `fragment_ids`: with "fragmented", every fragment repeats its call's id (assembly must not
      assume the id comes only in the first fragment, real-traffic.md).
    - `usage_event`: "finish" (usage on the finish chunk), "separate" (its own `choices: []`
      event), "separate_null_finish" (its own event with `choices: [{..., "finish_reason": null}]`).
    - `usage_details`: streamed usage has `completion_tokens_details`.
    - `reasoning_details`: OpenRouter reasoning deltas also carry `reasoning_details`.
    - `comment_lines`: OpenRouter's `: OPENROUTER PROCESSING` SSE comments before the first event.
    - `body_keepalive_lines`: whitespace lines before a non-streamed body (OpenRouter: 3-12).
    - `sse_content_type`: the stream's content type as sent (None: the provider's).
    - `flat_errors`: Z.ai error bodies without the `error` wrapper (`{"code", "message"}`).
    - `cumulative_final_arguments`: with fragmented tool calls, the chunk carrying the finish
      reason repeats each call's whole arguments, with explicit `"id": null, "type": null,
      "name": null` and an integer `stop_reason` (a token id): vLLM 0.19 serving GLM-5.1 with
      MTP (vllm#42167; vllm-ascend#8327).
    - `vllm_null_fields`: vLLM's extra keys as it sends them: `"token_ids": null` on every
      choice, `"reasoning_content": null` on content deltas, a top-level `"prompt_token_ids":
      null` on the first chunk (vllm PR #31220, GLM-4.7-FP8; vllm#42167).
    - `workers_ai_stream`: Cloudflare streams dressed as Workers AI's GLM-5.3-Flash stream was
      captured (`glm_core.testing.workers_ai`: `p` padding, `matched_stop`, usage with `neurons`
      on every chunk, a `choices: []` chunk, then a native `{"response": "", "usage"}` chunk
      without choices). "provider": on for GLM-5.3 models on the native `/ai/run` route (the
      capture, 2026-10-03); "on" / "off" force it on either Cloudflare route.
    - `reasoningless_efforts`: the `reasoning_effort` levels at which GLM-5.3 and GLM-5.3-Flash
      (always thinking) answer without any reasoning: no `reasoning_content` key, and
      `reasoning_tokens: 0` (Z.ai PAYG, pydantic-ai cassettes of 2026-08-30: low and high).
    - `stringified_arguments`: GLM-5.2 / GLM-5.3 writing object or array arguments as strings of
      JSON (`glm_core.testing.stringified`): "refs" (a property whose schema is a `$ref`, as
      reported), "all" (every object or array argument), "off"; "provider": "refs" on Z.ai, the
      coding plan, BigModel and vLLM, "off" elsewhere.
    - `empty_after_reasoning`: the model reasons, then stops (`finish_reason: "stop"`) with no
      text and no tool call: "thinking ate the answer" as GLM-5 users report it (user reports
      #14: mistralai/client-python#628, oh-my-openagent#980). The budget case needs no shape: a
      small `max_tokens` is spent on reasoning by the rules (`finish_reason: "length"`).
    """

    chunk_object: bool = True
    leading_newline: bool = False
    tool_deltas: ToolDeltas = "provider"
    finish_on_tool_deltas: bool = False
    fragment_ids: bool = False
    usage_event: UsageEvent = "provider"
    usage_details: bool = True
    reasoning_details: bool = True
    comment_lines: bool = False
    body_keepalive_lines: int = 0
    sse_content_type: str | None = None
    flat_errors: bool = False
    cumulative_final_arguments: bool = False
    vllm_null_fields: bool = False
    workers_ai_stream: WorkersAIStream = "provider"
    reasoningless_efforts: tuple[str, ...] = ()
    stringified_arguments: StringifiedArguments = "provider"
    empty_after_reasoning: bool = False


ShapeOverride = Shape | dict[str, Any]

_ZAI = Shape(chunk_object=False, tool_deltas="one_per_delta", finish_on_tool_deltas=True, usage_details=False)

DEFAULT_SHAPES: dict[str, Shape] = {
    # PAYG GLM-5.3 at low / high effort: no reasoning at all (real-traffic.md §3.1).
    "zai": replace(_ZAI, reasoningless_efforts=("low", "high")),
    "zai_coding": _ZAI,
    "bigmodel": Shape(usage_event="separate", usage_details=False),
    # GLM-5.x on vLLM as its recipe serves it (MTP on): vllm#42167, vllm PR #31220.
    "vllm": Shape(cumulative_final_arguments=True, vllm_null_fields=True),
    "openrouter": Shape(
        tool_deltas="one_per_delta", finish_on_tool_deltas=True, usage_event="separate", body_keepalive_lines=3
    ),
}

OPENROUTER_UPSTREAMS: dict[str, Shape] = {
    "Z.AI": DEFAULT_SHAPES["openrouter"],
    # glm-4.6 via BaseTen (2025-10): the whole call only in the finish event; the usage event
    # has a choice with finish_reason null; reasoning without reasoning_details.
    "BaseTen": Shape(
        tool_deltas="in_finish_event",
        usage_event="separate_null_finish",
        reasoning_details=False,
        body_keepalive_lines=12,
    ),
    # glm-4.6 via Novita / DeepInfra (2026-03): arguments fragmented by index.
    "Novita": Shape(tool_deltas="fragmented", usage_event="separate", body_keepalive_lines=5),
    "DeepInfra": Shape(tool_deltas="fragmented", usage_event="separate", body_keepalive_lines=5),
}

_FIELDS = frozenset(f.name for f in fields(Shape))


def resolve_shape(base: Shape, override: ShapeOverride | None) -> Shape:
    """`base` with `override` applied (a whole `Shape` replaces it; a dict changes named fields)."""
    if override is None:
        return base
    if isinstance(override, Shape):
        return override
    unknown = set(override) - _FIELDS
    if unknown:
        raise ValueError(f"unknown Shape fields {sorted(unknown)}; known: {sorted(_FIELDS)}")
    return replace(base, **override)


# Where a captured shape was generalised beyond what the capture shows (also in UNCERTAIN_CHOICES).
SHAPE_UNCERTAIN_CHOICES: tuple[str, ...] = (
    "Z.ai: GLM-5.3 / 5.3-Flash answer without reasoning at low and high effort whatever the prompt "
    "(the PAYG capture is a trivial prompt); the coding plan and BigModel keep reasoning (not observed).",
    "Z.ai: usage caps say when they reset in Beijing time (UTC+8), two hours ahead; 1316-1321 use the "
    "docs' '${next_flush_time}' wording, not an observed body.",
    "Z.ai / vLLM: GLM-5.2 / 5.3 stringify only top-level arguments whose property schema is a bare $ref "
    "(the reported case); other nestings are not observed.",
    "vLLM: the finish chunk repeats the whole arguments by default (the GLM-5.1 recipe serves with MTP); "
    "each call's last fragment then comes only inside the repeat, as in vllm#42167.",
    "Cloudflare: the Workers AI GLM-5.3 dressing (padding, per-chunk usage, native final chunk) is the "
    "default on the native route only; whether /ai/v1 sends the native final chunk is not observed.",
)
