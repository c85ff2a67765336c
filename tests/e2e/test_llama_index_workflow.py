"""AgentWorkflow with output_cls: tools, then a structured answer through as_structured_llm."""

from __future__ import annotations

import pytest
from llama_index.core.agent.workflow import AgentWorkflow, FunctionAgent
from pydantic import BaseModel

from llama_index_glm import GLM
from tests.targets import target_kwargs

pytestmark = pytest.mark.vcr


class WeatherReport(BaseModel):
    """The weather report for a city."""

    city: str
    temperature: int


def get_weather(city: str) -> str:
    """Get the current weather report for a city."""
    return f"{city}: 21 degrees, sunny"


@pytest.fixture
def glm_provider() -> str:
    return "zai"


async def test_agent_workflow_with_output_cls(glm_provider: str) -> None:
    llm = GLM(**target_kwargs(glm_provider), model="glm-4.7-flash")
    workflow = AgentWorkflow.from_tools_or_functions([get_weather], llm=llm, output_cls=WeatherReport)
    # A function-calling LLM gets a FunctionAgent, not the ReAct fallback.
    assert isinstance(next(iter(workflow.agents.values())), FunctionAgent)
    result = await workflow.run(user_msg='What is the weather report in "Paris"?')
    report = result.get_pydantic_model(WeatherReport)
    assert isinstance(report, WeatherReport)
    assert report.city
