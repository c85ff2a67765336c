"""Message conversion both ways: every LangChain message type to glm_core, and answers back."""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    ChatMessage,
    FunctionMessage,
    HumanMessage,
    RemoveMessage,
    SystemMessage,
    ToolMessage,
)

from glm_core import types as core
from glm_core.assembly import StreamAssembler
from glm_core.types import ChatResponse, ToolCall, ToolCallDelta, Usage
from langchain_glm.messages import to_ai_message, to_core_messages, tool_call_chunks, usage_to_metadata

# ---------------------------------------------------------------- outgoing


def test_system_human_ai_tool_strings() -> None:
    out = to_core_messages(
        [
            SystemMessage("Be brief."),
            HumanMessage("Hi", name="ada"),
            AIMessage("Hello", name="bot"),
            ToolMessage("42", tool_call_id="call_1", name="calc"),
        ]
    )
    assert out == [
        core.SystemMessage("Be brief."),
        core.UserMessage("Hi", name="ada"),
        core.AssistantMessage(content="Hello", name="bot"),
        core.ToolMessage("42", tool_call_id="call_1", name="calc"),
    ]


def test_list_content_of_text_blocks_is_flattened_to_a_string() -> None:
    # Z.ai documents list content for vision models only: text goes as one string. Joining the
    # parts is the dialect's rule (tests/core/test_vision.py pins the wire); the adapter keeps them.
    (user,) = to_core_messages([HumanMessage(content=["a", {"type": "text", "text": "b"}])])
    assert user == core.UserMessage([core.TextPart("a"), core.TextPart("b")])
    (system,) = to_core_messages([SystemMessage(content=[{"type": "text", "text": "rule 1"}, "rule 2"])])
    assert system == core.SystemMessage("rule 1\nrule 2")


# The start of a JPEG file: the bytes of an image are checked against its type.
JPEG_B64 = "/9j/4AAQSkZJRgABAQAAAQABAAA="


def test_images_keep_list_content_in_every_block_format() -> None:
    (user,) = to_core_messages(
        [
            HumanMessage(
                content=[
                    {"type": "text", "text": "what is this?"},
                    {"type": "image_url", "image_url": {"url": "https://x/cat.png"}},
                    {"type": "image_url", "image_url": "https://x/dog.png"},
                    {"type": "image", "url": "https://x/bird.png"},
                    {"type": "image", "base64": JPEG_B64, "mime_type": "image/jpeg"},
                ]
            )
        ]
    )
    assert isinstance(user, core.UserMessage)
    assert user.content == [
        core.TextPart("what is this?"),
        core.ImagePart("https://x/cat.png"),
        core.ImagePart("https://x/dog.png"),
        core.ImagePart("https://x/bird.png"),
        core.ImagePart(data=JPEG_B64, mime_type="image/jpeg"),
    ]


@pytest.mark.parametrize(
    "block",
    [
        {"type": "audio", "base64": "AAAA", "mime_type": "audio/wav"},
        {"type": "input_audio", "input_audio": {"data": "AAAA", "format": "wav"}},
    ],
)
def test_unsupported_user_blocks_are_a_value_error_naming_the_type(block: dict[str, str]) -> None:
    with pytest.raises(ValueError, match=repr(block["type"])):
        to_core_messages([HumanMessage(content=[block])])


def test_image_without_url_or_data_is_refused() -> None:
    with pytest.raises(ValueError, match="image block has no source"):
        to_core_messages([HumanMessage(content=[{"type": "image", "id": "file-1"}])])


def test_system_message_with_image_is_refused() -> None:
    with pytest.raises(ValueError, match="system content block of type 'image_url'"):
        to_core_messages([SystemMessage(content=[{"type": "image_url", "image_url": {"url": "https://x"}}])])


def test_ai_tool_calls_and_reasoning_from_additional_kwargs() -> None:
    ai = AIMessage(
        "Checking.",
        additional_kwargs={"reasoning_content": "Need the tool."},
        tool_calls=[{"name": "weather", "args": {"city": "Zürich"}, "id": "call_1", "type": "tool_call"}],
    )
    (out,) = to_core_messages([ai])
    assert out == core.AssistantMessage(
        content="Checking.",
        reasoning="Need the tool.",
        tool_calls=[ToolCall("call_1", "weather", '{"city": "Zürich"}')],
    )


