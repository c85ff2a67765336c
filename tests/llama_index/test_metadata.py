"""Metadata from the core's model profiles, per provider; secrets kept out of payloads and reprs."""

from __future__ import annotations

import json
import pickle

import pytest
from llama_index.core.llms import MessageRole

from llama_index_glm import GLM
from tests.llama_index.helpers import ACCOUNT, KEY, Script, completion


@pytest.mark.parametrize(
    ("provider", "model", "context_window"),
    [
        ("zai", "glm-4.7", 200_000),
        ("zai", "glm-4.7-flash", 200_000),
        ("zai", "glm-4.5", 131_072),
        ("bigmodel", "glm-4.6", 200_000),
        ("cloudflare", "glm-4.7-flash", 131_072),
        ("cloudflare_openai", "glm-4.7-flash", 131_072),
        ("openrouter", "glm-4.7", 200_000),
        ("vllm", "my-glm-finetune", 200_000),
    ],
)
def test_context_window_per_provider(provider: str, model: str, context_window: int) -> None:
    llm = Script(completion()).llm(provider, model=model)
    metadata = llm.metadata
    assert metadata.context_window == context_window
    assert metadata.is_chat_model is True
    assert metadata.is_function_calling_model is True
    assert metadata.model_name == model
    assert metadata.system_role == MessageRole.SYSTEM


def test_num_output_follows_max_tokens() -> None:
    llm = Script(completion()).llm(max_tokens=2048)
    assert llm.metadata.num_output == 2048
    # Without max_tokens a modest reserve, so a RAG prompt still fits a 131K window.
    default = Script(completion()).llm("cloudflare", model="glm-4.7-flash").metadata
    assert 0 < default.num_output <= 8192 < default.context_window


def test_context_window_override_and_mutation_refresh_metadata() -> None:
    llm = Script(completion()).llm("vllm", model="glm-4.7-flash", context_window=32_768)
    assert llm.metadata.context_window == 32_768
    llm.max_tokens = 1000
    assert llm.metadata.num_output == 1000
    assert llm.to_payload()["num_output"] == 1000


def test_unknown_model_does_not_raise_on_self_hosted() -> None:
    # ZhipuAI 0.6.0 raises on any id outside its table; a served fine-tune must just work.
    assert Script(completion()).llm("sglang", model="org/glm-custom").metadata.context_window > 0


def test_to_payload_never_holds_the_key() -> None:
    llm = Script(completion()).llm("cloudflare", model="glm-4.7-flash")
    payload = json.dumps(llm.to_payload(), default=str)
    assert KEY not in payload
    assert ACCOUNT not in payload
    assert llm.to_payload()["provider"] == "cloudflare"
    assert "api_key" not in llm.to_payload()


def test_key_is_secret_everywhere() -> None:
    llm = Script(completion()).llm("cloudflare", model="glm-4.7-flash")
    assert KEY not in repr(llm)
    assert KEY not in str(llm)
    assert KEY not in llm.to_json()
    assert KEY not in json.dumps(llm.to_dict(), default=str)
    assert KEY not in repr(llm.model_dump())
    assert llm.api_key is not None and llm.api_key.get_secret_value() == KEY


def test_unsupported_option_fails_at_construction() -> None:
    with pytest.raises(ValueError, match=r"temperature=1\.5 is out of range; Z\.ai accepts 0\.0 to 1\.0"):
        Script(completion()).llm("zai", temperature=1.5)
    with pytest.raises(ValueError, match="web_search is not supported"):
        Script(completion()).llm("openrouter", web_search=True)
    with pytest.raises(ValueError, match=r"reasoning_effort='high' is not supported by glm-4\.7 on Z\.ai"):
        Script(completion()).llm("zai", model="glm-4.7", reasoning_effort="high")


def test_missing_key_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZAI_API_KEY", raising=False)
    with pytest.raises(ValueError, match="ZAI_API_KEY is not set"):
        GLM(provider="zai")


def test_key_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", "env-token")
    monkeypatch.setenv("CLOUDFLARE_ACCOUNT_ID", "env-account")
    llm = GLM(provider="cloudflare")
    assert "env-account" in llm._client.endpoint.base_url


def test_changing_connection_settings_rebuilds_the_client() -> None:
    script = Script(completion("ok"))
    llm = script.llm()
    llm.base_url = "http://other-host/v4"
    from llama_index.core.llms import ChatMessage

    llm.chat([ChatMessage(role="user", content="hi")])
    assert str(script.requests[-1].url) == "http://other-host/v4/chat/completions"


def test_pickles_without_clients() -> None:
    llm = GLM(provider="vllm", base_url="http://gpu-box:8000/v1", model="glm-4.7-flash")
    clone = pickle.loads(pickle.dumps(llm))
    assert clone.metadata.context_window == llm.metadata.context_window


def test_plain_str_key_is_stored_as_secret() -> None:
    from pydantic import SecretStr

    llm = GLM(api_key="sk-plain-123")
    assert isinstance(llm.api_key, SecretStr)
    llm.api_key = "sk-changed-456"
    assert isinstance(llm.api_key, SecretStr)
    assert "sk-changed-456" not in repr(llm)
    assert llm._client.endpoint.api_key is not None
    assert llm._client.endpoint.api_key.get_secret_value() == "sk-changed-456"
