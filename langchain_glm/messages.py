"""LangChain messages to glm_core's canonical messages, and canonical answers back to LangChain.

Outgoing, every message type is mapped (system, human, AI, tool, and `ChatMessage` by role);
reasoning on an AI message is sent back (from `additional_kwargs["reasoning_content"]`, or from
v1 `reasoning` / Anthropic-style `thinking` content blocks) so interleaved and preserved thinking
work on GLM-4.7. Incoming, reasoning lands in `additional_kwargs["reasoning_content"]`, tool calls
with arguments that are not a JSON object become `invalid_tool_calls`, and usage keeps cached
and reasoning tokens.

Example:
    >>> to_core_messages([HumanMessage("Hi")])
    [UserMessage(content='Hi', name=None)]
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, InvalidToolCall
from langchain_core.messages.ai import InputTokenDetails, OutputTokenDetails, UsageMetadata
from langchain_core.messages.tool import ToolCall as LCToolCall
from langchain_core.messages.tool import ToolCallChunk, tool_call_chunk

from glm_core.errors import InvalidRequestError
from glm_core.media import MediaKind, media_part
from glm_core.refusals import refusal_text
from glm_core.types import (
    AssistantMessage,
    ChatResponse,
    ContentPart,
    Message,
    SystemMessage,
    TextPart,
    ToolCall,
    ToolCallDelta,
    ToolMessage,
    Usage,
    UserMessage,
)
from langchain_glm.errors import GLMInvalidRequestError

__all__ = [
    "MODEL_PROVIDER",
    "chunk_message",
    "response_metadata",
    "to_ai_message",
    "to_core_messages",
    "tool_call_chunks",
    "usage_to_metadata",
]

# `response_metadata["model_provider"]`: the key under which our content-block translator is
# registered (langchain_glm.content_blocks). Not "openai": its translator ignores reasoning.
MODEL_PROVIDER = "zai"

# Blocks an assistant turn may carry that are not text: tool calls travel in `tool_calls`,
# reasoning in its own field; nothing else in them means anything to a GLM provider.
_REASONING_BLOCKS = {"reasoning": "reasoning", "thinking": "thinking"}


def _fail(message: BaseMessage, problem: str) -> GLMInvalidRequestError:
    # A ValueError (as before) that is also glm_core's and LangChain's invalid-request error.
    return GLMInvalidRequestError(f"cannot send {type(message).__name__} to GLM: {problem}")


# ---------------------------------------------------------------------------- outgoing


def _text_of_blocks(message: BaseMessage, content: list[Any], what: str) -> str:
    """Text of a list content that may only hold text (system and tool messages)."""
    texts: list[str] = []
    for block in content:
        if isinstance(block, str):
            texts.append(block)
        elif isinstance(block, dict) and block.get("type") == "text":
            texts.append(str(block.get("text", "")))
        else:
            kind = block.get("type") if isinstance(block, dict) else type(block).__name__
            raise _fail(message, f"{what} content block of type {kind!r} is not supported; send text")
    return "\n".join(texts)


# OpenAI-style part types and the key holding their payload.
_OPENAI_PARTS: dict[str, MediaKind] = {"image_url": "image", "video_url": "video", "input_video": "video"}
_V1_PARTS: dict[str, MediaKind | None] = {"image": "image", "video": "video", "file": None, "text-plain": None}


def _media(message: BaseMessage, block: dict[str, Any], kind_name: str) -> ContentPart:
    """The canonical part for an image / video / file block, in any of the shapes LangChain users send."""
    try:
        if kind_name in _OPENAI_PARTS:  # {"type": "image_url", "image_url": {"url": ...} or "..."}
            inner = block.get(kind_name)
            url = inner.get("url") if isinstance(inner, dict) else inner
            if not isinstance(url, str) or not url:
                raise InvalidRequestError(f"{kind_name} block without a url: {sorted(block)}")
            detail = inner.get("detail") if isinstance(inner, dict) and kind_name == "image_url" else None
            return media_part(_OPENAI_PARTS[kind_name], url=url, detail=detail)
        if kind_name == "file" and isinstance(block.get("file"), dict):  # OpenAI chat-completions file part
            file = block["file"]
            return media_part(
                "file", data=file.get("file_data"), file_id=file.get("file_id"), filename=file.get("filename")
            )
        extras = block.get("extras") if isinstance(block.get("extras"), dict) else {}
        filename = block.get("filename") or extras.get("filename") or block.get("title")
        kind = _V1_PARTS[kind_name]
        mime = block.get("mime_type")
        if kind_name == "text-plain":
            kind, mime = "file", mime or "text/plain"
            if isinstance(block.get("text"), str) and not (block.get("base64") or block.get("url")):
                return media_part(kind, data=block["text"].encode(), mime_type=mime, filename=filename)
        if kind is None and isinstance(mime, str) and not mime.startswith(("image/", "video/")):
            kind = "file"
        source = block.get("source_type")  # v0 blocks: source_type url | base64 | id
        data = block.get("base64") or (block.get("data") if source in (None, "base64") else None)
        file_id = block.get("file_id") or (block.get("id") if source == "id" else None)
        detail = extras.get("detail") if kind == "image" else None
        return media_part(
            kind, url=block.get("url"), data=data, mime_type=mime, file_id=file_id, filename=filename, detail=detail
        )
    except InvalidRequestError as exc:
        raise _fail(message, str(exc)) from None


def _user(message: BaseMessage) -> UserMessage:
    content = message.content
    name = message.name
    if isinstance(content, str):
        return UserMessage(content, name)
    parts: list[ContentPart] = []
    for block in content:
        if isinstance(block, str):
            parts.append(TextPart(block))
            continue
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text":
            parts.append(TextPart(str(block.get("text", ""))))
        elif isinstance(kind, str) and (kind in _OPENAI_PARTS or kind in _V1_PARTS):
            parts.append(_media(message, block, kind))
        else:
            raise _fail(
                message,
                f"content block of type {kind!r} is not supported; GLM takes text, and on vision models "
                "image, video and file blocks (or OpenAI-style image_url / video_url / file parts)",
            )
    # Text parts only go as one string: the dialect's rule (Z.ai's text schema takes no arrays).
    return UserMessage(parts, name)


def _system(message: BaseMessage) -> SystemMessage:
    content = message.content
    return SystemMessage(content if isinstance(content, str) else _text_of_blocks(message, content, "system"))


def _arguments(args: Any) -> str:
    if isinstance(args, str):
        return args
    return json.dumps(args if args is not None else {}, ensure_ascii=False)


def _assistant(message: BaseMessage) -> AssistantMessage:
    content = message.content
    reasoning = message.additional_kwargs.get("reasoning_content")
    if isinstance(content, str):
        text = content
    else:
        texts: list[str] = []
        thoughts: list[str] = []
        for block in content:
            if isinstance(block, str):
                texts.append(block)
            elif isinstance(block, dict):
                kind = block.get("type")
                if kind == "text":
                    texts.append(str(block.get("text", "")))
                elif kind in _REASONING_BLOCKS:
                    value = block.get(_REASONING_BLOCKS[kind])
                    if isinstance(value, str):
                        thoughts.append(value)
                # tool_call / tool_use / tool_call_chunk blocks: the calls are in `tool_calls`.
        text = "\n".join(texts)
        if not isinstance(reasoning, str) and thoughts:
            reasoning = "".join(thoughts)
    calls: list[ToolCall] = []
    if isinstance(message, AIMessage):
        for i, call in enumerate(message.tool_calls):
            calls.append(ToolCall(call.get("id") or f"call_{i}", call["name"], _arguments(call.get("args"))))
        # A malformed call is still part of the history (a tool message may answer it).
        for i, bad in enumerate(message.invalid_tool_calls, start=len(calls)):
            calls.append(ToolCall(bad.get("id") or f"call_{i}", bad.get("name") or "", bad.get("args") or ""))
    return AssistantMessage(
        content=text,
        reasoning=reasoning if isinstance(reasoning, str) and reasoning else None,
        tool_calls=calls,
        name=message.name,
    )


def _tool_content(message: BaseMessage, content: list[Any]) -> tuple[str, list[ContentPart]]:
    """(text, media) of a tool result given as blocks: text blocks are the text, image / video /
    file blocks (any shape `_user` takes) are media the model receives as media, and any other
    block (structured data) is kept as JSON text."""
    texts: list[str] = []
    media: list[ContentPart] = []
    data: list[Any] = []
    for block in content:
        kind = block.get("type") if isinstance(block, dict) else None
        if isinstance(block, str):
            texts.append(block)
        elif kind == "text":
            texts.append(str(block.get("text", "")))
        elif isinstance(kind, str) and (kind in _OPENAI_PARTS or kind in _V1_PARTS):
            media.append(_media(message, block, kind))
        else:
            data.append(block)
    if data:
        texts.append(json.dumps(data, ensure_ascii=False, default=str))
    return "\n".join(texts), media


def _tool(message: BaseMessage) -> ToolMessage:
    content = message.content
    media: list[ContentPart] = []
    if not isinstance(content, str):
        content, media = _tool_content(message, content)
    tool_call_id = getattr(message, "tool_call_id", None)
    if not tool_call_id:
        raise _fail(message, "a tool message needs tool_call_id, the id of the call it answers")
    return ToolMessage(
        content=content,
        tool_call_id=tool_call_id,
        name=message.name,
        is_error=getattr(message, "status", "success") == "error",
        media=media,
    )


def _chat(message: BaseMessage) -> Message:
    role = getattr(message, "role", None)
    convert = _BY_ROLE.get(role) if isinstance(role, str) else None
    if convert is None:
        raise _fail(message, f"role {role!r} is unknown; use system, user, assistant or tool")
    return convert(message)


def _function(message: BaseMessage) -> Message:
    raise _fail(message, "FunctionMessage is the legacy function-calling format; send a ToolMessage instead")


_BY_ROLE: dict[str, Callable[[BaseMessage], Message]] = {
    "system": _system,
    "developer": _system,
    "user": _user,
    "human": _user,
    "assistant": _assistant,
    "ai": _assistant,
    "tool": _tool,
}
_BY_TYPE: dict[str, Callable[[BaseMessage], Message]] = {
    "system": _system,
    "human": _user,
    "ai": _assistant,
    "AIMessageChunk": _assistant,
    "tool": _tool,
    "chat": _chat,
    "ChatMessageChunk": _chat,
    "HumanMessageChunk": _user,
    "SystemMessageChunk": _system,
    "ToolMessageChunk": _tool,
    "function": _function,
    "FunctionMessageChunk": _function,
}


def to_core_messages(messages: Sequence[BaseMessage]) -> list[Message]:
    """Canonical messages for a LangChain conversation; a `ValueError` names what cannot be sent."""
    out: list[Message] = []
    for message in messages:
        convert = _BY_TYPE.get(message.type)
        if convert is None:
            raise _fail(message, f"message type {message.type!r} is not supported")
        out.append(convert(message))
    return out


# ---------------------------------------------------------------------------- incoming


def usage_to_metadata(usage: Usage) -> UsageMetadata:
    """LangChain usage with `cache_read` and `reasoning` details when the provider reports them."""
    metadata = UsageMetadata(
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        total_tokens=usage.total_tokens,
    )
    if usage.cached_tokens is not None:
        metadata["input_token_details"] = InputTokenDetails(cache_read=int(usage.cached_tokens))
    if usage.reasoning_tokens is not None:
        metadata["output_token_details"] = OutputTokenDetails(reasoning=int(usage.reasoning_tokens))
    return metadata


def _parse_tool_calls(calls: list[ToolCall]) -> tuple[list[LCToolCall], list[InvalidToolCall]]:
    valid: list[LCToolCall] = []
    invalid: list[InvalidToolCall] = []
    for call in calls:
        raw = call.arguments
        error: str | None = None
        try:
            # Zero-argument calls come with "" from some servers.
            args = json.loads(raw) if raw.strip() else {}
        except ValueError as exc:
            error = f"the arguments are not valid JSON: {exc}"
        else:
            if not isinstance(args, dict):
                error = f"the arguments are JSON {type(args).__name__}, not an object"
        if error is None:
            valid.append(LCToolCall(name=call.name, args=args, id=call.id, type="tool_call"))
        else:
            invalid.append(InvalidToolCall(name=call.name, args=raw, id=call.id, error=error, type="invalid_tool_call"))
    return valid, invalid


def response_metadata(response: ChatResponse, model: str, provider: str) -> dict[str, Any]:
    """`model_name`, `model_provider`, `finish_reason`, `id`, the provider id, the provider's usage
    object (`token_usage`) and web search results."""
    metadata: dict[str, Any] = {
        "model_provider": MODEL_PROVIDER,
        "model_name": response.model or model,
        "finish_reason": response.finish_reason,
        "id": response.id,
        "provider": provider,
    }
    usage = response.usage
    if usage is not None and usage.raw is not None:
        # The provider's own usage object: keeps what has no standard field (Cloudflare
        # `neurons`, OpenRouter `cost`, ...).
        metadata["token_usage"] = usage.raw
    if response.web_search:
        metadata["web_search"] = response.web_search
    if response.logprobs is not None:
        metadata["logprobs"] = {"content": response.logprobs}  # as ChatOpenAI puts them
    return metadata


def to_ai_message(response: ChatResponse, model: str, provider: str) -> AIMessage:
    """The AIMessage for a whole (non-streamed) answer."""
    # Only what is there is passed: every keyword costs a pydantic validation step.
    fields: dict[str, Any] = {"response_metadata": response_metadata(response, model, provider), "id": response.id}
    if response.reasoning:
        fields["additional_kwargs"] = {"reasoning_content": response.reasoning}
    refusal = refusal_text(response, provider)
    if refusal is not None:
        # A refusal, not an empty answer: read as a `refusal` content block (content_blocks.py).
        fields.setdefault("additional_kwargs", {})["refusal"] = refusal
    if response.tool_calls:
        fields["tool_calls"], fields["invalid_tool_calls"] = _parse_tool_calls(response.tool_calls)
    if response.usage is not None:
        fields["usage_metadata"] = usage_to_metadata(response.usage)
    return AIMessage(response.content, **fields)


def tool_call_chunks(deltas: list[ToolCallDelta]) -> list[ToolCallChunk]:
    """LangChain's `tool_call_chunks` for a chunk's deltas, as the core's assembler left them: each
    carries only what is new (LangChain concatenates every field of chunks with one index, so a
    repeated name or a resent call would otherwise read "weatherweather" and doubled JSON)."""
    return [
        tool_call_chunk(name=d.name, args=d.arguments or None, id=d.id, index=d.index)
        for d in deltas
        if d.id or d.name or d.arguments
    ]


def chunk_message(
    content: str, reasoning: str, tool_call_chunks: list[ToolCallChunk] | None, id: str | None
) -> AIMessageChunk:
    """One streamed piece: text, reasoning or tool-call fragments, as they arrived."""
    return AIMessageChunk(
        content=content,
        additional_kwargs={"reasoning_content": reasoning} if reasoning else {},
        tool_call_chunks=tool_call_chunks or [],
        response_metadata={"model_provider": MODEL_PROVIDER},
        id=id,
    )
