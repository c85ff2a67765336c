"""The Z.ai family rejects what Z.ai rejects, with a 400 and a string business code."""

from __future__ import annotations

from typing import Any

import pytest

from glm_core.testing import Emulator
from tests.emulator.emulator_helpers import WEATHER_TOOL, ZAI_FAMILY, body_for, client, post

INVALID_PARAMETER = {"error": {"code": "1210", "message": "Invalid API parameter, please check the documentation."}}


def zai_error(r: Any) -> dict[str, Any]:
    assert r.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert isinstance(body["error"]["code"], str)  # business codes are strings on the wire
    return body


@pytest.mark.parametrize(
    "bad",
    [
        {"temperature": 1.5},
        {"temperature": -0.1},
        {"temperature": "hot"},
        {"top_p": 0.0},
        {"top_p": 1.01},
        {"max_tokens": 0},
        {"max_tokens": 131073},
        {"max_tokens": 10.5},
        {"stop": ["a", "b"]},
        {"stop": "bare string"},
        {"tool_choice": "required"},
        {"tool_choice": "none"},
        {"tool_choice": {"type": "function", "function": {"name": "get_weather"}}},
        {"response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {}}}},
        {"thinking": {"type": "auto"}},
        {"thinking": {"type": "enabled", "clear_thinking": "no"}},
        {"tools": [{"type": "function", "function": {"name": "has space", "parameters": {}}}]},
        {"tools": [{"type": "function", "function": {"name": "x" * 65, "parameters": {}}}]},
        {"tools": [{"type": "code_interpreter"}]},
        {"tools": [WEATHER_TOOL] * 129},
        {"stream": "yes"},
        {"user_id": "abc"},
    ],
    ids=lambda b: next(iter(b)) + "=" + repr(next(iter(b.values())))[:30],
)
def test_out_of_range_parameters_answer_1210(bad: dict[str, Any]) -> None:
    body = body_for("zai", tools=[WEATHER_TOOL]) | bad
    r = post("zai", body)
    assert r.status_code == 400
    assert zai_error(r) == INVALID_PARAMETER
    assert r.headers["x-emulator-detail"]  # says which rule fired, outside the faithful body


@pytest.mark.parametrize(
    "good",
    [
        {"temperature": 0},
        {"temperature": 1.0},
        {"top_p": 0.01},
        {"top_p": 1},
        {"max_tokens": 1},
        {"max_tokens": 131072},
        {"stop": ["END"]},
        {"tool_choice": "auto"},
        {"response_format": {"type": "json_object"}},
        {"thinking": {"type": "disabled"}},
        {"thinking": {"type": "enabled", "clear_thinking": False}},
        {"tool_stream": True, "stream": True},
        {"do_sample": False},
        {"stream_options": {"include_usage": True}},
        {"reasoning_effort": "high"},
        {"tools": [WEATHER_TOOL] * 128},
    ],
    ids=lambda b: next(iter(b)) + "=" + repr(next(iter(b.values())))[:30],
)
def test_documented_values_are_accepted(good: dict[str, Any]) -> None:
    assert post("zai", body_for("zai", tools=[WEATHER_TOOL]) | good).status_code == 200


@pytest.mark.parametrize("provider", ZAI_FAMILY)
def test_unknown_model_answers_1211(provider: str) -> None:
    r = post(provider, body_for(provider, model="glm-9"))
    assert r.status_code == 400
    code = zai_error(r)["error"]["code"]
    assert code == "1211"


def test_unknown_model_message_is_the_observed_one() -> None:
    r = post("zai", body_for("zai", model="gpt-4o"))
    assert r.json() == {"error": {"code": "1211", "message": "Unknown Model, please check the model code."}}


def test_bigmodel_answers_in_chinese() -> None:
    r = post("bigmodel", body_for("bigmodel", model="glm-9"))
    assert r.json()["error"] == {"code": "1211", "message": "模型不存在,请检查模型代码"}


@pytest.mark.parametrize(
    "messages",
    [
        [{"role": "assistant", "content": "Hi"}, {"role": "user", "content": "Hello"}],
        [{"role": "system", "content": "Be brief."}, {"role": "tool", "content": "x", "tool_call_id": "c1"}],
    ],
)
def test_first_non_system_message_must_be_the_users(messages: list[dict[str, Any]]) -> None:
    r = post("zai", {"model": "glm-4.7", "messages": messages})
    assert r.status_code == 400
    assert r.json() == {"error": {"code": "1214", "message": "Incorrect role information"}}


@pytest.mark.parametrize(
    "messages",
    [
        [],
        [{"role": "system", "content": "Only a system prompt"}],
        [{"role": "robot", "content": "beep"}],
        [{"role": "user", "content": "x"}, {"role": "tool", "content": "no id"}],
        "not a list",
    ],
)
def test_illegal_messages_answer_1214(messages: Any) -> None:
    r = post("zai", {"model": "glm-4.7", "messages": messages})
    assert r.status_code == 400
    assert zai_error(r)["error"]["code"] == "1214"


def test_missing_model_or_messages_answer_1213() -> None:
    assert post("zai", {"messages": [{"role": "user", "content": "x"}]}).json()["error"]["code"] == "1213"
    assert post("zai", {"model": "glm-4.7"}).json()["error"]["code"] == "1213"


def test_a_body_that_is_not_json_answers_1210() -> None:
    emu = Emulator("zai", api_key="test-key")
    with client(emu) as c:
        r = c.post("/chat/completions", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "1210"


def test_double_system_and_double_user_messages_are_fine() -> None:
    messages = [
        {"role": "system", "content": "hello"},
        {"role": "system", "content": "hello"},
        {"role": "user", "content": "hello"},
        {"role": "user", "content": "hello"},
        {"role": "assistant", "content": "hello"},
        {"role": "assistant", "content": "hello"},
        {"role": "user", "content": "how are you"},
    ]
    assert post("zai", {"model": "glm-4.7", "messages": messages}).status_code == 200


def test_history_with_reasoning_content_and_tool_results_is_accepted() -> None:
    body = {
        "model": "glm-4.7",
        "thinking": {"type": "enabled", "clear_thinking": False},
        "messages": [
            {"role": "user", "content": "Weather in Florence?"},
            {
                "role": "assistant",
                "content": "Checking.",
                "reasoning_content": "Call the tool.",
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"location":"Florence"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": "40 C"},
        ],
        "tools": [WEATHER_TOOL],
    }
    r = post("zai", body)
    assert r.status_code == 200
    assert r.json()["choices"][0]["message"]["content"] == "The result is 40 C."


@pytest.mark.parametrize(
    ("provider", "engine", "status"),
    [
        ("zai", "search_pro_jina", 200),
        ("zai", "search_std", 400),
        ("bigmodel", "search_std", 200),
        ("zai", None, 400),
    ],
)
def test_web_search_engine_is_checked_per_base(provider: str, engine: str | None, status: int) -> None:
    web_search: dict[str, Any] = {"enable": True}
    if engine is not None:
        web_search["search_engine"] = engine
    body = body_for(provider, tools=[{"type": "web_search", "web_search": web_search}])
    assert post(provider, body).status_code == status
