"""Bad input: each case is a clear `ValueError` before any request, per provider, on every surface.

The cases are generated from each provider's profile (its ranges, stop limit, switches, tool
rules), and each one is tried through 12 surfaces: `GLMClient` / `AsyncGLMClient`, `ChatGLM` and
`GLM`, invoke and stream, sync and async. A surface may refuse at construction (GLM checks its
options when it is built) or at the call; either way nothing reaches the emulator served on
loopback, which counts what it receives.

The refusal must also be *right*: `test_the_provider_refuses_it_too` sends the same request,
encoded without the client's checks, straight to the strict emulator, which answers with the
provider's real error. Where the provider would silently accept something the client refuses,
the case says why the client refuses anyway.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from glm_core import (
    AssistantMessage,
    AsyncGLMClient,
    ChatRequest,
    GLMClient,
    ImagePart,
    Message,
    NamedToolChoice,
    SystemMessage,
    TextPart,
    ToolMessage,
    ToolSpec,
    UserMessage,
)
from glm_core.endpoint import Endpoint
from glm_core.http import shared_client
from glm_core.providers import PROVIDERS, get_provider
from tests.reliability.harness import ACCOUNT, KEY, Served, model_for

pytestmark = pytest.mark.loopback

WEATHER = ToolSpec(
    "get_weather",
    "The weather in a city",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)
HI: list[tuple[str, Any]] = [("user", "Hello")]
IMAGE_URL = "https://example.com/cat.png"


@dataclass
class Case:
    """One bad request, in the shared vocabulary of the three surfaces."""

    id: str
    match: str
    options: dict[str, Any] = field(default_factory=dict)
    messages: list[tuple[str, Any]] = field(default_factory=lambda: list(HI))


def cases_for(provider: str) -> list[Case]:
    """Every bad request for `provider`, derived from its profile."""
    p = get_provider(provider)
    out: list[Case] = []
    if p.temperature_range is None:
        out.append(Case("temperature-unsupported", "temperature is not supported", {"temperature": 0.5}))
    else:
        high = p.temperature_range[1]
        out.append(Case("temperature-high", rf"temperature={high + 0.5} is out of range", {"temperature": high + 0.5}))
        out.append(Case("temperature-negative", "temperature=-0.1 is out of range", {"temperature": -0.1}))
    if p.top_p_range is not None:
        out.append(Case("top_p-high", "top_p=1.5 is out of range", {"top_p": 1.5}))
        if p.top_p_range[0] > 0:
            out.append(Case("top_p-zero", "top_p=0.0 is out of range", {"top_p": 0.0}))
    out.append(Case("max_tokens-zero", "max_tokens=0 is out of range", {"max_tokens": 0}))
    endpoint = Endpoint(provider, api_key=KEY, account_id=ACCOUNT, base_url="http://x/v1")
    limit = endpoint.model_profile(model_for(provider)).max_output_tokens
    out.append(Case("max_tokens-above-limit", f"max_tokens={limit + 1} is out of range", {"max_tokens": limit + 1}))
    if p.max_stop is not None:
        stops = [f"STOP{i}" for i in range(p.max_stop + 1)]
        out.append(Case("too-many-stop-sequences", f"{len(stops)} stop sequences given", {"stop": stops}))
    if p.thinking_switch == "none":
        out.append(Case("thinking-unswitchable", "thinking cannot be switched", {"thinking": True}))
    if not p.supports_preserve_thinking:
        out.append(
            Case("preserve_thinking-unsupported", "preserve_thinking is not supported", {"preserve_thinking": True})
        )
    if p.web_search == "none":
        out.append(Case("web_search-unsupported", "web_search is not supported", {"web_search": True}))
    out.append(Case("tool_choice-without-tools", "without tools|needs at least one", {"tool_choice": "required"}))
    out.append(
        Case(
            "tool_choice-unknown-tool",
            "not among the",
            {"tools": [WEATHER], "tool_choice": NamedToolChoice("get_time")},
        )
    )
    out.append(
        Case("response_format-unknown", "response_format type 'xml' is unknown", {"response_format": {"type": "xml"}})
    )
    out.append(
        Case(
            "response_format-schema-missing",
            "json_schema needs",
            {"response_format": {"type": "json_schema", "json_schema": {"name": "x"}}},
        )
    )
    out.append(Case("messages-empty", "messages is empty", messages=[]))
    out.append(Case("messages-no-user", "no user message", messages=[("system", "Be brief.")]))
    if p.first_message_must_be_user:
        out.append(
            Case(
                "messages-tool-result-first",
                "requires the first non-system message to be a user message",
                messages=[("system", "Be brief."), ("tool", "40 C"), ("user", "Hello")],
            )
        )
    out.append(
        Case(
            "tool-name-pattern",
            "tool name 'get weather!' is not allowed",
            {"tools": [ToolSpec("get weather!", "bad name", WEATHER.parameters)]},
        )
    )
    if p.max_tools is not None:
        many = [ToolSpec(f"tool_{i}", "", WEATHER.parameters) for i in range(p.max_tools + 1)]
        out.append(Case("too-many-tools", f"{p.max_tools + 1} tools given", {"tools": many}))
    image = [("user", [("text", "What is this?"), ("image", IMAGE_URL)])]
    out.append(Case("image-for-text-only-model", "text-only model", messages=image))
    return out


def client_only(provider: str, case_id: str) -> str | None:
    """Why the client refuses a request this provider would accept (None: the provider refuses it too).

    Each is a deliberate choice: the request would be silently ignored, answered as if the option
    were not there, or fail late and obscurely.
    """
    p = get_provider(provider)
    zai_family = p.error_shape == "zai"
    reasons = {
        "temperature-unsupported": "not in the provider's schema: it would be silently ignored",
        "thinking-unswitchable": "no documented switch: it would be silently ignored",
        "preserve_thinking-unsupported": "no such switch: it would be silently ignored",
        "parallel_tool_calls-unenforceable": "no such switch: answered as if it were not there",
        "tool_choice-without-tools": "a choice among no tools: servers ignore it",
        "response_format-unknown": "the dialect would drop an unknown type, silently",
        "response_format-schema-missing": "the schema is optional on the wire, but without one nothing is "
        "constrained (and the Z.ai-family emulation needs it)",
        "web_search-unsupported": "the web_search tool would be ignored or refused, depending on the server",
    }
    if not zai_family:
        reasons |= {
            "messages-no-user": "servers answer a system prompt alone; GLM's chat template expects a user turn",
            "tool-name-pattern": "OpenAI's function-name rule; vLLM-based servers do not check it",
            "too-many-tools": "OpenAI's limit of 128; servers differ in how they fail beyond it",
        }
    # EmpirioLabs documents max_tokens <= 131072; Cloudflare's vLLM backend refuses prompt + max_tokens
    # beyond glm-4.7-flash's 131,072-token window.
    if not zai_family and provider not in ("empiriolabs", "cloudflare", "cloudflare_openai"):
        reasons["max_tokens-above-limit"] = "more than the model can produce in its window; servers clamp or fail late"
    if "named" not in p.tool_choices:
        reasons["tool_choice-unknown-tool"] = "a named choice is never sent here; it is asked for and verified"
    if provider == "openrouter":
        for case_id_ in ("temperature-high", "temperature-negative", "top_p-high"):
            reasons[case_id_] = "OpenRouter documents OpenAI's ranges but passes values on (providers.md 6: any)"
    if provider in ("vllm", "sglang"):
        reasons["temperature-high"] = "OpenAI's range; vLLM itself only checks >= 0 (stricter than the server)"
    return reasons.get(case_id)


ALL_CASES = [(provider, case) for provider in PROVIDERS for case in cases_for(provider)]


# -- building each surface's call ------------------------------------------------------------------


def core_messages(messages: list[tuple[str, Any]]) -> list[Message]:
    out: list[Message] = []
    for role, content in messages:
        if role == "system":
            out.append(SystemMessage(content))
        elif role == "assistant":
            out.append(AssistantMessage(content))
        elif role == "tool":
            out.append(ToolMessage(content, tool_call_id="call_1"))
        elif isinstance(content, str):
            out.append(UserMessage(content))
        else:
            out.append(UserMessage([TextPart(v) if k == "text" else ImagePart(v) for k, v in content]))
    return out


def core_request(provider: str, case: Case) -> ChatRequest:
    return ChatRequest(model_for(provider), core_messages(case.messages), **case.options)


def langchain_call(provider: str, base_url: str, case: Case) -> tuple[Any, list[Any], dict[str, Any]]:
    from langchain_core.messages import AIMessage, HumanMessage
    from langchain_core.messages import SystemMessage as LCSystem
    from langchain_core.messages import ToolMessage as LCToolMessage

    from langchain_glm import ChatGLM

    options = dict(case.options)
    model_options = {
        k: options.pop(k)
        for k in list(options)
        if k in ("temperature", "top_p", "max_tokens", "stop", "thinking", "preserve_thinking", "web_search")
    }
    llm = ChatGLM(
        model=model_for(provider),
        provider=provider,
        base_url=base_url,
        api_key=KEY,
        account_id=ACCOUNT,
        **model_options,
    )
    runnable: Any = llm
    tools = options.pop("tools", None)
    choice = options.pop("tool_choice", None)
    if tools is not None or choice is not None:
        dicts = [
            {"type": "function", "function": {"name": t.name, "description": t.description, "parameters": t.parameters}}
            for t in tools or []
        ]
        lc_choice = choice.name if isinstance(choice, NamedToolChoice) else choice
        runnable = llm.bind_tools(
            dicts, tool_choice=lc_choice, parallel_tool_calls=options.pop("parallel_tool_calls", None)
        )
    if options:
        runnable = runnable.bind(**options)
    messages: list[Any] = []
    for role, content in case.messages:
        if role == "system":
            messages.append(LCSystem(content))
        elif role == "assistant":
            messages.append(AIMessage(content))
        elif role == "tool":
            messages.append(LCToolMessage(content, tool_call_id="call_1"))
        elif isinstance(content, str):
            messages.append(HumanMessage(content))
        else:
            messages.append(
                HumanMessage(
                    [
                        {"type": "text", "text": v} if k == "text" else {"type": "image_url", "image_url": {"url": v}}
                        for k, v in content
                    ]
                )
            )
    return runnable, messages, {}


def llama_call(provider: str, base_url: str, case: Case) -> tuple[Any, list[Any], dict[str, Any]]:
    from llama_index.core.base.llms.types import ChatMessage, ImageBlock, TextBlock

    from llama_index_glm import GLM

    options = dict(case.options)
    model_options = {
        k: options.pop(k)
        for k in list(options)
        if k in ("temperature", "top_p", "max_tokens", "stop", "thinking", "preserve_thinking", "web_search")
    }
    llm = GLM(
        model=model_for(provider),
        provider=provider,
        base_url=base_url,
        api_key=KEY,
        account_id=ACCOUNT,
        **model_options,
    )
    messages = []
    for role, content in case.messages:
        if role == "tool":
            messages.append(ChatMessage(role=role, content=content, additional_kwargs={"tool_call_id": "call_1"}))
        elif isinstance(content, str):
            messages.append(ChatMessage(role=role, content=content))
        else:
            blocks: list[Any] = [TextBlock(text=v) if k == "text" else ImageBlock(url=v) for k, v in content]
            messages.append(ChatMessage(role=role, blocks=blocks))
    return llm, messages, options


async def attempt(kind: str, is_async: bool, stream: bool, provider: str, base_url: str, case: Case) -> None:
    """Make the call the way this surface would; whatever it raises propagates."""
    if kind == "core":
        settings = {"api_key": KEY, "base_url": base_url, "account_id": ACCOUNT}
        request = core_request(provider, case)
        if is_async:
            aclient = AsyncGLMClient(provider, **settings)
            if stream:
                async for _ in aclient.stream(request):
                    pass
            else:
                await aclient.chat(request)
        else:
            client = GLMClient(provider, **settings)
            if stream:
                for _ in client.stream(request):
                    pass
            else:
                client.chat(request)
        return
    if kind == "langchain":
        runnable, messages, _ = langchain_call(provider, base_url, case)
        if is_async:
            if stream:
                async for _ in runnable.astream(messages):
                    pass
            else:
                await runnable.ainvoke(messages)
        elif stream:
            for _ in runnable.stream(messages):
                pass
        else:
            runnable.invoke(messages)
        return
    llm, messages, kwargs = llama_call(provider, base_url, case)
    if is_async:
        if stream:
            async for _ in await llm.astream_chat(messages, **kwargs):
                pass
        else:
            await llm.achat(messages, **kwargs)
    elif stream:
        for _ in llm.stream_chat(messages, **kwargs):
            pass
    else:
        llm.chat(messages, **kwargs)


SURFACES = [(kind, is_async, stream) for kind in ("core", "langchain", "llama_index") for is_async in (False, True)
            for stream in (False, True)]  # fmt: skip


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(("provider", "case"), ALL_CASES, ids=[f"{p}-{c.id}" for p, c in ALL_CASES])
async def test_refused_before_any_request(serve: Callable[..., Served], provider: str, case: Case) -> None:
    served = serve(provider)
    for kind, is_async, stream in SURFACES:
        with pytest.raises(ValueError, match=case.match) as info:
            await attempt(kind, is_async, stream, provider, served.base_url, case)
        message = str(info.value)
        assert KEY not in message
        assert served.requests == 0, f"{kind} async={is_async} stream={stream} sent a request"
    # The core names the provider, so the user knows whose rule it is.
    with pytest.raises(ValueError, match=provider):
        await attempt("core", False, False, provider, served.base_url, case)


@pytest.mark.parametrize(("provider", "case"), ALL_CASES, ids=[f"{p}-{c.id}" for p, c in ALL_CASES])
def test_the_provider_refuses_it_too(serve: Callable[..., Served], provider: str, case: Case) -> None:
    """Encoded without the client's checks and sent as is: the strict emulator refuses it too,
    unless the refusal is the client's own documented choice (then the provider would accept it)."""
    if case.id == "messages-empty":
        pytest.skip("nothing to encode")
    reason = client_only(provider, case.id)
    served = serve(provider)
    endpoint = Endpoint(provider, api_key=KEY, account_id=ACCOUNT, base_url=served.base_url)
    request = core_request(provider, case)
    try:
        encoded = endpoint.dialect.encode(request, endpoint.model_profile(request.model), stream=False)
    except (KeyError, TypeError, ValueError):
        assert reason is not None, "the dialect cannot encode a request the provider is said to refuse"
        return  # the validation is what keeps the dialect from failing obscurely
    headers = {"authorization": f"Bearer {KEY}", "content-type": "application/json"}
    http = shared_client()  # building a client per test would cost an SSL context each time
    response = http.post(served.base_url + encoded.path, content=json.dumps(encoded.body), headers=headers)
    if reason is None:
        assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    else:
        assert response.status_code == 200, f"the provider refuses it too now; drop the reason: {reason}"


