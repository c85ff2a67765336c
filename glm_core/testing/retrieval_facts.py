"""The emulator's own facts about embeddings and rerank, per provider (models-2026.md §3, §5.2, §6, §7).

Independent of `glm_core.services` on purpose: the emulator is the oracle the client is checked
against. Where the sources are silent the choice is listed in `RETRIEVAL_UNCERTAIN_CHOICES`
(also part of `glm_core.testing.facts.UNCERTAIN_CHOICES`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["RETRIEVAL_FACTS", "RETRIEVAL_UNCERTAIN_CHOICES", "EmbedModelFacts", "RerankFacts", "RetrievalFacts"]


@dataclass(frozen=True, slots=True)
class EmbedModelFacts:
    max_items: int | None
    max_tokens: int | None  # per input, counted as ceil(chars / 4)
    dimensions: tuple[int, ...]  # accepted `dimensions` values; () = the field is refused
    default_dim: int
    max_request_tokens: int | None = None  # all inputs of one request together


@dataclass(frozen=True, slots=True)
class RerankFacts:
    model: str
    max_documents: int | None
    max_chars: int | None


@dataclass(frozen=True, slots=True)
class RetrievalFacts:
    # OpenAI-style /embeddings: wire model id -> facts ({} with any_model: whatever is asked).
    embed_models: dict[str, EmbedModelFacts] = field(default_factory=dict)
    embeddings_path: str | None = "/embeddings"
    any_model: bool = False  # OpenRouter: any vendor/model id; vLLM/SGLang: the served name
    # Fields accepted in an /embeddings body; None: any.
    embed_fields: frozenset[str] | None = None
    encodings: tuple[str, ...] = ("float",)
    rerank: RerankFacts | None = None
    rerank_fields: frozenset[str] | None = None


_ZAI_MODELS = {
    "embedding-3": EmbedModelFacts(64, 3072, (256, 512, 1024, 2048), 2048),
    # BM-EMB: fixed at 1024 (the enum still lists 1024); 512 tokens per input, 8K per request.
    "embedding-2": EmbedModelFacts(64, 512, (1024,), 1024, max_request_tokens=8192),
}
_ZAI = RetrievalFacts(
    embed_models=_ZAI_MODELS,
    # The API reference's fields plus the two every Z.ai body may carry; encoding_format -> 1210 (§2.4).
    embed_fields=frozenset({"model", "input", "dimensions", "request_id", "user_id"}),
    rerank=RerankFacts("rerank", 128, 4096),
    rerank_fields=frozenset(
        {"model", "query", "documents", "top_n", "return_documents", "return_raw_scores", "request_id", "user_id"}
    ),
)

# Cloudflare Workers AI, by wire id (served on /ai/run/{model} and /ai/v1/embeddings).
CF_EMBED_MODELS = {
    "@cf/baai/bge-m3": EmbedModelFacts(100, None, (), 1024),
    "@cf/baai/bge-base-en-v1.5": EmbedModelFacts(100, 512, (), 768),
    "@cf/baai/bge-large-en-v1.5": EmbedModelFacts(100, 512, (), 1024),
    "@cf/baai/bge-small-en-v1.5": EmbedModelFacts(100, 512, (), 384),
    "@cf/google/embeddinggemma-300m": EmbedModelFacts(None, None, (), 768),
    "@cf/qwen/qwen3-embedding-0.6b": EmbedModelFacts(32, 8192, (), 1024),
}
CF_RERANK_MODEL = "@cf/baai/bge-reranker-base"
_CF = RetrievalFacts(
    embed_models=CF_EMBED_MODELS,
    embed_fields=frozenset({"model", "input"}),
    rerank=RerankFacts(CF_RERANK_MODEL, None, None),
)

RETRIEVAL_FACTS: dict[str, RetrievalFacts] = {
    "zai": _ZAI,
    "bigmodel": _ZAI,
    "cloudflare": _CF,
    "cloudflare_openai": _CF,
    "openrouter": RetrievalFacts(
        any_model=True,
        embed_fields=frozenset({"model", "input", "encoding_format", "dimensions", "user", "provider", "input_type"}),
        encodings=("float", "base64"),
    ),
    "vllm": RetrievalFacts(any_model=True, encodings=("float", "base64")),
    "sglang": RetrievalFacts(any_model=True),
}

RETRIEVAL_UNCERTAIN_CHOICES: tuple[str, ...] = (
    "Z.ai international: POST /api/paas/v4/embeddings and /rerank are not in Z.ai's spec (models-2026.md "
    "§10.7); they are served exactly as BigModel documents them (embedding-3, embedding-2, rerank).",
    "Z.ai/BigModel embeddings: >64 inputs -> 400 code 1214 with the observed message 'input数组最大不得超过64条'; "
    "a field outside {model, input, dimensions, request_id, user_id} (e.g. encoding_format) -> 1210; an empty "
    "input or an input over the model's token limit (ceil(chars/4) > 3072 / 512) -> 1214; dimensions other "
    "than 256/512/1024/2048 on embedding-3, or other than 1024 on embedding-2 -> 1210; embedding-2 inputs "
    "over 8K tokens in all (ceil(chars/4) summed) -> 1214.",
    "Z.ai/BigModel rerank: results sorted best first; relevance_score is the share of the query's words found "
    "in the document; >128 documents or a text over 4096 characters -> 1214; usage counts ceil(chars/4).",
    "Embedding usage: prompt_tokens = total_tokens = sum of ceil(chars/4); completion_tokens 0.",
    "Cloudflare embeddings: {text: string|string[]} on /ai/run/<model>; more than maxItems (100; 32 for "
    "qwen3-embedding-0.6b) or an empty string -> 400 code 5006; unknown body fields are ignored on /ai/run, "
    "refused (5006) on /ai/v1/embeddings, whose answer takes the OpenAI list shape (the docs give none).",
    "Cloudflare bge-reranker-base: {query, contexts:[{text}], top_k?} -> result {response:[{id, score}]}, "
    "best first, score in 0..1 (the published schema was not read; shape as bge-m3's query mode).",
    "OpenRouter / vLLM: encoding_format float or base64 (little-endian float32); SGLang: float only. vLLM and "
    "SGLang serve only the emulator's served_model name; OpenRouter any vendor/model id.",
)
