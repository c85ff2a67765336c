"""A LlamaIndex FunctionAgent with two tools and thinking on, streaming its events.

GLM's thinking deltas arrive as `AgentStream.thinking_delta`; the reasoning of each turn is
sent back with the tool results, so interleaved thinking works across the loop.

Run: python examples/llama_index_agent.py
"""

import asyncio

from llama_index.core.agent.workflow import AgentStream, FunctionAgent, ToolCallResult

from glm_cli.offline import real_or_emulated
from llama_index_glm import GLM


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def multiply(a: int, b: int) -> int:
    """Multiply two integers."""
    return a * b


async def main() -> None:
    with real_or_emulated("zai") as connection:
        llm = GLM(model="glm-4.7", thinking=True, **connection)
        agent = FunctionAgent(tools=[add, multiply], llm=llm, system_prompt="Use the tools for arithmetic.")
        handler = agent.run("Use multiply on 6 and 7.")
        print("[thinking, then answers, as they stream]")
        async for event in handler.stream_events():
            if isinstance(event, AgentStream):
                if event.thinking_delta:
                    print(event.thinking_delta, end="", flush=True)
                if event.delta:
                    print(event.delta, end="", flush=True)
            elif isinstance(event, ToolCallResult):
                print(f"\n[tool] {event.tool_name}({event.tool_kwargs}) -> {event.tool_output}")
        print("\nfinal:", await handler)


asyncio.run(main())
