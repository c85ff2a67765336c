"""The OpenAI-style chat-completions dialect, spoken (with variations) by every provider but one.

Z.ai, BigModel, the coding plan, EmpirioLabs, AI/ML API, OpenRouter, vLLM, SGLang and Cloudflare's
/ai/v1 endpoint all take `POST .../chat/completions` with OpenAI-shaped messages and answer in
OpenAI-shaped completions and chunks. What differs between them (reasoning field names, the
thinking switch, stop and tool_choice limits, web search, usage in streams) is read from the
provider profile; nothing here tests a provider id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from glm_core.dialects.openai_decode import OpenAIChatDecoding
from glm_core.errors import InvalidRequestError
from glm_core.media import data_uri
from glm_core.models import ModelProfile
from glm_core.providers import ProviderProfile
from glm_core.schemas import inline_defs
from glm_core.structured import json_instruction
from glm_core.types import (
    AssistantMessage,
    ChatRequest,
    ContentPart,
    FilePart,
    ImagePart,
    Message,
    NamedToolChoice,
    SystemMessage,
    TextPart,
    ToolMessage,
    ToolSpec,
    UserMessage,
    VideoPart,
)

__all__ = ["OPENING_USER_TURN", "EncodedRequest", "OpenAIChatDialect"]

# Z.ai's only documented web-search engine (docs/providers-facts.md, "Z.ai and Zhipu BigModel").
_DEFAULT_SEARCH_ENGINE = "search_pro_jina"
# Where the first non-system turn must be the user's (the Z.ai family) and a conversation opens
# with the assistant's greeting (Streamlit / Chainlit: [System, AI("Hi! How can I help?"), Human]),
# this user turn is put before the greeting: the greeting is sent as the assistant's turn, as
# written, and nothing the user wrote is dropped or moved.
OPENING_USER_TURN = "(The conversation starts.)"


@dataclass(slots=True)
class EncodedRequest:
    """A request in wire form, plus what the client must check in the answer."""

    path: str
    body: dict[str, Any]
    # The provider could not be told to force a tool call, so the answer must be checked.
    tool_call_required: str | None = None
    # The model id as sent (in the body, or in the path on Cloudflare's native route).
    wire_model: str = ""


class OpenAIChatDialect(OpenAIChatDecoding):
    """Encodes canonical requests and decodes responses, events and bodies for one provider."""

    def __init__(self, provider: ProviderProfile) -> None:
        self.provider = provider

    # ------------------------------------------------------------------ requests

    def encode(self, request: ChatRequest, model: ModelProfile, *, stream: bool) -> EncodedRequest:
        provider = self.provider
        wire_model = provider.wire_model(request.model)
        messages = self._encode_messages(request.messages)
        if provider.first_message_must_be_user:
            _open_with_user_turn(messages)
        body: dict[str, Any] = {"model": wire_model, "messages": messages}

        if request.temperature is not None:
            if request.temperature == 0 and provider.supports_do_sample:
                # Greedy decoding is spelled do_sample=false on Z.ai (its SDK does the same).
                body["do_sample"] = False
            else:
                body["temperature"] = request.temperature
        if request.top_p is not None:
            body["top_p"] = request.top_p
        if request.max_tokens is not None:
            body[provider.max_tokens_field] = request.max_tokens
        if request.stop:
            body["stop"] = list(request.stop)
        if request.seed is not None:
            body["seed"] = request.seed
        if request.logprobs is not None:
            body["logprobs"] = request.logprobs
        if request.top_logprobs is not None:
            body["top_logprobs"] = request.top_logprobs
        if request.n is not None and request.n != 1:
            if stream:
                # One stream carries one answer here (the assembly reads choices[0]).
                raise InvalidRequestError(
                    f"{provider.id}: n={request.n} cannot be streamed; call without streaming for several answers",
                    provider=provider.id,
                )
            body["n"] = request.n
        self._encode_thinking(request, body)
        if request.reasoning_effort is not None:
            self._encode_effort(request.reasoning_effort, body)

        tool_call_required = self._encode_tools(request, body, messages)
        if request.web_search:
            self._encode_web_search(request.web_search, body)
        if request.response_format is not None:
            self._encode_response_format(request.response_format, body, messages)

        if stream:
            body["stream"] = True
            if provider.stream_usage_needs_option and request.stream_usage is not False:
                body["stream_options"] = {"include_usage": True}
            if provider.tool_stream_param and model.tool_stream and body.get("tools"):
                body["tool_stream"] = True
        if request.extra_body:
            _merge(body, request.extra_body)
        return EncodedRequest(self.endpoint_path(wire_model), body, tool_call_required, wire_model)

    def endpoint_path(self, wire_model: str) -> str:
        return self.provider.path

    def _encode_messages(self, messages: list[Message]) -> list[dict[str, Any]]:
        wire = [self._encode_message(m) for m in messages]
        if self.provider.tool_result_media == "user_message" and any(
            isinstance(m, ToolMessage) and m.media for m in messages
        ):
            _media_after_tool_results(messages, wire, self._encode_part)
        return wire

    def _encode_message(self, message: Message) -> dict[str, Any]:
        if isinstance(message, UserMessage):
            content = message.content
            if isinstance(content, str):
                return {"role": "user", "content": content}
            if all(isinstance(p, TextPart) for p in content):
                # Z.ai's text-model schema takes string content only (arrays are for vision models).
                return {"role": "user", "content": "\n".join(p.text for p in content if isinstance(p, TextPart))}
            return {"role": "user", "content": [self._encode_part(p) for p in content]}
        if isinstance(message, SystemMessage):
            return {"role": "system", "content": message.content}
        if isinstance(message, AssistantMessage):
            wire: dict[str, Any] = {"role": "assistant", "content": message.content or ""}
            if message.reasoning:
                field = self.provider.reasoning_input_field
                if field == "reasoning_details":
                    wire[field] = [
                        {"type": "reasoning.text", "text": message.reasoning, "format": "unknown", "index": 0}
                    ]
                else:
                    wire[field] = message.reasoning
            if message.tool_calls:
                wire["tool_calls"] = [
                    {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                    for c in message.tool_calls
                ]
            return wire
        if isinstance(message, ToolMessage):
            content = message.content
            if message.is_error and not content.lower().startswith("error"):
                content = f"Error: {content}"
            if not message.media:
                return {"role": "tool", "tool_call_id": message.tool_call_id, "content": content}
            if self.provider.tool_result_media == "tool_message":
                parts = [{"type": "text", "text": content}] if content else []
                parts += [self._encode_part(p) for p in message.media]
                return {"role": "tool", "tool_call_id": message.tool_call_id, "content": parts}
            note = f"({_count(message.media)} came with this result: see the next message.)"
            return {"role": "tool", "tool_call_id": message.tool_call_id, "content": f"{content}\n{note}".lstrip()}
        raise TypeError(f"not a glm_core message: {message!r}")

    def _encode_part(self, part: ContentPart) -> dict[str, Any]:
        """One content part in the provider's wire form (validated before: glm_core.validation)."""
        if isinstance(part, TextPart):
            return {"type": "text", "text": part.text}
        if isinstance(part, ImagePart):
            url = part.url
            # Z.ai takes bare base64 (its SDK strips the data: prefix); the others a data: URL.
            bare = self.provider.inline_image == "bare_base64"
            if part.data is not None:
                url = part.data if bare else data_uri(part.mime_type, part.data)
            elif bare and url is not None and url.startswith("data:"):
                url = url.partition(",")[2]
            image: dict[str, Any] = {"url": url}
            if part.detail is not None and self.provider.image_detail:
                image["detail"] = part.detail
            return {"type": "image_url", "image_url": image}
        if isinstance(part, VideoPart):
            url = part.url if part.data is None else data_uri(part.mime_type, part.data)
            return {"type": "video_url", "video_url": {"url": url}}
        if isinstance(part, FilePart):
            file: dict[str, Any] = {}
            if part.file_id is not None:
                file["file_id"] = part.file_id
            elif part.data is not None:
                file["file_data"] = data_uri(part.mime_type, part.data)
            else:
                file[self.provider.file_url] = part.url
            if part.filename:
                file["filename"] = part.filename
            return {"type": "file", "file": file}
        raise TypeError(f"not a glm_core content part: {part!r}")

    def _encode_thinking(self, request: ChatRequest, body: dict[str, Any]) -> None:
        thinking, preserve = request.thinking, request.preserve_thinking
        if thinking is None and preserve is None:
            return
        switch = self.provider.thinking_switch
        if switch == "thinking_type":
            # Preserving earlier reasoning only makes sense while thinking; it implies "enabled".
            settings: dict[str, Any] = {"type": "disabled" if thinking is False else "enabled"}
            if preserve is not None:
                settings["clear_thinking"] = not preserve
            body["thinking"] = settings
        elif switch == "chat_template_kwargs":
            kwargs: dict[str, Any] = {}
            if thinking is not None:
                kwargs["enable_thinking"] = thinking
            if preserve is not None:
                kwargs["clear_thinking"] = not preserve
            body["chat_template_kwargs"] = kwargs
        elif switch == "enable_thinking" and thinking is not None:
            body["enable_thinking"] = thinking
        elif switch == "reasoning_enabled" and thinking is not None:
            body["reasoning"] = {"enabled": thinking}

    def _encode_effort(self, effort: str, body: dict[str, Any]) -> None:
        # Already checked against the model (glm_core.thinking); only the field differs by provider.
        where = self.provider.effort_field
        if where == "reasoning_effort":
            body["reasoning_effort"] = effort
        elif where == "reasoning.effort":
            body.setdefault("reasoning", {})["effort"] = effort
        else:
            body.setdefault("chat_template_kwargs", {})["reasoning_effort"] = effort

    def _encode_tools(self, request: ChatRequest, body: dict[str, Any], messages: list[dict[str, Any]]) -> str | None:
        """Encode tools and tool_choice; never send a tool_choice the provider refuses.

        Where only "auto" is accepted (the Z.ai family): "none" sends no tools at all, a named
        tool offers only that tool, "required" keeps the tools; in the last two cases a system
        instruction asks for the call. Wherever a call is required or named, sent or asked for,
        the answer is checked (returned: what to check).
        """
        tools = request.tools or []
        choice = request.tool_choice
        allowed = self.provider.tool_choices
        required: str | None = None
        wire_choice: Any = None
        if choice is not None:
            key = "named" if isinstance(choice, NamedToolChoice) else choice
            if key in allowed:
                wire_choice = (
                    {"type": "function", "function": {"name": choice.name}}
                    if isinstance(choice, NamedToolChoice)
                    else choice
                )
                # Sent, but servers do not all enforce it (vLLM's GLM parsers cannot): the answer
                # is checked here too; the check is a set lookup.
                if isinstance(choice, NamedToolChoice):
                    required = choice.name
                elif choice == "required":
                    required = "*"
            elif choice == "none":
                tools = []
            elif isinstance(choice, NamedToolChoice):
                tools = [t for t in tools if t.name == choice.name]
                required = choice.name
                _add_instruction(messages, f"Answer by calling the `{choice.name}` tool.")
            elif choice == "required":
                required = "*"
                _add_instruction(messages, "Answer by calling one of the available tools.")
        if tools:
            body["tools"] = [_encode_tool(t) for t in tools]
            if wire_choice is not None:
                body["tool_choice"] = wire_choice
            if request.parallel_tool_calls is not None and self.provider.supports_parallel_tool_calls:
                body["parallel_tool_calls"] = request.parallel_tool_calls
        return required

    def _encode_web_search(self, web_search: bool | dict[str, Any], body: dict[str, Any]) -> None:
        options = dict(web_search) if isinstance(web_search, dict) else {}
        if self.provider.web_search == "zai_tool":
            settings = {"enable": True, "search_engine": _DEFAULT_SEARCH_ENGINE, "search_result": True}
            settings.update(options)
            body.setdefault("tools", []).append({"type": "web_search", "web_search": settings})
        elif self.provider.web_search == "flat_params":
            body["tool_web_search"] = True
            body["search_result"] = True
            body.update(options)

    def _encode_response_format(
        self, response_format: dict[str, Any], body: dict[str, Any], messages: list[dict[str, Any]]
    ) -> None:
        kind = response_format["type"]
        if kind == "json_schema":
            # GLM reads nested models best with their $defs inlined (glm_core.schemas).
            spec = response_format["json_schema"]
            schema = inline_defs(spec["schema"])
            if schema is not spec["schema"]:
                response_format = {**response_format, "json_schema": {**spec, "schema": schema}}
        if kind in self.provider.response_formats:
            body["response_format"] = response_format
            return
        if kind == "json_schema":
            # Not native here: JSON mode plus the schema in a system instruction; the caller
            # validates the answer against the schema.
            schema = response_format["json_schema"]["schema"]
            body["response_format"] = {"type": "json_object"}
            _add_instruction(messages, json_instruction(schema))


