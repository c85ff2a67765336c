"""Every error body shape in providers.md, decoded into the one exception tree.

Sources: §1.9 (Z.ai business codes, string `code`), §2.5 (Cloudflare envelope), §3 (AI/ML body),
§5 (OpenAI-style from vLLM/OpenRouter, SGLang's `object: error`), and a proxy's HTML page.
"""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from glm_core import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ChatRequest,
    ContentFilterError,
    ContextOverflowError,
    ModelNotFoundError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
    UserMessage,
)
from glm_core.dialects.errors import error_from_body, error_from_response
from glm_core.providers import get_provider
from tests.core.helpers import KEY, Server, make_client


def zai(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}, **extra}


def cloudflare(code: int, message: str) -> dict[str, Any]:
    return {"result": None, "success": False, "errors": [{"code": code, "message": message}], "messages": []}


def aiml(status: int, message: str) -> dict[str, Any]:
    return {
        "message": message,
        "path": "/v1/chat/completions",
        "requestId": "aiml-req-42",
        "statusCode": status,
        "timestamp": "2026-01-01T00:00:00.000Z",
    }


CASES: list[tuple[str, int, Any, type[APIError], bool, str | None]] = [
    # provider, status, body, class, retryable, code
    (
        "zai",
        429,
        zai("1113", "Insufficient balance or no resource package. Please recharge."),
        QuotaExceededError,
        False,
        "1113",
    ),
    ("zai", 400, zai("1301", "系统检测到输入或生成内容可能包含不安全或敏感内容"), ContentFilterError, False, "1301"),
    ("zai", 429, zai("1302", "Rate limit reached for requests"), RateLimitError, True, "1302"),
    (
        "zai",
        429,
        zai("1305", "The service may be temporarily overloaded, please try again later"),
        RateLimitError,
        True,
        "1305",
    ),
    ("zai", 400, zai("1211", "Unknown Model, please check the model code."), ModelNotFoundError, False, "1211"),
    ("zai", 400, zai("1214", "Incorrect role information"), BadRequestError, False, "1214"),
    ("zai", 400, zai("1261", "Prompt exceeds max length"), ContextOverflowError, False, "1261"),
    ("zai", 400, zai("1210", "Invalid API parameter, please check the documentation."), BadRequestError, False, "1210"),
    (
        "zai",
        401,
        zai("1002", "Authorization Token非法"),
        AuthenticationError,
        False,
        "1002",
    ),
    (
        "zai",
        500,
        zai("1234", "Network error, error id: abc, please contact customer service"),
        ServerError,
        True,
        "1234",
    ),
    ("zai_coding", 429, zai("1305", "overloaded"), RateLimitError, True, "1305"),
    # The OpenAPI's integer code (real bodies send a string): read the same way.
    ("zai", 429, {"error": {"code": 1302, "message": "Rate limit reached"}}, RateLimitError, True, "1302"),
    ("bigmodel", 429, zai("1113", "余额不足或无可用资源包,请充值。"), QuotaExceededError, False, "1113"),
    (
        "cloudflare",
        400,
        cloudflare(5006, "AiError: Bad input: Error: oneOf at '/' not met, 0 matches"),
        BadRequestError,
        False,
        "5006",
    ),
    (
        "cloudflare",
        429,
        cloudflare(3036, "Account limited: daily free allocation used"),
        QuotaExceededError,
        False,
        "3036",
    ),
    (
        "cloudflare",
        429,
        cloudflare(3040, "Capacity temporarily exceeded, please try again."),
        RateLimitError,
        True,
        "3040",
    ),
    ("cloudflare", 401, cloudflare(10000, "Authentication error"), AuthenticationError, False, "10000"),
    (
        "cloudflare_openai",
        404,
        cloudflare(
            7003,
            "Could not route to /client/v4/accounts/x/ai/v1/chat/completions, "
            "perhaps your object identifier is invalid?",
        ),
        NotFoundError,
        False,
        "7003",
    ),
    (
        "cloudflare_openai",
        429,
        cloudflare(3040, "No more data centers to forward the request to"),
        RateLimitError,
        True,
        "3040",
    ),
    ("aimlapi", 400, aiml(400, "Body validation error!"), BadRequestError, False, "400"),
    ("aimlapi", 401, aiml(401, "Invalid key"), AuthenticationError, False, "401"),
    (
        "aimlapi",
        403,
        aiml(403, "You've run out of credits. Please top up your balance"),
        QuotaExceededError,
        False,
        "403",
    ),
    ("aimlapi", 429, aiml(429, "Too Many Requests"), RateLimitError, True, "429"),
    (
        "vllm",
        400,
        {
            "error": {
                "message": "This model's maximum context length is 131072 tokens.",
                "type": "BadRequestError",
                "param": None,
                "code": 400,
            }
        },
        ContextOverflowError,
        False,
        "400",
    ),
    (
        "vllm",
        404,
        {"error": {"message": "The model `x` does not exist.", "type": "NotFoundError", "param": None, "code": 404}},
        ModelNotFoundError,
        False,
        "404",
    ),
    ("openrouter", 429, {"error": {"message": "Rate limit exceeded", "code": 429}}, RateLimitError, True, "429"),
    # Real traffic (real-traffic.md): OpenRouter's 402 is "no credits", final (continuedev#10962).
    (
        "openrouter",
        402,
        {"error": {"code": 402, "message": "Prompt tokens limit exceeded: 9000 > 4172. Add more credits"}},
        QuotaExceededError,
        False,
        "402",
    ),
    # Z.ai's flat body (no `error` wrapper, crush#1237) decodes like the wrapped one.
    (
        "zai",
        400,
        {"code": "1210", "message": "Invalid API parameter, please check the documentation."},
        BadRequestError,
        False,
        "1210",
    ),
    ("zai", 429, {"code": "1113", "message": "余额不足或无可用资源包,请充值。"}, QuotaExceededError, False, "1113"),
    ("zai", 400, {"code": "1301", "message": "contentFilter"}, ContentFilterError, False, "1301"),
    ("bigmodel", 429, {"code": "1302", "message": "并发过高"}, RateLimitError, True, "1302"),
    # EmpirioLabs (OpenAI-style, undocumented): OpenAI's insufficient_quota, and a 402.
    (
        "empiriolabs",
        429,
        {
            "error": {
                "message": "You exceeded your current quota",
                "type": "insufficient_quota",
                "code": "insufficient_quota",
            }
        },
        QuotaExceededError,
        False,
        "insufficient_quota",
    ),
    ("empiriolabs", 402, {"error": {"message": "Payment required", "code": None}}, QuotaExceededError, False, None),
    (
        "openrouter",
        403,
        {"error": {"message": "Key is not allowed this model", "code": 403}},
        PermissionDeniedError,
        False,
        "403",
    ),
    (
        "empiriolabs",
        503,
        {"error": {"message": "upstream unavailable", "type": "server_error", "code": None}},
        ServerError,
        True,
        None,
    ),
    (
        "sglang",
        400,
        {
            "object": "error",
            "message": "Invalid request: temperature",
            "type": "BadRequestError",
            "param": None,
            "code": 400,
        },
        BadRequestError,
        False,
        "400",
    ),
    (
        "sglang",
        500,
        {"object": "error", "message": "CUDA out of memory", "type": "InternalServerError", "param": None, "code": 500},
        ServerError,
        True,
        "500",
    ),
]


