"""A per-stream view of a dialect that cleans GLM vision models' box/think markers (glm_core.markers).

The dialect objects are shared by every request of an endpoint and keep no state; a stream needs
some (a marker can be cut across events), so each stream of a vision model gets its own view.
"""

from __future__ import annotations

from typing import Any

from glm_core.dialects.openai_chat import OpenAIChatDialect
from glm_core.markers import MarkerSplitter, clean_response
from glm_core.types import ChatChunk, ChatResponse

__all__ = ["MarkerSplittingDialect"]


class MarkerSplittingDialect(OpenAIChatDialect):
    """Decodes like `inner`, then moves inline markers out of the content (one instance per stream)."""

    def __init__(self, inner: OpenAIChatDialect) -> None:
        super().__init__(inner.provider)
        self._inner = inner
        self._splitter = MarkerSplitter()

    def unwrap(self, data: Any) -> dict[str, Any]:
        return self._inner.unwrap(data)

    def decode_response(self, data: Any) -> ChatResponse:
        return clean_response(self._inner.decode_response(data))

    def decode_event(self, event: dict[str, Any]) -> ChatChunk:
        return self._splitter.chunk(self._inner.decode_event(event))
