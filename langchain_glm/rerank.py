"""`GLMRerank`: the provider's rerank model (Z.ai / BigModel `rerank`, Cloudflare bge-reranker) as a
LangChain `BaseDocumentCompressor`, usable in a `ContextualCompressionRetriever`."""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.callbacks import Callbacks
from langchain_core.documents import Document
from langchain_core.documents.compressor import BaseDocumentCompressor
from pydantic import model_validator

from glm_core.embeddings import RerankRequest, RerankResponse, plan_rerank
from glm_core.errors import GLMError
from glm_core.providers import get_provider
from langchain_glm.connection import GLMConnection
from langchain_glm.errors import to_langchain_error

__all__ = ["GLMRerank"]


class GLMRerank(GLMConnection, BaseDocumentCompressor):
    """Reorders retrieved documents by the provider's rerank model and keeps the best `top_n`.

    Same arguments as `ChatGLM` (provider "zai" default, "bigmodel" or "cloudflare"; model default
    "rerank" / "bge-reranker-base") plus `top_n` (None keeps every document). Each kept document is
    a copy with `metadata["relevance_score"]`.

    Example:
        .. code-block:: python

            from langchain_classic.retrievers import ContextualCompressionRetriever
            from langchain_glm import GLMRerank

            retriever = ContextualCompressionRetriever(
                base_compressor=GLMRerank(top_n=2), base_retriever=store.as_retriever(search_kwargs={"k": 8})
            )
    """

    model: str | None = None
    """The rerank model; None: the provider's default ("rerank" on Z.ai)."""
    top_n: int | None = 3
    """How many documents to keep, best first; None keeps them all."""

    @model_validator(mode="after")
    def _glm_check(self) -> GLMRerank:
        plan_rerank(get_provider(self.provider), RerankRequest("-", [], self.model, self.top_n))
        self._connect()
        return self

    def _request(self, documents: Sequence[Document], query: str) -> RerankRequest:
        return RerankRequest(query, [doc.page_content for doc in documents], self.model, self.top_n)

    @staticmethod
    def _kept(documents: Sequence[Document], answer: RerankResponse) -> list[Document]:
        kept = []
        for result in answer.results:
            doc = documents[result.index]
            kept.append(doc.model_copy(update={"metadata": {**doc.metadata, "relevance_score": result.score}}))
        return kept

    def compress_documents(
        self, documents: Sequence[Document], query: str, callbacks: Callbacks | None = None
    ) -> Sequence[Document]:
        """The best `top_n` documents for `query`, best first, each with its relevance_score."""
        if not documents:
            return []
        try:
            return self._kept(documents, self._settings.sync().rerank(self._request(documents, query)))
        except GLMError as error:
            raise to_langchain_error(error) from error.__cause__

    async def acompress_documents(
        self, documents: Sequence[Document], query: str, callbacks: Callbacks | None = None
    ) -> Sequence[Document]:
        if not documents:
            return []
        try:
            return self._kept(documents, await self._settings.async_().rerank(self._request(documents, query)))
        except GLMError as error:
            raise to_langchain_error(error) from error.__cause__
