"""Wire forms of embeddings and rerank, per service (`glm_core.services`).

- Embeddings, OpenAI-style (Z.ai, BigModel, Cloudflare /ai/v1, OpenRouter, vLLM, SGLang):
  `POST {base}/embeddings {"model", "input": [...], "dimensions"?, "encoding_format"?}` ->
  `{"data": [{"index", "embedding"}], "usage"}`. `encoding_format` is sent only where the service
  says base64 is accepted: BigModel answers 1210 to it (docs/providers-facts.md).
- Embeddings, Cloudflare native: `POST {base}/run/{model} {"text": [...]}` ->
  `{"result": {"shape": [n, dim], "data": [[...]]}, "success", "errors", "messages"}`.
- Rerank, Z.ai/BigModel: `POST {base}/rerank {"model", "query", "documents", "top_n"?}` ->
  `{"results": [{"index", "relevance_score"}], "usage"}`.
- Rerank, Cloudflare bge-reranker: `POST {base}/run/{model} {"query", "contexts": [{"text"}], "top_k"?}`
  -> `{"result": {"response": [{"id", "score"}]}, "success", ...}`.
"""

from __future__ import annotations

import base64
import sys
from array import array
from typing import Any

from glm_core.dialects.errors import error_from_body
from glm_core.embeddings import EmbeddingBatch, EmbeddingPlan, RerankPlan, RerankResult, RetrievalUsage, usage_from
from glm_core.errors import ResponseDecodeError
from glm_core.providers import ProviderProfile

__all__ = ["decode_embeddings", "decode_rerank", "encode_embeddings", "encode_rerank"]


def encode_embeddings(plan: EmbeddingPlan, batch: EmbeddingBatch) -> tuple[str, dict[str, Any]]:
    """(path after the base URL, JSON body) for one batch."""
    service = plan.service
    if service.wire == "cloudflare_run":
        return service.path.format(model=plan.wire_model), {"text": batch.texts}
    body: dict[str, Any] = {"model": plan.wire_model, "input": batch.texts}
    if plan.dimensions is not None:
        body["dimensions"] = plan.dimensions
    if service.base64:
        body["encoding_format"] = "base64"
    return service.path, body


def _unwrap(provider: ProviderProfile, data: Any) -> Any:
    # Cloudflare's envelope; `success: false` can come with HTTP 200 (docs/providers-facts.md).
    if isinstance(data, dict) and "success" in data and "result" in data:
        if data.get("success") is False or data.get("result") is None:
            raise error_from_body(provider, 200, data, {})
        return data["result"]
    return data


def _bad(provider: ProviderProfile, what: str) -> ResponseDecodeError:
    return ResponseDecodeError(f"{provider.name} answered with {what}", provider=provider.id)


def _from_base64(text: str) -> list[float]:
    values = array("f")
    values.frombytes(base64.b64decode(text))
    if sys.byteorder != "little":  # the wire is little-endian float32
        values.byteswap()
    return values.tolist()


def decode_embeddings(
    provider: ProviderProfile, plan: EmbeddingPlan, batch: EmbeddingBatch, data: Any
) -> tuple[list[list[float]], RetrievalUsage]:
    """The vectors of one batch, in input order, and the usage the provider counted."""
    data = _unwrap(provider, data)
    expected = len(batch.texts)
    if plan.service.wire == "cloudflare_run":
        vectors = data.get("data") if isinstance(data, dict) else None
        if not isinstance(vectors, list) or len(vectors) != expected:
            raise _bad(provider, f"no {expected} vectors in result.data")
        return vectors, RetrievalUsage()
    items = data.get("data") if isinstance(data, dict) else None
    if not isinstance(items, list) or len(items) != expected:
        raise _bad(provider, f"{len(items) if isinstance(items, list) else 'no'} embeddings for {expected} inputs")
    ordered: list[list[float]] = [[]] * expected
    for position, item in enumerate(items):
        index = item.get("index", position) if isinstance(item, dict) else None
        vector = item.get("embedding") if isinstance(item, dict) else None
        if not isinstance(index, int) or not 0 <= index < expected:
            raise _bad(provider, f"an embedding with index {index!r} for {expected} inputs")
        if isinstance(vector, str):
            vector = _from_base64(vector)
        if not isinstance(vector, list):
            raise _bad(provider, f"embedding {index} that is not a list of numbers")
        ordered[index] = vector
    return ordered, usage_from(data.get("usage"))


def encode_rerank(plan: RerankPlan) -> tuple[str, dict[str, Any]]:
    """(path after the base URL, JSON body) of a rerank call."""
    service = plan.service
    if service.wire == "cloudflare_run":
        body: dict[str, Any] = {"query": plan.query, "contexts": [{"text": doc} for doc in plan.documents]}
        if plan.top_n is not None:
            body["top_k"] = plan.top_n
        return service.path.format(model=plan.wire_model), body
    body = {"model": plan.wire_model, "query": plan.query, "documents": plan.documents}
    if plan.top_n is not None:
        body["top_n"] = plan.top_n
    return service.path, body


def decode_rerank(provider: ProviderProfile, plan: RerankPlan, data: Any) -> tuple[list[RerankResult], RetrievalUsage]:
    """Results best first (ties keep document order), at most `top_n` of them."""
    data = _unwrap(provider, data)
    if plan.service.wire == "cloudflare_run":
        items, index_key, score_key, usage = data.get("response"), "id", "score", RetrievalUsage()
    else:
        items, index_key, score_key = data.get("results"), "index", "relevance_score"
        usage = usage_from(data.get("usage"))
    if not isinstance(items, list):
        raise _bad(provider, "no rerank results")
    results: list[RerankResult] = []
    for item in items:
        index = item.get(index_key) if isinstance(item, dict) else None
        score = item.get(score_key) if isinstance(item, dict) else None
        if not isinstance(index, int) or not 0 <= index < len(plan.documents) or not isinstance(score, int | float):
            raise _bad(provider, f"a rerank result that is not {{{index_key}, {score_key}}}: {item!r}")
        results.append(RerankResult(index, float(score)))
    results.sort(key=lambda r: (-r.score, r.index))
    if plan.top_n is not None:
        results = results[: plan.top_n]
    return results, usage
