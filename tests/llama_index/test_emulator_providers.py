"""GLM against the strict in-process emulator of every provider.

The emulator rejects what the real provider rejects, so these pin that what GLM sends (options,
tools, history with reasoning and tool results, structured-output requests) is accepted
everywhere, and that each provider's answer shape (bodies, streams, usage, tool-call fragments)
comes back in the LlamaIndex shape.
"""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from llama_index.core.base.llms.types import ThinkingBlock, ToolCallBlock
from llama_index.core.llms import ChatMessage
from llama_index.core.prompts import PromptTemplate
from llama_index.core.tools import FunctionTool
from pydantic import BaseModel

from glm_core import RateLimitError, get_provider
from glm_core.testing import Emulator, Fault, Reply, ToolCallSpec
from llama_index_glm import GLM

PROVIDERS = [
    "zai",
    "zai_coding",
    "bigmodel",
    "empiriolabs",
    "cloudflare",
    "cloudflare_openai",
    "aimlapi",
    "openrouter",
    "vllm",
    "sglang",
]
MODEL = {"aimlapi": "glm-4.7"}  # AI/ML API serves no flash model
KEY = "emulator-key"


def add(a: int, b: int) -> int:
    """Add two integers and return the sum."""
    return a + b


def multiply(a: int, b: int) -> int:
    """Multiply two integers and return the product."""
    return a * b


TOOLS = [FunctionTool.from_defaults(add), FunctionTool.from_defaults(multiply)]


class Pair(BaseModel):
    """Two numbers the user gave."""

    left: int
    right: int


class Numbers(BaseModel):
    """The numbers of the question."""

    pair: Pair
    label: str


def _setup(provider: str, **kwargs: Any) -> tuple[Emulator, GLM]:
    emulator = Emulator(provider, api_key=KEY)
    transport = emulator.transport()
    llm = GLM(
        provider=provider,
        model=MODEL.get(provider, "glm-4.7-flash"),
        api_key=KEY,
        base_url=emulator.base_url,
        max_retries=1,
        http_client=httpx2.Client(transport=transport),
        async_http_client=httpx2.AsyncClient(transport=transport),
        **kwargs,
    )
    return emulator, llm


@pytest.fixture(params=PROVIDERS)
def provider(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_chat_and_stream_agree(provider: str) -> None:
    _, llm = _setup(provider)
    messages = [ChatMessage(role="system", content="Be brief."), ChatMessage(role="user", content="Hello there")]
    whole = llm.chat(messages)
    chunks = list(llm.stream_chat(messages))
    last = chunks[-1]
    assert whole.message.content and last.message.content == whole.message.content
    assert "".join(c.delta or "" for c in chunks) == whole.message.content
    assert whole.additional_kwargs["total_tokens"] > 0
    assert last.additional_kwargs["total_tokens"] > 0
    assert last.raw["usage"]["prompt_tokens"] > 0
    thinking = [b for b in whole.message.blocks if isinstance(b, ThinkingBlock)]
    if thinking:  # reasoning, where the provider returns it, comes back and streams as deltas
        streamed = "".join(c.additional_kwargs.get("thinking_delta", "") for c in chunks)
        assert streamed == thinking[0].content


async def test_async_stream_with_scripted_reasoning(provider: str) -> None:
    emulator, llm = _setup(provider)
    emulator.queue(Reply(content="Paris.", reasoning="The capital of France is Paris.", chunk_size=5))
    chunks = [c async for c in await llm.astream_chat([ChatMessage(role="user", content="Capital of France?")])]
    assert "".join(c.additional_kwargs.get("thinking_delta", "") for c in chunks) == "The capital of France is Paris."
    assert chunks[0].additional_kwargs.get("thinking_delta") == "The c"  # the first piece is not lost
    last = chunks[-1]
    assert isinstance(last.message.blocks[0], ThinkingBlock)
    assert last.message.content == "Paris."


@pytest.mark.parametrize("streamed", [False, True])
def test_parallel_calls_and_history_round_trip(provider: str, streamed: bool) -> None:
    emulator, llm = _setup(provider)
    emulator.queue(
        Reply(
            reasoning="Both tools are needed.",
            tool_calls=[ToolCallSpec("add", {"a": 2, "b": 3}), ToolCallSpec("multiply", {"a": 4, "b": 5})],
        )
    )
    ask = "add 2 and 3, and multiply 4 by 5"
    if streamed:
        response = list(llm.stream_chat_with_tools(TOOLS, user_msg=ask, allow_parallel_tool_calls=True))[-1]
    else:
        response = llm.chat_with_tools(TOOLS, user_msg=ask, allow_parallel_tool_calls=True)
    calls = llm.get_tool_calls_from_response(response)
    assert [(c.tool_name, c.tool_kwargs) for c in calls] == [("add", {"a": 2, "b": 3}), ("multiply", {"a": 4, "b": 5})]
    assert len([b for b in response.message.blocks if isinstance(b, ToolCallBlock)]) == 2

    # The loop an agent runs: the assistant turn, then one tool result per call; the (strict)
    # emulator accepts it and answers from the results.
    history = [ChatMessage(role="user", content=ask), response.message]
    history += [
        ChatMessage(
            role="tool",
            content=str(add(2, 3) if c.tool_name == "add" else multiply(4, 5)),
            additional_kwargs={"tool_call_id": c.tool_id},
        )
        for c in calls
    ]
    final = llm.chat(history, tools=TOOLS)
    assert final.message.content == "The result is 5, 20."
    sent = emulator.requests[-1].body["messages"][1]
    assert [c["id"] for c in sent["tool_calls"]] == [c.tool_id for c in calls]
    field = get_provider(provider).reasoning_input_field
    if any(isinstance(b, ThinkingBlock) for b in response.message.blocks):
        assert sent[field], f"reasoning not sent back in {field!r}"


def test_structured_predict_every_way(provider: str) -> None:
    prompt = PromptTemplate("Give the numbers 3 and 4 with the label 'pair'.")
    for method in ("function_calling", "json_schema", "json_mode"):
        _, llm = _setup(provider, structured_output_method=method)
        emulator_answer = llm.structured_predict(Numbers, prompt)
        assert isinstance(emulator_answer, Numbers), method
        assert isinstance(emulator_answer.pair, Pair), method


def test_rate_limit_is_retried_then_typed(provider: str) -> None:
    emulator, llm = _setup(provider)
    emulator.queue(Fault(status=429, headers={"retry-after-ms": "1"}), Reply(content="after the retry"))
    assert llm.chat([ChatMessage(role="user", content="hi")]).message.content == "after the retry"
    emulator.queue(*(Fault(status=429, headers={"retry-after-ms": "1"}) for _ in range(2)))
    with pytest.raises(RateLimitError):
        llm.chat([ChatMessage(role="user", content="hi")])


@pytest.mark.parametrize("provider", ["zai", "empiriolabs"])
def test_web_search_results_surface(provider: str) -> None:
    _, llm = _setup(provider, web_search=True)
    whole = llm.chat([ChatMessage(role="user", content="Who won the match yesterday?")])
    assert whole.additional_kwargs["web_search"][0]["refer"] == "ref_1"
    chunks = list(llm.stream_chat([ChatMessage(role="user", content="Who won the match yesterday?")]))
    assert any(c.additional_kwargs.get("web_search") for c in chunks)
    assert "[ref_1]" in chunks[-1].message.content
