"""Tool schemas as GLM reads them: `$defs` inlined (glm_core.schemas), and stringified object or
array arguments parsed back where the schema says so (glm_core.arguments)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel

from glm_core import ChatRequest, ToolSpec, UserMessage
from glm_core.arguments import ToolSchemas
from glm_core.endpoint import Endpoint
from glm_core.schemas import inline_defs, value_kinds


class Address(BaseModel):
    city: str
    country: str


class Person(BaseModel):
    name: str
    home: Address
    past: list[Address] = []
    work: Address | None = None


class Node(BaseModel):
    value: int
    children: list[Node] = []


PERSON = Person.model_json_schema()
NODE = Node.model_json_schema()


def _no_refs(node: Any) -> bool:
    if isinstance(node, dict):
        return "$ref" not in node and all(_no_refs(v) for v in node.values())
    if isinstance(node, list):
        return all(_no_refs(v) for v in node)
    return True


def test_nested_models_are_inlined_and_mean_the_same() -> None:
    assert "$defs" in PERSON
    inlined = inline_defs(PERSON)
    assert "$defs" not in inlined and _no_refs(inlined)
    assert inlined["properties"]["home"]["properties"].keys() == {"city", "country"}
    assert inlined["properties"]["past"]["items"]["required"] == ["city", "country"]
    assert {"type": "null"} in inlined["properties"]["work"]["anyOf"]
    assert "$defs" in PERSON, "the caller's schema is not changed"


def test_keywords_beside_a_ref_are_kept() -> None:
    schema = {
        "$defs": {"A": {"type": "object", "properties": {"x": {"type": "integer"}}}},
        "type": "object",
        "properties": {"a": {"$ref": "#/$defs/A", "description": "the A"}},
    }
    assert inline_defs(schema)["properties"]["a"] == {
        "type": "object",
        "properties": {"x": {"type": "integer"}},
        "description": "the A",
    }


@pytest.mark.parametrize(
    "schema",
    [
        NODE,  # recursive: a definition that reaches itself
        {"$defs": {"A": {"type": "object"}}, "properties": {"a": {"$ref": "#/$defs/Missing"}}},
        {"$defs": {"A": {"type": "object"}}, "properties": {"a": {"$ref": "#/properties/b"}}},
    ],
    ids=["recursive", "missing definition", "non-local reference"],
)
def test_a_schema_that_cannot_be_inlined_is_sent_as_it_is(schema: dict[str, Any]) -> None:
    assert inline_defs(schema) is schema


def test_a_schema_without_definitions_is_not_copied() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    assert inline_defs(schema) is schema


@pytest.mark.parametrize(
    ("schema", "kinds"),
    [
        ({"type": "object"}, {"object"}),
        ({"type": ["array", "null"]}, {"array", "null"}),
        ({"anyOf": [{"$ref": "#/$defs/Address"}, {"type": "null"}]}, {"object", "null"}),
        ({"properties": {}}, {"object"}),
        ({"items": {}}, {"array"}),
        ({}, {"any"}),
        ({"$ref": "#/$defs/Nope"}, {"any"}),
    ],
)
def test_value_kinds(schema: dict[str, Any], kinds: set[str]) -> None:
    assert value_kinds(schema, PERSON) == kinds


def _fix(arguments: Any, schema: dict[str, Any] = PERSON) -> Any:
    schemas = ToolSchemas.of([ToolSpec("f", parameters=schema)])
    assert schemas is not None
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return json.loads(schemas.fix(text, "f"))


HOME = {"city": "Paris", "country": "FR"}


@pytest.mark.parametrize("schema", [PERSON, inline_defs(PERSON)], ids=["with $defs", "inlined"])
def test_stringified_objects_and_arrays_are_parsed_back(schema: dict[str, Any]) -> None:
    # pydantic-ai#10243 / vllm#46924: `{"home": "{\"city\": ...}"}`.
    sent = {"name": "Ada", "home": json.dumps(HOME), "past": json.dumps([HOME]), "work": json.dumps(HOME)}
    assert _fix(sent, schema) == {"name": "Ada", "home": HOME, "past": [HOME], "work": HOME}


def test_stringified_items_of_an_array_are_parsed_back() -> None:
    assert _fix({"name": "Ada", "home": HOME, "past": [json.dumps(HOME)]})["past"] == [HOME]


def test_whole_arguments_sent_as_one_json_string_are_parsed_back() -> None:
    assert _fix(json.dumps(json.dumps({"name": "Ada", "home": HOME}))) == {"name": "Ada", "home": HOME}


def test_a_string_argument_is_never_decoded_a_second_time() -> None:
    code = json.dumps({"looks": "like an object"})
    schema = {"type": "object", "properties": {"code": {"type": "string"}, "meta": {"type": "object"}}}
    assert _fix({"code": code, "meta": {}}, schema) == {"code": code, "meta": {}}
    either = {"type": "object", "properties": {"v": {"anyOf": [{"type": "object"}, {"type": "string"}]}}}
    assert _fix({"v": code}, either) == {"v": code}


@pytest.mark.parametrize("value", ["{not json", "[1, 2", "plain words", '"a string"', "42", "[1, 2]"])
def test_a_string_that_does_not_parse_to_an_object_stays_as_it_was(value: str) -> None:
    assert _fix({"name": "Ada", "home": value})["home"] == value


def test_unchanged_arguments_are_the_same_text() -> None:
    schemas = ToolSchemas.of([ToolSpec("f", parameters=PERSON)])
    assert schemas is not None
    text = '{"name": "Ada",   "home": {"city": "Paris", "country": "FR"}}'
    assert schemas.fix(text, "f") is text
    assert schemas.fix("{broken", "f") == "{broken"
    assert schemas.fix(text, "another_tool") is text


def test_only_tools_that_can_hold_objects_or_arrays_are_kept() -> None:
    flat = ToolSpec("flat", parameters={"type": "object", "properties": {"a": {"type": "string"}}})
    assert ToolSchemas.of([flat]) is None
    assert ToolSchemas.of(None) is None
    schemas = ToolSchemas.of([flat, ToolSpec("person", parameters=PERSON)])
    assert schemas is not None and schemas.fixer("person") is not None and schemas.fixer("flat") is None


@pytest.mark.parametrize(
    "arguments",
    [
        json.dumps({"name": "Ada", "home": json.dumps(HOME), "past": json.dumps([HOME])}),
        json.dumps({"name": 'A "quoted" \\ name', "home": HOME, "past": [json.dumps(HOME), HOME]}),
        json.dumps(json.dumps({"name": "Ada", "home": HOME})),
        '{ "name" : "Ada" , "home" : "{\\"city\\": \\"Paris\\", \\"country\\": \\"FR\\"}" }',
        '{"name": "Ada", "home": "{cut',
        "not json at all",
        "",
    ],
)
def test_streamed_pieces_add_up_to_the_fixed_whole(arguments: str) -> None:
    schemas = ToolSchemas.of([ToolSpec("f", parameters=PERSON)])
    assert schemas is not None
    whole = schemas.fix(arguments, "f")
    for size in (1, 3, 7, 1000):
        fixer = schemas.fixer("f")
        assert fixer is not None
        pieces = [fixer.feed(arguments[i : i + size]) for i in range(0, len(arguments), size)]
        assert "".join(pieces) + fixer.close() == whole, size


def test_text_passes_on_as_it_comes_except_a_string_where_an_object_belongs() -> None:
    schemas = ToolSchemas.of([ToolSpec("f", parameters=PERSON)])
    assert schemas is not None
    fixer = schemas.fixer("f")
    assert fixer is not None
    assert fixer.feed('{"name": "Ad') == '{"name": "Ad'  # progressive: nothing held
    assert fixer.feed('a", "home": "{\\"city') == 'a", "home": '  # the stringified object is held
    assert fixer.feed('\\": \\"Paris\\", \\"country\\": \\"FR\\"}"') == '{"city": "Paris", "country": "FR"}'
    assert fixer.feed("}") == "}" and fixer.close() == ""


def test_recursive_schemas_are_followed_for_fixing() -> None:
    sent = {"value": 1, "children": json.dumps([{"value": 2, "children": [json.dumps({"value": 3})]}])}
    assert _fix(sent, NODE) == {"value": 1, "children": [{"value": 2, "children": [{"value": 3}]}]}


# -- what is sent ------------------------------------------------------------------------------


def _sent(request: ChatRequest, provider: str = "zai") -> dict[str, Any]:
    return Endpoint(provider, api_key="k", base_url="http://localhost:8000/v1").prepare(request, stream=False).body


@pytest.mark.parametrize("provider", ["zai", "vllm", "openrouter", "cloudflare"])
def test_tools_are_sent_with_defs_inlined_on_every_provider(provider: str) -> None:
    request = ChatRequest("glm-5.3", [UserMessage("Hi")], tools=[ToolSpec("person", parameters=PERSON)])
    parameters = _sent(request, provider)["tools"][0]["function"]["parameters"]
    assert parameters == inline_defs(PERSON) and _no_refs(parameters)


def test_a_recursive_tool_schema_is_sent_as_it_is() -> None:
    request = ChatRequest("glm-5.3", [UserMessage("Hi")], tools=[ToolSpec("tree", parameters=NODE)])
    assert _sent(request)["tools"][0]["function"]["parameters"] == NODE


@pytest.mark.parametrize("provider", ["vllm", "zai"])
def test_a_json_schema_response_format_is_sent_inlined(provider: str) -> None:
    spec = {"type": "json_schema", "json_schema": {"name": "Person", "schema": PERSON}}
    body = _sent(ChatRequest("glm-5.3", [UserMessage("Hi")], response_format=spec), provider)
    if "json_schema" in body["response_format"]:  # native (vLLM)
        assert body["response_format"]["json_schema"]["schema"] == inline_defs(PERSON)
    else:  # Z.ai: JSON mode and the schema in an instruction
        assert "$defs" not in body["messages"][0]["content"] and "$ref" not in body["messages"][0]["content"]
    assert spec["json_schema"]["schema"] is PERSON
