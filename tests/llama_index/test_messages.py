"""Message conversion both ways: nothing the provider needs is dropped going out."""

from __future__ import annotations

import base64
import json

import pytest
from llama_index.core.base.llms.types import (
    AudioBlock,
    ImageBlock,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
)
from llama_index.core.llms import ChatMessage

from glm_core.types import (
    AssistantMessage,
    ChatResponse,
    ImagePart,
    SystemMessage,
    TextPart,
    ToolCall,
    ToolMessage,
    Usage,
    UserMessage,
)
from llama_index_glm.messages import message_from_response, to_glm_messages
from tests.llama_index.helpers import Script, completion


def test_plain_roles() -> None:
    out = to_glm_messages(
        [
            ChatMessage(role="system", content="Be brief."),
            ChatMessage(role="developer", content="Dev rule."),
            ChatMessage(role="user", content="Hi"),
            ChatMessage(role="assistant", content="Hello"),
        ]
    )
    assert out == [
        SystemMessage("Be brief."),
        SystemMessage("Dev rule."),
        UserMessage("Hi"),
        AssistantMessage(content="Hello"),
    ]


def test_assistant_keeps_reasoning_and_tool_calls() -> None:
    message = ChatMessage(
        role="assistant",
        blocks=[
            ThinkingBlock(content="I should add."),
            TextBlock(text=""),
            ToolCallBlock(tool_call_id="call_a", tool_name="add", tool_kwargs={"a": 1, "b": 2}),
            ToolCallBlock(tool_call_id="call_b", tool_name="mul", tool_kwargs='{"a": 3}'),
        ],
    )
    (out,) = to_glm_messages([message])
    assert out == AssistantMessage(
        content=None,
        reasoning="I should add.",
        tool_calls=[
            ToolCall(id="call_a", name="add", arguments='{"a": 1, "b": 2}'),
            ToolCall(id="call_b", name="mul", arguments='{"a": 3}'),
        ],
    )


def test_assistant_tool_arguments_round_trip_verbatim() -> None:
    # Our own answers list the exact argument text in additional_kwargs: it is sent back as is.
    response = ChatResponse(tool_calls=[ToolCall(id="c1", name="add", arguments='{"a":1,  "b":2}')])
    message = message_from_response(response)
    (out,) = to_glm_messages([message])
    assert isinstance(out, AssistantMessage)
    assert out.tool_calls[0].arguments == '{"a":1,  "b":2}'


def test_legacy_tool_calls_in_additional_kwargs() -> None:
    message = ChatMessage(
        role="assistant",
        content="",
        additional_kwargs={
            "tool_calls": [{"id": "c9", "type": "function", "function": {"name": "f", "arguments": {"x": 1}}}],
            "reasoning_content": "old style",
        },
    )
    (out,) = to_glm_messages([message])
    assert isinstance(out, AssistantMessage)
    assert out.tool_calls == [ToolCall(id="c9", name="f", arguments='{"x": 1}')]
    assert out.reasoning == "old style"


def test_tool_results_carry_tool_call_id() -> None:
    out = to_glm_messages(
        [
            ChatMessage(role="tool", content="3", additional_kwargs={"tool_call_id": "call_a", "name": "add"}),
            ChatMessage(
                role="tool", blocks=[TextBlock(text="a"), TextBlock(text="b")], additional_kwargs={"tool_call_id": "x"}
            ),
        ]
    )
    assert out == [
        ToolMessage(content="3", tool_call_id="call_a", name="add"),
        ToolMessage(content="a\nb", tool_call_id="x"),
    ]


def test_user_images_become_parts() -> None:
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )
    (out,) = to_glm_messages(
        [
            ChatMessage(
                role="user",
                blocks=[
                    TextBlock(text="What is this?"),
                    ImageBlock(url="https://example.com/cat.png"),
                    ImageBlock(image=png, image_mimetype="image/png"),
                ],
            )
        ]
    )
    assert isinstance(out, UserMessage) and isinstance(out.content, list)
    assert out.content[0] == TextPart("What is this?")
    assert out.content[1] == ImagePart("https://example.com/cat.png", mime_type="image/png")
    assert isinstance(out.content[2], ImagePart) and out.content[2].mime_type == "image/png"
    assert out.content[2].data is not None and out.content[2].url is None


def test_unsupported_block_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="AudioBlock"):
        to_glm_messages([ChatMessage(role="user", blocks=[AudioBlock(audio=b"abc", format="mp3")])])


def test_answer_becomes_blocks_and_additional_kwargs() -> None:
    response = ChatResponse(
        content="",
        reasoning="think",
        tool_calls=[ToolCall(id="a", name="f", arguments='{"q": 1}'), ToolCall(id="b", name="g", arguments="{bad")],
        usage=Usage(1, 2, 3, reasoning_tokens=7),
    )
    message = message_from_response(response)
    assert message.role == "assistant"
    thinking, first, second = message.blocks
    assert isinstance(thinking, ThinkingBlock) and thinking.content == "think" and thinking.num_tokens == 7
    assert isinstance(first, ToolCallBlock) and first.tool_kwargs == {"q": 1} and first.tool_call_id == "a"
    assert isinstance(second, ToolCallBlock) and second.tool_kwargs == "{bad"
    assert message.additional_kwargs["tool_calls"] == [
        {"id": "a", "type": "function", "function": {"name": "f", "arguments": '{"q": 1}'}},
        {"id": "b", "type": "function", "function": {"name": "g", "arguments": "{bad"}},
    ]
    # Thinking never leaks into .content (only TextBlocks count).
    assert message.content is None


def test_answer_text_only() -> None:
    message = message_from_response(ChatResponse(content="Hello"))
    assert message.content == "Hello"
    assert message.additional_kwargs == {}
    # and it serializes (memory stores, chat stores)
    assert json.loads(message.model_dump_json())["blocks"][0]["text"] == "Hello"


def test_history_sent_back_on_the_wire_per_provider() -> None:
    history = [
        ChatMessage(role="user", content="add 1 and 2"),
        ChatMessage(
            role="assistant",
            blocks=[
                ThinkingBlock(content="need add"),
                ToolCallBlock(tool_call_id="c1", tool_name="add", tool_kwargs={"a": 1}),
            ],
        ),
        ChatMessage(role="tool", content="3", additional_kwargs={"tool_call_id": "c1"}),
    ]
    for provider, field in (("zai", "reasoning_content"), ("vllm", "reasoning"), ("cloudflare", "reasoning_content")):
        script = Script(completion("3") if provider != "cloudflare" else {"result": completion("3"), "success": True})
        script.llm(provider, model="glm-4.7-flash").chat(history)
        wire = script.bodies[-1]["messages"]
        assert wire[1]["tool_calls"] == [
            {"id": "c1", "type": "function", "function": {"name": "add", "arguments": '{"a": 1}'}}
        ]
        assert wire[1][field] == "need add", provider
        assert wire[2] == {"role": "tool", "tool_call_id": "c1", "content": "3"}
