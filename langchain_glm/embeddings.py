"""`GLMEmbeddings`: embeddings on the same key as `ChatGLM` (Z.ai / BigModel embedding-3,
Cloudflare bge-m3, ...), as a LangChain `Embeddings`.

Batching, validation, the concurrency bound and ordering are glm_core's (`GLMClient.embed`); this
class only maps LangChain's calls onto it.
"""

from __future__ import annotations

from langchain_core.embeddings import Embeddings
from pydantic import model_validator

from glm_core.embeddings import EmbeddingRequest, plan_embeddings
from glm_core.errors import GLMError
from glm_core.providers import get_provider
from langchain_glm.connection import GLMConnection
from langchain_glm.errors import to_langchain_error

__all__ = ["GLMEmbeddings"]


class GLMEmbeddings(GLMConnection, Embeddings):
    """Embeddings from the provider that serves your GLM chat model, on the same key.

    Args (as `ChatGLM`): provider ("zai" default; "bigmodel", "cloudflare", "cloudflare_openai",
    "openrouter", "vllm", "sglang" also serve embeddings), model (default: the provider's, e.g.
    "embedding-3" on Z.ai, "bge-m3" on Cloudflare; required on OpenRouter / vLLM / SGLang),
    api_key, base_url, account_id, timeout, max_retries, default_headers, http_client,
    http_async_client; plus `dimensions` (embedding-3: 256, 512, 1024 or 2048), `max_concurrency`
    (requests in flight per call) and `truncate` (cut over-long inputs instead of raising).

    Texts are split into the provider's batches (64 on Z.ai, 100 on Cloudflare bge), sent
    concurrently, each retried on its own; vectors come back in input order.

    Example:
        .. code-block:: python

            from langchain_core.vectorstores import InMemoryVectorStore
            from langchain_glm import GLMEmbeddings

            store = InMemoryVectorStore(GLMEmbeddings(dimensions=512))   # ZAI_API_KEY
            store.add_texts(["GLM-4.7 keeps its reasoning between turns."])
            store.similarity_search("What does GLM-4.7 keep?", k=1)
    """

    model: str | None = None
    """The embedding model; None: the provider's default (embedding-3 on Z.ai)."""
    dimensions: int | None = None
    """Output size, where the model accepts one (embedding-3: 256, 512, 1024, 2048)."""
    max_concurrency: int | None = None
    """Requests in flight at once for one call; None: the provider's default (8)."""
    truncate: bool = False
    """Cut inputs over the model's token limit instead of raising."""

    @model_validator(mode="after")
    def _glm_check(self) -> GLMEmbeddings:
        # Unknown provider, missing key, a model without a default or refused dimensions: now, not at the first call.
        plan_embeddings(
            get_provider(self.provider),
            EmbeddingRequest([], self.model, self.dimensions, max_concurrency=self.max_concurrency),
        )
        self._connect()
        return self

    def _request(self, texts: list[str]) -> EmbeddingRequest:
        # As given: the core refuses one string (list("hello") would embed five letters).
        return EmbeddingRequest(
            texts, self.model, self.dimensions, truncate=self.truncate, max_concurrency=self.max_concurrency
        )

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One vector per text, in order."""
        try:
            return self._settings.sync().embed(self._request(texts)).vectors
        except GLMError as error:
            raise to_langchain_error(error) from error.__cause__

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """Natively async: batches in flight together on the event loop's shared client."""
        try:
            return (await self._settings.async_().embed(self._request(texts))).vectors
        except GLMError as error:
            raise to_langchain_error(error) from error.__cause__

    async def aembed_query(self, text: str) -> list[float]:
        return (await self.aembed_documents([text]))[0]
