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

from typing import Any

from glm_core.dialects import fields
from glm_core.dialects.errors import error_from_body
from glm_core.embeddings import EmbeddingBatch, EmbeddingPlan, RerankPlan, RerankResult, RetrievalUsage
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


def _decode_error(provider: ProviderProfile, what: str, exc: fields.MalformedField) -> ResponseDecodeError:
    return ResponseDecodeError(f"{provider.name} answered with {what} in which {exc}", provider=provider.id)


def decode_embeddings(
    provider: ProviderProfile, plan: EmbeddingPlan, batch: EmbeddingBatch, data: Any
) -> tuple[list[list[float]], RetrievalUsage]:
    """The vectors of one batch, in input order, and the usage the provider counted.

    Strict like the chat decoder (`glm_core.dialects.fields`): one vector per input, the indexes
    exactly 0..n-1, every vector finite numbers of one length, the `dimensions` asked or the
    model's known size. Anything else is a `ResponseDecodeError` naming the item.
    """
    data = _unwrap(provider, data)
    try:
        if plan.service.wire == "cloudflare_run":
            vectors, usage = _cloudflare_vectors(data, len(batch.texts)), RetrievalUsage()
        else:
            vectors, usage = _openai_vectors(plan, data, len(batch.texts))
        _check_sizes(plan, vectors)
    except fields.MalformedField as exc:
        raise _decode_error(provider, "embeddings", exc) from None
    return vectors, usage


def _openai_vectors(plan: EmbeddingPlan, data: Any, expected: int) -> tuple[list[list[float]], RetrievalUsage]:
    body = fields.mapping(data, "the body", nullable=False)
    items = fields.items(body.get("data"), "data")
    if len(items) != expected:
        raise fields.MalformedField(f"data holds {len(items)} embeddings for {expected} inputs")
    read = fields.base64_vector if plan.service.base64 else fields.vector
    ordered: list[list[float] | None] = [None] * expected
    for position, item in enumerate(items):
        # No index at all: the items are in input order (a server that numbers some and not
        # others collides below).
        index = fields.position(item["index"], f"data[{position}].index", expected) if "index" in item else position
        if ordered[index] is not None:
            raise fields.MalformedField(f"data[{position}].index repeats index {index}")
        value = item.get("embedding")
        ordered[index] = (read if isinstance(value, str) else fields.vector)(value, f"embedding {index}")
    return ordered, _usage(body.get("usage"))  # type: ignore[return-value]  # every slot is filled


def _cloudflare_vectors(data: Any, expected: int) -> list[list[float]]:
    result = fields.mapping(data, "result", nullable=False)
    vectors = result.get("data")
    if not isinstance(vectors, list):
        raise fields.MalformedField(f"result.data is {fields.describe(vectors)}, not a list of vectors")
    if len(vectors) != expected:
        raise fields.MalformedField(f"result.data holds {len(vectors)} vectors for {expected} inputs")
    checked = [fields.vector(vector, f"vector {i}") for i, vector in enumerate(vectors)]
    shape = result.get("shape")
    if shape is not None:
        if not isinstance(shape, list) or len(shape) != 2:
            raise fields.MalformedField(f"result.shape is {fields.describe(shape)}, not [count, size]")
        rows, size = (fields.count(n, "result.shape") for n in shape)
        if rows != expected or (checked and size != len(checked[0])):
            raise fields.MalformedField(f"result.shape {shape} disagrees with the {expected} vectors in result.data")
    return checked


def _check_sizes(plan: EmbeddingPlan, vectors: list[list[float]]) -> None:
    if not vectors:
        return
    size = len(vectors[0])
    wrong = next((i for i, vector in enumerate(vectors) if len(vector) != size), None)
    if wrong is not None:
        raise fields.MalformedField(f"vector {wrong} has {len(vectors[wrong])} numbers and vector 0 has {size}")
    if size == 0:
        raise fields.MalformedField("the vectors are empty")
    wanted = plan.vector_size
    if wanted is not None and size != wanted:
        why = "dimensions asked" if plan.dimensions is not None else f"{plan.wire_model}'s output size"
        raise fields.MalformedField(f"the vectors have {size} numbers, not {wanted} (the {why})")


def _usage(data: Any) -> RetrievalUsage:
    """`RetrievalUsage` from an OpenAI / Z.ai-style `usage` object (absent or null: zero)."""
    usage = fields.mapping(data, "usage")
    prompt = fields.count(usage.get("prompt_tokens"), "usage.prompt_tokens") or 0
    total = fields.count(usage.get("total_tokens"), "usage.total_tokens") or prompt
    return RetrievalUsage(prompt, total)


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
    """Results best first (ties keep document order), at most `top_n` of them.

    Every index in range and given once, every score a finite number, and as many results as
    asked for (every document, or `top_n` of them): a ranking that silently lost documents is a
    `ResponseDecodeError`, as is anything else wrong, naming the item.
    """
    data = _unwrap(provider, data)
    try:
        results, usage = _ranking(plan, data)
    except fields.MalformedField as exc:
        raise _decode_error(provider, "a ranking", exc) from None
    results.sort(key=lambda r: (-r.score, r.index))
    if plan.top_n is not None:
        results = results[: plan.top_n]
    return results, usage


def _ranking(plan: RerankPlan, data: Any) -> tuple[list[RerankResult], RetrievalUsage]:
    body = fields.mapping(data, "the body" if plan.service.wire != "cloudflare_run" else "result", nullable=False)
    if plan.service.wire == "cloudflare_run":
        where, index_key, score_key, usage = "response", "id", "score", RetrievalUsage()
    else:
        where, index_key, score_key = "results", "index", "relevance_score"
        usage = _usage(body.get("usage"))
    items = fields.items(body.get(where), where)
    size = len(plan.documents)
    seen: set[int] = set()
    results: list[RerankResult] = []
    for position, item in enumerate(items):
        index = fields.position(item.get(index_key), f"{where}[{position}].{index_key}", size)
        if index in seen:
            raise fields.MalformedField(f"{where}[{position}].{index_key} repeats document {index}")
        seen.add(index)
        results.append(RerankResult(index, fields.score(item.get(score_key), f"{where}[{position}].{score_key}")))
    wanted = size if plan.top_n is None else min(plan.top_n, size)
    if len(results) < wanted:
        asked = "every document" if plan.top_n is None else f"top_n={plan.top_n}"
        raise fields.MalformedField(f"{where} holds {len(results)} results for {size} documents ({asked} asked)")
    return results, usage
