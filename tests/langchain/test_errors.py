"""Errors: each is both a glm_core error and a langchain-core Model*Error, with is_retryable right."""

from __future__ import annotations

import httpx2
import pytest
from langchain_core import exceptions as lc

from glm_core import errors as core
from langchain_glm import (
    ChatGLM,
    GLMAuthenticationError,
    GLMBadRequestError,
    GLMConnectionError,
    GLMContentFilterError,
    GLMContextOverflowError,
    GLMInvalidRequestError,
    GLMNotFoundError,
    GLMPermissionDeniedError,
    GLMQuotaExceededError,
    GLMRateLimitError,
    GLMServerError,
    GLMStreamInterruptedError,
    GLMTimeoutError,
)
from langchain_glm.errors import to_langchain_error
from tests.langchain.helpers import KEY, make_llm, sse, stream_events


def zai_error(code: str, message: str) -> dict[str, object]:
    return {"error": {"code": code, "message": message}}


CASES = [
    # (provider, status, body, our class, langchain class, retryable)
    ("zai", 429, zai_error("1113", "Insufficient balance or no resource package."), GLMQuotaExceededError,
     lc.ModelRateLimitError, False),
    ("zai", 429, zai_error("1302", "High concurrency usage of this API"), GLMRateLimitError,
     lc.ModelRateLimitError, True),
    ("zai", 429, zai_error("1305", "The service may be temporarily overloaded"), GLMRateLimitError,
     lc.ModelRateLimitError, True),
    ("zai", 400, zai_error("1301", "系统检测到输入或生成内容可能包含不安全或敏感内容"), GLMContentFilterError,
     lc.ModelInvalidRequestError, False),
    ("zai", 400, zai_error("1261", "Prompt exceeds max length"), GLMContextOverflowError,
     lc.ContextOverflowError, False),
    ("zai", 400, zai_error("1214", "The messages parameter is illegal"), GLMBadRequestError,
     lc.ModelInvalidRequestError, False),
    ("zai", 401, zai_error("1002", "Invalid token"), GLMAuthenticationError, lc.ModelAuthenticationError, False),
    ("zai", 500, zai_error("500", "internal error"), GLMServerError, lc.ModelAPIError, True),
    ("cloudflare", 429, {"success": False, "errors": [{"code": 3036, "message": "daily quota"}], "result": None},
     GLMQuotaExceededError, lc.ModelRateLimitError, False),
    ("cloudflare", 404, {"success": False, "errors": [{"code": 7003, "message": "no route"}], "result": None},
     GLMNotFoundError, lc.ModelNotFoundError, False),
    ("aimlapi", 403, {"message": "out of credits", "statusCode": 403}, GLMQuotaExceededError,
     lc.ModelRateLimitError, False),
    ("openrouter", 403, {"error": {"message": "forbidden", "code": 403}}, GLMPermissionDeniedError,
     lc.ModelPermissionDeniedError, False),
    ("vllm", 400, {"object": "error", "message": "maximum context length is 131072 tokens", "code": 400},
     GLMContextOverflowError, lc.ContextOverflowError, False),
]  # fmt: skip


@pytest.mark.parametrize(("provider", "status", "body", "ours", "theirs", "retryable"), CASES)
def test_http_errors_map_by_business_code(
    provider: str, status: int, body: dict[str, object], ours: type, theirs: type, retryable: bool
) -> None:
    llm, _ = make_llm((status, body), provider=provider)
    with pytest.raises(ours) as info:
        llm.invoke("Hi")
    error = info.value
    assert isinstance(error, theirs)
    assert isinstance(error, lc.ModelError)
    assert isinstance(error, core.APIError)
    assert error.is_retryable is retryable
    assert error.retryable is retryable
    assert error.status_code == status
    assert error.provider == provider
    assert KEY not in str(error) and KEY not in repr(error)


async def test_async_errors_are_mapped_too() -> None:
    llm, _ = make_llm((429, zai_error("1113", "no balance")))
    with pytest.raises(GLMQuotaExceededError) as info:
        await llm.ainvoke("Hi")
    assert info.value.code == "1113"
    assert not info.value.is_retryable


def test_retryable_errors_are_retried_by_the_core_then_raised() -> None:
    llm, script = make_llm(
        (429, zai_error("1302", "busy"), {"retry-after-ms": "1"}),
        (429, zai_error("1302", "busy"), {"retry-after-ms": "1"}),
        max_retries=1,
    )
    with pytest.raises(GLMRateLimitError):
        llm.invoke("Hi")
    assert len(script.requests) == 2


def test_final_codes_are_not_retried() -> None:
    llm, script = make_llm((429, zai_error("1113", "no balance")), max_retries=3)
    with pytest.raises(GLMQuotaExceededError):
        llm.invoke("Hi")
    assert len(script.requests) == 1


def _failing(error: Exception) -> ChatGLM:
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise error

    transport = httpx2.MockTransport(handler)
    return ChatGLM(
        api_key=KEY,
        max_retries=0,
        http_client=httpx2.Client(transport=transport),
        http_async_client=httpx2.AsyncClient(transport=transport),
    )


def test_connection_and_timeout_errors() -> None:
    with pytest.raises(GLMConnectionError) as info:
        _failing(httpx2.ConnectError("refused")).invoke("Hi")
    assert isinstance(info.value, lc.ModelConnectionError) and info.value.is_retryable
    with pytest.raises(GLMTimeoutError) as timeout:
        _failing(httpx2.ReadTimeout("slow")).invoke("Hi")
    assert isinstance(timeout.value, lc.ModelTimeoutError) and timeout.value.is_retryable


