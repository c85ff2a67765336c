"""structured_predict & co through function calling and through JSON, on Z.ai and Cloudflare."""

from __future__ import annotations

import json
from typing import Any

import pytest
from llama_index.core.llms import ChatMessage
from llama_index.core.prompts import PromptTemplate
from pydantic import BaseModel

from tests.llama_index.helpers import Script, call, completion, delta, sse


class Address(BaseModel):
    city: str
    country: str


class Person(BaseModel):
    """A person and where they live."""

    name: str
    age: int
    addresses: list[Address]


PERSON = {"name": "Ada", "age": 36, "addresses": [{"city": "London", "country": "UK"}]}
PROMPT = PromptTemplate("Extract the person from: {text}")


def _answer(provider: str, body: dict[str, Any]) -> dict[str, Any]:
    # Cloudflare's native endpoint wraps a non-streamed answer in {"result": ..., "success": true}.
    return {"result": body, "success": True} if provider == "cloudflare" else body


@pytest.mark.parametrize("provider", ["zai", "cloudflare"])
def test_structured_predict_by_function_calling(provider: str) -> None:
    script = Script(_answer(provider, completion(tool_calls=[call("c1", "Person", PERSON)])))
    llm = script.llm(provider, model="glm-4.7-flash")
    person = llm.structured_predict(Person, PROMPT, text="Ada, 36, London")
    assert person == Person.model_validate(PERSON)
    body = script.bodies[-1]
    assert body["tools"][0]["function"]["name"] == "Person"
    # Sent with its $defs inlined (glm_core.schemas): GLM-5.2 / 5.3 stringify $ref arguments.
    parameters = body["tools"][0]["function"]["parameters"]
    assert "$defs" not in parameters
    assert parameters["properties"]["addresses"]["items"]["properties"].keys() == {"city", "country"}
    if provider == "zai":
        assert "tool_choice" not in body  # "required" is refused by Z.ai: asked for, then verified
    else:
        assert body["tool_choice"] == "required"


@pytest.mark.parametrize("provider", ["zai", "cloudflare"])
async def test_astructured_predict_by_json_schema(provider: str) -> None:
    script = Script(_answer(provider, completion(json.dumps(PERSON))))
    llm = script.llm(provider, model="glm-4.7-flash", structured_output_method="json_schema")
    person = await llm.astructured_predict(Person, PROMPT, text="Ada")
    assert person.addresses[0].city == "London"
    body = script.bodies[-1]
    if provider == "zai":
        # No native json_schema on Z.ai: JSON mode plus the schema as an instruction.
        assert body["response_format"] == {"type": "json_object"}
        assert '"Address"' in body["messages"][0]["content"]
    else:
        assert body["response_format"]["type"] == "json_schema"
        assert body["response_format"]["json_schema"]["name"] == "Person"


def test_json_mode_everywhere_and_per_call_override() -> None:
    script = Script(_answer("cloudflare", completion("```json\n" + json.dumps(PERSON) + "\n```")))
    llm = script.llm("cloudflare", model="glm-4.7-flash")
    person = llm.structured_predict(Person, PROMPT, llm_kwargs={"structured_output_method": "json_mode"}, text="x")
    assert person.name == "Ada"
    body = script.bodies[-1]
    assert body["response_format"] == {"type": "json_object"}
    assert body["messages"][0]["role"] == "system" and "JSON schema" in body["messages"][0]["content"]
    assert "structured_output_method" not in body


def test_json_answer_that_does_not_match_is_a_clear_error() -> None:
    llm = Script(completion('{"name": "Ada"}')).llm(structured_output_method="json_schema")
    with pytest.raises(ValueError, match="does not match Person"):
        llm.structured_predict(Person, PROMPT, text="x")


def _tool_stream() -> bytes:
    text = json.dumps(PERSON)
    pieces = [text[i : i + 9] for i in range(0, len(text), 9)]
    events = [delta(role="assistant", reasoning_content="Extract.")]
    events.append(
        delta(
            tool_calls=[
                {"index": 0, "id": "c1", "type": "function", "function": {"name": "Person", "arguments": pieces[0]}}
            ]
        )
    )
    events += [delta(tool_calls=[{"index": 0, "function": {"arguments": p}}]) for p in pieces[1:]]
    events.append(delta(finish_reason="tool_calls", usage=(30, 20)))
    return sse(*events)


def test_stream_structured_predict_by_function_calling() -> None:
    llm = Script(_tool_stream()).llm()
    partials = list(llm.stream_structured_predict(Person, PROMPT, text="Ada"))
    assert len(partials) > 3
    assert partials[-1] == Person.model_validate(PERSON)
    assert any(getattr(p, "name", None) == "Ada" and not getattr(p, "addresses", None) for p in partials)


async def test_astream_structured_predict_by_json() -> None:
    text = json.dumps(PERSON)
    stream = sse(*[delta(content=text[i : i + 7]) for i in range(0, len(text), 7)], delta(finish_reason="stop"))
    llm = Script(stream).llm("cloudflare", model="glm-4.7-flash", structured_output_method="json_schema")
    partials = [p async for p in await llm.astream_structured_predict(Person, PROMPT, text="Ada")]
    assert partials[-1] == Person.model_validate(PERSON)


async def test_as_structured_llm() -> None:
    script = Script(completion(tool_calls=[call("c1", "Person", PERSON)]))
    structured = script.llm().as_structured_llm(Person)
    response = await structured.achat([ChatMessage(role="user", content="Ada, 36, London")])
    assert Person.model_validate_json(response.message.content) == Person.model_validate(PERSON)
    assert response.raw == Person.model_validate(PERSON)
