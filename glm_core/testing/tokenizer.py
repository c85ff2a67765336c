"""Z.ai's tokenizer endpoint, `POST /paas/v4/tokenizer` (models-2026.md §3.3, ZAI-OAS).

Request: `model` (glm-4.6, glm-4.6v or glm-4.5), `messages` (system, user and assistant with text
content; not only system/assistant; no tool role, no assistant tool_calls), optional `tools` (at
most 128), checked against the published TokenizerRequest. Answer: `{created, id, request_id,
usage: {prompt_tokens, image_tokens, video_tokens, total_tokens}}`. The count is the emulator's own
prompt count (plan.prompt_tokens: ceil(characters/4) per message plus 3), so it equals the
`prompt_tokens` the chat endpoint bills for the same messages.
"""

from __future__ import annotations

import json
import time
from typing import Any

from glm_core.testing.errors import provider_error
from glm_core.testing.facts import ProviderFacts
from glm_core.testing.ids import response_id
from glm_core.testing.outcome import JSON, Outcome
from glm_core.testing.plan import prompt_tokens
from glm_core.testing.published import schema_error

__all__ = ["TOKENIZER_MODELS", "tokenizer_answer"]

TOKENIZER_MODELS = ("glm-4.6", "glm-4.6v", "glm-4.5")


def tokenizer_answer(facts: ProviderFacts, body: Any) -> Outcome:
    """The tokenizer's answer for a parsed request body (raising `WireError` for a bad one)."""
    if not isinstance(body, dict):
        raise provider_error(facts, code="1210", detail="the body is not a JSON object")
    model = body.get("model", "glm-4.6")
    if model not in TOKENIZER_MODELS:
        raise provider_error(facts, code="1211", detail=f"the tokenizer does not take model {model!r}")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise provider_error(facts, code="1213", field="messages", detail="messages is required")
    roles = {m.get("role") for m in messages if isinstance(m, dict)}
    if roles <= {"system", "assistant"}:
        raise provider_error(
            facts,
            code="1214",
            field="messages",
            detail="messages must not consist only of system or assistant messages",
        )
    tools = body.get("tools")
    if tools is not None and (not isinstance(tools, list) or len(tools) > 128):
        raise provider_error(facts, code="1210", detail="tools must be a list of at most 128")
    # ZAI-OAS TokenizerRequest (schemas/zai-openapi.json): no tool role, no assistant tool_calls.
    detail = schema_error(facts, body, str(model), route="tokenizer")
    if detail is not None:
        raise provider_error(facts, code="1210", detail=detail)
    count = prompt_tokens(messages)
    rid = body.get("request_id") if isinstance(body.get("request_id"), str) else response_id(facts)
    answer = {
        "created": int(time.time()),
        "id": rid,
        "request_id": rid,
        "usage": {"prompt_tokens": count, "image_tokens": 0, "video_tokens": 0, "total_tokens": count},
    }
    return Outcome(200, JSON, [json.dumps(answer, separators=(",", ":")).encode()])
