"""A LangChain/LangGraph agent with two tools, thinking on, over loopback against the emulator.

The point: in a multi-step tool loop every later request carries the earlier turns' reasoning in
the field the provider reads (Z.ai `reasoning_content`, vLLM `reasoning`, OpenRouter
`reasoning_details`), which is what GLM-4.7's interleaved / preserved thinking needs and what the
other LangChain integrations drop.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain.agents import create_agent
from langchain_core.messages import AIMessage, ToolMessage
from langchain_core.tools import tool

from glm_core.testing import Reply, ToolCallSpec
from tests.e2e.langchain_helpers import assistant_turns, glm_chat

pytestmark = pytest.mark.loopback


@tool
def get_weather(city: str) -> str:
    """Get the current weather in a city."""
    return f"Sunny, 24 C in {city}"


@tool
def get_time(city: str) -> str:
    """Get the local time in a city."""
    return f"12:00 in {city}"


SCRIPT = (
    Reply(reasoning="Weather first: call get_weather.", tool_calls=[ToolCallSpec("get_weather", {"city": "Rome"})]),
    Reply(reasoning="Now the time: call get_time.", tool_calls=[ToolCallSpec("get_time", {"city": "Rome"})]),
    Reply(content="Rome: sunny, 24 C, and it is 12:00.", reasoning="Both results are in; answer."),
)


def _reasoning_field(turn: dict[str, Any], field: str) -> Any:
    value = turn.get(field)
    if field == "reasoning_details" and isinstance(value, list):
        return "".join(d.get("text", "") for d in value)
    return value


@pytest.mark.parametrize(
    ("provider", "field"),
    [
        ("zai", "reasoning_content"),
        ("zai_coding", "reasoning_content"),
        ("cloudflare", "reasoning_content"),
        ("vllm", "reasoning"),
        ("sglang", "reasoning_content"),
        ("openrouter", "reasoning_details"),
    ],
)
def test_two_tool_agent_sends_reasoning_back_every_step(provider: str, field: str) -> None:
    llm, emulator = glm_chat(provider, thinking=True)
    agent = create_agent(llm, [get_weather, get_time])
    emulator.queue(*SCRIPT)

    result = agent.invoke({"messages": [("user", "What is the weather and the time in Rome?")]})

    messages = result["messages"]
    tool_results = [m.content for m in messages if isinstance(m, ToolMessage)]
    assert tool_results == ["Sunny, 24 C in Rome", "12:00 in Rome"]
    final = messages[-1]
    assert isinstance(final, AIMessage)
    assert final.content == "Rome: sunny, 24 C, and it is 12:00."
    assert final.additional_kwargs["reasoning_content"] == "Both results are in; answer."

    bodies = [r.body for r in emulator.requests]
    assert len(bodies) == 3
    # The second request carries the first turn's reasoning; the third carries both, in order.
    second, third = assistant_turns(bodies[1]), assistant_turns(bodies[2])
    assert [_reasoning_field(t, field) for t in second] == ["Weather first: call get_weather."]
    assert [_reasoning_field(t, field) for t in third] == [
        "Weather first: call get_weather.",
        "Now the time: call get_time.",
    ]
    assert third[0]["tool_calls"][0]["function"]["name"] == "get_weather"
    assert third[1]["tool_calls"][0]["function"]["name"] == "get_time"


def test_preserved_thinking_on_zai() -> None:
    llm, emulator = glm_chat("zai", model="glm-4.7", thinking=True, preserve_thinking=True)
    agent = create_agent(llm, [get_weather, get_time])
    emulator.queue(*SCRIPT)
    agent.invoke({"messages": [("user", "What is the weather and the time in Rome?")]})
    bodies = [r.body for r in emulator.requests]
    assert all(b["thinking"] == {"type": "enabled", "clear_thinking": False} for b in bodies)
    assert [t["reasoning_content"] for t in assistant_turns(bodies[2])] == [
        "Weather first: call get_weather.",
        "Now the time: call get_time.",
    ]


@pytest.mark.parametrize("provider", ["zai", "cloudflare"])
def test_agent_on_the_rules_brain(provider: str) -> None:
    # No script: the emulator calls the tool the user names, then reports its result.
    llm, emulator = glm_chat(provider)
    agent = create_agent(llm, [get_weather, get_time])
    result = agent.invoke({"messages": [("user", "What is the weather in 'Rome'? Use get_weather.")]})
    messages = result["messages"]
    assert [m.content for m in messages if isinstance(m, ToolMessage)] == ["Sunny, 24 C in Rome"]
    assert "Sunny, 24 C in Rome" in str(messages[-1].content)
    first_answer = next(m for m in messages if isinstance(m, AIMessage))
    reasoning = first_answer.additional_kwargs["reasoning_content"]
    assert assistant_turns(emulator.requests[1].body)[0]["reasoning_content"] == reasoning


async def test_async_streamed_agent() -> None:
    llm, emulator = glm_chat("zai", thinking=True)
    agent = create_agent(llm, [get_weather, get_time])
    emulator.queue(*SCRIPT)
    tokens: list[str] = []
    async for message, _meta in agent.astream(
        {"messages": [("user", "What is the weather and the time in Rome?")]}, stream_mode="messages"
    ):
        if isinstance(message, AIMessage) and isinstance(message.content, str):
            tokens.append(message.content)
    assert "".join(tokens).endswith("Rome: sunny, 24 C, and it is 12:00.")
    bodies = [r.body for r in emulator.requests]
    assert all(b.get("stream") is True for b in bodies)
    assert [t["reasoning_content"] for t in assistant_turns(bodies[2])] == [
        "Weather first: call get_weather.",
        "Now the time: call get_time.",
    ]
