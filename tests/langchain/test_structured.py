"""with_structured_output: three methods, three schema kinds, native or emulated, always validated."""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.exceptions import OutputParserException
from langchain_core.utils.function_calling import convert_to_json_schema
from pydantic import BaseModel, Field, ValidationError
from typing_extensions import TypedDict

from langchain_glm import GLMToolCallRequiredError
from langchain_glm.schema_validation import schema_errors
from tests.langchain.helpers import completion, make_llm, sse, stream_events


class Address(BaseModel):
    city: str
    country: str


class Person(BaseModel):
    """A person."""

    name: str = Field(description="full name")
    age: int
    address: Address


class PersonDict(TypedDict):
    """A person."""

    name: str
    age: int


PERSON_SCHEMA = Person.model_json_schema()
ADA = {"name": "Ada", "age": 36, "address": {"city": "London", "country": "UK"}}


def tool_answer(name: str, args: dict[str, Any]) -> dict[str, Any]:
    return completion("", tool_calls=[("call_1", name, json.dumps(args))], finish_reason="tool_calls")


@pytest.mark.parametrize("provider", ["zai", "cloudflare", "vllm"])
def test_function_calling_with_nested_pydantic(provider: str) -> None:
    llm, script = make_llm(tool_answer("Person", ADA), provider=provider)
    result = llm.with_structured_output(Person).invoke("Ada, 36, London")
    assert result == Person.model_validate(ADA)
    body = script.body
    assert [t["function"]["name"] for t in body["tools"]] == ["Person"]
    if provider == "zai":
        assert "tool_choice" not in body and "parallel_tool_calls" not in body
    else:
        assert body["tool_choice"] == {"type": "function", "function": {"name": "Person"}}
        assert body["parallel_tool_calls"] is False


def test_function_calling_with_typeddict_and_json_schema() -> None:
    llm, _ = make_llm(tool_answer("PersonDict", {"name": "Ada", "age": 36}), tool_answer("Person", ADA))
    assert llm.with_structured_output(PersonDict).invoke("x") == {"name": "Ada", "age": 36}
    assert llm.with_structured_output(PERSON_SCHEMA).invoke("x") == ADA


def test_function_calling_answer_that_breaks_the_schema_is_a_parsing_error() -> None:
    llm, _ = make_llm(tool_answer("Person", {"name": "Ada", "age": "old"}), repeat=True)
    with pytest.raises(OutputParserException, match="expected integer"):
        llm.with_structured_output(PERSON_SCHEMA).invoke("x")
    # A pydantic schema raises pydantic's own error, as everywhere in LangChain.
    with pytest.raises(ValidationError):
        llm.with_structured_output(Person).invoke("x")


def test_function_calling_without_a_call_on_zai_raises_clearly() -> None:
    llm, _ = make_llm(completion("Ada is 36."))
    with pytest.raises(GLMToolCallRequiredError, match="a call to 'Person' was required"):
        llm.with_structured_output(Person).invoke("x")


def test_json_schema_is_native_on_cloudflare_and_emulated_on_zai() -> None:
    llm, script = make_llm(completion(json.dumps(ADA)), provider="cloudflare")
    assert llm.with_structured_output(Person, method="json_schema", strict=True).invoke("x") == Person(**ADA)  # type: ignore[arg-type]
    assert script.body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "Person", "schema": convert_to_json_schema(Person), "strict": True},
    }

    llm, script = make_llm(completion(json.dumps(ADA)), provider="zai")
    assert llm.with_structured_output(Person, method="json_schema").invoke("x") == Person(**ADA)  # type: ignore[arg-type]
    assert script.body["response_format"] == {"type": "json_object"}
    instruction = script.body["messages"][0]
    assert instruction["role"] == "system" and "conforms to this JSON schema" in instruction["content"]


@pytest.mark.parametrize("provider", ["zai", "cloudflare"])
def test_json_schema_answer_is_validated_on_every_provider(provider: str) -> None:
    wrong = {"name": "Ada", "age": 36, "address": {"city": "London"}}
    llm, _ = make_llm(completion(json.dumps(wrong)), repeat=True, provider=provider)
    with pytest.raises(OutputParserException, match=r"\$.address: missing required property 'country'"):
        llm.with_structured_output(PERSON_SCHEMA, method="json_schema").invoke("x")
    with pytest.raises(OutputParserException):
        llm.with_structured_output(Person, method="json_schema").invoke("x")


def test_json_mode_sends_json_object_and_parses() -> None:
    llm, script = make_llm(completion('{"name": "Ada", "age": 36}'), completion("not json"))
    assert llm.with_structured_output(method="json_mode").invoke("x") == {"name": "Ada", "age": 36}
    assert script.body["response_format"] == {"type": "json_object"}
    with pytest.raises(OutputParserException):
        llm.with_structured_output(PersonDict, method="json_mode").invoke("x")


