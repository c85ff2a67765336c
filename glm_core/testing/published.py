"""Requests checked against the request schemas the providers publish (`schemas/*.json`).

The documents are trimmed transcriptions of the providers' own (each file's `$comment` names the
repository, path, commit and date it came from; `schemas/README.md` lists them). The emulator
refuses what they refuse, in the provider's error shape (Cloudflare 400 / 5006 "AiError: Bad input:
Error: oneOf at '/' not met", Z.ai 1210, AI/ML API "Body validation error!", OpenRouter 400); the
client's conformance tests validate what the library sends against the same files with the
`jsonschema` package.

Example:
    >>> from glm_core.testing.facts import facts_for
    >>> schema_for(facts_for("cloudflare"), "@cf/zai-org/glm-5.2")["$comment"][:46]
    'Cloudflare Workers AI, @cf/zai-org/glm-5.2: sc'
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from glm_core.testing.facts import ProviderFacts
from glm_core.testing.json_schema import first_error

__all__ = ["SCHEMA_FILES", "load_schema", "schema_error", "schema_for"]

# file name -> what it is the schema of (provider family, wire model ids; "*": every id).
SCHEMA_FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "cloudflare-glm-4.7-flash.json": ("cloudflare", ("@cf/zai-org/glm-4.7-flash",)),
    "cloudflare-glm-5.2.json": ("cloudflare", ("@cf/zai-org/glm-5.2",)),
    "cloudflare-glm-5.3.json": ("cloudflare", ("@cf/zai-org/glm-5.3",)),
    "cloudflare-glm-5.3-flash.json": ("cloudflare", ("@cf/zai-org/glm-5.3-flash",)),
    "cloudflare-bge-m3.json": ("cloudflare", ("@cf/baai/bge-m3",)),
    "cloudflare-bge-base-en-v1.5.json": ("cloudflare", ("@cf/baai/bge-base-en-v1.5",)),
    "cloudflare-bge-reranker-base.json": ("cloudflare", ("@cf/baai/bge-reranker-base",)),
    "aimlapi-zhipu-glm-5-3.json": ("aimlapi", ("zhipu/glm-5-3", "zhipu/glm-5.3")),
    "openrouter-chat.json": ("openrouter", ("*",)),
    "zai-openapi.json": ("zai", ("*",)),
    "bigmodel-embeddings.json": ("zai", ("embedding-3", "embedding-2")),
    "bigmodel-rerank.json": ("zai", ("rerank",)),
}
_ZAI_TEXT = "#/components/schemas/ChatCompletionTextRequest"
_ZAI_VISION = "#/components/schemas/ChatCompletionVisionRequest"
_ZAI_TOKENIZER = "#/components/schemas/TokenizerRequest"


@cache
def load_schema(name: str) -> dict[str, Any]:
    """One vendored document, parsed (read once)."""
    text = resources.files("glm_core.testing").joinpath("schemas", name).read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def schema_for(facts: ProviderFacts, model: str) -> dict[str, Any] | None:
    """The published chat / retrieval request schema of `model` on `facts.id`'s server, if vendored."""
    for name, (family, models) in SCHEMA_FILES.items():
        if family == facts.family and (model in models or (models == ("*",) and name != "zai-openapi.json")):
            return load_schema(name)
    return None


def _zai_reference(facts: ProviderFacts, vision: bool, route: str) -> str | None:
    # ZAI-OAS is Z.ai's international spec: the coding plan shares it; BigModel documents its
    # own (Chinese) reference, whose web-search engines differ, so it is not checked against it.
    if facts.id == "bigmodel":
        return None
    if route == "tokenizer":
        return _ZAI_TOKENIZER
    return _ZAI_VISION if vision else _ZAI_TEXT


def schema_error(
    facts: ProviderFacts, body: dict[str, Any], model: str, *, vision: bool = False, route: str = "chat"
) -> str | None:
    """How `body` breaks the published schema for `model` on this provider (None: it conforms or
    nothing is vendored). `vision`: the model takes Z.ai's vision request."""
    if facts.family == "zai":
        ref = _zai_reference(facts, vision, route)
        if ref is None:
            return None
        document = load_schema("zai-openapi.json")
        # The spec's model enums list fewer ids than the guides document (glm-5-turbo, glm-5v-turbo):
        # which ids are served is the emulator's own list (facts.py), so the model is not checked here.
        # The official SDK sends null for every unset field (`"response_format": null`), and an
        # assistant tool-call turn may carry `"content": null` (ZAI-CC; providers.md): read as absent.
        checked = {k: v for k, v in body.items() if v is not None}
        if isinstance(checked.get("messages"), list):
            checked["messages"] = [
                {k: v for k, v in m.items() if v is not None} if isinstance(m, dict) else m for m in checked["messages"]
            ]
        checked["model"] = _first_model(document, ref)
        return first_error({"$ref": ref}, checked, document)
    schema = schema_for(facts, model)
    if schema is None:
        return None
    if facts.family == "aimlapi":  # zhipu/glm-5.3 has the same body as zhipu/glm-5-3
        body = {**body, "model": "zhipu/glm-5-3"}
    return first_error(schema, body)


def _first_model(document: dict[str, Any], ref: str) -> str:
    request = document
    for key in ref.removeprefix("#/").split("/"):
        request = request[key]
    enum: list[str] = request["properties"]["model"]["enum"]
    return enum[0]
