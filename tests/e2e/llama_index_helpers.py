"""Shared pieces of the LlamaIndex end-to-end tests: a deterministic local embedding, request capture.

`HashEmbedding` is a bag-of-words vector (crc32 of each word into a fixed number of buckets), so
retrieval is deterministic and offline: the document sharing the most words with the query wins,
unlike `MockEmbedding`, which gives every node the same score.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from typing import Any

import httpx2
from llama_index.core.base.embeddings.base import BaseEmbedding

from llama_index_glm import GLM
from tests.targets import target_kwargs

_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    "a an and are as at be by for from in is it of on or that the this to was what which who with".split()
)


class HashEmbedding(BaseEmbedding):
    """Deterministic bag-of-words embedding: no model, no network."""

    dim: int = 256

    @classmethod
    def class_name(cls) -> str:
        return "HashEmbedding"

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self.dim
        for word in _WORD.findall(text.lower()):
            if word not in _STOPWORDS:
                vector[zlib.crc32(word.encode()) % self.dim] += 1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._vector(query)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._vector(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._vector(text)


class Recorder:
    """Event hooks that keep every request body a GLM sends (sync and async clients)."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []

    def _keep(self, request: httpx2.Request) -> None:
        request.read()
        self.bodies.append(json.loads(request.content))

    async def _akeep(self, request: httpx2.Request) -> None:
        self._keep(request)

    def llm(self, provider: str, **kwargs: Any) -> GLM:
        return GLM(
            **target_kwargs(provider),
            http_client=httpx2.Client(event_hooks={"request": [self._keep]}),
            async_http_client=httpx2.AsyncClient(event_hooks={"request": [self._akeep]}),
            **kwargs,
        )
