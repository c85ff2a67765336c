"""Cloudflare Workers AI's native `/ai/run/{model}` dialect.

The request body is the OpenAI-style one without `model` (the model is in the path); a
non-streamed answer is wrapped in `{"result", "success", "errors", "messages"}`, and
`success: false` can come with HTTP 200 (docs/providers-facts.md, "Cloudflare Workers AI"). Streams are not wrapped.

A stream may end with a native Workers AI chunk, `{"response": "", "usage": {...}}`, that has no
`choices` (GLM-5.3-Flash, 2026-10: the chunk that aborted a coding agent's tool calls): its usage
is the answer's, and text in `response` (the native format's delta) is content, never dropped.
"""

from __future__ import annotations

from typing import Any

from glm_core.dialects.errors import error_from_body
from glm_core.dialects.openai_chat import EncodedRequest, OpenAIChatDialect
from glm_core.models import ModelProfile
from glm_core.types import ChatChunk, ChatRequest

__all__ = ["CloudflareRunDialect"]


class CloudflareRunDialect(OpenAIChatDialect):
    def encode(self, request: ChatRequest, model: ModelProfile, *, stream: bool) -> EncodedRequest:
        encoded = super().encode(request, model, stream=stream)
        encoded.body.pop("model", None)
        return encoded

    def endpoint_path(self, wire_model: str) -> str:
        return self.provider.path.format(model=wire_model)

    def decode_event(self, event: dict[str, Any]) -> ChatChunk:
        chunk = super().decode_event(event)
        native = event.get("response")
        if "choices" not in event and isinstance(native, str) and native:
            chunk.content = native
        return chunk

    def unwrap(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict) and "success" in data:
            if data.get("success") is False or data.get("result") is None:
                raise error_from_body(self.provider, 200, data, {})
            data = data["result"]
        return super().unwrap(data)
