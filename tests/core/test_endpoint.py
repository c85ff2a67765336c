"""Endpoints, provider and model profiles, and the client's HTTP side (shared clients, timeouts)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import httpx2
import pytest

from glm_core import (
    MODEL_PROFILES,
    PROVIDERS,
    AsyncGLMClient,
    ChatRequest,
    GLMClient,
    UserMessage,
    get_provider,
    model_profile,
)
from glm_core.endpoint import Endpoint
from glm_core.http import shared_client
from tests.core.helpers import KEY, Server, json_response, make_client, sse_body, sse_response

OK = {"id": "ok", "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Hi"}}]}

# ------------------------------------------------------------------ provider profiles (DESIGN.md table)


@pytest.mark.parametrize(
    ("provider", "base_url", "env"),
    [
        ("zai", "https://api.z.ai/api/paas/v4", ("ZAI_API_KEY",)),
        ("zai_coding", "https://api.z.ai/api/coding/paas/v4", ("ZAI_API_KEY",)),
        ("bigmodel", "https://open.bigmodel.cn/api/paas/v4", ("ZHIPUAI_API_KEY",)),
        ("empiriolabs", "https://api.empiriolabs.ai/v1", ("EMPIRIOLABS_API_KEY",)),
        ("aimlapi", "https://api.aimlapi.com/v1", ("AIMLAPI_API_KEY",)),
        ("openrouter", "https://openrouter.ai/api/v1", ("OPENROUTER_API_KEY",)),
        ("vllm", None, ("GLM_API_KEY",)),
        ("sglang", None, ("GLM_API_KEY",)),
    ],
)
def test_provider_urls_and_key_variables(provider: str, base_url: str | None, env: tuple[str, ...]) -> None:
    profile = get_provider(provider)
    assert profile.base_url == base_url
    assert profile.api_key_env == env
    assert profile.api_key_required is (base_url is not None)


def test_cloudflare_profiles() -> None:
    for provider in ("cloudflare", "cloudflare_openai"):
        profile = get_provider(provider)
        assert profile.api_key_env == ("CLOUDFLARE_API_TOKEN",)
        assert profile.account_id_env == "CLOUDFLARE_ACCOUNT_ID"
        assert model_profile("glm-4.7-flash", provider=provider).context_window == 131_072
    assert get_provider("cloudflare").dialect == "cloudflare_run"
    assert get_provider("cloudflare_openai").dialect == "openai_chat"


@pytest.mark.parametrize(
    ("provider", "model", "wire"),
    [
        ("zai", "glm-4.7", "glm-4.7"),
        ("zai", "glm-4.7-flash", "glm-4.7-flash"),
        ("bigmodel", "glm-4.5-air", "glm-4.5-air"),
        ("empiriolabs", "glm-4.7-flash", "glm-4-7-flash"),
        ("cloudflare", "glm-4.7-flash", "@cf/zai-org/glm-4.7-flash"),
        ("cloudflare_openai", "glm-4.7-flash", "@cf/zai-org/glm-4.7-flash"),
        ("aimlapi", "glm-4.7", "zhipu/glm-4.7"),
        ("openrouter", "glm-4.7", "z-ai/glm-4.7"),
        ("vllm", "zai-org/GLM-4.7-Flash", "zai-org/GLM-4.7-Flash"),
        ("sglang", "glm", "glm"),
        # Ids that are not in any list: spelled by the provider's naming rule, never refused.
        ("zai", "GLM-4.7", "glm-4.7"),
        ("zai", "glm-5.3", "glm-5.3"),
        ("bigmodel", "glm-4-plus", "glm-4-plus"),
        ("zai_coding", "glm-6", "glm-6"),
        ("openrouter", "glm-5.3", "z-ai/glm-5.3"),
        ("openrouter", "glm-5.3-flash", "z-ai/glm-5.3-flash"),
        ("cloudflare", "glm-5.2", "@cf/zai-org/glm-5.2"),
        ("cloudflare_openai", "glm-5.3", "@cf/zai-org/glm-5.3"),
        ("empiriolabs", "glm-5.2", "glm-5-2"),
        ("empiriolabs", "glm-4.6v-flash", "glm-4-6v-flash"),
        ("aimlapi", "glm-4.7-flash", "z-ai/glm-4.7-flash"),
        ("aimlapi", "glm-4.6v", "z-ai/glm-4.6v"),
        ("aimlapi", "glm-5-turbo", "z-ai/glm-5-turbo"),
        ("aimlapi", "glm-5.1", "zhipu/glm-5-1"),
        ("aimlapi", "glm-5", "zhipu/glm-5"),
        ("aimlapi", "glm-4.5-air", "zhipu/glm-4.5-air"),
        ("vllm", "GLM-5.3-FP8", "GLM-5.3-FP8"),
        # A provider-native id goes as given.
        ("openrouter", "z-ai/glm-5.3:batch", "z-ai/glm-5.3:batch"),
        ("aimlapi", "zhipu/glm-5.3", "zhipu/glm-5.3"),
        ("empiriolabs", "glm-5-1", "glm-5-1"),
    ],
)
def test_wire_model_ids(provider: str, model: str, wire: str) -> None:
    assert get_provider(provider).wire_model(model) == wire


def test_zai_coding_preserves_thinking_by_default() -> None:
    assert get_provider("zai_coding").preserve_thinking_default is True
    assert get_provider("zai").preserve_thinking_default is False


def test_every_provider_has_a_known_dialect_and_id() -> None:
    for provider_id, profile in PROVIDERS.items():
        assert profile.id == provider_id
        assert profile.dialect in ("openai_chat", "cloudflare_run")


def test_a_custom_profile_can_be_passed() -> None:
    custom = replace(get_provider("vllm"), id="my_server", base_url="http://10.0.0.2:9000/v1")
    server = Server([json_response(OK)])
    client = GLMClient(custom, http_client=httpx2.Client(transport=httpx2.MockTransport(server)))
    assert client.chat(ChatRequest("glm", [UserMessage("Hi")])).provider == "my_server"
    assert str(server.requests[0].url) == "http://10.0.0.2:9000/v1/chat/completions"


# ------------------------------------------------------------------ model profiles


@pytest.mark.parametrize(
    ("model", "max_output", "thinking", "preserved"),
    [
        ("glm-4.7", 131_072, "on", True),
        ("glm-4.7-flash", 131_072, "on", True),
        ("glm-4.6", 131_072, "auto", False),
        ("glm-4.5", 98_304, "auto", False),
        ("glm-4.5-air", 98_304, "auto", False),
        ("glm-4.5-flash", 98_304, "auto", False),
    ],
)
def test_model_profiles(model: str, max_output: int, thinking: str, preserved: bool) -> None:
    # providers.md §1.2: 128K output for 4.7/4.6, 96K for 4.5; 4.7 thinks whenever enabled.
    profile = MODEL_PROFILES[model]
    assert (profile.max_output_tokens, profile.thinking, profile.preserved_thinking) == (
        max_output,
        thinking,
        preserved,
    )
    assert profile.inputs == {"text"}


def test_a_provider_override_of_the_context_window() -> None:
    assert model_profile("glm-4.7-flash", context_window=131_072).context_window == 131_072
    assert Endpoint("cloudflare", api_key=KEY, account_id="a").model_profile("glm-4.7-flash").context_window == 131_072
    assert Endpoint("zai", api_key=KEY).model_profile("glm-4.7-flash").context_window == 200_000


def test_an_unknown_model_gets_the_flash_facts_under_its_own_name() -> None:
    profile = model_profile("my-finetune")
    assert profile.id == "my-finetune"
    assert profile.max_output_tokens == MODEL_PROFILES["glm-4.7-flash"].max_output_tokens


# ------------------------------------------------------------------ the HTTP side


def test_clients_without_their_own_http_client_share_one() -> None:
    first = GLMClient("zai", api_key="k")
    second = GLMClient("openrouter", api_key="k")
    assert first.http is second.http is shared_client()
    first.close()  # closing a client never closes the shared one
    assert not shared_client().is_closed


def test_closing_your_own_http_client() -> None:
    own = httpx2.Client(transport=httpx2.MockTransport(Server()))
    GLMClient("zai", api_key="k", http_client=own).close()
    assert own.is_closed


def test_one_shared_async_client_per_event_loop() -> None:
    async def grab() -> tuple[httpx2.AsyncClient, httpx2.AsyncClient]:
        return AsyncGLMClient("zai", api_key="k").http, AsyncGLMClient("vllm", base_url="http://h/v1").http

    a1, a2 = asyncio.run(grab())
    b1, _ = asyncio.run(grab())
    assert a1 is a2
    assert b1 is not a1


async def test_async_close_of_your_own_client() -> None:
    own = httpx2.AsyncClient(transport=httpx2.MockTransport(Server()))
    await AsyncGLMClient("zai", api_key="k", http_client=own).aclose()
    assert own.is_closed


def test_timeouts_sent_with_each_request() -> None:
    server = Server(
        [
            json_response(OK),
            sse_response(sse_body({"choices": [{"index": 0, "delta": {"content": "x"}, "finish_reason": "stop"}]})),
        ]
    )
    client = make_client("vllm", server, timeout=30.0, stream_idle_timeout=7.0)
    client.chat(ChatRequest("glm", [UserMessage("Hi")]))
    client.stream(ChatRequest("glm", [UserMessage("Hi")])).get_final_response()
    plain, streamed = (r.extensions["timeout"] for r in server.requests)
    assert plain == {"connect": 5.0, "read": 30.0, "write": 30.0, "pool": 30.0}
    # The per-read limit is only the fallback for transports the wall-clock deadlines cannot reach
    # (the first event within 30 s, later ones within 7 s: tests/reliability/test_hostile_wire.py).
    assert streamed["read"] == 30.0 and streamed["connect"] == 5.0


def test_default_timeouts() -> None:
    client = GLMClient("zai", api_key="k")
    assert client.timeout.connect == 5.0
    assert client.timeout.read == 600.0
    assert client.answer_timeout == 600.0  # the wall-clock limit of one attempt
    assert client.stream_idle_timeout == 120.0


def test_an_httpx_timeout_is_used_as_given() -> None:
    timeout = httpx2.Timeout(12.0, connect=1.0)
    assert GLMClient("zai", api_key="k", timeout=timeout).timeout is timeout


def test_the_body_on_the_wire_is_what_prepare_built() -> None:
    server = Server([json_response(OK)])
    client = make_client("zai", server)
    request = ChatRequest("glm-4.7", [UserMessage("Hi")], thinking=False)
    client.chat(request)
    assert server.requests[0].content == client.endpoint.prepare(request, stream=False).content
    assert json.loads(server.requests[0].content)["thinking"] == {"type": "disabled"}
    assert server.requests[0].method == "POST"
    assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize(
    ("provider", "native", "context_window", "max_output"),
    [
        ("cloudflare", "@cf/zai-org/glm-4.7-flash", 131_072, 131_072),
        ("openrouter", "z-ai/glm-4.5", 131_072, 98_304),
        ("aimlapi", "zhipu/glm-4.5-air", 131_072, 98_304),
        ("empiriolabs", "glm-4-7-flash", 200_000, 131_072),
    ],
)
def test_a_provider_native_model_id_gets_the_facts_of_the_model_it_names(
    provider: str, native: str, context_window: int, max_output: int
) -> None:
    profile = Endpoint(provider, api_key=KEY, account_id="a").model_profile(native)
    assert (profile.context_window, profile.max_output_tokens) == (context_window, max_output)


def test_limits_of_a_native_model_id_are_enforced() -> None:
    from glm_core import InvalidRequestError

    endpoint = Endpoint("openrouter", api_key=KEY)
    with pytest.raises(InvalidRequestError, match="1 to 98304"):
        endpoint.prepare(ChatRequest("z-ai/glm-4.5", [UserMessage("Hi")], max_tokens=100_000), stream=False)


# ------------------------------------------------------------------ a base URL with a query string


def test_a_query_string_in_base_url_stays_after_every_path() -> None:
    import pickle

    from glm_core import EmbeddingRequest, RerankRequest

    seen: list[str] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        seen.append(str(request.url))
        path = request.url.path
        if path.endswith("/embeddings"):
            return httpx2.Response(200, json={"data": [{"index": 0, "embedding": [0.5] * 256}]})
        if path.endswith("/rerank"):
            return httpx2.Response(200, json={"results": [{"index": 0, "relevance_score": 0.5}]})
        if path.endswith("/tokenizer"):
            return httpx2.Response(200, json={"usage": {"prompt_tokens": 7}})
        if b'"stream":true' in request.content:
            return sse_response(sse_body({"choices": [{"delta": {"content": "Hi"}, "finish_reason": "stop"}]}))
        return json_response(OK)

    base = "https://gateway.example.org/v1/?api-version=2026-01-01&team=search#ignored"
    client = GLMClient(
        "zai", api_key=KEY, base_url=base, http_client=httpx2.Client(transport=httpx2.MockTransport(answer))
    )
    request = ChatRequest("glm-4.6", [UserMessage("Hi")])
    client.chat(request)
    with client.stream(request) as stream:
        stream.get_final_response()
    client.embed(EmbeddingRequest(["a"], dimensions=256))
    client.rerank(RerankRequest("q", ["a"]))
    client.count_tokens(request)
    query = "?api-version=2026-01-01&team=search"
    paths = ["chat/completions", "chat/completions", "embeddings", "rerank", "tokenizer"]
    assert seen == [f"https://gateway.example.org/v1/{path}{query}" for path in paths]
    assert repr(client) == "GLMClient(provider='zai', base_url='https://gateway.example.org/v1')"
    assert pickle.loads(pickle.dumps(client)).endpoint.url("/x") == f"https://gateway.example.org/v1/x{query}"
