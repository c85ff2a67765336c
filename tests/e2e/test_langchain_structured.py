"""Structured output with a nested pydantic model on Z.ai (json_schema emulated) and Cloudflare
(json_schema native), by every method, against the emulator over loopback."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage
from pydantic import BaseModel, Field

from tests.e2e.langchain_helpers import glm_chat

pytestmark = pytest.mark.loopback


class Address(BaseModel):
    city: str = Field(description="city name")
    country: str


class Person(BaseModel):
    """A person mentioned in the text."""

    name: str
    age: int
    address: Address


PROMPT = "Extract the person: 'Ada Lovelace', 36, lives in 'London', 'UK'"


@pytest.mark.parametrize("provider", ["zai", "cloudflare"])
def test_function_calling(provider: str) -> None:
    llm, emulator = glm_chat(provider)
    person = llm.with_structured_output(Person).invoke(PROMPT)
    assert person == Person(name="Ada Lovelace", age=36, address=Address(city="London", country="UK"))
    body = emulator.requests[0].body
    assert [t["function"]["name"] for t in body["tools"]] == ["Person"]
    if provider == "cloudflare":
        assert body["tool_choice"] == {"type": "function", "function": {"name": "Person"}}
    else:  # Z.ai accepts only "auto": the tool is the only one offered, and the call is checked
        assert "tool_choice" not in body


@pytest.mark.parametrize("provider", ["zai", "cloudflare"])
def test_json_schema(provider: str) -> None:
    llm, emulator = glm_chat(provider)
    person = llm.with_structured_output(Person, method="json_schema").invoke(PROMPT)
    assert isinstance(person, Person)
    assert person.age == 36
    assert isinstance(person.address, Address)
    response_format = emulator.requests[0].body["response_format"]
    if provider == "cloudflare":
        assert response_format["type"] == "json_schema"
        assert response_format["json_schema"]["schema"]["properties"]["address"]["required"] == ["city", "country"]
    else:
        assert response_format == {"type": "json_object"}


@pytest.mark.parametrize("provider", ["zai", "cloudflare"])
def test_include_raw_and_streaming(provider: str) -> None:
    llm, _ = glm_chat(provider, thinking=True)
    out = llm.with_structured_output(Person, include_raw=True).invoke(PROMPT)
    assert isinstance(out["raw"], AIMessage)
    assert out["raw"].additional_kwargs["reasoning_content"]
    assert out["parsing_error"] is None
    assert out["parsed"].address.city == "London"
    chunks = list(llm.with_structured_output(Person.model_json_schema(), method="json_schema").stream(PROMPT))
    assert chunks and set(chunks[-1]) == {"name", "age", "address"}


async def test_async_nested_on_both() -> None:
    for provider in ("zai", "cloudflare"):
        llm, _ = glm_chat(provider)
        person = await llm.with_structured_output(Person).ainvoke(PROMPT)
        assert person.address == Address(city="London", country="UK")


def test_an_agent_whose_structured_answer_never_comes_says_so() -> None:
    # create_agent sends tool_choice="required" for its structured-output tool; vLLM's GLM tool
    # parsers cannot enforce it. A text answer used to end the run with structured_response=None.
    from langchain.agents import create_agent
    from langchain.agents.structured_output import ToolStrategy

    from glm_core.testing import Reply
    from langchain_glm import GLMToolCallRequiredError

    def lookup(name: str) -> str:
        """Look a person up."""
        return "Ada Lovelace, 36, London, UK"

    llm, emulator = glm_chat("vllm")
    emulator.queue(Reply(content="Ada is 36 and lives in London."))
    agent = create_agent(llm, tools=[lookup], response_format=ToolStrategy(Person))
    with pytest.raises(GLMToolCallRequiredError, match="was sent the tool_choice but did not enforce it"):
        agent.invoke({"messages": [("user", PROMPT)]})
    assert emulator.requests[0].body["tool_choice"] == "required"
