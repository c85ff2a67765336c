"""The emulator's embeddings and rerank routes, strict and deterministic.

Routes (only on providers that serve them, `retrieval_facts.RETRIEVAL_FACTS`):
- `{base}/embeddings` (Z.ai, BigModel, Cloudflare /ai/v1, OpenRouter, vLLM, SGLang): OpenAI shape;
- `{base}/rerank` (Z.ai, BigModel): BigModel's rerank shape;
- Cloudflare `/ai/run/<embedding model>` (`{text}` -> `{shape, data}`) and
  `/ai/run/@cf/baai/bge-reranker-base` (`{query, contexts}` -> `{response: [{id, score}]}`), in
  the `{result, success, errors, messages}` envelope.
Vectors and scores come from `glm_core.testing.vectors`. Rendered vectors are cached per text, so
a benchmark that sends the same chunks again measures the client, not the stand-in model.
"""

from __future__ import annotations

import base64
import json
import sys
import zlib
from array import array
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from glm_core.testing.auth import check_auth
from glm_core.testing.errors import WireError, provider_error
from glm_core.testing.facts import ProviderFacts, facts_for
from glm_core.testing.outcome import JSON, Outcome, apply_body_fault
from glm_core.testing.published import schema_error
from glm_core.testing.retrieval_facts import RETRIEVAL_FACTS, EmbedModelFacts, RetrievalFacts
from glm_core.testing.script import Fault, Reply
from glm_core.testing.text import tokens
from glm_core.testing.vectors import overlap_score, text_vector

if TYPE_CHECKING:
    from glm_core.testing.emulator import Emulator

__all__ = ["serve_retrieval"]

_CF_PREFIX = "/client/v4/accounts/"
_ZAI_BATCH_MESSAGE = "input数组最大不得超过64条"


class _Bad(Exception):
    def __init__(self, detail: str, code: str = "1214", status: int = 400) -> None:
        super().__init__(detail)
        self.detail, self.code, self.status = detail, code, status


@lru_cache(maxsize=16384)
def _vector_json(text: str, dim: int, encoding: str) -> str:
    vector = text_vector(text, dim)
    if encoding == "base64":
        packed = array("f", vector)
        if sys.byteorder != "little":
            packed.byteswap()
        return '"' + base64.b64encode(packed.tobytes()).decode() + '"'
    return json.dumps(vector)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def serve_retrieval(
    emu: Emulator, method: str, path: str, headers: Mapping[str, str], raw: bytes, item: Reply | Fault | None
) -> Outcome | None:
    """The answer to an embeddings or rerank request; None when `path` is not such a route."""
    route = _route(emu, path)
    if route is None:
        return None
    facts, kind, model = route
    rfacts = RETRIEVAL_FACTS[facts.id]
    try:
        if method != "POST":
            raise provider_error(facts, 405, detail=f"{method} is not allowed")
        check_auth(facts, emu.api_key, headers, path)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise _error(facts, _Bad("the body is not a JSON object", "1210"))
        try:
            if kind == "embeddings":
                text = _embeddings(facts, rfacts, emu, body)
            elif kind == "rerank":
                text = _zai_rerank(rfacts, body)
            elif kind == "cf_embed":
                text = _cf_embed(rfacts, str(model), body)
            else:
                text = _cf_rerank(body)
        except _Bad as bad:
            raise _error(facts, bad) from None
    except WireError as e:
        return Outcome(e.status, e.content_type, [e.body], e.headers)
    outcome = Outcome(200, JSON, [text.encode()])
    if isinstance(item, Fault):
        outcome = apply_body_fault(outcome, item, facts)
    return outcome


