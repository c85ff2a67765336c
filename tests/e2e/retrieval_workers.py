"""What a worker process runs (Ray Data's map_batches and Spark's mapPartitions take the same
shape): one embedding or rerank object per worker, received pickled, key from the environment."""

from __future__ import annotations

import os
from typing import Any


def set_env(name: str, value: str) -> None:
    os.environ[name] = value


def embed(model: Any, texts: list[str]) -> list[list[float]]:
    """LangChain's GLMEmbeddings or LlamaIndex's GLMEmbedding."""
    if hasattr(model, "embed_documents"):
        return list(model.embed_documents(texts))
    return list(model.get_text_embedding_batch(texts))


def rerank_best(reranker: Any, query: str, texts: list[str]) -> str:
    if hasattr(reranker, "compress_documents"):
        from langchain_core.documents import Document

        return str(reranker.compress_documents([Document(t) for t in texts], query)[0].page_content)
    from llama_index.core.schema import NodeWithScore, TextNode

    nodes = [NodeWithScore(node=TextNode(text=t)) for t in texts]
    return str(reranker.postprocess_nodes(nodes, query_str=query)[0].node.get_content())
