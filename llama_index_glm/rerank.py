"""`GLMRerank`: the provider's rerank model (Z.ai / BigModel `rerank`, Cloudflare bge-reranker) as a
LlamaIndex node postprocessor."""

from __future__ import annotations

from typing import Any

from llama_index.core.bridge.pydantic import Field
from llama_index.core.postprocessor.types import BaseNodePostprocessor
from llama_index.core.schema import MetadataMode, NodeWithScore, QueryBundle

from glm_core.embeddings import RerankRequest, RerankResponse, plan_rerank
from glm_core.providers import get_provider
from llama_index_glm.connection import GLMConnection

__all__ = ["GLMRerank"]


class GLMRerank(GLMConnection, BaseNodePostprocessor):
    """Reorders retrieved nodes by the provider's rerank model; keeps the best `top_n`.

    Same arguments as `GLM` (provider "zai" default, "bigmodel" or "cloudflare"; model default
    "rerank" / "bge-reranker-base") plus `top_n` (None keeps every node). Node scores become the
    rerank scores.

    Example:
        >>> rerank = GLMRerank(top_n=2)                                              # doctest: +SKIP
        >>> engine = index.as_query_engine(similarity_top_k=8, node_postprocessors=[rerank])  # doctest: +SKIP
    """

    model: str | None = Field(default=None, description="The rerank model; None: the provider's default.")
    top_n: int | None = Field(default=3, description="Nodes to keep, best first; None keeps them all.")

    @classmethod
    def class_name(cls) -> str:
        return "GLMRerank"

    def model_post_init(self, context: Any, /) -> None:
        plan_rerank(get_provider(self.provider), RerankRequest("-", [], self.model, self.top_n))
        self._connect()

    def _request(self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None) -> RerankRequest:
        if query_bundle is None:
            raise ValueError("GLMRerank needs the query: call postprocess_nodes(nodes, query_str=...)")
        documents = [n.node.get_content(metadata_mode=MetadataMode.EMBED) for n in nodes]
        return RerankRequest(query_bundle.query_str, documents, self.model, self.top_n)

    @staticmethod
    def _kept(nodes: list[NodeWithScore], answer: RerankResponse) -> list[NodeWithScore]:
        return [NodeWithScore(node=nodes[r.index].node, score=r.score) for r in answer.results]

    def _postprocess_nodes(
        self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None
    ) -> list[NodeWithScore]:
        if not nodes:
            return []
        return self._kept(nodes, self._settings.sync().rerank(self._request(nodes, query_bundle)))

    async def _apostprocess_nodes(
        self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None
    ) -> list[NodeWithScore]:
        if not nodes:
            return []
        return self._kept(nodes, await self._settings.async_().rerank(self._request(nodes, query_bundle)))