def _count(media: list[ContentPart]) -> str:
    kinds = [
        ("image" if isinstance(p, ImagePart) else "video" if isinstance(p, VideoPart) else "document") for p in media
    ]
    counted = [f"{kinds.count(k)} {k}{'s' if kinds.count(k) > 1 else ''}" for k in ("image", "video", "document")]
    return " and ".join(c for c in counted if not c.startswith("0 "))


def _media_after_tool_results(
    messages: list[Message], wire: list[dict[str, Any]], encode_part: Callable[[ContentPart], dict[str, Any]]
) -> None:
    """Put the media of each run of tool results in one user message right after the run (a user
    turn between two results of one assistant turn would break the call / result pairing)."""
    inserted = 0
    run: list[ToolMessage] = []
    for position, message in enumerate([*messages, None]):
        if isinstance(message, ToolMessage):
            run.append(message)
            continue
        if any(m.media for m in run):
            parts: list[dict[str, Any]] = []
            for result in run:
                if result.media:
                    # The call id ties the media to its result; not the tool's name, which reads
                    # like a request to call the tool again.
                    parts.append(
                        {"type": "text", "text": f"Attached to the result of tool call {result.tool_call_id}:"}
                    )
                    parts += [encode_part(p) for p in result.media]
            wire.insert(position + inserted, {"role": "user", "content": parts})
            inserted += 1
        run = []


