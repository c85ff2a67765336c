"""LCEL chains around ChatGLM: prompt | model | output parser, invoked, batched and streamed."""

from __future__ import annotations

import pytest
from langchain_core.output_parsers import JsonOutputParser, StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from glm_core.testing import Reply
from tests.e2e.langchain_helpers import glm_chat

pytestmark = pytest.mark.loopback

PROMPT = ChatPromptTemplate.from_messages(
    [("system", "You are a terse assistant."), ("human", "Tell me about {topic}.")]
)


@pytest.mark.parametrize("provider", ["zai", "cloudflare", "aimlapi"])
def test_prompt_model_parser_chain(provider: str) -> None:
    llm, emulator = glm_chat(provider)
    chain = PROMPT | llm | StrOutputParser()
    assert chain.invoke({"topic": "owls"}) == "Hello! You said: Tell me about owls."
    assert chain.batch([{"topic": "cats"}, {"topic": "dogs"}]) == [
        "Hello! You said: Tell me about cats.",
        "Hello! You said: Tell me about dogs.",
    ]
    body = emulator.requests[0].body
    assert body["messages"] == [
        {"role": "system", "content": "You are a terse assistant."},
        {"role": "user", "content": "Tell me about owls."},
    ]


def test_streamed_chain_yields_text_only() -> None:
    llm, emulator = glm_chat("zai", thinking=True)
    emulator.queue(Reply(content="Owls are nocturnal birds of prey.", reasoning="Recall owl facts.", chunk_size=5))
    pieces = list((PROMPT | llm | StrOutputParser()).stream({"topic": "owls"}))
    assert len([p for p in pieces if p]) > 3  # streamed, not one block
    assert "".join(pieces) == "Owls are nocturnal birds of prey."  # reasoning is not in the text


async def test_async_json_chain() -> None:
    llm, emulator = glm_chat("zai")
    prompt = ChatPromptTemplate.from_messages([("human", "Give the 'name' and 'habitat' of {animal} as JSON.")])
    chain = prompt | llm.bind(response_format={"type": "json_object"}) | JsonOutputParser()
    result = await chain.ainvoke({"animal": "the snowy owl"})
    assert set(result) == {"name", "habitat"}
    assert emulator.requests[0].body["response_format"] == {"type": "json_object"}
