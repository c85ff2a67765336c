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
    {
        "properties": {"location": {"description": "the city", "type": "string"}},
        "required": ["location"],
        "type": "object",
    },
    strict=False,
)


def _number_tool(name: str, description: str) -> ToolSpec:
    parameters = {
        "properties": {
            "a": {"description": "first number", "type": "integer"},
            "b": {"description": "second number", "type": "integer"},
        },
        "required": ["a", "b"],
        "type": "object",
    }
    return ToolSpec(name, description, parameters, strict=False)


MATH_TOOLS = [_number_tool("add", "Add two numbers"), _number_tool("multiply", "Multiply two numbers")]
MATH_SYSTEM = SystemMessage(
    "You are a helpful assistant. CRITICAL: Always use both add and multiply at the same time ALWAYS."
)
MATH_USER = UserMessage("Add and multiply the number 2 and 3")
MATH_CALLS = AssistantMessage(
    "\n\nI'll add and multiply the numbers 2 and 3 for you.\n",
    tool_calls=[ToolCall("c1", "add", '{"a": 2, "b": 3}'), ToolCall("c2", "multiply", '{"a": 2, "b": 3}')],
)

STREAM_SYSTEM = SystemMessage("You are a helpful assistant. Always use both add and multiply at the same time.")

CAPTURED: list[tuple[str, ChatRequest, int]] = [
    ("plain", ChatRequest("glm-4.5", [HELPFUL, UserMessage("Say hi in Portuguese")]), 18),
    (
        "one tool",
        ChatRequest("glm-4.5", [HELPFUL, UserMessage("What's the weather in Florence,Italy?")], tools=[WEATHER]),
        179,
    ),
    (
        "tool result",
        ChatRequest(
            "glm-4.5",
            [
                HELPFUL,
                UserMessage("What's the weather in Florence,Italy?"),
                AssistantMessage("\n\n", tool_calls=[ToolCall("c", "weather", '{"location": "Florence,Italy"}')]),
                ToolMessage("40 C", tool_call_id="c"),
            ],
            tools=[WEATHER],
        ),
        207,
    ),
    (
        "one tool, thinking",
        ChatRequest("glm-4.5", [HELPFUL, UserMessage("What's the weather in Florence, Italy?")], tools=[WEATHER]),
        179,
    ),
    (
        "tool result, thinking",
        ChatRequest(
            "glm-4.5",
            [
                HELPFUL,
                UserMessage("What's the weather in Florence, Italy?"),
                AssistantMessage(
                    "\n\nI'll get the weather information for Florence, Italy for you.\n",
                    tool_calls=[ToolCall("c", "weather", '{"location": "Florence, Italy"}')],
                ),
                ToolMessage("40 C", tool_call_id="c"),
            ],
            tools=[WEATHER],
        ),
        220,
    ),
    ("two tools", ChatRequest("glm-4.5", [MATH_SYSTEM, MATH_USER], tools=MATH_TOOLS), 286),
    (
        "two tool results",
        ChatRequest(
            "glm-4.5",
            [
                MATH_SYSTEM,
                MATH_USER,
                MATH_CALLS,
                ToolMessage("5", tool_call_id="c1"),
                ToolMessage("6", tool_call_id="c2"),
            ],
            tools=MATH_TOOLS,
        ),
        360,
    ),
    # The same, streamed (multi_tool_streaming.yaml), with a shorter system prompt.
    ("two tools, streamed", ChatRequest("glm-4.5", [STREAM_SYSTEM, MATH_USER], tools=MATH_TOOLS), 282),
    (
        "two tool results, streamed",
        ChatRequest(
            "glm-4.5",
            [
                STREAM_SYSTEM,
                MATH_USER,
                MATH_CALLS,
                ToolMessage("5", tool_call_id="c1"),
                ToolMessage("6", tool_call_id="c2"),
            ],
            tools=MATH_TOOLS,
        ),
        356,
    ),
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


# -- what a user writes -------------------------------------------------------------------------

HISTORY_TEXT = [
    ("system", "You are a helpful assistant."),
    ("user", "人工智能 is changing how we live"),
    ("assistant", "是的而且很快。"),
    ("user", "Why so fast?"),
]


def test_get_num_tokens_and_trim_messages_need_no_extra_package() -> None:
    from langchain_core.messages import trim_messages

    from glm_core.testing import Emulator
    from tests.traffic.helpers import KEY, chat_glm

    emu = Emulator("zai", api_key=KEY)
    llm = chat_glm(emu)
    assert llm.get_num_tokens("人工智能正在改变我们的生活方式") == estimate_text_tokens(
        "人工智能正在改变我们的生活方式"
    )
    total = llm.get_num_tokens_from_messages(HISTORY_TEXT)  # type: ignore[arg-type]
    trimmed = trim_messages(HISTORY_TEXT, max_tokens=total - 5, token_counter=llm, strategy="last", include_system=True)
    assert [m.type for m in trimmed] == ["system", "ai", "human"]  # the oldest question went
    assert llm.get_num_tokens_from_messages(trimmed) <= total - 5
    assert emu.requests == []  # counted offline


def test_exact_counts_come_from_the_zai_tokenizer_and_match_the_billed_prompt() -> None:
    from langchain_core.messages import HumanMessage, SystemMessage

    from glm_core.testing import Emulator
    from tests.traffic.helpers import KEY, chat_glm

    emu = Emulator("zai", api_key=KEY)
    llm = chat_glm(emu, exact_token_count=True)
    messages = [SystemMessage("Be brief."), HumanMessage("人工智能 is changing how we live")]
    counted = llm.get_num_tokens_from_messages(messages)
    assert emu.requests[-1].path.endswith("/tokenizer")
    assert emu.requests[-1].body["model"] == "glm-4.6"  # the tokenizer's models; 4.7 counts as 4.6
    billed = llm.invoke(messages).usage_metadata
    assert billed is not None and counted == billed["input_tokens"]


async def test_llama_index_has_the_same_counter() -> None:
    from llama_index.core.llms import ChatMessage

    from glm_core.testing import Emulator
    from llama_index_glm import glm_tokenizer
    from tests.traffic.helpers import KEY, chat_glm, glm

    emu = Emulator("zai", api_key=KEY)
    messages = [ChatMessage(role=role, content=text) for role, text in HISTORY_TEXT]
    assert glm(emu).count_tokens(messages) == chat_glm(emu).get_num_tokens_from_messages(HISTORY_TEXT)  # type: ignore[arg-type]
    assert len(glm_tokenizer("你好世界")) == estimate_text_tokens("你好世界")
    exact = glm(emu, exact_token_count=True)
    assert (
        exact.count_tokens(messages)
        == await exact.acount_tokens(messages)
        == exact.chat(messages).raw["usage"]["prompt_tokens"]
    )


def test_exact_counts_where_no_tokenizer_exists_say_so_before_sending() -> None:
    from glm_core import GLMClient, InvalidRequestError

    client = GLMClient("cloudflare", api_key="k", account_id="a")
    with pytest.raises(InvalidRequestError, match=r"no tokenizer endpoint.*estimate_tokens"):
        client.count_tokens(ChatRequest("glm-4.7-flash", [UserMessage("Hi")]))