# -- setup errors ----------------------------------------------------------------------------------


def build(kind: str, provider: str, **settings: Any) -> Any:
    if kind == "core-sync":
        return GLMClient(provider, **settings)
    if kind == "core-async":
        return AsyncGLMClient(provider, **settings)
    if kind == "langchain":
        from langchain_glm import ChatGLM

        return ChatGLM(model=model_for(provider), provider=provider, **settings)
    from llama_index_glm import GLM

    return GLM(model=model_for(provider), provider=provider, **settings)


KINDS = ["core-sync", "core-async", "langchain", "llama_index"]
KEYED = [p for p in PROVIDERS if get_provider(p).api_key_required]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("provider", KEYED)
def test_missing_key(kind: str, provider: str) -> None:
    env = get_provider(provider).api_key_env[0]
    with pytest.raises(ValueError, match=f"{env} is not set; pass api_key="):
        build(kind, provider, account_id=ACCOUNT)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("provider", ["cloudflare", "cloudflare_openai"])
def test_missing_cloudflare_account_id(kind: str, provider: str) -> None:
    with pytest.raises(ValueError, match="CLOUDFLARE_ACCOUNT_ID is not set; pass account_id="):
        build(kind, provider, api_key=KEY)


@pytest.mark.parametrize("kind", KINDS)
def test_unknown_provider(kind: str) -> None:
    with pytest.raises(ValueError, match="unknown provider 'openai'; valid providers: zai"):
        build(kind, "openai", api_key=KEY)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("url", ["ftp://example.com/v1", "localhost:8000/v1", "api.z.ai/api/paas/v4"])
def test_base_url_that_is_not_http(kind: str, url: str) -> None:
    with pytest.raises(ValueError, match="is not an http\\(s\\) URL"):
        build(kind, "zai", api_key=KEY, base_url=url)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("provider", ["vllm", "sglang"])
def test_self_hosted_without_base_url(kind: str, provider: str) -> None:
    with pytest.raises(ValueError, match="is self-hosted: pass base_url="):
        build(kind, provider)
