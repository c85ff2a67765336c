"""Images in tool results (issue 24, finding 4): they reach the model as images, in the form each
provider documents (`ProviderProfile.tool_result_media`), the same in both frameworks; never as
base64 in the tool's text, never dropped.

LangChain sent the whole block, base64 included, as JSON text in the tool message; LlamaIndex
dropped the `ImageBlock` of a tool output.
"""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from glm_core import ChatRequest, ToolSpec, UserMessage
from glm_core.endpoint import Endpoint
from glm_core.errors import InvalidRequestError
from glm_core.providers import PROVIDERS
from glm_core.types import AssistantMessage, ImagePart, Message, ToolCall, ToolMessage
from tests.core.helpers import client_kwargs

PNG = (Path(__file__).resolve().parents[2] / "examples" / "data" / "screenshot.png").read_bytes()
PNG_B64 = base64.b64encode(PNG).decode()
SHOT = ToolSpec("screenshot", "Take a screenshot", {"type": "object", "properties": {"window": {"type": "string"}}})
TIME = ToolSpec("clock", "The time")

# Every provider whose wire takes images, with a vision model that has tools.
VISION_WITH_TOOLS = [
    ("zai", "glm-4.6v"),
    ("bigmodel", "glm-4.6v"),
    ("empiriolabs", "glm-4.6v-flash"),
    ("cloudflare", "glm-5.3-flash"),
    ("cloudflare_openai", "glm-5.3-flash"),
    ("aimlapi", "glm-4.6v"),
    ("openrouter", "glm-4.6v"),
    ("vllm", "glm-4.6v"),
    ("sglang", "glm-4.6v"),
]


def history(*results: ToolMessage) -> list[Message]:
    calls = [ToolCall(r.tool_call_id, r.name or "screenshot", "{}") for r in results]
    return [UserMessage("What does the editor show?"), AssistantMessage(tool_calls=calls), *results]


def shot(call_id: str = "call_1", text: str = "Screenshot taken.") -> ToolMessage:
    return ToolMessage(text, call_id, name="screenshot", media=[ImagePart(data=PNG_B64, mime_type="image/png")])


def encode(provider: str | Any, model: str, messages: list[Message]) -> list[dict[str, Any]]:
    provider_id = provider if isinstance(provider, str) else provider.id
    kwargs = client_kwargs(provider_id)
    endpoint = Endpoint(
        provider, api_key=kwargs["api_key"], account_id=kwargs.get("account_id"), base_url=kwargs.get("base_url")
    )
    body = json.loads(endpoint.prepare(ChatRequest(model, messages, tools=[SHOT, TIME]), stream=False).content)
    wire: list[dict[str, Any]] = body["messages"]
    return wire


def inline(provider: str) -> str:
    return PNG_B64 if PROVIDERS[provider].inline_image == "bare_base64" else f"data:image/png;base64,{PNG_B64}"


@pytest.mark.parametrize(("provider", "model"), VISION_WITH_TOOLS)
def test_an_image_from_a_tool_follows_its_result_in_a_user_message(provider: str, model: str) -> None:
    wire = encode(provider, model, history(shot()))
    assert [m["role"] for m in wire] == ["user", "assistant", "tool", "user"]
    tool, after = wire[2], wire[3]
    assert tool["content"] == "Screenshot taken.\n(1 image came with this result: see the next message.)"
    assert PNG_B64[:100] not in json.dumps(tool)
    assert after["content"] == [
        {"type": "text", "text": "Attached to the result of tool call call_1:"},
        {"type": "image_url", "image_url": {"url": inline(provider)}},
    ]


def test_the_media_of_parallel_results_come_after_all_of_them() -> None:
    # A user turn between two results of one assistant turn would break the call/result pairing.
    clock = ToolMessage("12:00", "call_2", name="clock")
    wire = encode("vllm", "glm-4.6v", history(shot("call_1"), clock, shot("call_3", "")))
    assert [m["role"] for m in wire] == ["user", "assistant", "tool", "tool", "tool", "user"]
    assert wire[4]["content"] == "(1 image came with this result: see the next message.)"
    labels = [p["text"] for p in wire[5]["content"] if p["type"] == "text"]
    assert labels == [
        "Attached to the result of tool call call_1:",
        "Attached to the result of tool call call_3:",
    ]
    assert sum(p["type"] == "image_url" for p in wire[5]["content"]) == 2


