"""Token counting: the offline estimate against real GLM usage, and the exact count from the
provider's tokenizer endpoint (Z.ai, BigModel), through GLMClient, ChatGLM and GLM."""

from __future__ import annotations

import pytest

from glm_core import AssistantMessage, ChatRequest, SystemMessage, ToolCall, ToolMessage, ToolSpec, UserMessage
from glm_core.tokens import estimate_text_tokens, estimate_tokens

# Real Z.ai glm-4.5 requests and the prompt_tokens Z.ai billed for them (charmbracelet/fantasy,
# providertests/testdata/TestOpenAICompatibleCommon/zai-glm-4.5 and thinking-zai-glm-4.5, 2025-09).
HELPFUL = SystemMessage("You are a helpful assistant")
WEATHER = ToolSpec(
    "weather",
    "Get weather information for a location",
    {"properties": {"location": {"description": "the city", "type": "string"}}, "required": ["location"],
     "type": "object"},
    strict=False,
)


def _number_tool(name: str, description: str) -> ToolSpec:
    parameters = {
        "properties": {"a": {"description": "first number", "type": "integer"},
                       "b": {"description": "second number", "type": "integer"}},
        "required": ["a", "b"],
        "type": "object",
    }
    return ToolSpec(name, description, parameters, strict=False)


MATH_TOOLS = [_number_tool("add", "Add two numbers"), _number_tool("multiply", "Multiply two numbers")]
MATH_SYSTEM = SystemMessage("You are a helpful assistant. CRITICAL: Always use both add and multiply at the same time ALWAYS.")
MATH_USER = UserMessage("Add and multiply the number 2 and 3")
MATH_CALLS = AssistantMessage("\n\nI'll add and multiply the numbers 2 and 3 for you.\n", tool_calls=[
    ToolCall("c1", "add", '{"a": 2, "b": 3}'), ToolCall("c2", "multiply", '{"a": 2, "b": 3}')])

CAPTURED: list[tuple[str, ChatRequest, int]] = [
    ("plain", ChatRequest("glm-4.5", [HELPFUL, UserMessage("Say hi in Portuguese")]), 18),
    ("one tool", ChatRequest("glm-4.5", [HELPFUL, UserMessage("What's the weather in Florence,Italy?")],
                             tools=[WEATHER]), 179),
    ("tool result", ChatRequest("glm-4.5", [
        HELPFUL, UserMessage("What's the weather in Florence,Italy?"),
        AssistantMessage("\n\n", tool_calls=[ToolCall("c", "weather", '{"location": "Florence,Italy"}')]),
        ToolMessage("40 C", tool_call_id="c")], tools=[WEATHER]), 207),
    ("one tool, thinking", ChatRequest("glm-4.5", [HELPFUL, UserMessage("What's the weather in Florence, Italy?")],
                                       tools=[WEATHER]), 179),
    ("tool result, thinking", ChatRequest("glm-4.5", [
        HELPFUL, UserMessage("What's the weather in Florence, Italy?"),
        AssistantMessage("\n\nI'll get the weather information for Florence, Italy for you.\n",
                         tool_calls=[ToolCall("c", "weather", '{"location": "Florence, Italy"}')]),
        ToolMessage("40 C", tool_call_id="c")], tools=[WEATHER]), 220),
    ("two tools", ChatRequest("glm-4.5", [MATH_SYSTEM, MATH_USER], tools=MATH_TOOLS), 286),
    ("two tool results", ChatRequest("glm-4.5", [
        MATH_SYSTEM, MATH_USER, MATH_CALLS, ToolMessage("5", tool_call_id="c1"), ToolMessage("6", tool_call_id="c2")],
        tools=MATH_TOOLS), 360),
]


@pytest.mark.parametrize(("name", "request_", "billed"), CAPTURED, ids=[c[0] for c in CAPTURED])
def test_the_estimate_is_within_8_percent_of_what_zai_billed(name: str, request_: ChatRequest, billed: int) -> None:
    estimate = estimate_tokens(request_)
    assert abs(estimate - billed) <= 0.08 * billed, (estimate, billed)


def test_the_mean_error_on_the_captures_is_what_the_docstring_says() -> None:
    errors = [abs(estimate_tokens(r) - billed) / billed for _, r, billed in CAPTURED]
    assert sum(errors) / len(errors) <= 0.035


def test_chinese_costs_fewer_tokens_per_character_than_bytes_and_more_than_english_words() -> None:
    chinese = "人工智能正在改变我们的生活方式"  # 15 characters
    assert 8 <= estimate_text_tokens(chinese) <= 12
    # Mixed text: each script at its own rate (7 CJK characters at 0.7, 19 ASCII characters at 1/4).
    assert estimate_text_tokens("请用 Python 写一个 quicksort 函数") == 10
