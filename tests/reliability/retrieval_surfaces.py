"""Calling every embedding and rerank surface against a raw wire server, and what came back.

A retrieval *surface* is one way a user embeds or reranks: the core clients (`GLMClient.embed` /
`rerank`, `AsyncGLMClient`), LangChain's `GLMEmbeddings` / `GLMRerank` and LlamaIndex's
`GLMEmbedding` / `GLMRerank`, each sync and async: six combinations. The hostile retrieval tests
and the retrieval fuzz tier both go through `embed()` / `rerank()`, which never raise: the
exception, if any, is the result. LlamaIndex's surfaces run through its public batch methods, so
its own callback events (which validate the vectors with pydantic) see what the user would get.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Literal

from tests.reliability.harness import KEY

__all__ = ["RSPECS", "RSpec", "embed", "embedder", "rerank", "reranker"]

Kind = Literal["core", "langchain", "llama_index"]


@dataclass(frozen=True)
class RSpec:
    kind: Kind
    is_async: bool

    @property
    def id(self) -> str:
        return f"{self.kind}-{'async' if self.is_async else 'sync'}"


RSPECS = [RSpec(kind, is_async) for kind in ("core", "langchain", "llama_index") for is_async in (False, True)]


def _settings(base_url: str, options: dict[str, Any]) -> dict[str, Any]:
    return {
        "api_key": options.pop("api_key", KEY),
        "base_url": base_url,
        "max_retries": options.pop("max_retries", 0),
        "timeout": options.pop("timeout", 10.0),
    }


def embedder(spec: RSpec, provider: str, base_url: str, **options: Any) -> Any:
    """The embedding object of `spec` (`model`, `dimensions`, ... in `options`)."""
    settings = _settings(base_url, options)
    if spec.kind == "core":
        from glm_core import AsyncGLMClient, GLMClient

        cls = AsyncGLMClient if spec.is_async else GLMClient
        return _Core(cls(provider, **settings), options)  # type: ignore[operator]
    if spec.kind == "langchain":
        from langchain_glm import GLMEmbeddings

        return GLMEmbeddings(provider=provider, **settings, **options)
    from llama_index_glm import GLMEmbedding

    return GLMEmbedding(provider=provider, **settings, **options)


def reranker(spec: RSpec, provider: str, base_url: str, **options: Any) -> Any:
    """The rerank object of `spec` (`model`, `top_n` in `options`; top_n None unless given)."""
    settings = _settings(base_url, options)
    options.setdefault("top_n", None)
    if spec.kind == "core":
        from glm_core import AsyncGLMClient, GLMClient

        cls = AsyncGLMClient if spec.is_async else GLMClient
        return _Core(cls(provider, **settings), options)  # type: ignore[operator]
    if spec.kind == "langchain":
        from langchain_glm import GLMRerank

        return GLMRerank(provider=provider, **settings, **options)
    from llama_index_glm import GLMRerank as LlamaRerank

    return LlamaRerank(provider=provider, **settings, **options)


@dataclass
class _Core:
    client: Any
    options: dict[str, Any]


async def embed(spec: RSpec, obj: Any, texts: Any) -> list[list[float]] | BaseException:
    """The vectors `obj` gave for `texts`, or the exception it raised."""
    try:
        if spec.is_async:
            return await _aembed(spec, obj, texts)
        return await asyncio.to_thread(_embed, spec, obj, texts)
    except Exception as exc:
        return exc


def _embed(spec: RSpec, obj: Any, texts: Any) -> list[list[float]]:
    if spec.kind == "core":
        from glm_core import EmbeddingRequest

        return list(obj.client.embed(EmbeddingRequest(texts, **obj.options)).vectors)
    if spec.kind == "langchain":
        return list(obj.embed_documents(texts))
    return list(obj.get_text_embedding_batch(texts))


async def _aembed(spec: RSpec, obj: Any, texts: Any) -> list[list[float]]:
    if spec.kind == "core":
        from glm_core import EmbeddingRequest

        return list((await obj.client.embed(EmbeddingRequest(texts, **obj.options))).vectors)
    if spec.kind == "langchain":
        return list(await obj.aembed_documents(texts))
    return list(await obj.aget_text_embedding_batch(texts))


async def rerank(spec: RSpec, obj: Any, query: Any, documents: Any) -> list[tuple[int, float]] | BaseException:
    """(document index, score) best first as `obj` gave them, or the exception it raised."""
    try:
        if spec.is_async:
            return await _arerank(spec, obj, query, documents)
        return await asyncio.to_thread(_rerank, spec, obj, query, documents)
    except Exception as exc:
        return exc


def _rerank(spec: RSpec, obj: Any, query: Any, documents: Any) -> list[tuple[int, float]]:
    if spec.kind == "core":
        from glm_core import RerankRequest

        answer = obj.client.rerank(RerankRequest(query, documents, **obj.options))
        return [(r.index, r.score) for r in answer.results]
    if spec.kind == "langchain":
        return _lc_results(documents, obj.compress_documents(_lc_documents(documents), query))
    return _llama_results(obj.postprocess_nodes(_llama_nodes(documents), query_str=query))


async def _arerank(spec: RSpec, obj: Any, query: Any, documents: Any) -> list[tuple[int, float]]:
    if spec.kind == "core":
        from glm_core import RerankRequest

        answer = await obj.client.rerank(RerankRequest(query, documents, **obj.options))
        return [(r.index, r.score) for r in answer.results]
    if spec.kind == "langchain":
        return _lc_results(documents, await obj.acompress_documents(_lc_documents(documents), query))
    return _llama_results(await obj.apostprocess_nodes(_llama_nodes(documents), query_str=query))


def _lc_documents(documents: list[str]) -> list[Any]:
    from langchain_core.documents import Document

    return [Document(page_content=text, metadata={"position": i}) for i, text in enumerate(documents)]


def _lc_results(documents: list[str], kept: Any) -> list[tuple[int, float]]:
    return [(doc.metadata["position"], doc.metadata["relevance_score"]) for doc in kept]


def _llama_nodes(documents: list[str]) -> list[Any]:
    from llama_index.core.schema import NodeWithScore, TextNode

    return [NodeWithScore(node=TextNode(text=text, id_=f"n{i}"), score=0.0) for i, text in enumerate(documents)]


def _llama_results(kept: Any) -> list[tuple[int, float]]:
    return [(int(n.node.node_id[1:]), n.score) for n in kept]
