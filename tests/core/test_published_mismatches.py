"""The mismatches issue 22 found between what the library sent and what the providers publish,
each pinned here (every test failed before its fix). Sources: shared/reference/published-schemas.md;
decisions: docs/providers-facts.md.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest

from glm_core import (
    AssistantMessage,
    ChatRequest,
    ConfigurationError,
    ContentFilterError,
    Endpoint,
    FilePart,
    GLMClient,
    ImagePart,
    InvalidRequestError,
    ServerError,
    SystemMessage,
    ToolCall,
    ToolMessage,
    UserMessage,
)
from glm_core.dialects.errors import error_from_response
from glm_core.embeddings import EmbeddingRequest, RerankRequest, estimate_tokens, plan_embeddings, plan_rerank
from glm_core.providers import get_provider
from glm_core.testing import Emulator
from glm_core.tokens import tokenizer_body
from tests.core.helpers import client_kwargs

HI = [UserMessage("Hi")]


def sent(provider: str, model: str, **options: Any) -> dict[str, Any]:
    return Endpoint(provider, **client_kwargs(provider)).prepare(ChatRequest(model, HI, **options), stream=False).body


# ---------------------------------------------------------------- 1. Cloudflare effort enums (CF-5.2, CF-5.3)


@pytest.mark.parametrize("provider", ["cloudflare", "cloudflare_openai"])
@pytest.mark.parametrize(("model", "asked", "wire"), [("glm-5.2", "max", "high"), ("glm-5.2", "xhigh", "high"),
                                                      ("glm-5.2", "minimal", "low"), ("glm-5.3", "max", "high"),
                                                      ("glm-5.3", "medium", "medium")])  # fmt: skip
def test_cloudflare_glm_5_x_effort_stays_in_the_published_enum(
    provider: str, model: str, asked: str, wire: str
) -> None:
    assert sent(provider, model, reasoning_effort=asked)["reasoning_effort"] == wire


def test_cloudflare_glm_5_2_none_switches_thinking_off_instead() -> None:
    body = sent("cloudflare", "glm-5.2", reasoning_effort="none")
    assert "reasoning_effort" not in body and body["chat_template_kwargs"] == {"enable_thinking": False}


# ---------------------------------------------------------------- 3. self-hosted GLM-5.2 / GLM-5.3 templates


@pytest.mark.parametrize(("asked", "wire"), [("low", "high"), ("medium", "high"), ("xhigh", "max"), ("max", "max")])
def test_self_hosted_glm_5_2_gets_only_the_levels_its_template_honours(asked: str, wire: str) -> None:
    # TPL-5.2: 'high' if reasoning_effort == 'high' else 'max'; "low" used to render as max.
    assert sent("vllm", "glm-5.2", reasoning_effort=asked)["chat_template_kwargs"]["reasoning_effort"] == wire


def test_self_hosted_glm_5_2_none_switches_thinking_off() -> None:
    # It used to be sent as reasoning_effort "none", which the template turns into max.
    assert sent("sglang", "glm-5.2", reasoning_effort="none")["chat_template_kwargs"] == {"enable_thinking": False}


def test_self_hosted_glm_5_3_thinking_off_is_its_cheapest_level() -> None:
    # TPL-5.3F has no enable_thinking: a switch would be ignored.
    assert sent("vllm", "glm-5.3", thinking=False)["chat_template_kwargs"] == {"reasoning_effort": "low"}


# ---------------------------------------------------------------- 4. BigModel embedding-2 (BM-EMB)


def test_embedding_2_batches_stay_under_8k_tokens_per_request() -> None:
    texts = ["word " * 400] * 64  # ~500 tokens each, 64 of them: ~32K in one request before
    plan = plan_embeddings(get_provider("bigmodel"), EmbeddingRequest(texts, model="embedding-2"))
    assert all(sum(estimate_tokens(t) for t in batch.texts) <= 8192 for batch in plan.batches)
    assert sum(len(batch.texts) for batch in plan.batches) == 64 and len(plan.batches) > 1


def test_embedding_2_takes_dimensions_1024() -> None:
    plan = plan_embeddings(get_provider("zai"), EmbeddingRequest(["a"], model="embedding-2", dimensions=1024))
    assert plan.dimensions == 1024
    with pytest.raises(InvalidRequestError, match="accepts dimensions 1024"):
        plan_embeddings(get_provider("zai"), EmbeddingRequest(["a"], model="embedding-2", dimensions=512))


# ---------------------------------------------------------------- 5. Z.ai tokenizer (ZAI-OAS TokenizerRequest)

CALL = ToolCall(id="call_1", name="get_weather", arguments='{"city": "Paris"}')
TOOL_CONVERSATION = [
    SystemMessage("Be brief."),
    UserMessage("Weather in Paris?"),
    AssistantMessage("", reasoning="The user wants the weather.", tool_calls=[CALL]),
    ToolMessage("sunny", tool_call_id="call_1"),
]


def tokenizer_request(model: str, messages: list[Any], **options: Any) -> dict[str, Any]:
    endpoint = Endpoint("zai", **client_kwargs("zai"))
    _, content, _ = tokenizer_body(endpoint, ChatRequest(model, messages, **options))
    body: dict[str, Any] = json.loads(content)
    return body


def test_the_tokenizer_gets_only_the_roles_and_fields_its_schema_has() -> None:
    body = tokenizer_request("glm-4.7", TOOL_CONVERSATION)
    assert [m["role"] for m in body["messages"]] == ["system", "user", "assistant", "user"]
    assert all(set(m) == {"role", "content"} and isinstance(m["content"], str) for m in body["messages"])
    # The call and the result stay in the text, as GLM's chat template writes them, so they count.
    assert "get_weather" in body["messages"][2]["content"] and "Paris" in body["messages"][2]["content"]
    assert "sunny" in body["messages"][3]["content"]
    # Earlier reasoning is cleared by default (clear_thinking=true), so it is not counted...
    assert "The user wants" not in json.dumps(body)
    # ...unless preserved.
    kept = tokenizer_request("glm-4.7", TOOL_CONVERSATION, preserve_thinking=True)
    assert "The user wants the weather." in kept["messages"][2]["content"]


@pytest.mark.parametrize(
    ("model", "tokenizer"), [("glm-5.3", "glm-4.6"), ("glm-4.5-air", "glm-4.5"), ("glm-5.3-flash", "glm-4.6v")]
)
def test_the_tokenizer_model_is_the_closest_the_endpoint_takes(model: str, tokenizer: str) -> None:
    assert tokenizer_request(model, HI)["model"] == tokenizer


def test_counting_a_tool_conversation_is_accepted_by_the_emulator() -> None:
    emu = Emulator("zai", api_key="k")
    client = GLMClient("zai", api_key="k", http_client=httpx2.Client(transport=emu.transport()), max_retries=0)
    assert client.count_tokens(ChatRequest("glm-4.7", TOOL_CONVERSATION)) > 0
    # The emulator refuses what the published schema refuses (a tool role).
    raw = {
        "model": "glm-4.6",
        "messages": [{"role": "tool", "tool_call_id": "c", "content": "x"}, *[{"role": "user", "content": "hi"}]],
    }
    with httpx2.Client(transport=emu.transport()) as http:
        answer = http.post(emu.base_url + "/tokenizer", json=raw, headers={"authorization": "Bearer k"})
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, "1210")


# ---------------------------------------------------------------- 6. Z.ai file_id (ZAI-OAS: GLM-5.3-Flash series)


def test_file_ids_only_on_the_glm_5_3_flash_series() -> None:
    document = [UserMessage([FilePart(file_id="file-123")])]
    request = ChatRequest("glm-4.6v", document)
    with pytest.raises(InvalidRequestError, match=r"glm-4\.6v takes no file ids"):
        Endpoint("zai", **client_kwargs("zai")).prepare(request, stream=False)
    Endpoint("zai", **client_kwargs("zai")).prepare(ChatRequest("glm-5.3-flash", document), stream=False)


def test_files_on_glm_4_5v_and_glm_5_3_flashx() -> None:
    document = [UserMessage([FilePart(url="https://x.org/r.pdf")])]
    for model in ("glm-4.5v", "glm-5.3-flashx"):
        body = Endpoint("zai", **client_kwargs("zai")).prepare(ChatRequest(model, document), stream=False).body
        assert body["messages"][0]["content"][0]["file"] == {"file_url": "https://x.org/r.pdf"}


# ---------------------------------------------------------------- 7. OpenRouter errors (OR-ERR)


def openrouter_error(status: int, error: dict[str, Any]) -> Exception:
    return error_from_response(get_provider("openrouter"), status, {}, json.dumps({"error": error}).encode())


def test_an_openrouter_moderation_403_is_a_content_filter_error() -> None:
    metadata = {"reasons": ["violence"], "flagged_input": "...", "provider_name": "Z.AI", "model_slug": "z-ai/glm-4.7"}
    error = openrouter_error(403, {"code": 403, "message": "Input was flagged", "metadata": metadata})
    assert isinstance(error, ContentFilterError)
    assert error.upstream_provider == "Z.AI"


def test_an_upstream_error_keeps_what_the_upstream_said() -> None:
    raw = '{"error":{"code":"1305","message":"The service may be temporarily overloaded"}}'
    error = openrouter_error(502, {"code": 502, "message": "Provider returned error",
                                   "metadata": {"provider_name": "Z.AI", "raw": raw}})  # fmt: skip
    assert isinstance(error, ServerError)
    assert (error.upstream_provider, error.upstream_error) == ("Z.AI", raw)
    assert "Z.AI" in str(error) and "temporarily overloaded" in str(error)


# ---------------------------------------------------------------- 8. Cloudflare bge-reranker (CF-RR)


def test_cloudflare_rerank_refuses_an_empty_document_before_sending() -> None:
    with pytest.raises(InvalidRequestError, match="document 1 is empty"):
        plan_rerank(get_provider("cloudflare"), RerankRequest("query", ["a", ""]))


# ---------------------------------------------------------------- the catalogue informs, it never gates (issue 24)


@pytest.mark.parametrize(
    ("provider", "model"), [("zai", "glm-6v"), ("zai", "glm-5.5v-turbo"), ("vllm", "my-vision-ft")]
)
def test_images_to_a_model_the_catalogue_does_not_know_are_sent(provider: str, model: str) -> None:
    request = ChatRequest(model, [UserMessage([ImagePart(url="https://x.org/a.png")])])
    body = Endpoint(provider, **client_kwargs(provider)).prepare(request, stream=False).body
    assert body["messages"][0]["content"][0]["type"] == "image_url"


@pytest.mark.parametrize("model", ["glm-6", "glm-5.4"])
def test_reasoning_effort_on_a_new_version_is_sent_as_asked(model: str) -> None:
    assert sent("zai", model, reasoning_effort="medium")["reasoning_effort"] == "medium"


def test_stated_facts_are_checked_like_the_catalogues() -> None:
    stated = {"inputs": {"text"}, "effort_levels": ("low", "high")}
    endpoint = Endpoint("vllm", model_profile=stated, **client_kwargs("vllm"))
    with pytest.raises(InvalidRequestError, match="text-only model"):
        endpoint.prepare(ChatRequest("my-ft", [UserMessage([ImagePart(url="https://x.org/a.png")])]), stream=False)
    body = endpoint.prepare(ChatRequest("my-ft", HI, reasoning_effort="max"), stream=False).body
    assert body["chat_template_kwargs"]["reasoning_effort"] == "high"
    with pytest.raises(ConfigurationError, match=r"has no field .colour."):
        Endpoint("vllm", model_profile={"colour": "blue"}, **client_kwargs("vllm"))
