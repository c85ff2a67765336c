"""Vision end to end, over loopback against the emulator: a LangGraph agent that reads a screenshot
and calls a tool, a LlamaIndex multimodal chat (streamed), and a LlamaIndex FunctionAgent given an
image. The emulator's rules brain says what it received ("I received 1 image (image/png)"), so the
tests check that the media reached the wire in the provider's shape and survived the tool loop."""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain.agents import create_agent
from langchain_core.messages import HumanMessage
from langchain_core.tools import tool
from llama_index.core.agent.workflow import FunctionAgent, ToolCallResult
from llama_index.core.base.llms.types import ChatMessage, ImageBlock, TextBlock

from glm_core.testing import Emulator
from langchain_glm import ChatGLM
from llama_index_glm import GLM

pytestmark = pytest.mark.loopback

SCREENSHOT = Path(__file__).resolve().parents[2] / "examples" / "data" / "screenshot.png"
PNG_B64 = base64.b64encode(SCREENSHOT.read_bytes()).decode()
KEY = "e2e-vision-key"


@contextlib.contextmanager
def served(provider: str, model: str) -> Iterator[tuple[Emulator, dict[str, Any]]]:
    emulator = Emulator(provider, api_key=KEY, account_id="e2e-account", served_model=model)
    with emulator.serve() as base_url:
        yield (
            emulator,
            {
                "provider": provider,
                "model": model,
                "api_key": KEY,
                "account_id": "e2e-account",
                "base_url": base_url,
                "max_retries": 0,
            },
        )


def image_parts(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        p
        for m in body["messages"]
        if isinstance(m.get("content"), list)
        for p in m["content"]
        if p["type"] == "image_url"
    ]


@tool
def report_bug(title: str) -> str:
    """File a bug report with the given title; returns the ticket id."""
    return f"BUG-7 filed: {title}"


@pytest.mark.parametrize(
    ("provider", "model", "inline"),
    [
        ("zai", "glm-4.6v", PNG_B64),  # Z.ai: bare base64
        ("cloudflare_openai", "glm-5.3-flash", f"data:image/png;base64,{PNG_B64}"),
        ("openrouter", "glm-4.6v", f"data:image/png;base64,{PNG_B64}"),
    ],
)
def test_langgraph_agent_reads_a_screenshot_and_calls_a_tool(provider: str, model: str, inline: str) -> None:
    with served(provider, model) as (emulator, kwargs):
        agent = create_agent(ChatGLM(**kwargs), tools=[report_bug])
        question = HumanMessage(
            [
                {"type": "text", "text": 'The screenshot shows an error dialog. Call report_bug with "Save failed".'},
                {"type": "image", "base64": PNG_B64, "mime_type": "image/png"},
            ]
        )
        result = agent.invoke({"messages": [question]})
        first, second = (r.body for r in emulator.requests)
    calls = [c for m in result["messages"] for c in getattr(m, "tool_calls", [])]
    assert [(c["name"], c["args"]) for c in calls] == [("report_bug", {"title": "Save failed"})]
    assert result["messages"][-1].content == "The result is BUG-7 filed: Save failed."
    assert image_parts(first) == [{"type": "image_url", "image_url": {"url": inline}}]
    # The image stays in the history the tool loop sends back, next to the tool result.
    assert image_parts(second) == image_parts(first)
    assert [m["role"] for m in second["messages"]][-2:] == ["assistant", "tool"]


def test_llama_index_multimodal_chat_streams_what_the_model_saw() -> None:
    with served("zai", "glm-4.6v-flash") as (emulator, kwargs):
        llm = GLM(**kwargs)
        message = ChatMessage(
            role="user",
            blocks=[
                TextBlock(text="What is in this screenshot?"),
                ImageBlock(path=SCREENSHOT),
                ImageBlock(url="https://example.com/photo.jpg"),
            ],
        )
        answer = llm.chat([message])
        deltas = [r.delta for r in llm.stream_chat([message])]
        body = emulator.requests[0].body
    assert answer.message.content.startswith("I received 2 images (image/png, image/jpeg).")
    assert "".join(d or "" for d in deltas).startswith("I received 2 images")
    assert image_parts(body) == [
        {"type": "image_url", "image_url": {"url": PNG_B64}},
        {"type": "image_url", "image_url": {"url": "https://example.com/photo.jpg"}},
    ]
    assert llm.input_modalities == ("text", "image", "video", "file")


async def test_llama_index_function_agent_with_an_image() -> None:
    def report_bug_fn(title: str) -> str:
        """File a bug report with the given title; returns the ticket id."""
        return f"BUG-7 filed: {title}"

    with served("cloudflare", "glm-5.3-flash") as (emulator, kwargs):
        agent = FunctionAgent(tools=[report_bug_fn], llm=GLM(**kwargs), system_prompt="You triage screenshots.")
        message = ChatMessage(
            role="user",
            blocks=[
                TextBlock(text='Call report_bug_fn with "Dialog frozen" for this screenshot.'),
                ImageBlock(path=SCREENSHOT),
            ],
        )
        handler = agent.run(user_msg=message)
        results = [e async for e in handler.stream_events() if isinstance(e, ToolCallResult)]
        final = await handler
        first = emulator.requests[0]
    assert [(r.tool_name, r.tool_kwargs) for r in results] == [("report_bug_fn", {"title": "Dialog frozen"})]
    assert "BUG-7 filed: Dialog frozen" in str(final)
    assert first.path.endswith("/run/@cf/zai-org/glm-5.3-flash")
    assert image_parts(first.body) == [{"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG_B64}"}}]


# -- images a tool returns (issue 24): they reach the model as images ----------------------------------


@tool(response_format="content")
def take_screenshot(window: str) -> list[dict[str, Any]]:
    """Take a screenshot of the named window."""
    return [
        {"type": "text", "text": f"Screenshot of {window}."},
        {"type": "image", "base64": PNG_B64, "mime_type": "image/png"},
    ]


@pytest.mark.parametrize(("provider", "model"), [("zai", "glm-4.6v"), ("vllm", "glm-4.6v"), ("openrouter", "glm-4.6v")])
def test_langgraph_agent_sees_the_image_a_tool_returned(provider: str, model: str) -> None:
    with served(provider, model) as (emulator, kwargs):
        agent = create_agent(ChatGLM(**kwargs), tools=[take_screenshot])
        result = agent.invoke({"messages": [("user", 'Call take_screenshot with "editor".')]})
        second = emulator.requests[1].body
    roles = [m["role"] for m in second["messages"]]
    assert roles[-2:] == ["tool", "user"]
    assert PNG_B64[:64] not in json.dumps(second["messages"][-2])  # never base64 in the tool's text
    assert len(image_parts(second)) == 1
    assert result["messages"][-1].content.startswith("I received 1 image (image/png).")


async def test_llama_index_function_agent_sees_the_image_a_tool_returned() -> None:
    def take_screenshot_fn(window: str) -> list[Any]:
        """Take a screenshot of the named window."""
        return [TextBlock(text=f"Screenshot of {window}."), ImageBlock(path=SCREENSHOT)]

    with served("cloudflare", "glm-5.3-flash") as (emulator, kwargs):
        agent = FunctionAgent(tools=[take_screenshot_fn], llm=GLM(**kwargs))
        handler = agent.run(user_msg='Call take_screenshot_fn with "editor".')
        final = await handler
        second = emulator.requests[1].body
    assert [m["role"] for m in second["messages"]][-2:] == ["tool", "user"]
    assert image_parts(second) == [{"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG_B64}"}}]
    assert str(final).startswith("I received 1 image (image/png).")
