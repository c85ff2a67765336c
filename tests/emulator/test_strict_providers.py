"""Cloudflare, EmpirioLabs, AI/ML API, OpenRouter, vLLM and SGLang each check what they check,
and answer in their own error body."""

from __future__ import annotations

from typing import Any

import pytest

from glm_core.testing import Emulator
from tests.emulator.emulator_helpers import WEATHER_TOOL, body_for, client, post

NAMED_WEATHER = {"type": "function", "function": {"name": "get_weather"}}


def cf_errors(r: Any) -> list[dict[str, Any]]:
    body = r.json()
    assert body["result"] is None and body["success"] is False and body["messages"] == []
    errors: list[dict[str, Any]] = body["errors"]
    assert all(isinstance(e["code"], int) and isinstance(e["message"], str) for e in errors)
    return errors


# -- Cloudflare ------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", ["cloudflare", "cloudflare_openai"])
@pytest.mark.parametrize(
    "bad",
    [
        {"temperature": 2.5},
        {"top_p": 1.5},
        {"stop": ["a", "b", "c", "d", "e"]},
        {"tool_choice": "sometimes"},
        {"tool_choice": {"type": "function", "function": {"name": "not_bound"}}},
        {"response_format": {"type": "xml"}},
        {"max_completion_tokens": 0},
        {"chat_template_kwargs": {"enable_thinking": "no"}},
        {"n": 0},
    ],
    ids=lambda b: next(iter(b)),
)
def test_cloudflare_schema_violations_answer_5006(provider: str, bad: dict[str, Any]) -> None:
    r = post(provider, body_for(provider, tools=[WEATHER_TOOL]) | bad)
    assert r.status_code == 400
    (error,) = cf_errors(r)
    assert error["code"] == 5006
    assert error["message"].startswith("AiError: Bad input: Error: oneOf at '/' not met")


@pytest.mark.parametrize("provider", ["cloudflare", "cloudflare_openai"])
@pytest.mark.parametrize(
    "good",
    [
        {"temperature": 2.0},
        {"top_p": 0},
        {"stop": ["a", "b", "c", "d"]},
        {"tool_choice": "required"},
        {"tool_choice": "none"},
        {"tool_choice": NAMED_WEATHER},
        {"response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}}},
        {"max_completion_tokens": 100},
        {"max_tokens": 100},
        {"chat_template_kwargs": {"enable_thinking": False, "clear_thinking": True}},
        {"reasoning_effort": "low"},
    ],
    ids=lambda b: next(iter(b)) + "=" + repr(next(iter(b.values())))[:20],
)
def test_cloudflare_accepts_openai_style_values(provider: str, good: dict[str, Any]) -> None:
    assert post(provider, body_for(provider, tools=[WEATHER_TOOL]) | good).status_code == 200


@pytest.mark.parametrize("body", [{"temperature": 0.5}, {"prompt": ""}, {"prompt": 42}], ids=str)
def test_cloudflare_native_needs_a_prompt_or_messages(body: dict[str, Any]) -> None:
    r = post("cloudflare", body)
    assert r.status_code == 400
    assert cf_errors(r)[0]["code"] == 5006


def test_cloudflare_unknown_model_in_the_path_answers_5007() -> None:
    emu = Emulator("cloudflare", api_key="test-key")
    with client(emu) as c:
        r = c.post("/run/@cf/meta/llama-9", json=body_for("cloudflare"))
    assert r.status_code == 400
    assert cf_errors(r) == [{"code": 5007, "message": "No such model @cf/meta/llama-9 or task"}]


def test_cloudflare_openai_unknown_or_missing_model() -> None:
    assert cf_errors(post("cloudflare_openai", body_for("cloudflare_openai", model="@cf/x/y")))[0]["code"] == 5007
    r = post("cloudflare_openai", body_for("cloudflare_openai", model="glm-4.7-flash"))
    assert r.status_code == 404 and cf_errors(r) == [{"code": 3042, "message": "The model name is invalid"}]
    missing = {"messages": [{"role": "user", "content": "x"}]}
    assert cf_errors(post("cloudflare_openai", missing))[0]["code"] == 5006


def test_cloudflare_has_no_message_order_rule() -> None:
    body = {"messages": [{"role": "assistant", "content": "Hi"}, {"role": "user", "content": "Hello"}]}
    assert post("cloudflare", body).status_code == 200


# -- EmpirioLabs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        {"temperature": 1.2},
        {"top_p": 0.001},
        {"stop": ["a", "b", "c", "d", "e"]},
        {"tool_choice": "required"},
        {"max_tokens": 131073},
        {"enable_thinking": "yes"},
        {"count": 51},
        {"search_recency_filter": "oneCentury"},
        {"response_format": {"type": "json_schema", "json_schema": {"schema": {}}}},
    ],
    ids=lambda b: next(iter(b)),
)
def test_empiriolabs_rejects_with_an_openai_style_400(bad: dict[str, Any]) -> None:
    r = post("empiriolabs", body_for("empiriolabs", tools=[WEATHER_TOOL]) | bad)
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["type"] == "invalid_request_error" and set(error) == {"message", "type", "param", "code"}


