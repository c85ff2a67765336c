"""Embedding and rerank services: which provider serves them, where, and with which limits.

One `EmbeddingService` / `RerankService` record hangs off each `ProviderProfile` that serves
them (`profile.embeddings`, `profile.rerank`; None where the provider serves none). Facts and
their sources: docs/providers-facts.md (Z.ai / BigModel, Cloudflare, OpenRouter; AI/ML API serves no GLM
embeddings). The tables below are the known models; an id not
listed is sent as given and the provider's own answer decides (the catalogue informs, never gates).

Example:
    >>> from glm_core.providers import get_provider
    >>> get_provider("zai").embeddings.model("embedding-3").batch_limit
    64
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

__all__ = [
    "CF_EMBEDDINGS",
    "CF_OPENAI_EMBEDDINGS",
    "CF_RERANK",
    "ZAI_EMBEDDINGS",
    "ZAI_RERANK",
    "EmbeddingModel",
    "EmbeddingService",
    "RerankModel",
    "RerankService",
    "openai_style_embeddings",
]

EmbeddingWire = Literal["openai", "cloudflare_run"]
RerankWire = Literal["zai", "cloudflare_run"]


@dataclass(frozen=True, slots=True)
class EmbeddingModel:
    """What one embedding model accepts."""

    wire_id: str
    # Inputs per request; None: the provider states no limit (the service's batch_size is used).
    batch_limit: int | None = None
    # Tokens per input; None: not stated.
    max_input_tokens: int | None = None
    # Tokens per request, all inputs together (embedding-2: 8K); None: not stated.
    max_request_tokens: int | None = None
    # Values accepted for `dimensions`; () means the output size is fixed and `dimensions` is refused.
    dimensions: tuple[int, ...] = ()
    # The output size when `dimensions` is not sent (None: unknown).
    output_dimensions: int | None = None


@dataclass(frozen=True, slots=True)
class EmbeddingService:
    """Where and how a provider serves embeddings.

    `path` is appended to the provider's base URL (`{model}`: Cloudflare's native route).
    `default_model` None means there is no GLM embedding model to default to: `model=` is required.
    """

    wire: EmbeddingWire
    path: str
    default_model: str | None
    models: dict[str, EmbeddingModel] = field(default_factory=dict)
    # Inputs per request for models without a stated limit (one request per batch, sent concurrently).
    batch_size: int = 256
    # Requests in flight at once for one embed call.
    max_concurrency: int = 8
    # Whether `dimensions` may be sent for a model not in `models` (OpenAI-style servers accept it).
    dimensions_for_unknown: bool = True
    # Ask for base64 vectors (4 bytes a float instead of ~20 characters of JSON) where accepted.
    base64: bool = False

    def model(self, model: str) -> EmbeddingModel | None:
        """The known facts of `model` (a user id or the provider's wire id), or None."""
        found = self.models.get(model)
        if found is None:
            found = next((m for m in self.models.values() if m.wire_id == model), None)
        return found


@dataclass(frozen=True, slots=True)
class RerankModel:
    wire_id: str
    max_documents: int | None = None
    # Characters per query and per document; None: not stated.
    max_chars: int | None = None
    # Whether an empty document is refused (Cloudflare's bge-reranker: contexts[].text minLength 1).
    refuses_empty: bool = False


@dataclass(frozen=True, slots=True)
class RerankService:
    """Where and how a provider serves reranking (`path` as in `EmbeddingService`)."""

    wire: RerankWire
    path: str
    default_model: str
    models: dict[str, RerankModel] = field(default_factory=dict)

    def model(self, model: str) -> RerankModel | None:
        found = self.models.get(model)
        if found is None:
            found = next((m for m in self.models.values() if m.wire_id == model), None)
        return found


# BigModel documents /embeddings; Z.ai international uses the same path undocumented.
ZAI_EMBEDDINGS = EmbeddingService(
    wire="openai",
    path="/embeddings",
    default_model="embedding-3",
    models={
        "embedding-3": EmbeddingModel(
            "embedding-3",
            batch_limit=64,
            max_input_tokens=3072,
            dimensions=(256, 512, 1024, 2048),
            output_dimensions=2048,
        ),
        # Fixed at 1024 (the dimensions enum still lists 1024, so that value is taken); ≤512 tokens per
        # input and 8K per request in all (BM-EMB). The 64-input cap is the API's, for both models.
        "embedding-2": EmbeddingModel(
            "embedding-2",
            batch_limit=64,
            max_input_tokens=512,
            max_request_tokens=8192,
            dimensions=(1024,),
            output_dimensions=1024,
        ),
    },
    max_concurrency=8,
    dimensions_for_unknown=False,
)
# BigModel /rerank; not in Z.ai's spec, served the same way (glm_core.testing.facts).
ZAI_RERANK = RerankService(
    wire="zai", path="/rerank", default_model="rerank", models={"rerank": RerankModel("rerank", 128, 4096)}
)

# Workers AI embedding models (CF-JSON). bge-m3 is the multilingual default.
_CF_MODELS = {
    "bge-m3": EmbeddingModel("@cf/baai/bge-m3", batch_limit=100, output_dimensions=1024),
    "bge-base-en-v1.5": EmbeddingModel(
        "@cf/baai/bge-base-en-v1.5", batch_limit=100, max_input_tokens=512, output_dimensions=768
    ),
    "bge-large-en-v1.5": EmbeddingModel(
        "@cf/baai/bge-large-en-v1.5", batch_limit=100, max_input_tokens=512, output_dimensions=1024
    ),
    "bge-small-en-v1.5": EmbeddingModel(
        "@cf/baai/bge-small-en-v1.5", batch_limit=100, max_input_tokens=512, output_dimensions=384
    ),
    "embeddinggemma-300m": EmbeddingModel("@cf/google/embeddinggemma-300m", output_dimensions=768),
    "qwen3-embedding-0.6b": EmbeddingModel(
        "@cf/qwen/qwen3-embedding-0.6b", batch_limit=32, max_input_tokens=8192, output_dimensions=1024
    ),
}
CF_EMBEDDINGS = EmbeddingService(
    wire="cloudflare_run",
    path="/run/{model}",
    default_model="bge-m3",
    models=_CF_MODELS,
    batch_size=100,
    dimensions_for_unknown=False,
)
# /ai/v1/embeddings: same models; whether `dimensions` / `encoding_format` are honoured is not
# documented (CF-JSON), so neither is sent.
CF_OPENAI_EMBEDDINGS = replace(CF_EMBEDDINGS, wire="openai", path="/embeddings")
CF_RERANK = RerankService(
    wire="cloudflare_run",
    path="/run/{model}",
    default_model="bge-reranker-base",
    models={"bge-reranker-base": RerankModel("@cf/baai/bge-reranker-base", refuses_empty=True)},
)


def openai_style_embeddings(*, base64: bool) -> EmbeddingService:
    """OpenAI-style `/embeddings` serving whatever model the user names (OpenRouter, vLLM, SGLang)."""
    return EmbeddingService(wire="openai", path="/embeddings", default_model=None, base64=base64)
