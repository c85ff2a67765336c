"""Tools: specs, tool_choice per provider, parsing tool calls (partial JSON too), parallel calls."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from llama_index.core.base.llms.types import ChatResponse, ToolCallBlock
from llama_index.core.llms import ChatMessage
from llama_index.core.tools import FunctionTool
from pydantic import BaseModel

from glm_core import ToolCallRequiredError
from glm_core.types import NamedToolChoice, ToolSpec
from llama_index_glm.tools import parse_tool_arguments, resolve_tool_choice, to_tool_spec
from tests.llama_index.helpers import Script, call, completion


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def multiply(a: int, b: int) -> int:
    """Multiply two integers."""
    return a * b


ADD = FunctionTool.from_defaults(add)
MUL = FunctionTool.from_defaults(multiply)


def test_tool_spec_from_function_tool() -> None:
    spec = to_tool_spec(ADD)
    assert spec.name == "add"
    assert "Add two integers." in spec.description
    assert spec.parameters["properties"].keys() == {"a", "b"}
    assert spec.parameters["required"] == ["a", "b"]
    assert "strict" not in json.dumps(spec.parameters)


def test_tool_spec_from_openai_dict_and_passthrough() -> None:
    spec = to_tool_spec({"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}})
    assert spec == ToolSpec(name="f", description="", parameters={"type": "object"})
    assert to_tool_spec(spec) is spec


@pytest.mark.parametrize(
    ("choice", "required", "expected"),
    [
        (None, False, None),
        (None, True, "required"),
        ("auto", True, "auto"),
        ("none", False, "none"),
        ("required", False, "required"),
        ("any", False, "required"),
        ("add", False, NamedToolChoice("add")),
        ({"type": "function", "function": {"name": "add"}}, False, NamedToolChoice("add")),
    ],
)
def test_resolve_tool_choice(choice: object, required: bool, expected: object) -> None:
    assert resolve_tool_choice(choice, required) == expected


def test_prepare_does_not_mutate_history() -> None:
    llm = Script(completion()).llm()
    history = [ChatMessage(role="user", content="earlier")]
    kwargs = llm._prepare_chat_with_tools([ADD], user_msg="add 1 and 2", chat_history=history)
    assert len(history) == 1
    assert [m.content for m in kwargs["messages"]] == ["earlier", "add 1 and 2"]
    assert [t.name for t in kwargs["tools"]] == ["add"]
    assert "tool_choice" not in kwargs


def test_tool_required_on_zai_degrades_to_auto_and_verifies() -> None:
    # Z.ai refuses every tool_choice but "auto": the core asks for the call and checks the answer.
    script = Script(completion("no tool for you"))
    llm = script.llm("zai")
    with pytest.raises(ToolCallRequiredError):
        llm.chat_with_tools([ADD], user_msg="add 1 and 2", tool_required=True)
    body = script.bodies[-1]
    assert "tool_choice" not in body or body["tool_choice"] == "auto"
    assert "parallel_tool_calls" not in body  # Z.ai has no such switch: never sent
    assert any("calling one of the available tools" in m["content"] for m in body["messages"] if m["role"] == "system")


def test_tool_required_sent_where_accepted() -> None:
    script = Script(completion(tool_calls=[call("c1", "add", {"a": 1, "b": 2})]))
    llm = script.llm("vllm", model="glm-4.7-flash")
    response = llm.chat_with_tools([ADD, MUL], user_msg="add", tool_required=True)
    body = script.bodies[-1]
    assert body["tool_choice"] == "required"
    assert body["parallel_tool_calls"] is False
    assert llm.get_tool_calls_from_response(response)[0].tool_kwargs == {"a": 1, "b": 2}


def test_tool_required_sent_and_still_verified_where_the_server_does_not_enforce_it() -> None:
    # vLLM takes tool_choice="required" but its GLM tool parsers cannot enforce it.
    script = Script(completion("no tool for you"))
    llm = script.llm("vllm", model="glm-4.7-flash")
    with pytest.raises(ToolCallRequiredError, match="was sent the tool_choice but did not enforce it"):
        llm.chat_with_tools([ADD], user_msg="add 1 and 2", tool_required=True)
    assert script.bodies[-1]["tool_choice"] == "required"


def test_named_tool_choice_per_provider() -> None:
    script = Script(completion(tool_calls=[call("c1", "multiply", {"a": 2, "b": 3})]))
    script.llm("vllm", model="glm-4.7").chat_with_tools([ADD, MUL], user_msg="x", tool_choice="multiply")
    assert script.bodies[-1]["tool_choice"] == {"type": "function", "function": {"name": "multiply"}}
    # On Z.ai only that tool is offered, and the call is asked for instead of forced.
    script.llm("zai").chat_with_tools([ADD, MUL], user_msg="x", tool_choice="multiply")
    body = script.bodies[-1]
    assert [t["function"]["name"] for t in body["tools"]] == ["multiply"]
    assert "tool_choice" not in body


def test_instance_tool_choice_is_the_default() -> None:
    script = Script(completion(tool_calls=[call("c1", "add", {"a": 1, "b": 1})]))
    script.llm("vllm", model="glm-4.7-flash", tool_choice="required").chat_with_tools([ADD], user_msg="x")
    assert script.bodies[-1]["tool_choice"] == "required"


def test_parallel_calls_all_kept_when_allowed_first_kept_otherwise() -> None:
    answer = completion(tool_calls=[call("c1", "add", {"a": 1, "b": 2}), call("c2", "multiply", {"a": 3, "b": 4})])
    llm = Script(answer).llm()
    allowed = llm.chat_with_tools([ADD, MUL], user_msg="both", allow_parallel_tool_calls=True)
    assert [s.tool_id for s in llm.get_tool_calls_from_response(allowed)] == ["c1", "c2"]
    single = llm.chat_with_tools([ADD, MUL], user_msg="both", allow_parallel_tool_calls=False)
    assert [s.tool_id for s in llm.get_tool_calls_from_response(single)] == ["c1"]
    assert len(single.message.additional_kwargs["tool_calls"]) == 1


def test_get_tool_calls_errors_only_when_asked() -> None:
    llm = Script(completion()).llm()
    empty = ChatResponse(message=ChatMessage(role="assistant", content="hi"))
    assert llm.get_tool_calls_from_response(empty, error_on_no_tool_call=False) == []
    with pytest.raises(ValueError, match="Expected at least one tool call"):
        llm.get_tool_calls_from_response(empty)


def test_get_tool_calls_tolerates_partial_json() -> None:
    llm = Script(completion()).llm()
    partial = ChatResponse(
        message=ChatMessage(
            role="assistant",
            blocks=[ToolCallBlock(tool_call_id="c1", tool_name="add", tool_kwargs='{"a": 1, "b')],
        )
    )
    (selection,) = llm.get_tool_calls_from_response(partial, error_on_no_tool_call=False)
    assert selection.tool_kwargs == {"a": 1}


def test_predict_and_call() -> None:
    llm = Script(completion(tool_calls=[call("c1", "add", {"a": 20, "b": 22})])).llm()
    result = llm.predict_and_call([ADD, MUL], user_msg="What is 20 + 22?")
    assert result.response == "42"
    assert result.sources[0].tool_name == "add"


async def test_apredict_and_call_parallel() -> None:
    answer = completion(tool_calls=[call("c1", "add", {"a": 1, "b": 2}), call("c2", "multiply", {"a": 3, "b": 4})])
    llm = Script(answer).llm()
    result = await llm.apredict_and_call([ADD, MUL], user_msg="both", allow_parallel_tool_calls=True)
    assert result.response == "3\n\n12"


class _Nested(BaseModel):
    name: str
    tags: list[str]


@given(st.builds(_Nested, name=st.text(max_size=20), tags=st.lists(st.text(max_size=8), max_size=4)))
def test_every_prefix_of_valid_json_parses_to_a_dict(value: _Nested) -> None:
    text = json.dumps({"item": value.model_dump(), "n": 12.5, "ok": True}, ensure_ascii=False)
    for end in range(len(text) + 1):
        parsed = parse_tool_arguments(text[:end])
        assert isinstance(parsed, dict)
    assert parse_tool_arguments(text) == json.loads(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"city": "Par', {"city": "Par"}),
        ('{"a": 1, "b', {"a": 1}),
        ('{"a": 1, "b":', {"a": 1}),
        ('{"a": [1, 2', {"a": [1, 2]}),
        ('{"a": tr', {}),
        ("", {}),
        ("[1, 2]", {}),
        ("not json", {}),
    ],
)
def test_parse_tool_arguments(text: str, expected: dict[str, object]) -> None:
    assert parse_tool_arguments(text) == expected
