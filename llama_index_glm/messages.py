"""LlamaIndex `ChatMessage`s to canonical glm_core messages, and canonical answers back.

Going out, nothing the provider needs is dropped (the defects of OpenAILike and the ZhipuAI
integration): assistant turns keep their tool calls and their reasoning (from `ThinkingBlock`s;
the dialect writes it in the field the provider reads), and tool results keep `tool_call_id`.
Coming back, reasoning is a `ThinkingBlock`, tool calls are `ToolCallBlock`s and are also listed
in `additional_kwargs["tool_calls"]` (OpenAI-shaped dicts), which structured streaming reads.

Example:
    >>> to_glm_messages([ChatMessage(role="user", content="Hi")])
    [UserMessage(content='Hi', name=None)]
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from llama_index.core.base.llms.types import (
    CachePoint,
    ChatMessage,
    DocumentBlock,
    ImageBlock,
    MessageRole,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
    VideoBlock,
)

from glm_core.errors import InvalidRequestError
from glm_core.media import MediaKind, media_part
from glm_core.types import (
    AssistantMessage,
    ContentPart,
    Message,
    SystemMessage,
    TextPart,
    ToolCall,
    ToolMessage,
    UserMessage,
)
from glm_core.types import ChatResponse as GLMResponse

__all__ = [
    "assistant_message",
    "message_from_response",
    "to_glm_message",
    "to_glm_messages",
    "tool_call_block",
    "tool_calls_kwarg",
]

_ASSISTANT = MessageRole.ASSISTANT


def to_glm_messages(messages: Sequence[ChatMessage]) -> list[Message]:
    """Convert a LlamaIndex conversation (any roles, any supported blocks) to canonical messages."""
    return [to_glm_message(m) for m in messages]


def to_glm_message(message: ChatMessage) -> Message:
    role = message.role
    blocks = message.blocks
    # The hot path: one text block (what every prompt template and memory produces).
    if len(blocks) == 1 and type(blocks[0]) is TextBlock:
        text = blocks[0].text
        if role == "user":
            return UserMessage(text)
        if role == "system" or role == "developer":
            return SystemMessage(text)
        if role in ("tool", "function"):
            return _tool_message(message, text)
        if not message.additional_kwargs:
            return AssistantMessage(content=text)
    if role == "user":
        return _user_message(message)
    if role == "system" or role == "developer":
        return SystemMessage(_text_of(message))
    if role in ("tool", "function"):
        return _tool_result(message)
    # assistant, and the aliases other integrations use for it ("model", "chatbot")
    return _assistant_message(message)


def _text_of(message: ChatMessage) -> str:
    return "\n".join(b.text for b in message.blocks if isinstance(b, TextBlock))


def _unsupported(block: Any, role: str) -> InvalidRequestError:
    return InvalidRequestError(
        f"a {role} message holds a {type(block).__name__}, which GLM chat models cannot take; "
        "send text (and, for vision models, ImageBlock / VideoBlock / DocumentBlock) only"
    )


def _user_message(message: ChatMessage) -> UserMessage:
    parts: list[ContentPart] = []
    for block in message.blocks:
        if isinstance(block, TextBlock):
            parts.append(TextPart(block.text))
        elif isinstance(block, ImageBlock | VideoBlock | DocumentBlock):
            parts.append(_media_part(block))
        elif isinstance(block, CachePoint | ThinkingBlock):
            continue
        else:
            raise _unsupported(block, "user")
    # Text parts only go as one string: the dialect's rule (Z.ai's text schema takes no arrays).
    return UserMessage(parts)


def _media_part(block: ImageBlock | VideoBlock | DocumentBlock) -> ContentPart:
    """The canonical part for a media block (glm_core.media does the reading and sniffing)."""
    kind: MediaKind | None
    if isinstance(block, ImageBlock):
        kind, raw, mime, title = "image", block.image, block.image_mimetype, None
    elif isinstance(block, VideoBlock):
        kind, raw, mime, title = "video", block.video, block.video_mimetype, None
    else:
        # A DocumentBlock holding an image or a video is sent as one (decided from its MIME type).
        kind, raw, mime, title = None, block.data, block.document_mimetype, block.title
    data: str | bytes | None = None
    if isinstance(raw, bytes):
        data = raw.decode("ascii")  # the blocks keep their bytes base64-encoded
    elif raw is not None:
        raw.seek(0)
        data = raw.read()
    path = block.path if data is None else None
    url = str(block.url) if block.url is not None and data is None and path is None else None
    filename = title if title and title != "input_document" else None
    detail = block.detail if isinstance(block, ImageBlock) else None
    return media_part(kind, url=url, data=data, mime_type=mime, path=path, filename=filename, detail=detail)


def _tool_message(message: ChatMessage, text: str, media: list[ContentPart] | None = None) -> ToolMessage:
    extra = message.additional_kwargs
    call_id = extra.get("tool_call_id") or ""
    name = extra.get("name")
    return ToolMessage(
        content=text, tool_call_id=str(call_id), name=name, is_error=bool(extra.get("is_error")), media=media or []
    )


def _tool_result(message: ChatMessage) -> ToolMessage:
    """A tool's output (FunctionAgent passes `tool_output.blocks`): its text, and its images,
    videos and documents as media the model receives as media."""
    texts: list[str] = []
    media: list[ContentPart] = []
    for block in message.blocks:
        if isinstance(block, TextBlock):
            texts.append(block.text)
        elif isinstance(block, ImageBlock | VideoBlock | DocumentBlock):
            media.append(_media_part(block))
        elif not isinstance(block, CachePoint | ThinkingBlock):
            raise _unsupported(block, "tool")
    return _tool_message(message, "\n".join(texts), media)


def _arguments_text(block: ToolCallBlock, raw_by_id: dict[str, str]) -> str:
    kwargs = block.tool_kwargs
    if isinstance(kwargs, str):
        return kwargs
    # The exact text the model sent, when we still have it, rather than a re-serialization.
    raw = raw_by_id.get(block.tool_call_id or "")
    if raw is not None:
        return raw
    return json.dumps(kwargs, ensure_ascii=False)


def _raw_arguments(extra: dict[str, Any]) -> dict[str, str]:
    raw: dict[str, str] = {}
    for call in extra.get("tool_calls") or ():
        if isinstance(call, dict):
            arguments = (call.get("function") or {}).get("arguments")
            if call.get("id") and isinstance(arguments, str):
                raw[call["id"]] = arguments
    return raw


def _assistant_message(message: ChatMessage) -> AssistantMessage:
    texts: list[str] = []
    reasoning: list[str] = []
    calls: list[ToolCall] = []
    extra = message.additional_kwargs
    raw_by_id: dict[str, str] | None = None
    for block in message.blocks:
        if isinstance(block, TextBlock):
            texts.append(block.text)
        elif isinstance(block, ThinkingBlock):
            if block.content:
                reasoning.append(block.content)
        elif isinstance(block, ToolCallBlock):
            if raw_by_id is None:
                raw_by_id = _raw_arguments(extra)
            calls.append(
                ToolCall(
                    id=block.tool_call_id or f"call_{len(calls)}",
                    name=block.tool_name,
                    arguments=_arguments_text(block, raw_by_id),
                )
            )
        elif isinstance(block, CachePoint):
            continue
        else:
            raise _unsupported(block, "assistant")
    if not calls and extra.get("tool_calls"):
        calls = _legacy_calls(extra["tool_calls"])
    text_reasoning = "".join(reasoning) or extra.get("reasoning_content") or None
    return AssistantMessage(content="\n".join(texts) or None, reasoning=text_reasoning, tool_calls=calls)


def _legacy_calls(items: Sequence[Any]) -> list[ToolCall]:
    calls: list[ToolCall] = []
    for position, call in enumerate(items):
        if isinstance(call, dict):
            function = call.get("function") or {}
            call_id, name, arguments = call.get("id"), function.get("name"), function.get("arguments")
        else:  # an SDK object (openai's ChatCompletionMessageToolCall) from another integration
            function = getattr(call, "function", None)
            call_id, name = getattr(call, "id", None), getattr(function, "name", None)
            arguments = getattr(function, "arguments", None)
        if not name:
            continue
        if not isinstance(arguments, str):
            arguments = json.dumps(arguments or {}, ensure_ascii=False)
        calls.append(ToolCall(id=call_id or f"call_{position}", name=name, arguments=arguments))
    return calls


# ---------------------------------------------------------------------------- answers back


def tool_call_block(call: ToolCall, complete: bool = True) -> ToolCallBlock:
    """A `ToolCallBlock`: kwargs parsed when the JSON is whole, the raw text while it streams in."""
    kwargs: dict[str, Any] | str = call.arguments
    if complete:
        try:
            parsed = json.loads(call.arguments) if call.arguments else {}
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            kwargs = parsed
    return ToolCallBlock(tool_call_id=call.id, tool_name=call.name, tool_kwargs=kwargs)


def tool_calls_kwarg(calls: Sequence[ToolCall]) -> list[dict[str, Any]]:
    """OpenAI-shaped tool calls for `message.additional_kwargs["tool_calls"]`."""
    return [{"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}} for c in calls]


def assistant_message(
    content: str,
    reasoning: str | None,
    calls: Sequence[ToolCall],
    *,
    reasoning_tokens: int | None = None,
    call_blocks: list[ToolCallBlock] | None = None,
) -> ChatMessage:
    """The assistant `ChatMessage` for an answer (whole, or cumulative while streaming)."""
    blocks: list[Any] = []
    if reasoning:
        blocks.append(ThinkingBlock(content=reasoning, num_tokens=reasoning_tokens))
    if content or not calls:
        blocks.append(TextBlock(text=content))
    extra: dict[str, Any] = {}
    if calls:
        blocks.extend(call_blocks if call_blocks is not None else [tool_call_block(c) for c in calls])
        extra["tool_calls"] = tool_calls_kwarg(calls)
    # model_construct with every field given: skips the legacy-images validator, and no defaults to compute.
    return ChatMessage.model_construct(role=_ASSISTANT, additional_kwargs=extra, blocks=blocks)


def message_from_response(response: GLMResponse) -> ChatMessage:
    usage = response.usage
    return assistant_message(
        response.content,
        response.reasoning,
        response.tool_calls,
        reasoning_tokens=usage.reasoning_tokens if usage is not None else None,
    )
