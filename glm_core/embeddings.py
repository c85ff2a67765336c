"""Embedding and rerank requests, answers, and the plan that checks and batches them.

Every decision the framework classes share is made here, once: which service and model, whether
`dimensions` is accepted, which inputs are empty or too long (by index, before anything is sent,
or truncated when asked), and how the inputs are split into the provider's batches. Sending is
`glm_core.retrieval`'s job; the wire forms are `glm_core.dialects.retrieval`'s.

Example:
    >>> from glm_core.providers import get_provider
    >>> plan = plan_embeddings(get_provider("zai"), EmbeddingRequest(["a"] * 100, dimensions=256))
    >>> [len(batch.texts) for batch in plan.batches], plan.wire_model
    ([64, 36], 'embedding-3')
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from glm_core.errors import InvalidRequestError
from glm_core.providers import PROVIDERS, ProviderProfile
from glm_core.services import EmbeddingModel, EmbeddingService, RerankModel, RerankService

__all__ = [
    "EmbeddingBatch",
    "EmbeddingPlan",
    "EmbeddingRequest",
    "EmbeddingResponse",
    "RerankPlan",
    "RerankRequest",
    "RerankResponse",
    "RerankResult",
    "RetrievalUsage",
    "estimate_tokens",
    "plan_embeddings",
    "plan_rerank",
    "refuse_one_string",
]


@dataclass(frozen=True, slots=True)
class EmbeddingRequest:
    """Texts to embed.

    Args:
        texts: the inputs, in order; the answer keeps that order.
        model: the provider's embedding model; None: the provider's default (`embedding-3` on Z.ai).
        dimensions: output size, where the model accepts one (embedding-3: 256, 512, 1024, 2048).
        truncate: cut inputs longer than the model's token limit instead of raising.
        max_concurrency: requests in flight at once; None: the provider's default.
    """

    texts: Sequence[str]
    model: str | None = None
    dimensions: int | None = None
    truncate: bool = False
    max_concurrency: int | None = None


@dataclass(slots=True)
class RetrievalUsage:
    """Tokens the provider counted (summed over every batch of a call)."""

    input_tokens: int = 0
    total_tokens: int = 0

    def add(self, other: RetrievalUsage) -> None:
        self.input_tokens += other.input_tokens
        self.total_tokens += other.total_tokens


@dataclass(slots=True, repr=False)
class EmbeddingResponse:
    """One vector per input text, in the order of the inputs."""

    vectors: list[list[float]]
    model: str
    usage: RetrievalUsage = field(default_factory=RetrievalUsage)

    def __repr__(self) -> str:
        # Never the floats: a repr of 10,000 vectors is megabytes (asyncio.run even builds one
        # of its result when it restores the SIGINT handler, ~3 s for 10,000 x 256).
        size = len(self.vectors[0]) if self.vectors else 0
        return f"EmbeddingResponse({len(self.vectors)} vectors of {size}, model={self.model!r}, usage={self.usage!r})"


@dataclass(frozen=True, slots=True)
class EmbeddingBatch:
    start: int  # index of the batch's first text in the request
    texts: list[str]


@dataclass(frozen=True, slots=True)
class EmbeddingPlan:
    service: EmbeddingService
    wire_model: str
    dimensions: int | None
    batches: list[EmbeddingBatch]
    max_concurrency: int
    count: int
    # The length every vector must have: the dimensions asked, else the model's known output size
    # (None: a model the library does not know, whose answer decides).
    vector_size: int | None = None


@dataclass(frozen=True, slots=True)
class RerankRequest:
    """Score `documents` against `query`; `top_n` None keeps them all (best first)."""

    query: str
    documents: Sequence[str]
    model: str | None = None
    top_n: int | None = None


@dataclass(frozen=True, slots=True)
class RerankResult:
    index: int  # position in the request's documents
    score: float


@dataclass(slots=True)
class RerankResponse:
    """Results best first."""

    results: list[RerankResult]
    model: str
    usage: RetrievalUsage = field(default_factory=RetrievalUsage)


@dataclass(frozen=True, slots=True)
class RerankPlan:
    service: RerankService
    wire_model: str
    query: str
    documents: list[str]
    top_n: int | None


def estimate_tokens(text: str) -> int:
    """A deliberately generous token estimate: 4 ASCII characters or 1 other character a token.

    No tokenizer ships with this package; GLM's and bge's tokenizers give about 4 English
    characters and 1-1.5 CJK characters a token, so this over-counts rather than under-counts.
    """
    ascii_chars = len(text.encode("ascii", "ignore"))
    return math.ceil(ascii_chars / 4) + (len(text) - ascii_chars)


def _truncated(text: str, limit: int) -> str:
    # Cut at the last character that keeps the estimate within the limit (binary search on length).
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if estimate_tokens(text[:mid]) <= limit:
            low = mid
        else:
            high = mid - 1
    return text[:low]


def _serving(provider: ProviderProfile, what: str) -> str:
    ids = [p.id for p in PROVIDERS.values() if getattr(p, what) is not None]
    return ", ".join(ids)


def _embedding_service(provider: ProviderProfile) -> EmbeddingService:
    if provider.embeddings is None:
        raise InvalidRequestError(
            f"{provider.name} serves no embeddings on this API; providers that do: {_serving(provider, 'embeddings')}",
            provider=provider.id,
        )
    return provider.embeddings


def _model_id(service: EmbeddingService | RerankService, model: str | None, provider: ProviderProfile) -> str:
    if model:
        return model
    if service.default_model is None:
        raise InvalidRequestError(
            f"{provider.name} has no default embedding model: pass model=... (the name the server serves)",
            provider=provider.id,
        )
    return service.default_model


def _check_dimensions(
    provider: ProviderProfile, service: EmbeddingService, model: str, facts: EmbeddingModel | None, dims: int | None
) -> None:
    if dims is None:
        return
    if isinstance(dims, bool) or not isinstance(dims, int) or dims <= 0:
        raise InvalidRequestError(f"dimensions must be a positive integer, got {dims!r}", provider=provider.id)
    if facts is None:
        if not service.dimensions_for_unknown:
            raise InvalidRequestError(
                f"{provider.name} does not take dimensions= for model {model!r}; leave it unset",
                provider=provider.id,
            )
        return
    if not facts.dimensions:
        raise InvalidRequestError(
            f"{model} on {provider.name} has a fixed output size ({facts.output_dimensions}); leave dimensions unset",
            provider=provider.id,
        )
    if dims not in facts.dimensions:
        allowed = ", ".join(map(str, facts.dimensions))
        raise InvalidRequestError(
            f"{model} on {provider.name} accepts dimensions {allowed}, not {dims}", provider=provider.id
        )


def refuse_one_string(texts: object, what: str, provider: ProviderProfile | None = None) -> None:
    """Raise `InvalidRequestError` for one string where a list of strings belongs: iterated, it
    would be embedded (or reranked) one character at a time."""
    if isinstance(texts, str):
        shown = f"[{texts[:20]!r}{'...' if len(texts) > 20 else ''}]"
        hint = " (embed_query embeds a single text)" if what == "texts" else ""
        raise InvalidRequestError(
            f"{what} must be a list of strings, not one string: pass {shown}{hint}",
            provider=provider.id if provider is not None else None,
        )


def _max_concurrency(provider: ProviderProfile, service: EmbeddingService, value: object) -> int:
    if value is None:
        return service.max_concurrency
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidRequestError(
            f"max_concurrency must be a whole number of requests, 1 or more, got {value!r} "
            f"(None: the provider's default, {service.max_concurrency})",
            provider=provider.id,
        )
    return value


def _checked_texts(
    provider: ProviderProfile, model: str, facts: EmbeddingModel | None, texts: Sequence[str], truncate: bool
) -> list[str]:
    refuse_one_string(texts, "texts", provider)
    limit = facts.max_input_tokens if facts is not None else None
    checked: list[str] = []
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise InvalidRequestError(f"input {index} is a {type(text).__name__}, not a string", provider=provider.id)
        if not text.strip():
            raise InvalidRequestError(
                f"input {index} is empty; {provider.name} refuses empty texts: drop it or give it content",
                provider=provider.id,
            )
        if limit is not None and estimate_tokens(text) > limit:
            if not truncate:
                raise InvalidRequestError(
                    f"input {index} is about {estimate_tokens(text)} tokens; {model} on {provider.name} takes "
                    f"at most {limit} per input: split it, or pass truncate=True to cut it",
                    provider=provider.id,
                )
            text = _truncated(text, limit)
        checked.append(text)
    return checked


def plan_embeddings(provider: ProviderProfile, request: EmbeddingRequest) -> EmbeddingPlan:
    """Check `request` for `provider` and split it into batches. Raises `InvalidRequestError`."""
    service = _embedding_service(provider)
    model = _model_id(service, request.model, provider)
    facts = service.model(model)
    _check_dimensions(provider, service, model, facts, request.dimensions)
    texts = _checked_texts(provider, model, facts, request.texts, request.truncate)
    size = (facts.batch_limit if facts is not None else None) or service.batch_size
    budget = facts.max_request_tokens if facts is not None else None
    batches = _batches(texts, size, budget)
    concurrency = _max_concurrency(provider, service, request.max_concurrency)
    return EmbeddingPlan(
        service=service,
        wire_model=facts.wire_id if facts is not None else model,
        dimensions=request.dimensions,
        batches=batches,
        max_concurrency=concurrency,
        count=len(texts),
        vector_size=request.dimensions or (facts.output_dimensions if facts is not None else None),
    )


def _batches(texts: list[str], size: int, budget: int | None) -> list[EmbeddingBatch]:
    """`texts` in batches of at most `size` inputs and, with a `budget`, at most that many
    (estimated) tokens in all (each input is already within the per-input limit)."""
    if budget is None:
        return [EmbeddingBatch(start, texts[start : start + size]) for start in range(0, len(texts), size)]
    batches: list[EmbeddingBatch] = []
    start, used = 0, 0
    for index, text in enumerate(texts):
        cost = estimate_tokens(text)
        if index > start and (index - start >= size or used + cost > budget):
            batches.append(EmbeddingBatch(start, texts[start:index]))
            start, used = index, 0
        used += cost
    if start < len(texts):
        batches.append(EmbeddingBatch(start, texts[start:]))
    return batches


def plan_rerank(provider: ProviderProfile, request: RerankRequest) -> RerankPlan:
    """Check a rerank request for `provider`. Raises `InvalidRequestError` before anything is sent."""
    if provider.rerank is None:
        raise InvalidRequestError(
            f"{provider.name} serves no rerank model on this API; providers that do: {_serving(provider, 'rerank')}",
            provider=provider.id,
        )
    service = provider.rerank
    model = _model_id(service, request.model, provider)
    facts: RerankModel | None = service.model(model)
    if not isinstance(request.query, str) or not request.query.strip():
        raise InvalidRequestError("the rerank query is empty", provider=provider.id)
    refuse_one_string(request.documents, "documents", provider)
    documents = list(request.documents)
    for index, doc in enumerate(documents):
        if not isinstance(doc, str):
            raise InvalidRequestError(f"document {index} is a {type(doc).__name__}, not a string", provider=provider.id)
    if facts is not None:
        if facts.refuses_empty:
            empty = next((i for i, doc in enumerate(documents) if not doc.strip()), None)
            if empty is not None:
                raise InvalidRequestError(
                    f"document {empty} is empty; {model} on {provider.name} refuses empty documents: drop it",
                    provider=provider.id,
                )
        if facts.max_documents is not None and len(documents) > facts.max_documents:
            raise InvalidRequestError(
                f"{model} on {provider.name} reranks at most {facts.max_documents} documents per call, "
                f"got {len(documents)}: retrieve fewer candidates",
                provider=provider.id,
            )
        limit = facts.max_chars
        if limit is not None:
            _check_chars(provider, model, "the query", request.query, limit)
            for index, doc in enumerate(documents):
                _check_chars(provider, model, f"document {index}", doc, limit)
    top_n = request.top_n
    if top_n is not None and (isinstance(top_n, bool) or not isinstance(top_n, int) or top_n < 1):
        raise InvalidRequestError(f"top_n must be a positive integer, got {top_n!r}", provider=provider.id)
    return RerankPlan(
        service=service,
        wire_model=facts.wire_id if facts is not None else model,
        query=request.query,
        documents=documents,
        top_n=top_n,
    )


def _check_chars(provider: ProviderProfile, model: str, what: str, text: str, limit: int) -> None:
    if len(text) > limit:
        raise InvalidRequestError(
            f"{what} has {len(text)} characters; {model} on {provider.name} takes at most {limit}: shorten it",
            provider=provider.id,
        )
