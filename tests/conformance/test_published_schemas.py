"""Conformance both ways with the request schemas the providers publish (glm_core/testing/schemas/).

1. Every request the library builds (`Endpoint.prepare`, the tokenizer body, the embedding and
   rerank planners) per provider x model x option validates against the provider's published
   schema, with the reference validator (`jsonschema`), and every top-level field it sends is one
   the schema documents.
2. Every value a published enum or range allows for an option the library has is accepted by the
   library (not refused before sending; a level it maps counts as accepted).
3. The emulator's own checker (glm_core.testing.json_schema) agrees with `jsonschema` on all of it.
Exceptions are only the entries of tests/conformance/departures.py.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest

from glm_core import (
    AssistantMessage,
    ChatRequest,
    Endpoint,
    FilePart,
    ImagePart,
    InvalidRequestError,
    NamedToolChoice,
    ToolCall,
    ToolMessage,
    ToolSpec,
    UserMessage,
    VideoPart,
)
from glm_core.models import CATALOGUE, EFFORT_LEVELS, model_profile
from glm_core.providers import PROVIDERS, get_provider
from glm_core.testing.json_schema import first_error
from glm_core.testing.published import load_schema
from glm_core.tokens import tokenizer_body
from tests.conformance.departures import departure
from tests.core.helpers import client_kwargs

ZAI_OAS = load_schema("zai-openapi.json")
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 16).decode()
TOOL = ToolSpec(
    "get_weather", "Get the weather in a city.", {"type": "object", "properties": {"city": {"type": "string"}}}
)
CALL = ToolCall(id="call_1", name="get_weather", arguments='{"city": "Paris"}')
TOOL_LOOP = [
    UserMessage("Weather in Paris?"),
    AssistantMessage("", reasoning="Look it up.", tool_calls=[CALL]),
    ToolMessage("sunny", tool_call_id="call_1"),
]
MEDIA = {
    "image url": ImagePart(url="https://x.org/a.png"),
    "image data": ImagePart(data=PNG, mime_type="image/png"),
    "video url": VideoPart(url="https://x.org/a.mp4"),
    "file url": FilePart(url="https://x.org/r.pdf", filename="r.pdf"),
    "file data": FilePart(data=base64.b64encode(b"%PDF-1.4").decode(), mime_type="application/pdf"),
    "file id": FilePart(file_id="file-123"),
}
# Where a published schema is vendored, per provider: schema file (or ZAI-OAS), None otherwise.
CHAT_SCHEMAS = {"zai", "zai_coding", "cloudflare", "cloudflare_openai", "aimlapi", "openrouter"}


def _options(provider: str, model: str) -> Iterator[tuple[str, dict[str, Any]]]:
    facts = model_profile(model, provider=provider)
    profile = get_provider(provider)
    yield "plain", {}
    yield "stream", {"stream": True}
    yield "sampling", {"temperature": 0.7, "top_p": 0.9, "max_tokens": 256, "stop": ["END"], "seed": 7}
    yield "greedy", {"temperature": 0}
    for level in EFFORT_LEVELS:
        yield f"reasoning_effort={level}", {"reasoning_effort": level}
    yield "thinking on", {"thinking": True}
    yield "thinking off", {"thinking": False}
    yield "preserved thinking", {"preserve_thinking": True}
    if facts.tool_calling:
        for choice in ("auto", "none", "required", NamedToolChoice("get_weather")):
            yield f"tool_choice={choice}", {"tools": [TOOL], "tool_choice": choice}
        yield "tool loop", {"tools": [TOOL], "messages": TOOL_LOOP}
    for kind in ("json_object", "json_schema"):
        spec = {"type": kind}
        if kind == "json_schema":
            spec["json_schema"] = {"name": "answer", "schema": {"type": "object"}}
        yield f"response_format={kind}", {"response_format": spec}
    if profile.logprobs:
        yield "logprobs", {"logprobs": True, "top_logprobs": 3}
    if profile.max_n != 1:
        yield "n", {"n": 2}
    for name, part in MEDIA.items():
        yield name, {"messages": [UserMessage([part])]}


def _built() -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(provider, model, option, body) of every request the library sends (refusals skipped)."""
    for provider in sorted(CHAT_SCHEMAS):
        endpoint = Endpoint(provider, **client_kwargs(provider))
        for row in CATALOGUE.values():
            if provider not in row.providers:
                continue
            for option, values in _options(provider, row.id):
                values = dict(values)
                stream = values.pop("stream", False)
                messages = values.pop("messages", [UserMessage("Hi")])
                try:
                    prepared = endpoint.prepare(ChatRequest(row.id, messages, **values), stream=stream)
                except InvalidRequestError:
                    continue
                yield provider, row.id, option, prepared.body


