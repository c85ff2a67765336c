"""The catalogue's rules against the strict emulator, on every surface (core, ChatGLM, GLM; sync,
async, stream): ids are never refused by us, the provider's "model not found" is a typed error
naming the model, GLM-5.3 never gets a disabled switch, effort levels are checked per model."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx2
import pytest

from glm_core import AsyncGLMClient, ChatRequest, GLMClient, ModelNotFoundError, UserMessage
from glm_core.testing import Emulator
from glm_core.testing.model_rules import ALWAYS_THINKS_EN, ALWAYS_THINKS_ZH
from langchain_glm import ChatGLM, GLMModelNotFoundError
from llama_index_glm import GLM

KEY = "catalogue-key"
ACCOUNT = "catalogue-account"
HI = [UserMessage("Hi")]


def emulator(provider: str, served_model: str = "glm-4.7-flash") -> Emulator:
    return Emulator(provider, api_key=KEY, account_id=ACCOUNT, served_model=served_model)


def core(emu: Emulator, **options: Any) -> GLMClient:
    http = httpx2.Client(transport=emu.transport())
    return GLMClient(
        emu.facts.id, api_key=KEY, account_id=ACCOUNT, base_url=emu.base_url, http_client=http, max_retries=0, **options
    )


def sent(emu: Emulator) -> dict[str, Any]:
    body: dict[str, Any] = emu.requests[-1].body
    return body


# ------------------------------------------------------------------ ids reach the wire; 404s are typed


@pytest.mark.parametrize(
    ("provider", "model", "wire"),
    [
        ("zai", "GLM-5.3", "glm-5.3"),
        ("bigmodel", "glm-4.6v", "glm-4.6v"),
        ("openrouter", "glm-5.3", "z-ai/glm-5.3"),
        ("aimlapi", "glm-4.7-flash", "z-ai/glm-4.7-flash"),
        ("aimlapi", "glm-5.1", "zhipu/glm-5-1"),
        ("empiriolabs", "glm-5.2", "glm-5-2"),
        ("cloudflare_openai", "glm-5.3-flash", "@cf/zai-org/glm-5.3-flash"),
    ],
)
def test_new_ids_reach_the_provider_spelled_its_way(provider: str, model: str, wire: str) -> None:
    emu = emulator(provider)
    answer = core(emu).chat(ChatRequest(model, HI))
    assert answer.content
    assert sent(emu)["model"] == wire


def test_cloudflare_native_puts_a_new_id_in_the_path() -> None:
    emu = emulator("cloudflare")
    core(emu).chat(ChatRequest("glm-5.2", HI))
    assert emu.requests[-1].path.endswith("/run/@cf/zai-org/glm-5.2")


@pytest.mark.parametrize(
    ("provider", "model"),
    [
        ("zai", "glm-9"),
        ("bigmodel", "glm-4-plus"),
        ("openrouter", "glm-9"),
        ("cloudflare", "glm-4.7"),
        ("cloudflare_openai", "glm-9"),
        ("empiriolabs", "glm-9"),
        ("vllm", "glm-5.3"),
        ("sglang", "glm-5.3"),
    ],
)
def test_a_model_the_provider_does_not_serve_is_a_typed_error_naming_it(provider: str, model: str) -> None:
    emu = emulator(provider)
    with pytest.raises(ModelNotFoundError) as caught:
        core(emu).chat(ChatRequest(model, HI))
    error = caught.value
    assert error.provider == provider
    assert error.model is not None and model.lower() in error.model.lower()
    assert repr(error.model) in str(error) and "does not serve model" in str(error)
    assert len(emu.requests) == 1  # not retried


def test_the_stream_raises_the_same_error_naming_the_model() -> None:
    with pytest.raises(ModelNotFoundError) as caught, core(emulator("zai")).stream(ChatRequest("glm-9", HI)) as stream:
        list(stream)
    assert caught.value.model == "glm-9" and "does not serve model 'glm-9'" in str(caught.value)


async def test_the_async_stream_names_the_model_too() -> None:
    emu = emulator("zai")
    http = httpx2.AsyncClient(transport=emu.transport())
    client = AsyncGLMClient("zai", api_key=KEY, base_url=emu.base_url, http_client=http, max_retries=0)
    with pytest.raises(ModelNotFoundError) as caught:
        async with client.stream(ChatRequest("glm-9", HI)) as stream:
            async for _ in stream:
                pass
    assert caught.value.model == "glm-9"


def test_langchain_and_llama_index_raise_it_too() -> None:
    emu = emulator("zai")
    http = httpx2.Client(transport=emu.transport())
    llm = ChatGLM(model="glm-9", api_key=KEY, base_url=emu.base_url, http_client=http, max_retries=0)
    with pytest.raises(GLMModelNotFoundError):
        llm.invoke("Hi")
    glm = GLM(model="glm-9", api_key=KEY, base_url=emu.base_url, http_client=http, max_retries=0)
    with pytest.raises(ModelNotFoundError):
        glm.complete("Hi")


# ------------------------------------------------------------------ the emulator enforces the catalogue


@pytest.mark.parametrize(("provider", "message"), [("zai", ALWAYS_THINKS_EN), ("bigmodel", ALWAYS_THINKS_ZH)])
def test_a_disabled_switch_on_glm_5_3_is_refused_like_z_ai_does(provider: str, message: str) -> None:
    emu = emulator(provider)
    body = {"model": "glm-5.3", "messages": [{"role": "user", "content": "Hi"}], "thinking": {"type": "disabled"}}
    with httpx2.Client(transport=emu.transport()) as http:
        answer = http.post(emu.base_url + "/chat/completions", json=body, headers={"authorization": f"Bearer {KEY}"})
    assert answer.status_code == 400
    assert answer.json() == {"error": {"code": "1210", "message": message}}


def test_the_coding_plan_accepts_it_and_still_thinks() -> None:
    emu = emulator("zai_coding")
    body = {"model": "glm-5.3", "messages": [{"role": "user", "content": "Hi"}], "thinking": {"type": "disabled"}}
    with httpx2.Client(transport=emu.transport()) as http:
        answer = http.post(emu.base_url + "/chat/completions", json=body, headers={"authorization": f"Bearer {KEY}"})
    assert answer.status_code == 200
    assert answer.json()["choices"][0]["message"]["reasoning_content"]


@pytest.mark.parametrize(
    ("provider", "model", "extra", "accepted"),
    [
        ("zai", "glm-5.3", {"reasoning_effort": "medium"}, False),
        ("zai", "glm-5.3", {"reasoning_effort": "low"}, True),
        ("zai_coding", "glm-5.3", {"reasoning_effort": "medium"}, True),  # HERMES PR #97286
        ("zai", "glm-5.2", {"reasoning_effort": "xhigh"}, True),
        ("zai", "glm-4.7-flash", {"reasoning_effort": "high"}, True),  # accepted and ignored (observed)
        ("zai", "glm-5.2", {"reasoning_effort": "ultra"}, False),
        ("zai", "glm-4.5", {"max_tokens": 98_305}, False),
        ("zai", "glm-4.5", {"max_tokens": 98_304}, True),
        ("zai", "glm-4.6v", {"max_tokens": 32_769}, False),
        ("empiriolabs", "glm-5-2", {"reasoning_effort": "max"}, True),
        ("openrouter", "z-ai/glm-5.3", {"reasoning": {"effort": "ultra"}}, False),
        ("cloudflare_openai", "@cf/zai-org/glm-5.3", {"reasoning_effort": "max"}, False),  # CF-5.3 enum
        ("cloudflare_openai", "@cf/zai-org/glm-5.3", {"reasoning_effort": "medium"}, True),
        ("cloudflare", "@cf/zai-org/glm-5.2", {"reasoning_effort": "none"}, False),
        ("cloudflare", "@cf/zai-org/glm-5.3-flash", {"chat_template_kwargs": {"enable_thinking": False}}, False),
        ("zai", "glm-5.3", {"reasoning_effort": "xhigh"}, False),  # OBS-LLMGW
        ("openrouter", "z-ai/glm-5.2", {"reasoning": {"effort": "max"}}, False),  # OR-REASON; LiveBench #438
        ("openrouter", "z-ai/glm-5.2", {"reasoning": {"effort": "xhigh"}}, True),
        ("openrouter", "z-ai/glm-5.3", {"reasoning": {"effort": "none"}}, False),  # mandatory reasoning
        ("openrouter", "z-ai/glm-5.3", {"reasoning": {"enabled": False}}, False),
        ("openrouter", "z-ai/glm-5.3", {"reasoning": {"effort": "minimal"}}, True),
        ("aimlapi", "zhipu/glm-5-3", {"temperature": 1.5, "thinking": {"type": "enabled"}}, True),  # AIML-5.3
        ("aimlapi", "zhipu/glm-5-3", {"temperature": 2.5}, False),
        ("cloudflare_openai", "@cf/zai-org/glm-4.7-flash", {"reasoning_effort": "max"}, False),
        ("cloudflare_openai", "@cf/zai-org/glm-4.7-flash", {"max_completion_tokens": 131_072}, False),
    ],
)
def test_what_the_emulator_accepts_per_model(provider: str, model: str, extra: dict[str, Any], accepted: bool) -> None:
    emu = emulator(provider)
    body = {"model": model, "messages": [{"role": "user", "content": "Hi"}], **extra}
    with httpx2.Client(transport=emu.transport()) as http:
        answer = http.post(emu.base_url + "/chat/completions", json=body, headers={"authorization": f"Bearer {KEY}"})
    assert (answer.status_code == 200) is accepted, answer.text[:300]


def test_the_context_window_is_enforced() -> None:
    # glm-4.5v has a 64K window: a prompt of ~70K tokens (4 characters each) is refused with 1261.
    emu = emulator("zai")
    body = {"model": "glm-4.5v", "messages": [{"role": "user", "content": "word " * 56_000}]}
    with httpx2.Client(transport=emu.transport()) as http:
        answer = http.post(emu.base_url + "/chat/completions", json=body, headers={"authorization": f"Bearer {KEY}"})
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, "1261")


def test_vllm_checks_prompt_plus_max_tokens_against_the_served_window() -> None:
    emu = emulator("vllm", served_model="glm-4.5v")
    body = {"model": "glm-4.5v", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 65_536}
    with httpx2.Client(transport=emu.transport()) as http:
        answer = http.post(emu.base_url + "/chat/completions", json=body, headers={"authorization": f"Bearer {KEY}"})
    assert answer.status_code == 400
    assert "maximum context length is 65536 tokens" in answer.json()["error"]["message"]


# ------------------------------------------------------------------ every surface, strict emulator


def test_core_sync_async_and_stream_with_effort_and_thinking_false() -> None:
    emu = emulator("zai")
    client = core(emu, reasoning_effort="high")
    # Z.ai's GLM-5.3 at high effort answered a greeting without reasoning (real-traffic.md §3.1).
    answer = client.chat(ChatRequest("glm-5.3", HI))
    assert answer.content and answer.reasoning is None
    assert sent(emu)["reasoning_effort"] == "high"
    assert client.chat(ChatRequest("glm-5.3", HI, reasoning_effort="max")).reasoning
    with client.stream(ChatRequest("glm-5.3", HI, thinking=False)) as stream:
        list(stream)
    assert sent(emu)["reasoning_effort"] == "low" and "thinking" not in sent(emu)

    async def go() -> None:
        http = httpx2.AsyncClient(transport=emu.transport())
        aclient = AsyncGLMClient("zai", api_key=KEY, base_url=emu.base_url, http_client=http, max_retries=0)
        await aclient.chat(ChatRequest("glm-5.3", HI, reasoning_effort="max"))
        assert sent(emu)["reasoning_effort"] == "max"
        async with aclient.stream(ChatRequest("glm-5.2", HI, reasoning_effort="none")) as stream:
            async for _ in stream:
                pass
        assert sent(emu)["reasoning_effort"] == "none"
        await http.aclose()

    asyncio.run(go())


@pytest.mark.parametrize("provider", ["zai", "openrouter", "cloudflare"])
def test_chatglm_constructor_and_per_call_effort(provider: str) -> None:
    emu = emulator(provider)
    http = httpx2.Client(transport=emu.transport())
    llm = ChatGLM(
        model="glm-5.3",
        provider=provider,
        api_key=KEY,
        account_id=ACCOUNT,
        base_url=emu.base_url,
        http_client=http,
        http_async_client=httpx2.AsyncClient(transport=emu.transport()),
        reasoning_effort="high",
        max_retries=0,
    )
    assert llm.invoke("Hi", reasoning_effort="max").additional_kwargs["reasoning_content"]
    llm.invoke("Hi")
    effort = lambda body: body.get("reasoning_effort") or body.get("reasoning", {}).get("effort")  # noqa: E731
    assert effort(sent(emu)) == "high"
    list(llm.stream("Hi", reasoning_effort="low"))
    assert effort(sent(emu)) == "low"
    # The provider's own levels for GLM-5.3 (docs/providers-facts.md, "Reasoning effort per provider").
    levels, cheapest, medium = {
        "zai": (["low", "high", "max"], "low", "high"),  # ZAI-OAS: medium is sent as its nearest, high
        "openrouter": (["minimal", "low", "medium", "high", "xhigh"], "minimal", "medium"),  # OR-REASON
        "cloudflare": (["low", "medium", "high"], "low", "medium"),  # CF-5.3
    }[provider]
    asyncio.run(llm.ainvoke("Hi", thinking=False))
    assert effort(sent(emu)) == cheapest
    llm.invoke("Hi", reasoning_effort="medium")
    assert effort(sent(emu)) == medium
    assert llm.profile is not None and llm.profile["reasoning_effort_levels"] == levels


def test_llama_index_constructor_and_per_call_effort() -> None:
    emu = emulator("zai")
    http = httpx2.Client(transport=emu.transport())
    llm = GLM(model="glm-5.3", api_key=KEY, base_url=emu.base_url, http_client=http, reasoning_effort="max")
    llm.complete("Hi")
    assert sent(emu)["reasoning_effort"] == "max"
    list(llm.stream_complete("Hi", reasoning_effort="low"))
    assert sent(emu)["reasoning_effort"] == "low"
    assert llm.metadata.context_window == 1_000_000
    # A level GLM-5.3 lacks on Z.ai is sent as its nearest (xhigh -> max); a name that is no level is refused.
    GLM(model="glm-5.3", api_key=KEY, base_url=emu.base_url, http_client=http, reasoning_effort="xhigh").complete("Hi")
    assert sent(emu)["reasoning_effort"] == "max"
    with pytest.raises(ValueError):  # the field's type: pydantic names the seven levels
        GLM(model="glm-5.3", api_key=KEY, reasoning_effort="ultra")


@pytest.mark.parametrize(
    ("provider", "model", "context", "tools"),
    [
        ("zai", "glm-4.5v", 65_536, False),
        ("cloudflare", "glm-5.2", 262_144, True),
        ("openrouter", "glm-5.3", 1_048_576, True),
    ],
)
def test_llama_index_metadata_follows_model_and_provider(provider: str, model: str, context: int, tools: bool) -> None:
    llm = GLM(model=model, provider=provider, api_key=KEY, account_id=ACCOUNT)
    assert (llm.metadata.context_window, llm.metadata.is_function_calling_model) == (context, tools)
