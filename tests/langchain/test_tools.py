"""bind_tools: every tool form, every tool_choice form, and what each provider is actually sent."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.exceptions import OutputParserException
from langchain_core.runnables import RunnableLambda
from langchain_core.tools import tool
from pydantic import BaseModel, Field

from glm_core.errors import ToolCallRequiredError
from langchain_glm import GLMToolCallRequiredError
from langchain_glm.tools import normalize_tool_choice
from tests.langchain.helpers import completion, make_llm


class GetWeather(BaseModel):
    """Get the current weather in a city."""

    city: str = Field(description="the city")


def get_time(zone: str) -> str:
    """Current time in a time zone."""
    return "12:00"


@tool
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


JSON_TOOL = {
    "title": "lookup",
    "description": "Look something up.",
    "type": "object",
    "properties": {"q": {"type": "string"}},
    "required": ["q"],
}
OPENAI_TOOL = {
    "type": "function",
    "function": {"name": "search", "description": "Search.", "parameters": {"type": "object", "properties": {}}},
}
# "auto" only: the Z.ai family, and OpenRouter (its Z.AI upstream refuses a forced choice).
ZAI_FAMILY = ("zai", "zai_coding", "bigmodel", "empiriolabs", "openrouter")
FORCING = ("cloudflare", "cloudflare_openai", "aimlapi", "vllm", "sglang")

CALL = completion("", tool_calls=[("call_1", "GetWeather", '{"city": "Rome"}')], finish_reason="tool_calls")
NO_CALL = completion("It is sunny.")


@pytest.mark.filterwarnings("ignore::langchain_core._api.beta_decorator.LangChainBetaWarning")
def test_every_tool_form_is_converted() -> None:
    as_tool = RunnableLambda(lambda x: str(x)).as_tool(name="echo", description="Echo.", arg_types={"x": str})
    llm, script = make_llm(CALL)
    llm.bind_tools([GetWeather, get_time, add, JSON_TOOL, OPENAI_TOOL, as_tool]).invoke("x")
    functions = [t["function"] for t in script.body["tools"]]
    assert [f["name"] for f in functions] == ["GetWeather", "get_time", "add", "lookup", "search", "echo"]
    assert functions[0]["parameters"]["properties"]["city"] == {"description": "the city", "type": "string"}
    assert functions[2]["parameters"]["required"] == ["a", "b"]
    assert all(t["type"] == "function" for t in script.body["tools"])


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("auto", "auto"),
        ("none", "none"),
        ("any", "required"),
        ("required", "required"),
        (True, "required"),
        (False, None),
        (None, None),
        ("GetWeather", {"type": "function", "function": {"name": "GetWeather"}}),
        (
            {"type": "function", "function": {"name": "GetWeather"}},
            {"type": "function", "function": {"name": "GetWeather"}},
        ),
        ({"type": "tool", "name": "GetWeather"}, {"type": "function", "function": {"name": "GetWeather"}}),
        ({"type": "any"}, "required"),
    ],
)
def test_tool_choice_spellings(choice: Any, expected: Any) -> None:
    assert normalize_tool_choice(choice, ["GetWeather"]) == expected


@pytest.mark.parametrize(
    ("choice", "match"),
    [
        ("nope", "not among the bound tools \\(GetWeather\\)"),
        ({"type": "function"}, "is not understood"),
        (3, "is not understood"),
    ],
)
def test_bad_tool_choice_is_a_value_error_at_bind_time(choice: Any, match: str) -> None:
    llm, _ = make_llm()
    with pytest.raises(ValueError, match=match):
        llm.bind_tools([GetWeather], tool_choice=choice)


def test_forced_choice_without_tools_is_refused() -> None:
    llm, _ = make_llm()
    with pytest.raises(ValueError, match="needs at least one function tool"):
        llm.bind_tools([], tool_choice="any")


def test_unknown_builtin_tool_type_is_refused() -> None:
    llm, _ = make_llm()
    with pytest.raises(ValueError, match="tool of type 'code_interpreter' is not supported"):
        llm.bind_tools([{"type": "code_interpreter"}])


@pytest.mark.parametrize("provider", FORCING)
def test_forcing_providers_are_sent_the_choice_as_is(provider: str) -> None:
    llm, script = make_llm(CALL, CALL, CALL, provider=provider)
    llm.bind_tools([GetWeather, get_time], tool_choice="any").invoke("x")
    assert script.body["tool_choice"] == "required"
    llm.bind_tools([GetWeather, get_time], tool_choice="GetWeather").invoke("x")
    assert script.body["tool_choice"] == {"type": "function", "function": {"name": "GetWeather"}}
    assert len(script.body["tools"]) == 2
    llm.bind_tools([GetWeather, get_time], tool_choice="none").invoke("x")
    assert script.body["tool_choice"] == "none"


@pytest.mark.parametrize("provider", ZAI_FAMILY)
def test_auto_only_providers_never_get_a_forced_choice(provider: str) -> None:
    llm, script = make_llm(CALL, CALL, NO_CALL, CALL, provider=provider)
    # "any": the tools stay, no tool_choice is sent, an instruction asks for a call.
    llm.bind_tools([GetWeather, get_time], tool_choice="any").invoke("x")
    assert "tool_choice" not in script.body
    assert len(script.body["tools"]) == 2
    assert script.body["messages"][0] == {"role": "system", "content": "Answer by calling one of the available tools."}
    # A named tool: only that tool is offered.
    llm.bind_tools([GetWeather, get_time], tool_choice="GetWeather").invoke("x")
    assert [t["function"]["name"] for t in script.body["tools"]] == ["GetWeather"]
    assert "tool_choice" not in script.body
    # "none": no tools at all.
    message = llm.bind_tools([GetWeather, get_time], tool_choice="none").invoke("x")
    assert "tools" not in script.body and "tool_choice" not in script.body
    assert message.content == "It is sunny."
    # "auto" is accepted and sent.
    llm.bind_tools([GetWeather], tool_choice="auto").invoke("x")
    assert script.body["tool_choice"] == "auto"


@pytest.mark.parametrize("choice", ["any", "GetWeather"])
def test_required_call_that_does_not_come_back_raises_a_clear_error(choice: str) -> None:
    llm, _ = make_llm(NO_CALL)
    with pytest.raises(GLMToolCallRequiredError, match="only accepts tool_choice='auto'") as info:
        llm.bind_tools([GetWeather], tool_choice=choice).invoke("x")
    error = info.value
    assert isinstance(error, ToolCallRequiredError)
    assert isinstance(error, OutputParserException)
    assert error.response is not None and error.response.content == "It is sunny."


def test_required_call_checked_when_streaming_too() -> None:
    from tests.langchain.helpers import sse, stream_events

    llm, _ = make_llm(sse(stream_events(["sunny"])))
    with pytest.raises(GLMToolCallRequiredError):
        list(llm.bind_tools([GetWeather], tool_choice="any").stream("x"))


def test_parallel_tool_calls_and_strict() -> None:
    llm, script = make_llm(CALL, provider="vllm")
    llm.bind_tools([GetWeather], parallel_tool_calls=False, strict=True).invoke("x")
    assert script.body["parallel_tool_calls"] is False
    function = script.body["tools"][0]["function"]
    assert function["strict"] is True
    assert function["parameters"]["additionalProperties"] is False


def test_parallel_tool_calls_false_on_zai_is_not_sent_and_keeps_the_first_call() -> None:
    llm, script = make_llm(CALL)
    message = llm.bind_tools([GetWeather], parallel_tool_calls=False).invoke("x")
    assert "parallel_tool_calls" not in script.body
    assert len(message.tool_calls) == 1


def test_web_search_builtin_tool_dict_switches_on_web_search() -> None:
    llm, script = make_llm(NO_CALL)
    llm.bind_tools([GetWeather, {"type": "web_search", "web_search": {"count": 3}}]).invoke("news")
    tools = script.body["tools"]
    assert tools[0]["function"]["name"] == "GetWeather"
    assert tools[1]["type"] == "web_search"
    assert tools[1]["web_search"]["count"] == 3


def test_tool_name_the_provider_refuses_is_caught_before_sending() -> None:
    llm, script = make_llm(CALL)
    bad = {"type": "function", "function": {"name": "has space", "parameters": {"type": "object"}}}
    with pytest.raises(ValueError, match="tool name 'has space' is not allowed"):
        llm.bind_tools([bad]).invoke("x")
    assert script.requests == []