def test_ai_reasoning_from_v1_blocks_and_thinking_blocks() -> None:
    v1 = AIMessage(
        content=[
            {"type": "reasoning", "reasoning": "step 1. "},
            {"type": "reasoning", "reasoning": "step 2."},
            {"type": "text", "text": "Answer"},
            {"type": "tool_call", "id": "call_9", "name": "f", "args": {}},
        ],
        tool_calls=[{"name": "f", "args": {}, "id": "call_9", "type": "tool_call"}],
    )
    (out,) = to_core_messages([v1])
    assert isinstance(out, core.AssistantMessage)
    assert (out.content, out.reasoning) == ("Answer", "step 1. step 2.")
    assert out.tool_calls == [ToolCall("call_9", "f", "{}")]

    anthropic_style = AIMessage(content=[{"type": "thinking", "thinking": "hmm"}, {"type": "text", "text": "ok"}])
    (out,) = to_core_messages([anthropic_style])
    assert isinstance(out, core.AssistantMessage)
    assert (out.content, out.reasoning) == ("ok", "hmm")


def test_additional_kwargs_reasoning_wins_over_blocks_and_is_not_doubled() -> None:
    ai = AIMessage(
        content=[{"type": "reasoning", "reasoning": "thought"}, {"type": "text", "text": "x"}],
        additional_kwargs={"reasoning_content": "thought"},
    )
    (out,) = to_core_messages([ai])
    assert isinstance(out, core.AssistantMessage)
    assert out.reasoning == "thought"


def test_ai_with_anthropic_tool_use_block_and_tool_calls() -> None:
    # langchain-tests' test_tool_message_histories_list_content history.
    ai = AIMessage(
        content=[
            {"type": "text", "text": "some text"},
            {"type": "tool_use", "id": "abc123", "name": "my_adder_tool", "input": {"a": "1", "b": "2"}},
        ],
        tool_calls=[{"name": "my_adder_tool", "args": {"a": "1", "b": "2"}, "id": "abc123", "type": "tool_call"}],
    )
    (out,) = to_core_messages([ai])
    assert out == core.AssistantMessage(
        content="some text", tool_calls=[ToolCall("abc123", "my_adder_tool", '{"a": "1", "b": "2"}')]
    )


def test_invalid_tool_calls_stay_in_the_history_with_their_raw_text() -> None:
    ai = AIMessage(
        "",
        invalid_tool_calls=[
            {"name": "f", "args": "{oops", "id": "call_bad", "error": "bad json", "type": "invalid_tool_call"}
        ],
    )
    (out,) = to_core_messages([ai])
    assert isinstance(out, core.AssistantMessage)
    assert out.tool_calls == [ToolCall("call_bad", "f", "{oops")]


def test_aggregated_stream_chunk_is_an_assistant_turn() -> None:
    merged = AIMessageChunk(content="Hel", additional_kwargs={"reasoning_content": "a"}) + AIMessageChunk(
        content="lo", additional_kwargs={"reasoning_content": "b"}
    )
    (out,) = to_core_messages([merged])
    assert out == core.AssistantMessage(content="Hello", reasoning="ab")


def test_tool_status_error_and_list_content() -> None:
    out = to_core_messages(
        [
            ToolMessage("division by zero", tool_call_id="c1", status="error"),
            ToolMessage(content=[{"type": "text", "text": "a"}, "b"], tool_call_id="c2"),
            ToolMessage(content=[{"type": "json", "json": {"x": 1}}], tool_call_id="c3"),
        ]
    )
    assert out[0] == core.ToolMessage("division by zero", tool_call_id="c1", is_error=True)
    assert out[1] == core.ToolMessage("a\nb", tool_call_id="c2")
    assert isinstance(out[2], core.ToolMessage)
    assert json.loads(out[2].content) == [{"type": "json", "json": {"x": 1}}]


def test_chat_message_roles() -> None:
    out = to_core_messages(
        [
            ChatMessage(role="system", content="s"),
            ChatMessage(role="developer", content="d"),
            ChatMessage(role="user", content="u"),
            ChatMessage(role="assistant", content="a"),
        ]
    )
    assert [type(m).__name__ for m in out] == ["SystemMessage", "SystemMessage", "UserMessage", "AssistantMessage"]


