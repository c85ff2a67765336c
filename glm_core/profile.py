"""`ProviderProfile`: the record type of the provider table, every field documented.

Each field says what it is, its default, and which providers differ from the default (the table
itself is `glm_core/providers.py`; the facts behind the values and their sources are in
`docs/providers-facts.md`). The dialects (`glm_core/dialects/`) and the validator read profiles;
the adapters never branch on a provider, they read a field.

Example:
    >>> from glm_core.providers import get_provider
    >>> get_provider("cloudflare").max_stop
    4
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from glm_core.error_codes import OPENAI_STYLE_CODES, ErrorCodes
from glm_core.services import EmbeddingService, RerankService

__all__ = [
    "EffortField",
    "ErrorShape",
    "FileUrlField",
    "InlineImage",
    "MediaPartKind",
    "MediaRules",
    "NamingRule",
    "ProviderProfile",
    "ReasoningField",
    "ThinkingSwitch",
    "ToolChoiceValue",
    "ToolResultMedia",
    "WebSearchStyle",
]

# How thinking is switched on and off (see `ProviderProfile.thinking_switch`).
ThinkingSwitch = Literal["thinking_type", "chat_template_kwargs", "enable_thinking", "reasoning_enabled", "none"]
ReasoningField = Literal["reasoning_content", "reasoning", "reasoning_details"]
ErrorShape = Literal["zai", "cloudflare", "aimlapi", "openai"]
WebSearchStyle = Literal["zai_tool", "flat_params", "none"]
ToolChoiceValue = Literal["auto", "none", "required", "named"]
EffortField = Literal["reasoning_effort", "reasoning.effort", "chat_template_kwargs"]
MediaPartKind = Literal["image", "video", "file"]
InlineImage = Literal["data_uri", "bare_base64"]
FileUrlField = Literal["file_url", "file_data", "none"]
ToolResultMedia = Literal["tool_message", "user_message"]

_DOTTED_VERSION = re.compile(r"^glm-(\d+)\.(\d+)")


@dataclass(frozen=True, slots=True)
class NamingRule:
    """How a provider spells a Z.ai model id on the wire, for the ids `match` finds.

    Example:
        >>> NamingRule(prefix="zhipu/", hyphen_version=True).apply("glm-5.1")
        'zhipu/glm-5-1'
    """

    prefix: str = ""
    """Put before the id: "z-ai/" (OpenRouter), "@cf/zai-org/" (Cloudflare)."""
    hyphen_version: bool = False
    """Write the version with a hyphen: glm-5.1 -> glm-5-1 (EmpirioLabs, AI/ML API's 5.x ids)."""
    match: str = ""
    """A regular expression searched in the lower-cased id; "" matches every id."""
    label: str = ""
    """How the docs name the ids this rule is for ("flash, vision and turbo ids")."""

    def matches(self, model: str) -> bool:
        return not self.match or re.search(self.match, model) is not None

    def apply(self, model: str) -> str:
        return self.prefix + (_DOTTED_VERSION.sub(r"glm-\1-\2", model) if self.hyphen_version else model)


@dataclass(frozen=True, slots=True)
class MediaRules:
    """The images, videos and documents a provider takes: formats by extension ("jpg", "mp4",
    "pdf"), sizes and counts. Every inline part is also checked against its own bytes
    (`glm_core.media_data`), so a format here is the format the bytes really are."""

    image_formats: frozenset[str]
    video_formats: frozenset[str]
    file_formats: frozenset[str]
    max_image_bytes: int | None = None
    """Per inline image; None: not documented, not checked (the provider's answer decides)."""
    max_video_bytes: int | None = None
    max_file_bytes: int | None = None
    max_files: int | None = None
    """Documents per request; None: not documented."""
    file_alone: bool = False
    """A document cannot share a request with images or videos."""


@dataclass(frozen=True, slots=True)
class ProviderProfile:
    """What one provider accepts and how it speaks. Read by the dialects and the validator."""

    # ---------------------------------------------------------------- identity and endpoint
    id: str
    """The provider id users pass (`provider="zai"`)."""
    name: str
    """The name error messages and docs use ("Z.ai", "OpenRouter")."""
    dialect: Literal["openai_chat", "cloudflare_run"]
    """The wire format: OpenAI chat completions, or Cloudflare's native `/ai/run/{model}` envelope
    (`cloudflare` only)."""
    base_url: str | None
    """The API root; may contain `{account_id}` (Cloudflare). None: the user must pass `base_url`
    (vllm, sglang: self-hosted)."""
    path: str
    """Appended to the base URL; may contain `{model}`. "/chat/completions" except `cloudflare`
    ("/run/{model}")."""
    api_key_env: tuple[str, ...]
    """Environment variables the key is read from, first set wins (ZAI_API_KEY, ZHIPUAI_API_KEY, ...)."""
    api_key_required: bool = True
    """Whether a call without a key is refused up front. False for vllm and sglang (servers may run
    without auth)."""
    account_id_env: str | None = None
    """The variable holding the account id the URL needs. Only the Cloudflare pair
    (CLOUDFLARE_ACCOUNT_ID)."""
    extra_headers: dict[str, str] = field(default_factory=dict)
    """Headers sent on every request. Empty for every provider today."""

    # ---------------------------------------------------------------- model ids
    naming: tuple[NamingRule, ...] = ()
    """How a Z.ai id ("glm-5.3") is spelled on the wire: the first rule that matches. Default (no
    rules): the id goes as given (vllm, sglang serve whatever name the operator chose). A
    provider-native id ("z-ai/glm-5.3", "@cf/zai-org/glm-5.3") always goes as given. Context windows
    that differ per provider are in the model catalogue (glm_core/models.py)."""
    lower_case_ids: bool = True
    """Whether ids are lower-cased first (Z.ai ids are lower case, so "GLM-4.7" works). False for
    vllm and sglang."""

    # ---------------------------------------------------------------- sampling limits
    temperature_range: tuple[float, float] | None = (0.0, 2.0)
    """Accepted temperatures. (0, 1) on the Z.ai family and EmpirioLabs; None: not in the
    provider's schema (not sent). No provider has None today."""
    top_p_range: tuple[float, float] | None = (0.0, 1.0)
    """Accepted top_p. (0.01, 1) on the Z.ai family, EmpirioLabs and aimlapi."""
    max_tokens_field: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
    """The field max_tokens is sent as. "max_completion_tokens" on the Cloudflare pair."""
    max_stop: int | None = 4
    """How many stop sequences a request may carry (None: no documented limit). 1 on the Z.ai
    family; None on openrouter, vllm, sglang."""
    supports_do_sample: bool = False
    """Whether temperature 0 is sent as `do_sample=false` (how the Z.ai API says "greedy"). True on
    the Z.ai family and EmpirioLabs."""
    logprobs: bool = False
    """Whether output log-probabilities can be asked for. True on the Cloudflare pair, openrouter,
    vllm and sglang; the Z.ai family has none."""
    max_top_logprobs: int = 0
    """The largest `top_logprobs`. 20 where `logprobs` is True."""
    max_n: int | None = 1
    """The largest `n` (answers per request; None: no documented limit). 128 on the Cloudflare
    pair; None on aimlapi, vllm, sglang."""

    # ---------------------------------------------------------------- tools and output formats
    tool_choices: frozenset[ToolChoiceValue] = frozenset({"auto", "none", "required", "named"})
    """The tool_choice values sent as such; any other is degraded by the dialect (asked for in an
    instruction and checked in the answer). Only {"auto"} on the Z.ai family, EmpirioLabs and
    openrouter (whose Z.AI upstream refuses the rest)."""
    max_tools: int | None = 128
    """How many tools a request may carry."""
    tool_name_pattern: str = r"^[a-zA-Z0-9_-]{1,64}$"
    """What a function name must match (names that do not are sanitised, glm_core.tool_policy)."""
    response_formats: frozenset[str] = frozenset({"text", "json_object", "json_schema"})
    """The response_format types sent as such. No json_schema on the Z.ai family and EmpirioLabs:
    JSON mode plus the schema as an instruction there (glm_core.structured)."""
    supports_parallel_tool_calls: bool = True
    """Whether `parallel_tool_calls` is sent. False on the Z.ai family and EmpirioLabs (the answer
    keeps its first call instead)."""
    tool_stream_param: bool = False
    """Whether `tool_stream=true` must be sent to stream a tool call's arguments (else they arrive
    whole). True on the Z.ai family and EmpirioLabs."""
    web_search: WebSearchStyle = "none"
    """Built-in web search: a `web_search` tool ("zai_tool", the Z.ai family), flat body parameters
    ("flat_params", EmpirioLabs), or none (refused before sending)."""

    # ---------------------------------------------------------------- thinking
    thinking_switch: ThinkingSwitch = "chat_template_kwargs"
    """How thinking is turned on/off: `thinking: {type: enabled|disabled}` ("thinking_type", the Z.ai
    family and aimlapi), `chat_template_kwargs.enable_thinking` (default: vllm, sglang, the
    Cloudflare pair), top-level `enable_thinking` (EmpirioLabs), `reasoning: {enabled}`
    ("reasoning_enabled", openrouter), or "none" (undocumented: `thinking=` is refused; no
    provider today)."""
    supports_preserve_thinking: bool = True
    """Whether the switch can also keep earlier turns' reasoning (`clear_thinking=false`). False on
    EmpirioLabs, aimlapi and openrouter."""
    preserve_thinking_default: bool = False
    """Whether the endpoint keeps earlier turns' reasoning unless told otherwise; only shown in the
    docs and capability tables. True on zai_coding."""
    effort_field: EffortField = "reasoning_effort"
    """Where reasoning_effort goes: top-level (default), `reasoning.effort` (openrouter), or the
    chat template's kwargs (vllm, sglang)."""
    reasoning_input_field: ReasoningField = "reasoning_content"
    """The field earlier reasoning is sent back in on assistant turns. "reasoning_details" on
    openrouter; "reasoning" on vllm (newer vLLM drops `reasoning_content`, vLLM #38488)."""

    # ---------------------------------------------------------------- conversation shape and streaming
    first_message_must_be_user: bool = False
    """Whether the first non-system turn must be the user's (Z.ai error 1214): an opening assistant
    turn then gets a user turn put before it by the dialect. True on the Z.ai family."""
    stream_usage_needs_option: bool = True
    """Whether streamed usage must be asked for with `stream_options.include_usage`. False on the
    Z.ai family and openrouter (they always send it)."""
    refusal_finish_reasons: frozenset[str] = frozenset({"content_filter", "sensitive"})
    """Finish reasons that mean "the provider's filter stopped the answer" (a refusal, refusals.py).
    The same everywhere today."""

    broken_finish_reasons: frozenset[str] = frozenset({"network_error"})
    """Finish reasons that mean "the generation broke on the provider's side": not a complete answer,
    raised as a retryable `ServerError`. Z.ai's `network_error`, kept everywhere because gateways
    (OpenRouter) pass Z.ai's finish reasons through."""

    # ---------------------------------------------------------------- errors
    error_shape: ErrorShape = "openai"
    """How error bodies are read: Z.ai's `{"error": {"code", "message"}}` with business codes,
    Cloudflare's `{"errors": [...]}` envelope, AI/ML API's, or OpenAI's (default)."""
    error_codes: ErrorCodes = OPENAI_STYLE_CODES
    """What the provider's business codes and statuses mean: retried, final, quota, ...
    (glm_core/error_codes.py). ZAI_CODES on the Z.ai family, CLOUDFLARE_CODES, AIMLAPI_CODES."""

    # ---------------------------------------------------------------- token counting
    tokenizer_path: str | None = None
    """An endpoint that counts a prompt's tokens exactly. "/tokenizer" on zai only."""
    tokenizer_models: tuple[str, ...] = ()
    """The model ids the tokenizer accepts (others are counted as the first: same tokenizer family)."""

    # ---------------------------------------------------------------- vision input
    media_parts: frozenset[MediaPartKind] = frozenset({"image", "video"})
    """The media part kinds the wire schema has (for models whose catalogue `inputs` take them).
    Files too on the Z.ai family, EmpirioLabs, the Cloudflare pair and openrouter; images only on
    aimlapi."""
    inline_image: InlineImage = "data_uri"
    """How inline images are written: a `data:` URI (default), or the bare base64 text (the Z.ai
    family: its SDK strips the prefix)."""
    file_url: FileUrlField = "none"
    """Where a document given by URL goes: `file.file_url` (the Z.ai family), `file.file_data`
    (openrouter), or nowhere (default: pass the bytes)."""
    file_ids: bool = False
    """Whether provider file ids are accepted. True on the Z.ai family and the Cloudflare pair."""
    media_rules: MediaRules | None = None
    """The formats (and, where documented, sizes) of images, videos and documents the provider
    takes, checked before sending; None: nothing is checked. ZAI_MEDIA_RULES on the Z.ai family
    and EmpirioLabs, OPENROUTER_MEDIA_RULES, SELF_HOSTED_MEDIA_RULES (vllm, sglang),
    OPENAI_STYLE_MEDIA_RULES (Cloudflare, AI/ML API): docs/providers-facts.md, "Vision"."""
    image_detail: bool = False
    """Whether image parts may carry OpenAI's `detail` hint. True on the Cloudflare pair,
    openrouter, vllm, sglang."""
    tool_result_media: ToolResultMedia = "user_message"
    """Where images, videos and documents a tool returned go: content parts of the tool message
    ("tool_message"), or a user message right after the tool results of that turn, naming the call
    each belongs to ("user_message", the default: every provider today). OpenAI's schema, which
    the OpenAI-style servers follow, takes text parts only in a tool message; Z.ai's has a string
    there and no tool role in its vision schema; vLLM refuses image parts in tool messages (vLLM
    #43203). Sources and what is uncertain: docs/providers-facts.md, "Vision"."""
    vision_schema: bool = False
    """Whether vision models have their own, narrower request schema (function tools only, no
    response_format): then web_search and, where the catalogue row says json_mode=False, JSON mode
    are refused on them. True on the Z.ai family."""

    # ---------------------------------------------------------------- retrieval on the same key
    embeddings: EmbeddingService | None = None
    """The embedding service on the same key (glm_core.services); None: not served."""
    rerank: RerankService | None = None
    """The rerank service on the same key; None: not served."""

    def wire_model(self, model: str) -> str:
        """The id this provider expects on the wire; never refuses (the provider says what it serves).

        Example:
            >>> from glm_core.providers import get_provider
            >>> get_provider("openrouter").wire_model("GLM-5.3")
            'z-ai/glm-5.3'
        """
        if not self.naming or "/" in model or model.startswith("@"):
            return model  # self-hosted, or already provider-native
        name = model.lower() if self.lower_case_ids else model
        rule = next((r for r in self.naming if r.matches(name)), None)
        return rule.apply(name) if rule is not None else name