def _id(case: tuple[Any, ...]) -> str:
    return f"{case[0]}-{case[1]}-{case[5]}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_error_body(case: tuple[str, int, Any, type[APIError], bool, str | None]) -> None:
    provider, status, body, cls, retryable, code = case
    server = Server([httpx2.Response(status, json=body, headers={"x-request-id": "hdr-req-1"})])
    model = "glm-4.7" if provider == "aimlapi" else "glm-4.7-flash"
    client = make_client(provider, server, max_retries=0, retry_policy=None)
    with pytest.raises(APIError) as caught:
        client.chat(ChatRequest(model, [UserMessage("Hi")]))
    error = caught.value
    assert type(error) is cls
    assert error.retryable is retryable
    assert error.code == code
    assert error.status_code == status
    assert error.provider == provider
    assert error.body == body
    assert error.request_id == ("aiml-req-42" if provider == "aimlapi" else "hdr-req-1")
    assert error.message  # the provider's message, never empty
    assert KEY not in str(error) and KEY not in repr(error)
    assert len(server.requests) == 1


def test_zai_request_id_in_the_body_wins_over_headers() -> None:
    error = error_from_body(get_provider("zai"), 429, zai("1302", "busy", request_id="2026abc"), {"x-request-id": "h"})
    assert error.request_id == "2026abc"
    assert str(error) == "busy (provider=zai, status=429, code=1302, request_id=2026abc)"