def _encode_tool(tool: ToolSpec) -> dict[str, Any]:
    function: dict[str, Any] = {
        "name": tool.name,
        "description": tool.description,
        # GLM-5.2 / 5.3 stringify arguments whose schema is a $ref (glm_core.schemas): inlined.
        "parameters": inline_defs(tool.parameters),
    }
    if tool.strict is not None:
        function["strict"] = tool.strict
    return {"type": "function", "function": function}


def _open_with_user_turn(messages: list[dict[str, Any]]) -> None:
    """Put `OPENING_USER_TURN` before an assistant turn that opens the conversation."""
    for i, message in enumerate(messages):
        if message["role"] != "system":
            if message["role"] == "assistant":
                messages.insert(i, {"role": "user", "content": OPENING_USER_TURN})
            return


def _add_instruction(messages: list[dict[str, Any]], text: str) -> None:
    """Append an instruction to the leading system message (or add one)."""
    if messages and messages[0]["role"] == "system" and isinstance(messages[0]["content"], str):
        messages[0] = {**messages[0], "content": f"{messages[0]['content']}\n\n{text}"}
    else:
        messages.insert(0, {"role": "system", "content": text})


def _merge(body: dict[str, Any], extra: dict[str, Any]) -> None:
    """extra_body wins, but merges one level into dicts we set (e.g. chat_template_kwargs)."""
    for key, value in extra.items():
        current = body.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            body[key] = {**current, **value}
        else:
            body[key] = value
