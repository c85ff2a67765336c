"""predict_and_call / apredict_and_call and chat_with_tools against the emulator served on loopback."""

from __future__ import annotations

import pytest
from llama_index.core.tools import FunctionTool

from llama_index_glm import GLM
from tests.targets import target_kwargs

pytestmark = pytest.mark.vcr


def add(a: int, b: int) -> int:
    """Add two integers and return the sum."""
    return a + b


def multiply(a: int, b: int) -> int:
    """Multiply two integers and return the product."""
    return a * b


TOOLS = [FunctionTool.from_defaults(add), FunctionTool.from_defaults(multiply)]


@pytest.fixture
def glm_provider() -> str:
    return "zai"


def test_predict_and_call(glm_provider: str) -> None:
    llm = GLM(**target_kwargs(glm_provider), model="glm-4.7")
    result = llm.predict_and_call(TOOLS, user_msg="add 20 and 22")
    assert result.response == "42"


async def test_apredict_and_call_parallel(glm_provider: str) -> None:
    llm = GLM(**target_kwargs(glm_provider), model="glm-4.7")
    result = await llm.apredict_and_call(
        TOOLS, user_msg="add 4 and 5, and multiply them", allow_parallel_tool_calls=True
    )
    assert sorted(s.tool_name for s in result.sources) == ["add", "multiply"]
    assert sorted(result.response.split("\n\n")) == ["20", "9"]


def test_stream_chat_with_tools_keeps_every_call(glm_provider: str) -> None:
    llm = GLM(**target_kwargs(glm_provider), model="glm-4.7")
    ask = "add 4 and 5, and multiply them"
    chunks = list(llm.stream_chat_with_tools(TOOLS, user_msg=ask, allow_parallel_tool_calls=True))
    calls = llm.get_tool_calls_from_response(chunks[-1])
    assert sorted(c.tool_name for c in calls) == ["add", "multiply"]
    assert chunks[-1].message.blocks[0].block_type == "thinking"
    assert chunks[-1].raw["usage"]["total_tokens"] > 0