def test_where_a_provider_takes_media_in_tool_messages_they_go_there() -> None:
    profile = replace(PROVIDERS["vllm"], tool_result_media="tool_message")
    wire = encode(profile, "glm-4.6v", history(shot()))
    assert [m["role"] for m in wire] == ["user", "assistant", "tool"]
    assert wire[2]["content"] == [
        {"type": "text", "text": "Screenshot taken."},
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG_B64}"}},
    ]


def test_a_text_only_model_is_told_it_cannot_see_the_tools_image() -> None:
    with pytest.raises(InvalidRequestError, match=r"glm-4\.7 is a text-only model and cannot take images"):
        encode("zai", "glm-4.7", history(shot()))


def test_a_tools_media_gets_the_same_checks_as_a_users() -> None:
    svg = ToolMessage(
        "",
        "call_1",
        name="screenshot",
        media=[ImagePart(data=base64.b64encode(b"<svg/>").decode(), mime_type="image/svg+xml")],
    )
    with pytest.raises(
        InvalidRequestError, match="does not take svg images; supported formats: gif, jpeg, jpg, png, webp"
    ):
        encode("openrouter", "glm-4.6v", history(svg))


# -- the frameworks -----------------------------------------------------------------------------------------


def _langchain_history(content: Any) -> list[Message]:
    from langchain_core.messages import AIMessage, HumanMessage
    from langchain_core.messages import ToolMessage as LCToolMessage

    from langchain_glm.messages import to_core_messages

    return to_core_messages(
        [
            HumanMessage("What does the editor show?"),
            AIMessage("", tool_calls=[{"name": "screenshot", "args": {}, "id": "call_1"}]),
            LCToolMessage(content=content, tool_call_id="call_1", name="screenshot"),
        ]
    )


@pytest.mark.parametrize(
    "image",
    [
        {"type": "image", "base64": PNG_B64, "mime_type": "image/png"},
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG_B64}"}},
        {"type": "image", "source_type": "base64", "data": PNG_B64, "mime_type": "image/png"},
    ],
    ids=["v1", "openai", "v0"],
)
def test_langchain_tool_messages_carry_images_as_images(image: dict[str, Any]) -> None:
    messages = _langchain_history(
        [{"type": "text", "text": "Screenshot taken."}, image, {"type": "json", "json": {"w": 1}}]
    )
    result = messages[-1]
    assert isinstance(result, ToolMessage)
    assert result.media == [ImagePart(data=PNG_B64, mime_type="image/png")]
    assert PNG_B64[:100] not in result.content
    assert result.content.startswith("Screenshot taken.\n")  # other blocks stay, as JSON
    wire = encode("openrouter", "glm-4.6v", messages)
    assert wire[-1]["content"][1] == {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG_B64}"}}


def test_llama_index_tool_outputs_keep_their_images() -> None:
    from llama_index.core.base.llms.types import ChatMessage, ImageBlock, TextBlock, ToolCallBlock

    from llama_index_glm.messages import to_glm_messages

    messages = to_glm_messages(
        [
            ChatMessage(role="user", content="What does the editor show?"),
            ChatMessage(
                role="assistant", blocks=[ToolCallBlock(tool_call_id="call_1", tool_name="screenshot", tool_kwargs={})]
            ),
            ChatMessage(
                role="tool",
                blocks=[TextBlock(text="Screenshot taken."), ImageBlock(image=PNG, image_mimetype="image/png")],
                additional_kwargs={"tool_call_id": "call_1", "name": "screenshot"},
            ),
        ]
    )
    assert messages[-1] == ToolMessage(
        "Screenshot taken.", "call_1", name="screenshot", media=[ImagePart(data=PNG_B64, mime_type="image/png")]
    )
    wire = encode("zai", "glm-4.6v", messages)
    assert wire[-1]["content"][1] == {"type": "image_url", "image_url": {"url": PNG_B64}}


def test_langchain_profiles_say_a_tool_message_may_carry_images() -> None:
    from langchain_glm import ChatGLM

    vision = ChatGLM(model="glm-4.6v", api_key="k").profile
    assert vision is not None and vision["image_tool_message"] and vision["pdf_tool_message"]
    text = ChatGLM(model="glm-4.7", api_key="k").profile
    assert text is not None and not text["image_tool_message"]