BUILT = list(_built())


def _schema(provider: str, model: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(schema, the document its $refs resolve in) for `model` on `provider`, if vendored."""
    family = PROVIDERS[provider].id
    if family in ("zai", "zai_coding"):
        vision = "image" in CATALOGUE[model].inputs
        request = "ChatCompletionVisionRequest" if vision else "ChatCompletionTextRequest"
        return {"$ref": f"#/components/schemas/{request}"}, ZAI_OAS
    if family.startswith("cloudflare"):
        document = load_schema(f"cloudflare-{model}.json")
        return document, document
    if family == "aimlapi" and model == "glm-5.3":
        document = load_schema("aimlapi-zhipu-glm-5-3.json")
        return document, document
    if family == "openrouter":
        document = load_schema("openrouter-chat.json")
        return document, document
    return None


def _validate(schema: dict[str, Any], document: dict[str, Any], body: dict[str, Any]) -> str | None:
    resolver = jsonschema.validators.Draft202012Validator(document)
    scoped = schema if schema is document else {**document, **schema}
    errors = sorted(resolver.evolve(schema=scoped).iter_errors(body), key=lambda e: e.path)
    return f"{list(errors[0].absolute_path)}: {errors[0].message}" if errors else None


def _documented_fields(schema: dict[str, Any], document: dict[str, Any]) -> set[str] | None:
    if "$ref" in schema:
        node: Any = document
        for key in schema["$ref"].removeprefix("#/").split("/"):
            node = node[key]
        return set(node["properties"])
    if "$defs" in schema and "common" in schema["$defs"]:  # Cloudflare: both branches share these
        return {*schema["$defs"]["common"]["properties"], "prompt", "messages"}
    if "properties" in schema and "model" in schema["properties"]:  # AI/ML API
        return set(schema["properties"])
    return None  # OpenRouter's transcription covers only reasoning and content parts


def _body_for_schema(provider: str, model: str, option: str, body: dict[str, Any]) -> dict[str, Any]:
    if departure(provider, model, "tool turns on a vision model") and option == "tool loop":
        body = {**body, "messages": [m for m in body["messages"] if m["role"] != "tool" and "tool_calls" not in m]}
    if provider in ("zai", "zai_coding", "aimlapi"):
        body = {**body, "model": _model_enum(provider, model)}
    return body


def _model_enum(provider: str, model: str) -> str:
    if provider == "aimlapi":
        return "zhipu/glm-5-3"
    # The spec's enums list fewer ids than the guides (glm-5-turbo, glm-5v-turbo): the model's
    # line stands in for it, its fields are the same.
    vision = "image" in CATALOGUE[model].inputs
    request = ZAI_OAS["components"]["schemas"]["ChatCompletionVisionRequest" if vision else "ChatCompletionTextRequest"]
    enum: list[str] = request["properties"]["model"]["enum"]
    return model if model in enum else enum[0]


@pytest.mark.parametrize(("provider", "model"), sorted({(p, m) for p, m, _, _ in BUILT}))
def test_every_request_the_library_sends_validates_against_the_published_schema(provider: str, model: str) -> None:
    found = _schema(provider, model)
    if found is None:
        pytest.skip(f"no published schema vendored for {model} on {provider}")
    schema, document = found
    documented = _documented_fields(schema, document)
    problems = []
    for p, m, option, body in BUILT:
        if (p, m) != (provider, model):
            continue
        checked = _body_for_schema(provider, model, option, body)
        reference = _validate(schema, document, checked)
        if reference:
            problems.append(f"{option}: {reference}")
        ours = first_error(schema, checked, document)
        assert (ours is None) == (reference is None), f"{option}: jsonschema says {reference!r}, the emulator {ours!r}"
        for field in sorted(set(body) - (documented or set(body))):
            if departure(provider, model, f"field {field}") is None:
                problems.append(f"{option}: sends {field!r}, which the published schema does not document")
    assert not problems, f"{model} on {provider}:\n" + "\n".join(problems)


def test_the_conformance_run_covers_every_provider_with_a_schema() -> None:
    assert {p for p, _, _, _ in BUILT} == CHAT_SCHEMAS
    assert len(BUILT) > 1000


# ------------------------------------------------------------------ the other way: every allowed value is accepted


def _enum(schema: dict[str, Any], name: str) -> list[Any]:
    node = schema["$defs"]["common"]["properties"][name]
    for branch in node.get("anyOf", [node]):
        if "enum" in branch:
            return list(branch["enum"])
    return []


def _accepted(provider: str, model: str, **options: Any) -> bool:
    endpoint = Endpoint(provider, **client_kwargs(provider))
    try:
        endpoint.prepare(ChatRequest(model, [UserMessage("Hi")], **options), stream=False)
    except InvalidRequestError:
        return False
    return True


def _allowed_values() -> Iterator[tuple[str, str, str, Any]]:
    """(provider, model, option, value) for every value a vendored enum or range allows."""
    for model in ("glm-4.7-flash", "glm-5.2", "glm-5.3", "glm-5.3-flash"):
        schema = load_schema(f"cloudflare-{model}.json")
        for provider in ("cloudflare", "cloudflare_openai"):
            for level in _enum(schema, "reasoning_effort"):
                yield provider, model, "reasoning_effort", level
            for value in (0, 2):
                yield provider, model, "temperature", value
            for value in (0, 1):
                yield provider, model, "top_p", value
            for value in (1, 128):
                yield provider, model, "n", value
    text = ZAI_OAS["components"]["schemas"]["ChatCompletionTextRequest"]["properties"]
    for provider in ("zai", "zai_coding", "bigmodel"):
        for model in ("glm-5.2", "glm-5.3"):
            for level in text["reasoning_effort"]["enum"]:
                yield provider, model, "reasoning_effort", level
        for value in (text["temperature"]["minimum"], text["temperature"]["maximum"]):
            yield provider, "glm-4.7", "temperature", value
        for value in (text["top_p"]["minimum"], text["top_p"]["maximum"]):
            yield provider, "glm-4.7", "top_p", value
        for kind in text["response_format"]["properties"]["type"]["enum"]:
            yield provider, "glm-4.7", "response_format", {"type": kind}
    vision = ZAI_OAS["components"]["schemas"]["ChatCompletionVisionRequest"]["properties"]
    for level in vision["reasoning_effort"]["enum"]:
        yield "zai", "glm-5.3-flash", "reasoning_effort", level
    aiml = load_schema("aimlapi-zhipu-glm-5-3.json")["properties"]
    for value in (aiml["temperature"]["minimum"], aiml["temperature"]["maximum"]):
        yield "aimlapi", "glm-5.3", "temperature", value
    for kind in aiml["thinking"]["properties"]["type"]["enum"]:
        yield "aimlapi", "glm-5.3", "thinking", kind == "enabled"
    openrouter = load_schema("openrouter-chat.json")["properties"]["reasoning"]["properties"]
    for model in ("glm-5.2", "glm-5.3"):
        for level in openrouter["effort"]["enum"]:
            yield "openrouter", model, "reasoning_effort", level


ALLOWED = list(_allowed_values())


@pytest.mark.parametrize(
    ("provider", "model", "option", "value"), ALLOWED, ids=[f"{p}-{m}-{o}={v}" for p, m, o, v in ALLOWED]
)
def test_every_value_a_published_schema_allows_is_accepted(provider: str, model: str, option: str, value: Any) -> None:
    fact = f"{option}={value if not isinstance(value, bool) else ('enabled' if value else 'disabled')}"
    if departure(provider, model, fact) is not None:
        assert not _accepted(provider, model, **{option: value}), f"{fact}: listed as a departure, yet accepted"
        return
    assert _accepted(provider, model, **{option: value}), (
        f"{model} on {provider} refuses {fact}, which its schema allows"
    )


def test_embedding_and_rerank_requests_validate() -> None:
    from glm_core.dialects.retrieval import encode_embeddings, encode_rerank
    from glm_core.embeddings import EmbeddingRequest, RerankRequest, plan_embeddings, plan_rerank

    zai, cf = get_provider("zai"), get_provider("cloudflare")
    embeddings = load_schema("bigmodel-embeddings.json")
    for model, dims in (("embedding-3", 256), ("embedding-3", 2048), ("embedding-2", 1024), ("embedding-2", None)):
        plan = plan_embeddings(zai, EmbeddingRequest(["a", "b"], model=model, dimensions=dims))
        _, body = encode_embeddings(plan, plan.batches[0])
        assert _validate(embeddings, embeddings, body) is None and first_error(embeddings, body) is None
    for model in ("bge-m3", "bge-base-en-v1.5"):
        plan = plan_embeddings(cf, EmbeddingRequest(["a", "b"], model=model))
        _, body = encode_embeddings(plan, plan.batches[0])
        schema = load_schema(f"cloudflare-{model}.json")
        assert _validate(schema, schema, body) is None and first_error(schema, body) is None
    rerank = load_schema("bigmodel-rerank.json")
    _, body = encode_rerank(plan_rerank(zai, RerankRequest("q", ["a", "b"], top_n=1)))
    assert _validate(rerank, rerank, body) is None
    reranker = load_schema("cloudflare-bge-reranker-base.json")
    _, body = encode_rerank(plan_rerank(cf, RerankRequest("q", ["a", "b"], top_n=1)))
    assert _validate(reranker, reranker, body) is None and first_error(reranker, body) is None


def test_tokenizer_requests_validate() -> None:
    endpoint = Endpoint("zai", **client_kwargs("zai"))
    schema = {"$ref": "#/components/schemas/TokenizerRequest"}
    for model, messages, options in (
        ("glm-4.7", TOOL_LOOP, {"tools": [TOOL]}),
        ("glm-5.3", TOOL_LOOP, {"preserve_thinking": True}),
        ("glm-4.6v", [UserMessage([MEDIA["image url"]])], {}),
    ):
        _, content, _ = tokenizer_body(endpoint, ChatRequest(model, messages, **options))
        body = json.loads(content)
        assert _validate(schema, ZAI_OAS, body) is None, body
        assert first_error(schema, body, ZAI_OAS) is None


@pytest.mark.parametrize(
    ("schema_file", "body"),
    [
        ("cloudflare-glm-5.3.json", {"messages": [{"role": "user", "content": "Hi"}], "reasoning_effort": "max"}),
        ("cloudflare-glm-5.2.json", {"messages": [{"role": "user", "content": "Hi"}], "temperature": 2.5}),
        ("cloudflare-glm-5.3-flash.json", {"messages": [{"role": "user", "content": "Hi"}],
                                           "chat_template_kwargs": {"enable_thinking": False}}),
        ("cloudflare-glm-4.7-flash.json", {"messages": []}),
        ("cloudflare-glm-4.7-flash.json", {"prompt": "Hi", "messages": [{"role": "user", "content": "Hi"}]}),
        ("cloudflare-bge-reranker-base.json", {"query": "q", "contexts": [{"text": ""}]}),
        ("aimlapi-zhipu-glm-5-3.json", {"model": "zhipu/glm-5-3", "messages": [], "temperature": 3}),
        ("openrouter-chat.json", {"messages": [], "reasoning": {"effort": "max"}}),
        ("bigmodel-embeddings.json", {"model": "embedding-3", "input": ["a"] * 65}),
    ],
)  # fmt: skip
def test_both_checkers_refuse_what_the_schema_refuses(schema_file: str, body: dict[str, Any]) -> None:
    schema = load_schema(schema_file)
    assert _validate(schema, schema, body) is not None
    assert first_error(schema, body) is not None
