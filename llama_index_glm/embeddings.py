"""`GLMEmbedding`: embeddings on the same key as `GLM`, as a LlamaIndex `BaseEmbedding`.

LlamaIndex hands it `embed_batch_size` texts at a time (showing progress per batch when asked, and
running `num_workers` batches at once in async); glm_core splits each into the provider's wire
batches, sends them concurrently with a bound and puts the vectors back in order.
"""

from __future__ import annotations

from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding, Embedding
from llama_index.core.bridge.pydantic import Field

from glm_core.embeddings import EmbeddingRequest, plan_embeddings, refuse_one_string
from glm_core.providers import get_provider
from llama_index_glm.connection import GLMConnection

__all__ = ["DEFAULT_EMBED_BATCH_SIZE", "GLMEmbedding"]

# Texts per LlamaIndex batch: 16 Z.ai requests of 64, in flight 8 at a time (LlamaIndex's own
# default of 10 would send one small request at a time).
DEFAULT_EMBED_BATCH_SIZE = 1024


class GLMEmbedding(GLMConnection, BaseEmbedding):
    """Embeddings from the provider that serves your GLM model, on the same key.

    Args (as `GLM`): provider ("zai" default; "bigmodel", "cloudflare", "cloudflare_openai",
    "openrouter", "vllm", "sglang"), model (default: the provider's, "embedding-3" on Z.ai,
    "bge-m3" on Cloudflare; required on OpenRouter / vLLM / SGLang), api_key, base_url,
    account_id, timeout, max_retries, default_headers, http_client, async_http_client; plus
    `dimensions`, `max_concurrency`, `truncate`, and LlamaIndex's `embed_batch_size`,
    `num_workers` and (per call) `show_progress`.

    Example:
        >>> from llama_index.core import Settings, VectorStoreIndex      # doctest: +SKIP
        >>> from llama_index_glm import GLM, GLMEmbedding                 # doctest: +SKIP
        >>> Settings.llm, Settings.embed_model = GLM(), GLMEmbedding(dimensions=512)  # ZAI_API_KEY
        >>> index = VectorStoreIndex.from_documents(documents)            # doctest: +SKIP
    """

    model: str | None = Field(default=None, description="The embedding model; None: the provider's default.")
    dimensions: int | None = Field(default=None, description="Output size (embedding-3: 256/512/1024/2048).")
    max_concurrency: int | None = Field(default=None, description="Requests in flight per batch; None: 8.")
    truncate: bool = Field(default=False, description="Cut over-long inputs instead of raising.")
    embed_batch_size: int = Field(default=DEFAULT_EMBED_BATCH_SIZE, gt=0, le=2048)

    @classmethod
    def class_name(cls) -> str:
        return "GLMEmbedding"

    def model_post_init(self, context: Any, /) -> None:
        if self.model is None and self.model_name != "unknown":
            self.model = self.model_name  # LlamaIndex's own name for the field
        # Unknown provider, missing key, no default model, refused dimensions: now, not at the first call.
        plan = plan_embeddings(
            get_provider(self.provider),
            EmbeddingRequest([], self.model, self.dimensions, max_concurrency=self.max_concurrency),
        )
        if self.model_name == "unknown":
            self.model_name = self.model or plan.wire_model
        self._connect()

    def get_text_embedding_batch(self, texts: list[str], show_progress: bool = False, **kwargs: Any) -> list[Embedding]:
        """One vector per text, in order (one string is refused: LlamaIndex would batch its letters)."""
        refuse_one_string(texts, "texts", get_provider(self.provider))
        return super().get_text_embedding_batch(texts, show_progress, **kwargs)

    async def aget_text_embedding_batch(
        self, texts: list[str], show_progress: bool = False, **kwargs: Any
    ) -> list[Embedding]:
        """The async twin of `get_text_embedding_batch`."""
        refuse_one_string(texts, "texts", get_provider(self.provider))
        return await super().aget_text_embedding_batch(texts, show_progress, **kwargs)

    def _request(self, texts: list[str]) -> EmbeddingRequest:
        return EmbeddingRequest(
            texts, self.model, self.dimensions, truncate=self.truncate, max_concurrency=self.max_concurrency
        )

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._settings.sync().embed(self._request(texts)).vectors

    async def _aget_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return (await self._settings.async_().embed(self._request(texts))).vectors

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return (await self._aget_text_embeddings([text]))[0]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._get_text_embeddings([query])[0]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return (await self._aget_text_embeddings([query]))[0]