def test_an_html_502_from_a_proxy_is_a_retryable_server_error_with_a_short_message() -> None:
    page = (
        b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>"
        + (b"<p>filler</p>" * 100)
        + b"</body></html>"
    )
    error = error_from_response(get_provider("zai"), 502, httpx2.Headers({"cf-ray": "8abc-FRA"}), page)
    assert type(error) is ServerError
    assert error.retryable
    assert error.code is None
    assert error.request_id == "8abc-FRA"
    assert "502 Bad Gateway" in error.message
    assert len(error.message) <= 300


def test_an_empty_error_body_still_says_what_happened() -> None:
    error = error_from_response(get_provider("openrouter"), 503, httpx2.Headers(), b"")
    assert type(error) is ServerError
    assert "503" in str(error)


@pytest.mark.parametrize("status", [408, 409])
def test_408_and_409_are_retryable(status: int) -> None:
    error = error_from_response(get_provider("vllm"), status, httpx2.Headers(), b'{"error":{"message":"x"}}')
    assert error.retryable


def test_a_final_code_is_not_retried_whatever_the_status() -> None:
    # §1.9: 1113 (no balance) comes as 429 but must not be retried; same with 1301 as 429 or 500.
    for status in (429, 500, 503):
        for code in ("1113", "1301", "1309"):
            error = error_from_body(get_provider("zai"), status, zai(code, "no"), {})
            assert not error.retryable, (status, code)


def test_retry_after_is_read_from_the_error_response() -> None:
    error = error_from_response(
        get_provider("zai"), 429, httpx2.Headers({"retry-after": "7"}), b'{"error":{"code":"1302","message":"busy"}}'
    )
    assert error.retry_after == 7.0


# ------------------------------------------------------------------ errors inside a 200 answer


@pytest.mark.parametrize(
    ("provider", "body", "cls", "retryable", "code"),
    [
        # §2.5: 5006 was seen as 200 + success:false. Bad input is not worth retrying.
        (
            "cloudflare",
            cloudflare(5006, "AiError: Bad input: Error: oneOf at '/' not met"),
            BadRequestError,
            False,
            "5006",
        ),
        (
            "cloudflare",
            cloudflare(3040, "Capacity temporarily exceeded, please try again."),
            RateLimitError,
            True,
            "3040",
        ),
        ("cloudflare", cloudflare(3036, "Account limited"), QuotaExceededError, False, "3036"),
        ("cloudflare_openai", cloudflare(5006, "AiError: Bad input"), BadRequestError, False, "5006"),
        ("zai", zai("1305", "The service may be temporarily overloaded"), RateLimitError, True, "1305"),
        ("zai", zai("1234", "Network error"), ServerError, True, "1234"),
        ("zai", zai("1301", "unsafe"), ContentFilterError, False, "1301"),
        ("zai", zai("1214", "Incorrect role information"), BadRequestError, False, "1214"),
        ("zai", zai("1261", "Prompt exceeds max length"), ContextOverflowError, False, "1261"),
        ("vllm", {"error": {"message": "something failed", "type": "InternalServerError"}}, ServerError, True, None),
    ],
)
def test_an_error_body_with_status_200(
    provider: str, body: dict[str, Any], cls: type[APIError], retryable: bool, code: str
) -> None:
    server = Server([httpx2.Response(200, json=body)])
    client = make_client(provider, server, max_retries=0, retry_policy=None)
    with pytest.raises(APIError) as caught:
        client.chat(ChatRequest("glm-4.7-flash", [UserMessage("Hi")]))
    assert type(caught.value) is cls
    assert caught.value.retryable is retryable
    assert caught.value.code == code
    assert caught.value.status_code == 200


def test_a_cloudflare_envelope_with_success_true_but_no_result_is_an_error() -> None:
    server = Server([httpx2.Response(200, json={"result": None, "success": True, "errors": [], "messages": []})])
    with pytest.raises(APIError):
        make_client("cloudflare", server, max_retries=0, retry_policy=None).chat(
            ChatRequest("glm-4.7-flash", [UserMessage("Hi")])
        )


# ------------------------------------------------------------------ the tree


