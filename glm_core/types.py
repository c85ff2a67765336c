"""Canonical, provider-neutral request and response types.

The adapters translate LangChain / LlamaIndex objects to these and back; the dialects translate
these to and from each provider's wire format. They are plain slotted dataclasses (not pydantic
models) because they are built on every call and every stream event: construction must be cheap.

Example:
    >>> request = ChatRequest(model="glm-4.7-flash", messages=[UserMessage("Hi")], thinking=False)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from glm_core.models import EffortLevel

__all__ = [
    "AssistantMessage",
    "ChatChunk",
    "ChatRequest",
    "ChatResponse",
    "ContentPart",
    "FilePart",
    "ImagePart",
    "Message",
    "NamedToolChoice",
    "ResponseFormat",
    "SystemMessage",
    "TextPart",
    "ToolCall",
    "ToolCallDelta",
    "ToolChoice",
    "ToolMessage",
    "ToolSpec",
    "Usage",
    "UserMessage",
    "VideoPart",
]


@dataclass(slots=True)
class TextPart:
    text: str


@dataclass(slots=True)
class ImagePart:
    """An image: by `url` (http(s); a `data:` URL is accepted too), or inline as base64 `data`
    with its `mime_type`. Text-only models refuse it before sending. Build one from a local path
    or bytes with `glm_core.media.image_part`.

    Example:
        >>> ImagePart(data="iVBORw0KGgo...", mime_type="image/png").mime_type
        'image/png'
    """

    url: str | None = None
    data: str | None = None  # base64, without a `data:` prefix
    mime_type: str | None = None
    # OpenAI's resolution hint ("auto", "low", "high"), sent where the provider's schema has it.
    detail: str | None = None


@dataclass(slots=True)
class VideoPart:
    """A video: by `url`, or inline as base64 `data` with its `mime_type` (Z.ai: mp4, mkv, mov)."""

    url: str | None = None
    data: str | None = None
    mime_type: str | None = None


@dataclass(slots=True)
class FilePart:
    """A document (pdf, txt, docx, jsonl, xlsx, pptx): by `url`, inline base64 `data` with its
    `mime_type`, or a `file_id` from the provider's files API; `filename` names it for the model."""

    url: str | None = None
    data: str | None = None
    mime_type: str | None = None
    file_id: str | None = None
    filename: str | None = None


ContentPart: TypeAlias = TextPart | ImagePart | VideoPart | FilePart


@dataclass(slots=True)
class SystemMessage:
    content: str


@dataclass(slots=True)
class UserMessage:
    content: str | list[ContentPart]
    name: str | None = None


@dataclass(slots=True)
class ToolCall:
    """A call the model asked for. `arguments` is the JSON text exactly as the provider sent it."""

    id: str
    name: str
    arguments: str
    type: str = "function"


@dataclass(slots=True)
class AssistantMessage:
    """An assistant turn; `reasoning` is sent back in the field the provider reads."""

    content: str | None = None
    reasoning: str | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)
    name: str | None = None


@dataclass(slots=True)
class ToolMessage:
    """A tool's result. `content` is its text; `media` the images, videos or documents it returned
    (a screenshot tool), which reach the model as media: in the tool message where the provider
    takes them there, else in a user message right after the results
    (`ProviderProfile.tool_result_media`). Never as base64 in the text, never dropped."""

    content: str
    tool_call_id: str
    name: str | None = None
    is_error: bool = False
    media: list[ContentPart] = field(default_factory=list)


Message: TypeAlias = SystemMessage | UserMessage | AssistantMessage | ToolMessage


@dataclass(slots=True)
class ToolSpec:
    """A function the model may call; `parameters` is a JSON schema object."""

    name: str
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=lambda: {"type": "object", "properties": {}})
    strict: bool | None = None


@dataclass(slots=True, frozen=True)
class NamedToolChoice:
    """Force one tool by name."""

    name: str