def test_empiriolabs_unknown_model_is_404() -> None:
    r = post("empiriolabs", body_for("empiriolabs", model="glm-4.7-flash"))
    assert r.status_code == 404 and r.json()["error"]["code"] == "model_not_found"


@pytest.mark.parametrize(
    "good",
    [
        {"stop": ["a", "b", "c", "d"]},
        {"enable_thinking": False},
        {"tool_web_search": True, "count": 5},
        {"thinking": {"type": "disabled"}},
    ],
)
def test_empiriolabs_accepts_its_documented_parameters(good: dict[str, Any]) -> None:
    assert post("empiriolabs", body_for("empiriolabs") | good).status_code == 200


# -- AI/ML API --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        {"top_p": 0},
        {"max_completion_tokens": 0},
        {"tool_choice": "whatever"},
        {"frequency_penalty": 3},
        {"model": "zhipu/glm-9"},
    ],
    ids=lambda b: next(iter(b)),
)
def test_aimlapi_answers_body_validation_error(bad: dict[str, Any]) -> None:
    r = post("aimlapi", body_for("aimlapi", tools=[WEATHER_TOOL]) | bad)
    assert r.status_code == 400
    body = r.json()
    assert set(body) == {"message", "path", "requestId", "statusCode", "timestamp"}
    assert body["message"] == "Body validation error!"
    assert body["statusCode"] == 400 and body["path"] == "/v1/chat/completions"


@pytest.mark.parametrize(
    "good",
    [
        {"temperature": 1.7},
        {"tool_choice": "required"},
        {"tool_choice": NAMED_WEATHER},
        {"response_format": {"type": "json_schema", "json_schema": {"schema": {}}}},
    ],
)
def test_aimlapi_accepts_openai_tool_choice_and_unvalidated_temperature(good: dict[str, Any]) -> None:
    assert post("aimlapi", body_for("aimlapi", tools=[WEATHER_TOOL]) | good).status_code == 200


# -- OpenRouter -------------------------------------------------------------------------------


def test_openrouter_unknown_model() -> None:
    r = post("openrouter", body_for("openrouter", model="z-ai/glm-9"))
    assert r.status_code == 400
    assert r.json() == {"error": {"message": "z-ai/glm-9 is not a valid model ID", "code": 400}}


def test_openrouter_does_not_police_sampling_ranges_but_checks_types() -> None:
    assert post("openrouter", body_for("openrouter", temperature=1.9, top_p=1)).status_code == 200
    r = post("openrouter", body_for("openrouter", temperature="warm"))
    assert r.status_code == 400 and r.json()["error"]["code"] == 400


# -- vLLM / SGLang ----------------------------------------------------------------------------


def test_vllm_model_must_be_the_served_name() -> None:
    r = post("vllm", body_for("vllm", model="glm-4.7"))
    assert r.status_code == 404
    assert r.json() == {
        "error": {
            "message": "The model `glm-4.7` does not exist.",
            "type": "NotFoundError",
            "param": "model",
            "code": 404,
        }
    }


def test_vllm_serves_a_configured_model_name() -> None:
    emu = Emulator("vllm", served_model="zai-org/GLM-4.7-Flash")
    assert post("vllm", body_for("vllm", model="zai-org/GLM-4.7-Flash"), emu=emu, key=None).status_code == 200


@pytest.mark.parametrize(
    "bad", [{"temperature": -1}, {"top_p": 0}, {"max_tokens": 0}, {"messages": []}], ids=lambda b: next(iter(b))
)
def test_vllm_bad_request_body(bad: dict[str, Any]) -> None:
    r = post("vllm", body_for("vllm") | bad)
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["type"] == "BadRequestError" and error["code"] == 400


def test_sglang_error_body() -> None:
    r = post("sglang", body_for("sglang", temperature=-1))
    assert r.status_code == 400
    body = r.json()
    assert body["object"] == "error" and body["type"] == "BadRequest" and body["code"] == 400
    assert set(body) == {"object", "message", "type", "param", "code"}


@pytest.mark.parametrize("provider", ["vllm", "sglang"])
def test_self_hosted_accept_every_tool_choice(provider: str) -> None:
    for choice in ("none", "auto", "required", NAMED_WEATHER):
        assert post(provider, body_for(provider, tools=[WEATHER_TOOL], tool_choice=choice)).status_code == 200