def test_error_inside_a_200_stream_is_raised() -> None:
    body = sse([{"error": {"code": "1234", "message": "network error"}}], done=False)
    llm, _ = make_llm(body)
    with pytest.raises(GLMServerError) as info:
        list(llm.stream("Hi"))
    assert info.value.is_retryable


def test_stream_cut_after_first_event_is_interrupted_with_partial() -> None:
    events = stream_events(["Hel", "lo"])[:2]  # no finish reason, no [DONE]
    llm, _ = make_llm(sse(events, done=False))
    received: list[str] = []
    with pytest.raises(GLMStreamInterruptedError) as info:
        for piece in llm.stream("Hi"):
            received.append(str(piece.content))
    assert received == ["Hel", "lo"]
    error = info.value
    assert isinstance(error, lc.ModelAPIError)
    assert error.partial is not None and error.partial.content == "Hello"
    assert error.is_retryable  # a dropped connection: asking again may work


def test_bad_input_is_a_value_error_and_a_model_invalid_request_error() -> None:
    llm, script = make_llm(temperature=1.5)
    with pytest.raises(
        GLMInvalidRequestError, match=r"temperature=1.5 is out of range; Z.ai accepts 0.0 to 1.0"
    ) as info:
        llm.invoke("Hi")
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, lc.ModelInvalidRequestError)
    assert not info.value.is_retryable
    assert script.requests == []


@pytest.mark.parametrize(
    ("kwargs", "call", "match"),
    [
        ({}, {"stop": ["a", "b"]}, "2 stop sequences given; Z.ai accepts at most 1"),
        ({"max_tokens": 10**7}, {}, "max_tokens=10000000 is out of range"),
        ({}, {"top_p": 0}, "top_p=0 is out of range"),
        ({}, {"model": "glm-4.7", "reasoning_effort": "high"}, "it has no effort levels"),
        ({"reasoning_effort": "high"}, {"model": "glm-4.7"}, "it has no effort levels"),
        ({"preserve_thinking": True}, {"model": "glm-4.5"}, "preserve"),
    ],
)
def test_every_bad_input_is_refused_before_sending(
    kwargs: dict[str, object], call: dict[str, object], match: str
) -> None:
    llm, script = make_llm(**kwargs)
    with pytest.raises(ValueError, match=match):
        llm.invoke("Hi", **call)
    assert script.requests == []


@pytest.mark.parametrize(
    ("provider", "kwargs", "match"),
    [
        ("aimlapi", {"temperature": 2.5}, "temperature=2.5 is out of range; AI/ML API accepts 0.0 to 2.0"),
        ("aimlapi", {"model": "glm-5.3", "thinking": False}, "AI/ML API takes no reasoning_effort for it"),
        ("openrouter", {"preserve_thinking": True}, "preserve_thinking is not supported by OpenRouter"),
        ("cloudflare", {"stop": ["a", "b", "c", "d", "e"]}, "5 stop sequences given; Cloudflare Workers AI accepts"),
    ],
)
def test_provider_limits_are_checked_before_sending(provider: str, kwargs: dict[str, object], match: str) -> None:
    llm, script = make_llm(provider=provider, **kwargs)
    with pytest.raises(ValueError, match=match):
        llm.invoke("Hi")
    assert script.requests == []


def test_image_to_a_text_only_model_is_refused_before_sending() -> None:
    from langchain_core.messages import HumanMessage

    llm, script = make_llm()
    image = {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}
    with pytest.raises(ValueError, match=r"glm-4\.7-flash is a text-only model"):
        llm.invoke([HumanMessage(content=[{"type": "text", "text": "what is this?"}, image])])
    assert script.requests == []


def test_too_many_tools_are_refused_before_sending() -> None:
    llm, script = make_llm()
    tools = [
        {"type": "function", "function": {"name": f"tool_{i}", "parameters": {"type": "object", "properties": {}}}}
        for i in range(129)
    ]
    with pytest.raises(ValueError, match=r"129 tools given; Z\.ai accepts at most 128"):
        llm.bind_tools(tools).invoke("x")
    assert script.requests == []


def test_empty_conversation_is_refused() -> None:
    llm, script = make_llm()
    with pytest.raises(ValueError, match="messages is empty"):
        llm.invoke([])
    assert script.requests == []


def test_conversation_that_starts_with_a_tool_result_is_refused_on_zai() -> None:
    from langchain_core.messages import HumanMessage, SystemMessage, ToolMessage

    llm, script = make_llm()
    with pytest.raises(ValueError, match="first non-system message to be a user message"):
        llm.invoke([SystemMessage("s"), ToolMessage("40 C", tool_call_id="c"), HumanMessage("x")])
    assert script.requests == []


def test_to_langchain_error_keeps_attributes_and_leaves_others_alone() -> None:
    original = core.RateLimitError("busy", provider="zai", status_code=429, code="1302", request_id="r1")
    converted = to_langchain_error(original)
    assert isinstance(converted, GLMRateLimitError)
    assert (converted.code, converted.request_id, converted.status_code) == ("1302", "r1", 429)
    assert str(converted) == str(original)
    assert to_langchain_error(converted) is converted
    plain = KeyError("x")
    assert to_langchain_error(plain) is plain
