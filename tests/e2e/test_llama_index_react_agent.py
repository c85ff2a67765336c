"""ReActAgent on GLM: tools described in the prompt, the Thought/Action/Answer loop, reasoning kept
out of the text the ReAct parser reads. Scripted on the in-process emulator transport."""

from __future__ import annotations

import httpx2
import pytest
from llama_index.core.agent.workflow import AgentStream, ReActAgent, ToolCallResult

from glm_core.testing import Emulator, Reply
from llama_index_glm import GLM


def add(a: int, b: int) -> int:
    """Add two integers and return the sum."""
    return a + b


@pytest.fixture
def emulator() -> Emulator:
    return Emulator(provider="zai", api_key="test-key")


def _llm(emulator: Emulator) -> GLM:
    transport = emulator.transport()
    return GLM(
        provider="zai",
        api_key="test-key",
        base_url=emulator.base_url,
        model="glm-4.7",
        http_client=httpx2.Client(transport=transport),
        async_http_client=httpx2.AsyncClient(transport=transport),
    )


async def test_react_loop_with_a_tool(emulator: Emulator) -> None:
    emulator.queue(
        Reply(
            reasoning="I need to add the numbers with the tool.",
            content=(
                "Thought: I need to use a tool to help me answer the question.\n"
                'Action: add\nAction Input: {"a": 2, "b": 3}'
            ),
        ),
        Reply(
            reasoning="The tool said 5.",
            content="Thought: I can answer without using any more tools.\nAnswer: 2 + 3 = 5",
        ),
    )
    agent = ReActAgent(tools=[add], llm=_llm(emulator))
    handler = agent.run(user_msg="What is 2 + 3?")
    thinking: list[str] = []
    results: list[ToolCallResult] = []
    async for event in handler.stream_events():
        if isinstance(event, AgentStream) and event.thinking_delta:
            thinking.append(event.thinking_delta)
        elif isinstance(event, ToolCallResult):
            results.append(event)
    result = await handler
    assert [r.tool_output.content for r in results] == ["5"]
    assert "2 + 3 = 5" in str(result)
    assert "".join(thinking).startswith("I need to add")
    # ReAct describes tools in the prompt: no `tools` on the wire.
    first, second = (r.body for r in emulator.requests[:2])
    assert "tools" not in first
    assert "add" in first["messages"][0]["content"]
    assert "Observation: 5" in str(second["messages"])


async def test_react_answers_directly(emulator: Emulator) -> None:
    emulator.queue(Reply(content="Thought: I can answer without using any more tools.\nAnswer: Hello there."))
    result = await ReActAgent(tools=[add], llm=_llm(emulator)).run(user_msg="Say hello.")
    assert "Hello there." in str(result)
