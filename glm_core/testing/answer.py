"""From a routed, authenticated request body to the bytes of a successful answer.

Validation, the rules brain and rendering are pure functions of the body, so their result is
kept as a `Template`: the answer's bytes with markers where the per-request values go (response
id, `created`, tool-call ids). Answering the same body again only fills the markers, which keeps
the emulator's own cost per call in the low microseconds (benchmarks send the same body 10,000
times). Frames are joined with NUL, which JSON never contains unescaped, so one `replace` pass
fills every frame.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from glm_core.testing.brain import rules_answer
from glm_core.testing.context import build_context
from glm_core.testing.facts import ProviderFacts
from glm_core.testing.ids import response_id, tool_call_id
from glm_core.testing.logprobs import token_logprobs
from glm_core.testing.outcome import JSON, Outcome
from glm_core.testing.plan import Plan, completion_tokens, plan_from_reply, prompt_tokens
from glm_core.testing.render_body import render_body
from glm_core.testing.render_stream import render_stream
from glm_core.testing.script import Reply
from glm_core.testing.shapes import Shape, resolve_shape
from glm_core.testing.stringified import stringifies, stringify_arguments
from glm_core.testing.validate import validate

__all__ = ["MARKER", "Template", "build_template", "fill"]

MARKER = b"@@"  # bodies containing it are not cached, so a marker can never be user text
_RID = "@@RID@@"
_CREATED = "@@CREATED@@"
_OPENROUTER_STREAM_PRELUDE = b": OPENROUTER PROCESSING\n\n"
_KEEPALIVE_LINE = b"         \n"  # OpenRouter's whitespace keep-alive, as captured
_LOREM = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. "


@dataclass(frozen=True, slots=True)
class Template:
    """A rendered answer with markers for the per-request values."""

    stream: bool
    content_type: str
    blob: bytes
    call_ids: tuple[str | None, ...]  # None: generate an id in the provider's format
    fixed_rid: str | None


def make_huge(plan: Plan, size: int) -> None:
    """Turn the answer into `size` bytes of content sent as one event (the huge_event fault)."""
    # ASCII filler, so `size` characters are `size` bytes on the wire.
    plan.content = (_LOREM * (size // len(_LOREM) + 1))[:size]
    plan.tool_calls = []
    plan.finish_reason = "stop"
    plan.single_content_event = True
    plan.completion_tokens = completion_tokens(plan.content, plan.reasoning, [])


def build_template(
    facts: ProviderFacts,
    body: dict[str, Any],
    *,
    path_model: str | None,
    path: str,
    served_model: str,
    reply: Reply | None = None,
    huge: int | None = None,
    shape: Shape | None = None,
) -> Template:
    """Validate `body` (raising `WireError`), decide the answer and render it with markers."""
    model = validate(facts, body, path_model=path_model, served_model=served_model, path=path)
    shape = resolve_shape(shape or Shape(), reply.shape if reply is not None else None)
    ctx = build_context(facts, body, model, path, shape)
    prompt = prompt_tokens(body.get("messages"))
    plan = plan_from_reply(reply, prompt) if reply is not None else rules_answer(ctx, prompt)
    if huge is not None:
        make_huge(plan, huge)
    _stringify(facts, shape, model, body, plan)
    if shape.empty_after_reasoning and plan.reasoning:
        plan.content, plan.tool_calls, plan.finish_reason = "", [], "stop"
        plan.completion_tokens = completion_tokens("", plan.reasoning, [])
    _logprobs_and_n(facts, body, plan, reply)
    call_ids: list[str | None] = []
    for i, call in enumerate(plan.tool_calls):
        call_ids.append(call.id)
        call.id = f"@@TC{i}@@"
    request_id = body.get("request_id")
    fixed_rid = request_id if facts.family == "zai" and isinstance(request_id, str) else None

    created: Any = _CREATED
    if ctx.stream:
        frames = render_stream(ctx, plan, _RID, created)
        if shape.comment_lines:
            frames[0] = _OPENROUTER_STREAM_PRELUDE + frames[0]
        content_type = shape.sse_content_type or facts.sse_content_type
        return Template(True, content_type, b"\x00".join(frames), tuple(call_ids), fixed_rid)
    payload: dict[str, Any] = render_body(ctx, plan, _RID, created)
    _add_choices(payload, plan)
    if facts.envelope:
        payload = {"result": payload, "success": True, "errors": [], "messages": []}
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    if shape.body_keepalive_lines:
        data = b"\n" + _KEEPALIVE_LINE * shape.body_keepalive_lines + data
    return Template(False, JSON, data, tuple(call_ids), fixed_rid)


# Where GLM-5.2 / 5.3 were reported stringifying $ref arguments (glm_core.testing.stringified).
_STRINGIFYING_FAMILIES = ("zai", "vllm")


def _stringify(facts: ProviderFacts, shape: Shape, model: str, body: dict[str, Any], plan: Plan) -> None:
    mode = shape.stringified_arguments
    if mode == "provider":
        mode = "refs" if facts.family in _STRINGIFYING_FAMILIES and stringifies(model) else "off"
    if mode == "off":
        return
    for call in plan.tool_calls:
        call.arguments = stringify_arguments(call.arguments, body, call.name, mode)


# Providers that return logprobs (providers.md §2, §5) and that honour `n`; the Z.ai family ignores both.
_LOGPROB_FAMILIES = ("cloudflare", "vllm", "sglang", "openrouter")
_N_FAMILIES = ("cloudflare", "vllm", "sglang", "aimlapi")


def _logprobs_and_n(facts: ProviderFacts, body: dict[str, Any], plan: Plan, reply: Reply | None) -> None:
    if facts.family in _LOGPROB_FAMILIES and body.get("logprobs") is True and (reply is None or reply.logprobs):
        top = body.get("top_logprobs")
        plan.logprobs = top if isinstance(top, int) and not isinstance(top, bool) else 0
    n = body.get("n")
    if facts.family in _N_FAMILIES and isinstance(n, int) and not isinstance(n, bool) and n > 1:
        plan.n = n


def _add_choices(payload: dict[str, Any], plan: Plan) -> None:
    """Logprobs on the choice, and `n` copies of it (index 0..n-1): deterministic alternatives."""
    choices = payload.get("choices")
    if not isinstance(choices, list) or not choices:
        return
    first = choices[0]
    if plan.logprobs is not None:
        first["logprobs"] = {"content": token_logprobs(first["message"].get("content") or "", plan.logprobs)}
    if plan.n > 1:
        payload["choices"] = [first] + [{**json.loads(json.dumps(first)), "index": i} for i in range(1, plan.n)]


def fill(facts: ProviderFacts, tpl: Template) -> Outcome:
    """A fresh `Outcome` from a template: new response id, `created` and tool-call ids."""
    rid = tpl.fixed_rid or response_id(facts)
    blob = tpl.blob.replace(b"@@RID@@", rid.encode()).replace(b'"@@CREATED@@"', str(int(time.time())).encode())
    for i, given in enumerate(tpl.call_ids):
        call_id = given or tool_call_id(facts, stream=tpl.stream)
        blob = blob.replace(f"@@TC{i}@@".encode(), json.dumps(call_id)[1:-1].encode())
    if tpl.stream:
        return Outcome(200, tpl.content_type, blob.split(b"\x00"), stream=True)
    return Outcome(200, tpl.content_type, [blob])
