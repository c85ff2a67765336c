"""The rules brain answers deterministically, well enough for standard suites and agents."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.emulator.emulator_helpers import (
    MAGIC_TOOL,
    PROVIDERS,
    WEATHER_TOOL,
    assemble,
    body_for,
    post,
    sse_chunks,
    unwrap,
)

ADDER_TOOL = {
    "type": "function",
    "function": {
        "name": "my_adder_tool",
        "description": "Tool that adds two integers. Takes two integers, a and b, and returns their sum.",
        "parameters": {
            "type": "object",
            "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
            "required": ["a", "b"],
        },
    },
}
UNICODE_TOOL = {
    "type": "function",
    "function": {
        "name": "unicode_customer",
        "description": "Tool for creating a customer with Unicode name.",
        "parameters": {
            "type": "object",
            "properties": {"customer_name": {"type": "string"}, "description": {"type": "string"}},
            "required": ["customer_name", "description"],
        },
    },
}
JOKE_SCHEMA = {
    "title": "Joke",
    "description": "Joke to tell user.",
    "type": "object",
    "properties": {
        "setup": {"description": "question to set up a joke", "type": "string"},
        "punchline": {"description": "answer to resolve the joke", "type": "string"},
    },
    "required": ["setup", "punchline"],
}


def message(provider: str, body: dict[str, Any]) -> dict[str, Any]:
    r = post(provider, body)
    assert r.status_code == 200, r.text
    choice = unwrap(provider, r.json())["choices"][0]
    result: dict[str, Any] = choice["message"] | {"finish_reason": choice["finish_reason"]}
    return result


def calls(msg: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(c["function"]["name"], json.loads(c["function"]["arguments"])) for c in msg.get("tool_calls") or []]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_magic_function_is_called_with_the_number_from_the_question(provider: str) -> None:
    msg = message(
        provider, body_for(provider, "What is the value of magic_function(3)? Use the tool.", tools=[MAGIC_TOOL])
    )
    assert calls(msg) == [("magic_function", {"input": 3})]
    assert msg["finish_reason"] == "tool_calls"


@pytest.mark.parametrize("provider", ["zai", "cloudflare", "openrouter", "vllm"])
def test_streamed_tool_call_reassembles_to_the_same_call(provider: str) -> None:
    body = body_for(provider, "What is the value of magic_function(3)? Use the tool.", tools=[MAGIC_TOOL], stream=True)
    folded = assemble(sse_chunks(post(provider, body).text))
    (call,) = folded["tool_calls"]
    assert call["name"] == "magic_function" and json.loads(call["arguments"]) == {"input": 3}
    assert call["id"] and folded["finish_reason"] == "tool_calls"


def test_zai_streams_a_whole_call_unless_tool_stream() -> None:
    question = "What is the value of magic_function(3)? Use the tool."
    whole = sse_chunks(post("zai", body_for("zai", question, tools=[MAGIC_TOOL], stream=True)).text)
    tool_deltas = [c for c in whole if c["choices"][0]["delta"].get("tool_calls")]
    assert len(tool_deltas) == 1
    (entry,) = tool_deltas[0]["choices"][0]["delta"]["tool_calls"]
    assert entry["function"]["arguments"] == '{"input":3}' and "role" not in tool_deltas[0]["choices"][0]["delta"]

    split = sse_chunks(post("zai", body_for("zai", question, tools=[MAGIC_TOOL], stream=True, tool_stream=True)).text)
    deltas = [c["choices"][0]["delta"]["tool_calls"][0] for c in split if c["choices"][0]["delta"].get("tool_calls")]
    assert deltas[0]["id"] and deltas[0]["function"] == {"name": "magic_function", "arguments": ""}
    assert all("id" not in d and set(d["function"]) == {"arguments"} for d in deltas[1:])
    assert "".join(d["function"]["arguments"] for d in deltas) == '{"input":3}'


def test_tool_stream_is_ignored_on_glm_4_5() -> None:
    body = body_for("zai", "Use magic_function(3)", model="glm-4.5", tools=[MAGIC_TOOL], stream=True, tool_stream=True)
    deltas = [c for c in sse_chunks(post("zai", body).text) if c["choices"][0]["delta"].get("tool_calls")]
    assert len(deltas) == 1


def test_zai_tool_call_ids_look_like_the_real_ones() -> None:
    body = body_for("zai", "Use magic_function(3)", tools=[MAGIC_TOOL])
    (call,) = message("zai", body)["tool_calls"]
    assert call["id"].startswith("call_-") and call["id"][6:].isdigit()
    streamed = sse_chunks(post("zai", body | {"stream": True}).text)
    (entry,) = next(c for c in streamed if c["choices"][0]["delta"].get("tool_calls"))["choices"][0]["delta"][
        "tool_calls"
    ]
    assert entry["id"].startswith("call_") and len(entry["id"]) == 29


def test_a_tool_is_picked_by_words_from_its_description() -> None:
    msg = message("zai", body_for("zai", "What is the weather in San Francisco, CA?", tools=[MAGIC_TOOL, WEATHER_TOOL]))
    assert calls(msg) == [("get_weather", {"location": "San Francisco, CA"})]


def test_two_matching_tools_give_parallel_calls() -> None:
    time_tool = {
        "type": "function",
        "function": {
            "name": "get_time",
            "description": "Get the local time in a city.",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        },
    }
    msg = message(
        "zai", body_for("zai", "What is the weather and the local time in Paris?", tools=[WEATHER_TOOL, time_tool])
    )
    assert calls(msg) == [("get_weather", {"location": "Paris"}), ("get_time", {"city": "Paris"})]
    assert [c["index"] for c in msg["tool_calls"]] == [0, 1]


def test_no_tool_is_called_for_unrelated_chat() -> None:
    msg = message("zai", body_for("zai", "Hello!", tools=[MAGIC_TOOL, WEATHER_TOOL]))
    assert not msg.get("tool_calls") and msg["content"] == "Hello! You said: Hello!"


def test_numbers_fill_integer_arguments_in_order() -> None:
    msg = message("zai", body_for("zai", "Use my_adder_tool: what is 1 + 2?", tools=[ADDER_TOOL]))
    assert calls(msg) == [("my_adder_tool", {"a": 1, "b": 2})]


def test_quoted_unicode_strings_fill_string_arguments() -> None:
    text = "Create a customer named '你好啊集团' (Hello Group) - a Chinese technology company"
    msg = message("zai", body_for("zai", text, tools=[UNICODE_TOOL]))
    ((name, args),) = calls(msg)
    assert name == "unicode_customer" and args["customer_name"] == "你好啊集团" and args["description"]
    raw = post("zai", body_for("zai", "Create a customer named 'こんにちは株式会社'", tools=[UNICODE_TOOL])).text
    assert "こんにちは株式会社" in raw  # sent as UTF-8, not \u escapes


@pytest.mark.parametrize("provider", ["cloudflare", "vllm", "aimlapi"])
def test_forced_tool_choice_calls_a_tool_even_for_small_talk(provider: str) -> None:
    required = message(provider, body_for(provider, "Hello!", tools=[MAGIC_TOOL, WEATHER_TOOL], tool_choice="required"))
    assert [name for name, _ in calls(required)] == ["magic_function"]
    named = message(
        provider,
        body_for(
            provider,
            "Hello!",
            tools=[MAGIC_TOOL, WEATHER_TOOL],
            tool_choice={"type": "function", "function": {"name": "get_weather"}},
        ),
    )
    assert [name for name, _ in calls(named)] == ["get_weather"]


@pytest.mark.parametrize("choice", ["required", "none", {"type": "function", "function": {"name": "get_weather"}}])
def test_openrouter_with_its_zai_upstream_refuses_a_forced_tool_choice(choice: object) -> None:
    r = post("openrouter", body_for("openrouter", "Hello!", tools=[MAGIC_TOOL, WEATHER_TOOL], tool_choice=choice))
    assert r.status_code == 400
    assert "Tool choice must be auto" in r.text


def test_tool_choice_none_never_calls() -> None:
    msg = message("vllm", body_for("vllm", "Use magic_function(3)", tools=[MAGIC_TOOL], tool_choice="none"))
    assert not msg["tool_calls"]


def test_a_no_argument_tool_gets_empty_arguments() -> None:
    no_args = {
        "type": "function",
        "function": {
            "name": "magic_function_no_args",
            "description": "Calculate a magic function.",
            "parameters": {"type": "object", "properties": {}},
        },
    }
    msg = message(
        "zai",
        body_for("zai", "What is the value of magic_function_no_args()? Use the tool.", tools=[MAGIC_TOOL, no_args]),
    )
    assert calls(msg) == [("magic_function_no_args", {})]


def test_after_tool_results_the_answer_uses_them() -> None:
    body = {
        "model": "glm-4.7",
        "tools": [ADDER_TOOL],
        "messages": [
            {"role": "user", "content": "What is 1 + 2"},
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": "abc123",
                        "type": "function",
                        "function": {"name": "my_adder_tool", "arguments": '{"a":1,"b":2}'},
                    },
                ],
            },
            {"role": "tool", "tool_call_id": "abc123", "content": '{"result": 3}'},
        ],
    }
    msg = message("zai", body)
    assert msg["content"] == 'The result is {"result": 3}.' and not msg.get("tool_calls")


def test_structured_output_via_a_tool_named_like_the_request() -> None:
    joke_tool = {
        "type": "function",
        "function": {"name": "Joke", "description": "Joke to tell user.", "parameters": JOKE_SCHEMA},
    }
    ((name, args),) = calls(message("zai", body_for("zai", "Tell me a joke about cats.", tools=[joke_tool])))
    assert name == "Joke" and set(args) == {"setup", "punchline"} and all(args.values())


def test_json_mode_builds_an_object_for_a_schema_in_the_prompt() -> None:
    system = "Answer in JSON matching this schema:\n" + json.dumps(JOKE_SCHEMA)
    body = {
        "model": "glm-4.7",
        "response_format": {"type": "json_object"},
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": "Tell me a joke about cats."}],
    }
    answer = json.loads(message("zai", body)["content"])
    assert set(answer) == {"setup", "punchline"} and all(isinstance(v, str) and v for v in answer.values())


def test_json_mode_without_a_schema_uses_the_quoted_keys() -> None:
    text = (
        "Tell me a joke about cats. Return the result as a JSON with 'setup' and 'punchline' keys. "
        "Return nothing other than JSON."
    )
    answer = json.loads(message("zai", body_for("zai", text, response_format={"type": "json_object"}))["content"])
    assert set(answer) == {"setup", "punchline"}


def test_json_mode_with_nothing_to_go_on_is_still_an_object() -> None:
    answer = json.loads(message("zai", body_for("zai", "Say hi", response_format={"type": "json_object"}))["content"])
    assert isinstance(answer, dict) and answer


@pytest.mark.parametrize("provider", ["cloudflare", "vllm"])
def test_json_schema_response_format_gets_a_valid_object(provider: str) -> None:
    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "age": {"type": "integer", "minimum": 18},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "kind": {"enum": ["cat", "dog"]},
        },
        "required": ["name", "age", "tags", "kind"],
    }
    body = body_for(
        provider,
        "Describe a pet",
        response_format={"type": "json_schema", "json_schema": {"name": "pet", "schema": schema}},
    )
    answer = json.loads(message(provider, body)["content"])
    assert isinstance(answer["name"], str) and answer["age"] >= 18 and len(answer["tags"]) == 1
    assert answer["kind"] == "cat"


def test_stop_sequence_truncates_the_content() -> None:
    msg = message("zai", body_for("zai", "how are you", stop=["you"]))
    assert msg["content"] == "Hello! You said: how are " and msg["finish_reason"] == "stop"


def test_max_tokens_truncates_with_length() -> None:
    msg = message(
        "zai",
        body_for(
            "zai", "one two three four five six seven eight nine ten", max_tokens=15, thinking={"type": "disabled"}
        ),
    )
    assert msg["finish_reason"] == "length" and len(msg["content"]) == 60


@pytest.mark.parametrize(("provider", "empty"), [("zai", ""), ("cloudflare", None), ("vllm", None)])
def test_a_tiny_budget_is_spent_on_reasoning(provider: str, empty: str | None) -> None:
    msg = message(provider, body_for(provider, "Explain everything", max_tokens=3))
    assert msg["content"] == empty and msg["finish_reason"] == "length"
    assert len(msg.get("reasoning_content") or "") == 12


@pytest.mark.parametrize(
    ("provider", "switch_off"),
    [
        ("zai", {"thinking": {"type": "disabled"}}),
        ("aimlapi", {"thinking": {"type": "disabled"}}),
        ("empiriolabs", {"enable_thinking": False}),
        ("empiriolabs", {"thinking": {"type": "disabled"}}),
        ("cloudflare", {"chat_template_kwargs": {"enable_thinking": False}}),
        ("vllm", {"chat_template_kwargs": {"enable_thinking": False}}),
        ("sglang", {"chat_template_kwargs": {"enable_thinking": False}}),
        ("openrouter", {"reasoning": {"enabled": False}}),
    ],
)
def test_each_providers_thinking_switch_turns_reasoning_off(provider: str, switch_off: dict[str, Any]) -> None:
    on = message(provider, body_for(provider))
    off = message(provider, body_for(provider, **switch_off))
    assert on.get("reasoning_content") or on.get("reasoning")
    assert not off.get("reasoning_content") and not off.get("reasoning")


def test_openrouter_reasoning_exclude_hides_but_still_counts_it() -> None:
    r = post("openrouter", body_for("openrouter", reasoning={"exclude": True}))
    completion = r.json()
    assert completion["choices"][0]["message"]["reasoning"] is None
    assert completion["usage"]["completion_tokens_details"]["reasoning_tokens"] > 0


def test_usage_counts_are_consistent() -> None:
    completion = post("zai", body_for("zai", "Hello there")).json()
    usage = completion["usage"]
    msg = completion["choices"][0]["message"]
    expected_completion = (len(msg["content"]) + 3) // 4 + (len(msg["reasoning_content"]) + 3) // 4
    assert usage["completion_tokens"] == expected_completion
    assert usage["completion_tokens_details"]["reasoning_tokens"] == (len(msg["reasoning_content"]) + 3) // 4
    assert usage["prompt_tokens"] == (len("Hello there") + 3) // 4 + 3


def test_answers_are_deterministic() -> None:
    body = body_for("zai", "What is the weather in Rome?", tools=[WEATHER_TOOL])
    first, second = message("zai", body), message("zai", body)
    assert calls(first) == calls(second) and first["reasoning_content"] == second["reasoning_content"]


def test_web_search_results_come_back_when_asked() -> None:
    tool = {
        "type": "web_search",
        "web_search": {"enable": True, "search_engine": "search_pro_jina", "search_result": True},
    }
    completion = post("zai", body_for("zai", "Latest GLM news", tools=[tool])).json()
    results = completion["web_search"]
    assert [r["refer"] for r in results] == ["ref_1", "ref_2"]
    assert set(results[0]) == {"title", "content", "link", "media", "icon", "refer", "publish_date"}
    assert "[ref_1]" in completion["choices"][0]["message"]["content"]
    chunks = sse_chunks(post("zai", body_for("zai", "Latest GLM news", tools=[tool], stream=True)).text)
    assert [r["refer"] for r in chunks[-1]["web_search"]] == ["ref_1", "ref_2"]
    assert all("web_search" not in c for c in chunks[:-1])


def test_web_search_results_are_not_returned_without_search_result() -> None:
    tool = {"type": "web_search", "web_search": {"search_engine": "search_pro_jina"}}
    assert "web_search" not in post("zai", body_for("zai", "news", tools=[tool])).json()


def test_empiriolabs_flat_web_search() -> None:
    completion = post("empiriolabs", body_for("empiriolabs", "news", tool_web_search=True)).json()
    assert len(completion["web_search"]) == 2


@pytest.mark.parametrize("provider", ["zai", "cloudflare_openai", "openrouter", "vllm"])
def test_a_two_tool_agent_loop_runs_to_an_answer(provider: str) -> None:
    time_tool = {
        "type": "function",
        "function": {
            "name": "get_time",
            "description": "Get the local time in a city.",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        },
    }
    tools = [WEATHER_TOOL, time_tool]
    results = {"get_weather": "sunny, 21 C", "get_time": "14:05"}
    messages: list[dict[str, Any]] = [{"role": "user", "content": "What is the weather and the local time in Paris?"}]
    for _turn in range(4):
        msg = message(provider, body_for(provider, tools=tools) | {"messages": messages})
        if not msg.get("tool_calls"):
            break
        messages.append({"role": "assistant", "content": msg["content"] or "", "tool_calls": msg["tool_calls"]})
        for call in msg["tool_calls"]:
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": results[call["function"]["name"]]})
    assert msg["content"] == "The result is sunny, 21 C, 14:05." and msg["finish_reason"] == "stop"
    assert len(messages) == 4  # question, parallel calls, two results