@pytest.mark.parametrize(
    ("message", "match"),
    [
        (ChatMessage(role="narrator", content="x"), "role 'narrator' is unknown"),
        (FunctionMessage(name="f", content="x"), "FunctionMessage is the legacy"),
        (RemoveMessage(id="m1"), "message type 'remove' is not supported"),
        (ChatMessage(role="tool", content="x"), "needs tool_call_id"),
    ],
)
def test_unsendable_messages_are_value_errors(message: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        to_core_messages([message])  # type: ignore[list-item]


# ---------------------------------------------------------------- incoming


def test_answer_to_ai_message_with_reasoning_tools_usage_and_metadata() -> None:
    response = ChatResponse(
        content="I'll check.",
        reasoning="Need the weather.",
        tool_calls=[
            ToolCall("call_1", "weather", '{"city": "Rome"}'),
            ToolCall("call_2", "ping", ""),
            ToolCall("call_3", "weather", '{"city": '),
            ToolCall("call_4", "weather", '["Rome"]'),
        ],
        finish_reason="tool_calls",
        usage=Usage(12, 30, 42, cached_tokens=4, reasoning_tokens=20),
        web_search=[{"title": "t", "link": "https://x"}],
        model="glm-4.7-flash",
        id="req-1",
        provider="zai",
    )
    message = to_ai_message(response, "glm-4.7-flash", "zai")
    assert message.content == "I'll check."
    assert message.additional_kwargs == {"reasoning_content": "Need the weather."}
    assert [(c["name"], c["args"], c["id"]) for c in message.tool_calls] == [
        ("weather", {"city": "Rome"}, "call_1"),
        ("ping", {}, "call_2"),
    ]
    bad = {c["id"]: c for c in message.invalid_tool_calls}
    assert set(bad) == {"call_3", "call_4"}
    assert bad["call_3"]["args"] == '{"city": '
    assert "not valid JSON" in (bad["call_3"]["error"] or "")
    assert "not an object" in (bad["call_4"]["error"] or "")
    assert message.usage_metadata == {
        "input_tokens": 12,
        "output_tokens": 30,
        "total_tokens": 42,
        "input_token_details": {"cache_read": 4},
        "output_token_details": {"reasoning": 20},
    }
    assert message.response_metadata == {
        "model_provider": "zai",
        "model_name": "glm-4.7-flash",
        "finish_reason": "tool_calls",
        "id": "req-1",
        "provider": "zai",
        "web_search": [{"title": "t", "link": "https://x"}],
    }
    assert message.id == "req-1"
    assert [b["type"] for b in message.content_blocks] == ["reasoning", "text", "tool_call", "tool_call"]


def test_model_name_falls_back_to_the_requested_model() -> None:
    message = to_ai_message(ChatResponse(content="x"), "glm-4.7-flash", "cloudflare")
    assert message.response_metadata["model_name"] == "glm-4.7-flash"
    assert message.usage_metadata is None
    assert message.additional_kwargs == {}


def test_usage_without_details() -> None:
    assert usage_to_metadata(Usage(1, 2, 3)) == {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3}


def test_tool_call_chunks_pass_only_what_is_new() -> None:
    # The core's assembler leaves in each delta only what it added; the chunks pass that on.
    assembler = StreamAssembler()

    def chunks(delta: ToolCallDelta) -> list[Any]:
        assembler.add(core.ChatChunk(tool_calls=[delta]))
        return tool_call_chunks([delta])

    first = chunks(ToolCallDelta(0, "call_1", "weather", '{"city":'))
    repeat_name = chunks(ToolCallDelta(0, None, "weather", ' "Rome"}'))
    # vLLM #44098: a final delta repeating the id and the whole arguments.
    whole_again = chunks(ToolCallDelta(0, "call_1", "weather", '{"city": "Rome"}'))
    second_call = chunks(ToolCallDelta(1, "call_2", "ping", ""))
    assert first == [{"name": "weather", "args": '{"city":', "id": "call_1", "index": 0, "type": "tool_call_chunk"}]
    assert repeat_name == [{"name": None, "args": ' "Rome"}', "id": None, "index": 0, "type": "tool_call_chunk"}]
    assert whole_again == []
    assert second_call == [{"name": "ping", "args": None, "id": "call_2", "index": 1, "type": "tool_call_chunk"}]
    merged = AIMessageChunk(content="", tool_call_chunks=first)
    for piece in (repeat_name, whole_again, second_call):
        merged += AIMessageChunk(content="", tool_call_chunks=piece)
    merged += AIMessageChunk(content="", chunk_position="last")
    assert [(c["name"], c["args"]) for c in merged.tool_calls] == [("weather", {"city": "Rome"}), ("ping", {})]
