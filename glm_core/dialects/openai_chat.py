"""The OpenAI-style chat-completions dialect, spoken (with variations) by every provider but one.

Z.ai, BigModel, the coding plan, EmpirioLabs, AI/ML API, OpenRouter, vLLM, SGLang and Cloudflare's
/ai/v1 endpoint all take `POST .../chat/completions` with OpenAI-shaped messages and answer in
OpenAI-shaped completions and chunks. What differs between them (reasoning field names, the
thinking switch, stop and tool_choice limits, web search, usage in streams) is read from the
provider profile; nothing here tests a provider id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from glm_core.dialects import fields
from glm_core.dialects.errors import error_from_body
from glm_core.errors import InvalidRequestError, ResponseDecodeError
from glm_core.media import data_uri
from glm_core.models import ModelProfile
from glm_core.providers import ProviderProfile
from glm_core.structured import json_instruction
from glm_core.types import (
    AssistantMessage,
    ChatChunk,
    ChatRequest,
    ChatResponse,
    ContentPart,
    FilePart,
    ImagePart,
    Message,
    NamedToolChoice,
    SystemMessage,
    TextPart,
    ToolCall,
    ToolCallDelta,
    ToolMessage,
    ToolSpec,
    Usage,
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


class OpenAIChatDialect:
    """Encodes canonical requests and decodes responses, events and bodies for one provider."""

    def __init__(self, provider: ProviderProfile) -> None:
        self.provider = provider

    # ------------------------------------------------------------------ requests

    def encode(self, request: ChatRequest, model: ModelProfile, *, stream: bool) -> EncodedRequest:
        provider = self.provider
        wire_model = provider.wire_model(request.model)
        messages = [self._encode_message(m) for m in request.messages]
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
            if provider.stream_usage_needs_option:
                body["stream_options"] = {"include_usage": True}
            if provider.tool_stream_param and model.tool_stream and body.get("tools"):
                body["tool_stream"] = True
        if request.extra_body:
            _merge(body, request.extra_body)
        return EncodedRequest(self.endpoint_path(wire_model), body, tool_call_required)

    def endpoint_path(self, wire_model: str) -> str:
        return self.provider.path

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
            return {"role": "tool", "tool_call_id": message.tool_call_id, "content": content}
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
        instruction asks for the call and the answer is checked (returned: what to check).
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
        if kind in self.provider.response_formats:
            body["response_format"] = response_format
            return
        if kind == "json_schema":
            # Not native here: JSON mode plus the schema in a system instruction; the caller
            # validates the answer against the schema.
            schema = response_format["json_schema"]["schema"]
            body["response_format"] = {"type": "json_object"}
            _add_instruction(messages, json_instruction(schema))

    # ------------------------------------------------------------------ responses

    def unwrap(self, data: Any) -> dict[str, Any]:
        """The completion object inside a decoded non-streamed body."""
        if not isinstance(data, dict):
            raise ResponseDecodeError(
                f"expected a JSON object from {self.provider.name}, got {type(data).__name__}",
                provider=self.provider.id,
            )
        if data.get("error") or data.get("object") == "error" or data.get("success") is False:
            # An error body with status 200 (Cloudflare's success:false, SGLang's object:error,
            # proxies passing errors on). A null `error` field next to choices is not an error.
            raise error_from_body(self.provider, 200, data, {})
        return data

    def decode_response(self, data: Any) -> ChatResponse:
        completion = self.unwrap(data)
        try:
            choices: Any = completion.get("choices")
            choice = choices[0] if isinstance(choices, list) and choices else None
            message = choice.get("message") if isinstance(choice, dict) else None
            if not isinstance(choice, dict) or not isinstance(message, dict):
                raise ResponseDecodeError(
                    f"{self.provider.name} answered without choices[0].message", provider=self.provider.id
                )
            response = self._choice_response(choice, message, completion)
            response.usage = decode_usage(completion.get("usage"))
            response.web_search = fields.items(completion.get("web_search"), "web_search") or None
            others = fields.items(choices[1:], "choices")
            if others:  # n > 1: every other answer, in order
                response.alternatives = [
                    self._choice_response(c, fields.mapping(c.get("message"), "message"), completion) for c in others
                ]
            return response
        except fields.DECODE_FAILURES as exc:
            raise self.malformed("answer", exc) from None

    def _choice_response(
        self, choice: dict[str, Any], message: dict[str, Any], completion: dict[str, Any]
    ) -> ChatResponse:
        """One choice's answer; raises `MalformedField` on a value of the wrong type."""
        return ChatResponse(
            content=fields.text(message.get("content"), "message.content"),
            reasoning=_reasoning_of(message) or None,
            tool_calls=[
                _decode_tool_call(c, i) for i, c in enumerate(fields.items(message.get("tool_calls"), "tool_calls"))
            ],
            finish_reason=fields.label(choice.get("finish_reason"), "finish_reason"),
            model=fields.label(completion.get("model"), "model"),
            id=fields.optional_text(completion.get("id"), "id"),
            provider=self.provider.id,
            raw=completion,
            logprobs=_logprobs_of(choice),
        )

    def decode_event(self, event: dict[str, Any]) -> ChatChunk:
        """One `data:` object of a stream (the caller has already checked it for `error`)."""
        try:
            return self._decode_event(event)
        except fields.DECODE_FAILURES as exc:
            raise self.malformed("stream event", exc) from None

    def malformed(self, what: str, exc: BaseException) -> ResponseDecodeError:
        """The one error for a value of the wrong type anywhere in a body or an event."""
        detail = str(exc) if isinstance(exc, fields.MalformedField) else f"{type(exc).__name__}: {str(exc)[:200]}"
        return ResponseDecodeError(f"{self.provider.name} sent a malformed {what}: {detail}", provider=self.provider.id)

    def _decode_event(self, event: dict[str, Any]) -> ChatChunk:
        chunk = ChatChunk(
            model=fields.label(event.get("model"), "model"),
            id=fields.optional_text(event.get("id"), "id"),
            raw=event,
        )
        choices = fields.items(event.get("choices"), "choices")
        if choices:
            choice = choices[0]
            delta = fields.mapping(choice.get("delta"), "delta")
            if delta:
                content = fields.text(delta.get("content"), "delta.content")
                if content:
                    chunk.content = content
                reasoning = _reasoning_of(delta)
                if reasoning:
                    chunk.reasoning = reasoning
                calls = fields.items(delta.get("tool_calls"), "delta.tool_calls")
                if calls:
                    chunk.tool_calls = [_decode_tool_call_delta(c) for c in calls]
            chunk.finish_reason = fields.label(choice.get("finish_reason"), "finish_reason")
            if choice.get("logprobs"):
                chunk.logprobs = _logprobs_of(choice)
        usage = event.get("usage")
        if usage:
            chunk.usage = decode_usage(usage)
        web_search = fields.items(event.get("web_search"), "web_search")
        if web_search:
            chunk.web_search = web_search
        return chunk