def _route(emu: Emulator, path: str) -> tuple[ProviderFacts, str, str | None] | None:
    from glm_core.testing.facts import PROVIDER_FACTS

    facts = emu.facts
    path = path.rstrip("/")
    if facts.family != "cloudflare":
        rfacts = RETRIEVAL_FACTS.get(facts.id)
        if rfacts is None:
            return None
        if path == emu.base_path + "/embeddings" and rfacts.embeddings_path:
            return facts, "embeddings", None
        if path == emu.base_path + "/rerank" and rfacts.rerank is not None:
            return facts, "rerank", None
        return None
    account, _, rest = path.removeprefix(_CF_PREFIX).partition("/")
    if not path.startswith(_CF_PREFIX) or account != emu.account_id:
        return None  # the chat route answers wrong accounts and paths
    if rest == "ai/v1/embeddings":
        return PROVIDER_FACTS["cloudflare_openai"], "embeddings", None
    if rest.startswith("ai/run/"):
        model = unquote(rest.removeprefix("ai/run/"))
        rfacts = RETRIEVAL_FACTS["cloudflare"]
        if model in rfacts.embed_models:
            return PROVIDER_FACTS["cloudflare"], "cf_embed", model
        if rfacts.rerank is not None and model == rfacts.rerank.model:
            return PROVIDER_FACTS["cloudflare"], "cf_rerank", model
    return None


def _error(facts: ProviderFacts, bad: _Bad) -> WireError:
    if facts.family == "zai":
        message = _ZAI_BATCH_MESSAGE if bad.detail.startswith("input has more than 64") else None
        return provider_error(facts, code=bad.code, field="input", message=message, detail=bad.detail)
    if facts.family == "cloudflare":
        return provider_error(facts, code=5006, field=bad.detail, detail=bad.detail)
    return provider_error(facts, bad.status, message=bad.detail, detail=bad.detail)


def _inputs(value: Any, limit: int | None, name: str = "input") -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise _Bad(f"{name} must be a string or a non-empty array of strings", "1213")
    if limit is not None and len(value) > limit:
        raise _Bad(f"{name} has more than {limit} items ({len(value)})")
    for i, text in enumerate(value):
        if not isinstance(text, str) or not text:
            raise _Bad(f"{name}[{i}] must be a non-empty string")
    return value


def _check_fields(body: dict[str, Any], allowed: frozenset[str] | None) -> None:
    if allowed is not None:
        unknown = sorted(set(body) - allowed)
        if unknown:
            raise _Bad(f"unknown field(s) {', '.join(unknown)}", "1210")


def _list_body(vectors: list[str], model: str, prompt_tokens: int) -> str:
    items = ",".join(f'{{"index":{i},"object":"embedding","embedding":{v}}}' for i, v in enumerate(vectors))
    usage = {"prompt_tokens": prompt_tokens, "completion_tokens": 0, "total_tokens": prompt_tokens}
    return f'{{"model":{_dumps(model)},"object":"list","data":[{items}],"usage":{_dumps(usage)}}}'


def _embeddings(facts: ProviderFacts, rfacts: RetrievalFacts, emu: Emulator, body: dict[str, Any]) -> str:
    _check_fields(body, rfacts.embed_fields)
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise _Bad("model is required", "1213")
    known: EmbedModelFacts | None = rfacts.embed_models.get(model)
    if known is None:
        if not rfacts.any_model:
            raise _Bad(f"unknown model {model!r}", "1211", 404 if facts.family != "zai" else 400)
        if facts.family in ("vllm", "sglang") and model != emu.served_model:
            raise _Bad(f"The model `{model}` does not exist.", "1211", 404)
        if facts.family == "openrouter" and "/" not in model:
            raise _Bad(f"{model} is not a valid model ID", "1211")
    texts = _inputs(body.get("input"), known.max_items if known else None)
    if known is not None and known.max_tokens is not None:
        for i, text in enumerate(texts):
            if tokens(text) > known.max_tokens:
                raise _Bad(f"input[{i}] is longer than {known.max_tokens} tokens")
    if known is not None and known.max_request_tokens is not None:
        if sum(map(tokens, texts)) > known.max_request_tokens:
            raise _Bad(f"input is longer than {known.max_request_tokens} tokens in all")
    dim = known.default_dim if known is not None else 1024
    dimensions = body.get("dimensions")
    if dimensions is not None:
        valid = isinstance(dimensions, int) and not isinstance(dimensions, bool) and dimensions > 0
        if not valid or (known is not None and dimensions not in known.dimensions):
            raise _Bad(f"dimensions {dimensions!r} is not accepted for {model}", "1210")
        dim = dimensions
    encoding = body.get("encoding_format", "float")
    if encoding not in rfacts.encodings:
        raise _Bad(f"encoding_format {encoding!r} is not supported", "1210")
    vectors = [_vector_json(text, dim, encoding) for text in texts]
    return _list_body(vectors, model, sum(map(tokens, texts)))