def test_error_tree_shape() -> None:
    import glm_core.errors as e

    parents = {
        "ConfigurationError": ("GLMError", "ValueError"),
        "InvalidRequestError": ("GLMError", "ValueError"),
        "APIError": ("GLMError",),
        "BadRequestError": ("APIError",),
        "ContextOverflowError": ("BadRequestError",),
        "ContentFilterError": ("BadRequestError",),
        "AuthenticationError": ("APIError",),
        "PermissionDeniedError": ("APIError",),
        "NotFoundError": ("APIError",),
        "ModelNotFoundError": ("NotFoundError",),
        "QuotaExceededError": ("APIError",),
        "RateLimitError": ("APIError",),
        "ServerError": ("APIError",),
        "APIConnectionError": ("GLMError",),
        "APITimeoutError": ("APIConnectionError",),
        "StreamInterruptedError": ("GLMError",),
        "ResponseDecodeError": ("GLMError",),
        "TruncatedEventError": ("ResponseDecodeError",),
        "ToolCallRequiredError": ("GLMError",),
        "EmptyAnswerError": ("GLMError",),
        "RefusalError": ("GLMError",),
    }
    assert set(parents) | {"GLMError"} == set(e.__all__)
    assert e.GLMError.__bases__ == (Exception,)
    for name, bases in parents.items():
        assert tuple(b.__name__ for b in getattr(e, name).__bases__) == bases, name


def test_retryable_defaults_of_the_tree() -> None:
    import glm_core.errors as e

    retryable = {name for name in e.__all__ if getattr(e, name).retryable}
    # A glued stream frame means the connection behind the stream broke: retried like one.
    assert retryable == {
        "RateLimitError",
        "ServerError",
        "APIConnectionError",
        "APITimeoutError",
        "TruncatedEventError",
    }


# ------------------------------------------------------------------ OpenAI-style errors inside a 200

SGLANG_ERROR = {"object": "error", "message": "Invalid request", "type": "BadRequestError", "param": None, "code": 400}


def test_sglang_object_error_with_status_200_is_the_typed_error() -> None:
    server = Server([httpx2.Response(200, json=SGLANG_ERROR)])
    with pytest.raises(BadRequestError) as caught:
        make_client("sglang", server).chat(ChatRequest("glm", [UserMessage("Hi")]))
    assert caught.value.code == "400" and not caught.value.retryable
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("code", "cls", "retryable"),
    [(400, BadRequestError, False), (429, RateLimitError, True), (500, ServerError, True), (None, ServerError, True)],
)
def test_an_openai_style_error_inside_a_200_is_classified_by_its_http_like_code(
    code: int | None, cls: type[APIError], retryable: bool
) -> None:
    body = {"error": {"message": "x", "type": "BadRequestError", "param": None, "code": code}}
    error = error_from_body(get_provider("vllm"), 200, body, {})
    assert type(error) is cls
    assert error.retryable is retryable
    assert error.status_code == 200


def test_a_completion_with_a_null_error_field_is_not_an_error() -> None:
    body = {
        "id": "x",
        "error": None,
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Hi"}}],
    }
    server = Server([httpx2.Response(200, json=body)])
    assert make_client("openrouter", server).chat(ChatRequest("glm-4.7", [UserMessage("Hi")])).content == "Hi"


@pytest.mark.parametrize(
    ("provider", "body", "code"),
    [
        ("openrouter", {"error": {"code": 402, "message": "Insufficient credits"}}, "402"),
        ("cloudflare_openai", cloudflare(3036, "Account limited"), "3036"),
        ("zai", {"error": {"code": "1113", "message": "Insufficient balance"}}, "1113"),
        ("zai", {"code": "1113", "message": "Insufficient balance"}, "1113"),
    ],
)
def test_a_quota_error_inside_a_200_answer_is_final(provider: str, body: Any, code: str) -> None:
    error = error_from_body(get_provider(provider), 200, body, {})
    assert type(error) is QuotaExceededError
    assert error.retryable is False
    assert error.code == code


def test_the_code_table_is_one_record_on_each_profile() -> None:
    from glm_core.error_codes import ErrorCodes
    from glm_core.providers import PROVIDERS

    for profile in PROVIDERS.values():
        assert isinstance(profile.error_codes, ErrorCodes)
        assert profile.error_codes.is_quota(None, 402), profile.id