def _encode_tool(tool: ToolSpec) -> dict[str, Any]:
    function: dict[str, Any] = {
        "name": tool.name,
        "description": tool.description,
        "parameters": tool.parameters,
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


def _reasoning_of(message: dict[str, Any]) -> str:
    # Z.ai/SGLang: reasoning_content; vLLM and Cloudflare: both; OpenRouter: reasoning (+details).
    text = fields.text(message.get("reasoning_content"), "reasoning_content") or fields.text(
        message.get("reasoning"), "reasoning"
    )
    if text:
        return text
    details = fields.items(message.get("reasoning_details"), "reasoning_details")
    return "".join(fields.text(d.get("text"), "reasoning_details.text") for d in details)


def _logprobs_of(choice: dict[str, Any]) -> list[dict[str, Any]] | None:
    # OpenAI shape {"content": [{token, logprob, bytes, top_logprobs}]}; null where not asked for.
    logprobs = choice.get("logprobs")
    if logprobs is None:
        return None
    content = fields.mapping(logprobs, "logprobs").get("content")
    return fields.items(content, "logprobs.content") or None


def _decode_tool_call(call: dict[str, Any], position: int) -> ToolCall:
    function = call.get("function")
    if not isinstance(function, dict):
        raise fields.MalformedField(f"tool call {position + 1} has no function object")
    name = fields.text(function.get("name"), "tool_call.name")
    if not name:
        raise fields.MalformedField(f"tool call {position + 1} has no function name")
    return ToolCall(
        id=fields.optional_text(call.get("id"), "tool_call.id") or f"call_{position}",
        name=name,
        arguments=fields.arguments(function.get("arguments"), "tool_call.arguments"),
        type=fields.label(call.get("type"), "tool_call.type") or "function",
    )


def _decode_tool_call_delta(call: dict[str, Any]) -> ToolCallDelta:
    # A delta may leave `function` out (an id-only piece); null in its place is malformed.
    function = fields.mapping(call.get("function", {}), "tool_call.function", nullable=False)
    return ToolCallDelta(
        # None when the server left it out: the stream's assembler places the call (by id).
        index=fields.index(call.get("index"), "tool_call.index"),
        id=fields.optional_text(call.get("id"), "tool_call.id"),
        name=fields.text(function.get("name"), "tool_call.name") or None,
        arguments=fields.arguments(function.get("arguments"), "tool_call.arguments"),
    )


def decode_usage(usage: Any) -> Usage | None:
    """The token counts of a `usage` object (None when there is none); raises `MalformedField`."""
    if not usage:
        return None
    usage = fields.mapping(usage, "usage")
    prompt = fields.count(usage.get("prompt_tokens"), "usage.prompt_tokens") or 0
    completion = fields.count(usage.get("completion_tokens"), "usage.completion_tokens") or 0
    total = fields.count(usage.get("total_tokens"), "usage.total_tokens")
    prompt_details = fields.mapping(usage.get("prompt_tokens_details"), "usage.prompt_tokens_details")
    completion_details = fields.mapping(usage.get("completion_tokens_details"), "usage.completion_tokens_details")
    return Usage(
        input_tokens=prompt,
        output_tokens=completion,
        total_tokens=total or prompt + completion,
        cached_tokens=fields.count(prompt_details.get("cached_tokens"), "usage.cached_tokens"),
        reasoning_tokens=fields.count(completion_details.get("reasoning_tokens"), "usage.reasoning_tokens"),
        raw=usage,
    )