def _zai_rerank(rfacts: RetrievalFacts, body: dict[str, Any]) -> str:
    assert rfacts.rerank is not None
    facts = rfacts.rerank
    _check_fields(body, rfacts.rerank_fields)
    model = body.get("model", facts.model)
    if model != facts.model:
        raise _Bad(f"unknown model {model!r}", "1211")
    query = body.get("query")
    if not isinstance(query, str) or not query:
        raise _Bad("query is required", "1213")
    documents = body.get("documents")
    if not isinstance(documents, list) or not all(isinstance(d, str) for d in documents):
        raise _Bad("documents must be an array of strings", "1213")
    if facts.max_documents is not None and len(documents) > facts.max_documents:
        raise _Bad(f"documents has more than {facts.max_documents} items")
    if facts.max_chars is not None and any(len(t) > facts.max_chars for t in [query, *documents]):
        raise _Bad(f"query and documents are limited to {facts.max_chars} characters")
    top_n = body.get("top_n", 0)
    if not isinstance(top_n, int) or isinstance(top_n, bool) or top_n < 0:
        raise _Bad("top_n must be a non-negative integer", "1210")
    ranked = sorted(range(len(documents)), key=lambda i: (-overlap_score(query, documents[i]), i))
    if top_n:
        ranked = ranked[:top_n]
    want_docs = body.get("return_documents") is True
    results = []
    for i in ranked:
        result: dict[str, Any] = {"index": i, "relevance_score": overlap_score(query, documents[i])}
        if want_docs:
            result["document"] = documents[i]
        results.append(result)
    used = tokens(query) * max(1, len(documents)) + sum(map(tokens, documents))
    answer = {
        "id": f"rerank-{zlib.crc32(raw_key(query, documents)):010d}",
        "created": 1_767_225_600,
        "request_id": body.get("request_id") or "rerank-request",
        "results": results,
        "usage": {"prompt_tokens": used, "total_tokens": used},
    }
    return _dumps(answer)


def raw_key(query: str, documents: list[str]) -> bytes:
    return "\n".join([query, *documents]).encode()


def _envelope(result: dict[str, Any] | str) -> str:
    inner = result if isinstance(result, str) else _dumps(result)
    return f'{{"result":{inner},"success":true,"errors":[],"messages":[]}}'


def _cf_embed(rfacts: RetrievalFacts, model: str, body: dict[str, Any]) -> str:
    known = rfacts.embed_models[model]
    key = "text"
    if "text" not in body and model.startswith("@cf/qwen/"):
        key = "documents" if "documents" in body else "queries"  # qwen3: text is an alias of documents
    texts = _inputs(body.get(key), known.max_items, key)
    if known.max_tokens is not None and body.get("truncate_inputs") is not True:
        for i, text in enumerate(texts):
            if tokens(text) > known.max_tokens:
                raise _Bad(f"{key}[{i}] is longer than {known.max_tokens} tokens")
    dim = known.default_dim
    data = ",".join(_vector_json(text, dim, "float") for text in texts)
    pooling = ',"pooling":"mean"' if model.startswith("@cf/baai/bge-") else ""
    return _envelope(f'{{"shape":[{len(texts)},{dim}],"data":[{data}]{pooling}}}')


def _cf_rerank(body: dict[str, Any]) -> str:
    detail = schema_error(facts_for("cloudflare"), body, "@cf/baai/bge-reranker-base")  # CF-RR
    if detail is not None:
        raise _Bad(detail)
    query = body.get("query")
    contexts = body.get("contexts")
    if not isinstance(query, str) or not query:
        raise _Bad("required properties at '/' are 'query'")
    if not isinstance(contexts, list) or not all(
        isinstance(c, dict) and isinstance(c.get("text"), str) for c in contexts
    ):
        raise _Bad("at '/contexts' must be an array of {text}")
    top_k = body.get("top_k")
    if top_k is not None and (not isinstance(top_k, int) or isinstance(top_k, bool) or top_k < 1):
        raise _Bad("at '/top_k' must be >= 1")
    scores = [overlap_score(query, c["text"]) for c in contexts]
    ranked = sorted(range(len(contexts)), key=lambda i: (-scores[i], i))[:top_k]
    return _envelope({"response": [{"id": i, "score": scores[i]} for i in ranked]})
