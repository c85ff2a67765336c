"""A LangChain/LangGraph agent with two tools and thinking on.

GLM-4.7 reasons between tool calls (interleaved thinking); ChatGLM sends each turn's reasoning
back with the tool results, in the field the provider reads, so the model keeps its train of
thought across the loop.

Run: python examples/langgraph_agent.py
"""

from langchain.agents import create_agent
from langchain_core.tools import tool

from glm_cli.offline import real_or_emulated
from langchain_glm import ChatGLM


@tool
def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    return f"It is 22 degrees and sunny in {city}."


@tool
def convert_to_fahrenheit(celsius: int) -> str:
    """Convert a temperature in degrees Celsius to Fahrenheit."""
    return f"{celsius * 9 / 5 + 32:g} degrees Fahrenheit"


with real_or_emulated("zai") as connection:
    llm = ChatGLM(model="glm-4.7", thinking=True, preserve_thinking=True, **connection)
    agent = create_agent(llm, tools=[get_weather, convert_to_fahrenheit])
    result = agent.invoke({"messages": [("user", 'Use get_weather for "Florence", then convert_to_fahrenheit 22.')]})
    for message in result["messages"]:
        reasoning = message.additional_kwargs.get("reasoning_content")
        if reasoning:
            print(f"[{message.type} thinking] {reasoning}")
        for call in getattr(message, "tool_calls", []):
            print(f"[tool call] {call['name']}({call['args']})")
        if message.content:
            print(f"[{message.type}] {message.content}")
