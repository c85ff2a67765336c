"""Standard content blocks for ChatGLM's messages: the translator behind `.content_blocks`.

langchain-core looks up a translator by `response_metadata["model_provider"]`; the built-in
"openai" one ignores `reasoning_content`, so ChatGLM's messages say `model_provider="zai"` and
this module registers the translator for that name. It yields, in order: one `reasoning` block
(from `additional_kwargs["reasoning_content"]`), the text, then `tool_call` blocks (or
`tool_call_chunk` blocks while streaming). With `output_version="v1"` these blocks become the
message content.

Example:
    >>> AIMessage("4", additional_kwargs={"reasoning_content": "2+2"},
    ...           response_metadata={"model_provider": "zai"}).content_blocks
    [{'type': 'reasoning', 'reasoning': '2+2'}, {'type': 'text', 'text': '4'}]
"""

from __future__ import annotations

from typing import Any, cast

from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.messages import content as types
from langchain_core.messages.block_translators import register_translator

from langchain_glm.messages import MODEL_PROVIDER

__all__ = ["register", "translate_content", "translate_content_chunk"]


def _body(content: str | list[Any]) -> list[types.ContentBlock]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    blocks: list[types.ContentBlock] = []
    for item in content:
        if isinstance(item, str):
            if item:
                blocks.append({"type": "text", "text": item})
        elif isinstance(item, dict):
            kind = item.get("type")
            if kind == "thinking":  # Anthropic-style reasoning (Cloudflare's /run shape)
                blocks.append({"type": "reasoning", "reasoning": str(item.get("thinking", ""))})
            elif kind in types.KNOWN_BLOCK_TYPES:
                blocks.append(cast("types.ContentBlock", item))
            else:
                blocks.append({"type": "non_standard", "value": item})
    return blocks


def _with_reasoning(message: AIMessage | AIMessageChunk, body: list[types.ContentBlock]) -> list[types.ContentBlock]:
    reasoning = message.additional_kwargs.get("reasoning_content")
    if isinstance(reasoning, str) and reasoning and not any(b.get("type") == "reasoning" for b in body):
        return [{"type": "reasoning", "reasoning": reasoning}, *body]
    return body


def _tool_call_blocks(message: AIMessage, body: list[types.ContentBlock]) -> list[types.ContentBlock]:
    present = {b.get("id") for b in body if b.get("type") == "tool_call"}
    return [
        {"type": "tool_call", "name": call["name"], "args": call["args"], "id": call.get("id")}
        for call in message.tool_calls
        if call.get("id") is None or call.get("id") not in present
    ]


# langchain-core >= 1.7.5 has the standard `refusal` block; older versions get none (feature-detected).
_HAS_REFUSAL_BLOCK = "refusal" in types.KNOWN_BLOCK_TYPES


def _refusal(message: AIMessage | AIMessageChunk) -> list[types.ContentBlock]:
    text = message.additional_kwargs.get("refusal")
    if not _HAS_REFUSAL_BLOCK or not isinstance(text, str):
        return []
    return [cast("types.ContentBlock", {"type": "refusal", "refusal": text})]


def translate_content(message: AIMessage) -> list[types.ContentBlock]:
    """Blocks for a whole message."""
    body = _body(message.content)
    return _with_reasoning(message, body) + _tool_call_blocks(message, body) + _refusal(message)


def translate_content_chunk(chunk: AIMessageChunk) -> list[types.ContentBlock]:
    """Blocks for a streamed chunk (or an aggregate of chunks)."""
    body = _body(chunk.content)
    blocks = _with_reasoning(chunk, body)
    if chunk.chunk_position == "last":
        return blocks + _tool_call_blocks(chunk, body) + _refusal(chunk)
    for piece in chunk.tool_call_chunks:
        block: types.ToolCallChunk = {
            "type": "tool_call_chunk",
            "id": piece.get("id"),
            "name": piece.get("name"),
            "args": piece.get("args"),
        }
        index = piece.get("index")
        if index is not None:
            # A string index: with output_version="v1" text and reasoning blocks get integer
            # indexes, and LangChain merges blocks that share one.
            block["index"] = f"lc_tc_{index}"
        blocks.append(block)
    return blocks


def register() -> None:
    """Register the translator for `model_provider="zai"` (done when langchain_glm is imported)."""
    register_translator(MODEL_PROVIDER, translate_content, translate_content_chunk)
