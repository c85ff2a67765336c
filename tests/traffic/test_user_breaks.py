"""The six breaks a LangChain / LangGraph / LlamaIndex user hit (issue 16), written as they wrote them."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage
from langchain_core.tools import tool
from llama_index.core.tools import FunctionTool

from glm_core.testing import Emulator, Reply, ToolCallSpec
from tests.traffic.helpers import KEY, chat_glm, glm

TWO_CALLS = Reply(tool_calls=[ToolCallSpec("add", {"a": 1, "b": 2}), ToolCallSpec("multiply", {"a": 3, "b": 4})])


@tool
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@tool
def multiply(a: int, b: int) -> int:
    """Multiply two integers."""
    return a * b


# -- 1. parallel_tool_calls=False on zai / empiriolabs ------------------------------------------


@pytest.mark.parametrize("provider", ["zai", "empiriolabs"])
def test_bind_tools_without_parallel_calls_keeps_the_first_call(provider: str) -> None:
    emu = Emulator(provider, api_key=KEY)
    llm = chat_glm(emu).bind_tools([add, multiply], parallel_tool_calls=False)
    emu.queue(TWO_CALLS, TWO_CALLS)
    assert [c["name"] for c in llm.invoke("add and multiply").tool_calls] == ["add"]
    streamed = None
    for chunk in llm.stream("add and multiply"):
        streamed = chunk if streamed is None else streamed + chunk
    assert streamed is not None and [c["name"] for c in streamed.tool_calls] == ["add"]
    assert all("parallel_tool_calls" not in r.body for r in emu.requests)


@pytest.mark.parametrize("provider", ["zai", "empiriolabs"])
async def test_bind_tools_without_parallel_calls_keeps_the_first_call_async(provider: str) -> None:
    emu = Emulator(provider, api_key=KEY)
    llm = chat_glm(emu).bind_tools([add, multiply], parallel_tool_calls=False)
    emu.queue(TWO_CALLS, TWO_CALLS)
    assert [c["name"] for c in (await llm.ainvoke("add and multiply")).tool_calls] == ["add"]
    streamed = None
    async for chunk in llm.astream("add and multiply"):
        streamed = chunk if streamed is None else streamed + chunk
    assert streamed is not None and [c["name"] for c in streamed.tool_calls] == ["add"]


@pytest.mark.parametrize("provider", ["zai", "empiriolabs"])
def test_llama_index_keeps_the_first_call_streamed_too(provider: str) -> None:
    emu = Emulator(provider, api_key=KEY)
    llm = glm(emu)
    tools = [FunctionTool.from_defaults(add.func), FunctionTool.from_defaults(multiply.func)]
    emu.queue(TWO_CALLS, TWO_CALLS)
    answer = llm.chat_with_tools(tools, user_msg="add and multiply")
    assert [s.tool_name for s in llm.get_tool_calls_from_response(answer)] == ["add"]
    last = None
    for last in llm.stream_chat_with_tools(tools, user_msg="add and multiply"):
        pass
    assert last is not None and [s.tool_name for s in llm.get_tool_calls_from_response(last)] == ["add"]


def test_langgraph_supervisor_runs_on_zai() -> None:
    from langchain.agents import create_agent
    from langgraph_supervisor import create_supervisor

    emu = Emulator("zai", api_key=KEY)
    model = chat_glm(emu)
    math_agent = create_agent(model=model, tools=[add, multiply], name="math_expert",
                              system_prompt="You are a math expert.")
    supervisor = create_supervisor([math_agent], model=model,
                                   prompt="You manage a math expert. Hand math questions to math_expert.").compile()
    emu.queue(
        Reply(tool_calls=[ToolCallSpec("transfer_to_math_expert", {}), ToolCallSpec("transfer_to_math_expert", {})]),
        Reply(tool_calls=[ToolCallSpec("add", {"a": 2, "b": 3})]),
        Reply(content="2 + 3 = 5."),
        Reply(content="The math expert says 2 + 3 = 5."),
    )
    result = supervisor.invoke({"messages": [HumanMessage("What is 2 + 3?")]})
    assert result["messages"][-1].content == "The math expert says 2 + 3 = 5."
    assert emu.pending == 0
    assert all("parallel_tool_calls" not in r.body for r in emu.requests)