ToolChoice: TypeAlias = Literal["auto", "none", "required"] | NamedToolChoice

# {"type": "text"} | {"type": "json_object"} |
# {"type": "json_schema", "json_schema": {"name": ..., "schema": {...}, "strict": bool}}
ResponseFormat: TypeAlias = dict[str, Any]


@dataclass(slots=True)
class ChatRequest:
    """Everything one chat call can ask for, in one vocabulary for every provider.

    `model` is the user-facing id ("glm-4.7-flash"); the provider profile maps it to the wire id.
    `None` means "leave it to the provider's default" for every optional field.
    `extra_body` is merged last into the JSON body: the escape hatch for provider-specific fields.
    """

    model: str
    messages: list[Message]
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    stop: list[str] | None = None
    seed: int | None = None
    thinking: bool | None = None
    preserve_thinking: bool | None = None
    web_search: bool | dict[str, Any] | None = None
    tools: list[ToolSpec] | None = None
    tool_choice: ToolChoice | None = None
    parallel_tool_calls: bool | None = None
    response_format: ResponseFormat | None = None
    extra_body: dict[str, Any] | None = None
    extra_headers: dict[str, str] | None = None
    # none | minimal | low | medium | high | xhigh | max; checked per model (glm_core/thinking.py).
    reasoning_effort: EffortLevel | None = None
    # Log-probabilities of the output tokens (and the `top_logprobs` likeliest alternatives at
    # each), and `n` answers to one prompt: where the provider has them (ProviderProfile.logprobs).
    logprobs: bool | None = None
    top_logprobs: int | None = None
    n: int | None = None
    # Streamed: whether to ask for the usage event where a provider sends it only when asked
    # (`stream_options.include_usage`); False asks nothing. Where it always comes, it still does.
    stream_usage: bool | None = None


@dataclass(slots=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    cached_tokens: int | None = None
    reasoning_tokens: int | None = None
    raw: dict[str, Any] | None = None


@dataclass(slots=True)
class ChatResponse:
    """A whole answer: from a non-streamed call, or assembled from a stream."""

    content: str = ""
    reasoning: str | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)
    finish_reason: str | None = None
    usage: Usage | None = None
    web_search: list[dict[str, Any]] | None = None
    model: str | None = None
    id: str | None = None
    provider: str | None = None
    raw: dict[str, Any] | None = None
    # OpenAI's `choices[i].logprobs.content`: [{"token", "logprob", "bytes", "top_logprobs": [...]}].
    logprobs: list[dict[str, Any]] | None = None
    # With n > 1: the other answers (choices[1:]), each a whole ChatResponse.
    alternatives: list[ChatResponse] = field(default_factory=list)

    def to_message(self) -> AssistantMessage:
        """The assistant turn to append to the history (reasoning included, for interleaved thinking)."""
        return AssistantMessage(content=self.content, reasoning=self.reasoning, tool_calls=list(self.tool_calls))


@dataclass(slots=True)
class ToolCallDelta:
    """A piece of a streamed tool call; pieces with the same `index` belong to one call.

    `index` is None when the provider left it out; a stream's assembler sets it to the call's
    position (a new `id` at a taken index is a new call) before the chunk reaches you, and leaves
    in `id`, `name` and `arguments` only what is new (a repeated name is None, a resent call only
    its unseen tail): the deltas of one index concatenate into the call.
    """

    index: int | None
    id: str | None = None
    name: str | None = None
    arguments: str = ""


@dataclass(slots=True)
class ChatChunk:
    """One stream event, decoded. Empty strings mean "nothing new of that kind"."""

    content: str = ""
    reasoning: str = ""
    tool_calls: list[ToolCallDelta] | None = None
    finish_reason: str | None = None
    usage: Usage | None = None
    web_search: list[dict[str, Any]] | None = None
    model: str | None = None
    id: str | None = None
    raw: dict[str, Any] | None = None
    logprobs: list[dict[str, Any]] | None = None