def test_include_raw_returns_raw_parsed_and_parsing_error() -> None:
    llm, _ = make_llm(tool_answer("Person", ADA), tool_answer("Person", {"name": "Ada"}))
    good = llm.with_structured_output(Person, include_raw=True).invoke("x")
    assert good["parsed"] == Person.model_validate(ADA)
    assert good["parsing_error"] is None
    assert good["raw"].tool_calls[0]["name"] == "Person"
    bad = llm.with_structured_output(PERSON_SCHEMA, include_raw=True).invoke("x")
    assert bad["parsed"] is None
    assert isinstance(bad["parsing_error"], OutputParserException)


def test_include_raw_turns_a_missing_required_call_into_a_parsing_error() -> None:
    llm, _ = make_llm(completion("Ada is 36.", reasoning="no tool needed"))
    out = llm.with_structured_output(Person, include_raw=True).invoke("x")
    assert out["parsed"] is None
    assert isinstance(out["parsing_error"], GLMToolCallRequiredError)
    assert out["raw"].content == "Ada is 36."
    assert out["raw"].additional_kwargs["reasoning_content"] == "no tool needed"


async def test_include_raw_async() -> None:
    llm, _ = make_llm(completion("no call"), tool_answer("Person", ADA))
    missing = await llm.with_structured_output(Person, include_raw=True).ainvoke("x")
    assert isinstance(missing["parsing_error"], GLMToolCallRequiredError)
    good = await llm.with_structured_output(Person, include_raw=True).ainvoke("x")
    assert good["parsed"] == Person.model_validate(ADA) and good["parsing_error"] is None


@pytest.mark.parametrize("schema", [Person, PERSON_SCHEMA])
def test_forcing_provider_answer_without_the_call_is_an_error_not_none(schema: Any) -> None:
    # vLLM is sent tool_choice naming the tool; if the answer still has no call, say so.
    llm, _ = make_llm(completion("Ada is 36."), provider="vllm")
    with pytest.raises(OutputParserException, match="a call to 'Person' was required") as raised:
        llm.with_structured_output(schema).invoke("x")
    assert isinstance(raised.value, GLMToolCallRequiredError)


def test_streaming_structured_output_yields_partials_then_checks() -> None:
    text = json.dumps(ADA)
    pieces = [text[:10], text[10:30], text[30:]]
    llm, _ = make_llm(sse(stream_events(pieces)))
    chunks = list(llm.with_structured_output(PERSON_SCHEMA, method="json_schema").stream("x"))
    assert chunks[-1] == ADA
    assert len(chunks) >= 2

    deltas = [
        {"index": 0, "id": "c1", "type": "function", "function": {"name": "Person", "arguments": text[:15]}},
        {"index": 0, "function": {"arguments": text[15:]}},
    ]
    llm, _ = make_llm(sse(stream_events(tool_deltas=deltas, finish_reason="tool_calls")))
    chunks = list(llm.with_structured_output(Person).stream("x"))
    assert chunks[-1] == Person.model_validate(ADA)


def test_streaming_checks_the_final_object() -> None:
    llm, _ = make_llm(sse(stream_events(['{"name": "Ada"}'])))
    with pytest.raises(OutputParserException, match="missing required property 'age'"):
        list(llm.with_structured_output(PERSON_SCHEMA, method="json_schema").stream("x"))


async def test_async_structured_output() -> None:
    llm, _ = make_llm(tool_answer("Person", ADA), sse(stream_events([json.dumps(ADA)])))
    assert await llm.with_structured_output(Person).ainvoke("x") == Person.model_validate(ADA)
    chunks = [c async for c in llm.with_structured_output(PERSON_SCHEMA, method="json_schema").astream("x")]
    assert chunks[-1] == ADA


def test_bad_arguments() -> None:
    llm, _ = make_llm()
    with pytest.raises(ValueError, match="method='xml' is not supported"):
        llm.with_structured_output(Person, method="xml")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Received unsupported arguments"):
        llm.with_structured_output(Person, tools=[])
    with pytest.raises(ValueError, match="needs a schema"):
        llm.with_structured_output(None)
    with pytest.raises(ValueError, match="needs a schema"):
        llm.with_structured_output(None, method="json_schema")


@pytest.mark.parametrize(
    ("schema", "value", "errors"),
    [
        ({"type": "integer"}, 3.0, []),
        ({"type": "integer"}, True, ["$: expected integer, got bool"]),
        ({"type": ["string", "null"]}, None, []),
        ({"enum": ["a", "b"]}, "c", ["$: 'c' is not one of ['a', 'b']"]),
        ({"type": "array", "items": {"type": "string"}, "maxItems": 1}, ["a", 2],
         ["$[1]: expected string, got int", "$: 2 items, more than 1"]),
        ({"type": "object", "additionalProperties": False, "properties": {"a": {}}}, {"b": 1},
         ["$: property 'b' is not allowed"]),
        ({"anyOf": [{"type": "string"}, {"type": "null"}]}, 1, ["$: matches 0 of the anyOf alternatives"]),
        ({"$defs": {"N": {"type": "number", "minimum": 0}}, "$ref": "#/$defs/N"}, -1, ["$: -1 is below the minimum 0"]),
        ({"type": "string", "minLength": 2}, "x", ["$: 1 characters, fewer than 2"]),
    ],
)  # fmt: skip
def test_schema_checker(schema: dict[str, Any], value: Any, errors: list[str]) -> None:
    assert schema_errors(schema, value) == errors
