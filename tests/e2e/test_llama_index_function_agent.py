"""FunctionAgent with two tools and thinking on, streamed, replayed from emulator cassettes.

What it pins, per provider: thinking deltas reach `AgentStream.thinking_delta` (OpenAILike drops
the first one), parallel calls are all executed, and the second request of the agent loop sends
the assistant turn back with its tool calls AND its reasoning in the field the provider reads,
followed by the tool results with their `tool_call_id`s.
"""

from __future__ import annotations

import pytest
from llama_index.core.agent.workflow import AgentStream, FunctionAgent, ToolCallResult

from glm_core import get_provider
from tests.e2e.llama_index_helpers import Recorder

pytestmark = pytest.mark.vcr


def add(a: int, b: int) -> int:
    """Add two integers and return the sum."""
    return a + b


def multiply(a: int, b: int) -> int:
    """Multiply two integers and return the product."""
    return a * b


async def _run_agent(provider: str) -> None:
    recorder = Recorder()
    llm = recorder.llm(provider, model="glm-4.7-flash", thinking=True)
    agent = FunctionAgent(tools=[add, multiply], llm=llm, system_prompt="You are a calculator. Use the tools.")
    # The emulator fills both calls with the numbers of the message, in order: add(6, 7), multiply(6, 7).
    handler = agent.run(user_msg="Please add 6 and 7, and multiply them too.")
    thinking: list[str] = []
    tool_results: list[ToolCallResult] = []
    async for event in handler.stream_events():
        if isinstance(event, AgentStream) and event.thinking_delta:
            thinking.append(event.thinking_delta)
        elif isinstance(event, ToolCallResult):
            tool_results.append(event)
    result = await handler

    assert thinking, "no thinking delta reached the agent stream"
    assert sorted((r.tool_name, r.tool_output.content) for r in tool_results) == [("add", "13"), ("multiply", "42")]
    assert "13" in str(result) and "42" in str(result)

    first, second = recorder.bodies[0], recorder.bodies[1]
    assert [t["function"]["name"] for t in first["tools"]] == ["add", "multiply"]
    assistant = next(m for m in second["messages"] if m["role"] == "assistant")
    field = get_provider(provider).reasoning_input_field
    assert assistant[field], f"the reasoning was not sent back in {field!r}"
    assert "".join(thinking).startswith(assistant[field])
    call_ids = [c["id"] for c in assistant["tool_calls"]]
    assert len(call_ids) == 2
    tool_messages = [m for m in second["messages"] if m["role"] == "tool"]
    assert sorted(m["tool_call_id"] for m in tool_messages) == sorted(call_ids)


class TestFunctionAgentZai:
    @pytest.fixture
    def glm_provider(self) -> str:
        return "zai"

    async def test_two_tools_with_thinking(self, glm_provider: str) -> None:
        await _run_agent(glm_provider)


class TestFunctionAgentCloudflare:
    @pytest.fixture
    def glm_provider(self) -> str:
        return "cloudflare"

    async def test_two_tools_with_thinking(self, glm_provider: str) -> None:
        await _run_agent(glm_provider)


class TestFunctionAgentVllm:
    @pytest.fixture
    def glm_provider(self) -> str:
        return "vllm"

    async def test_two_tools_with_thinking(self, glm_provider: str) -> None:
        await _run_agent(glm_provider)
