"""Provider profiles: one record per provider, holding every fact in which providers differ.

Every provider quirk lives here (or in its dialect), never in the adapters: if an adapter needs
`if provider == ...`, a field is missing here. The facts and their sources are in
`shared/reference/providers.md`; the section numbers below point there.

Example:
    >>> get_provider("cloudflare").max_stop
    4
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from glm_core.error_codes import AIMLAPI_CODES, CLOUDFLARE_CODES, OPENAI_STYLE_CODES, ZAI_CODES, ErrorCodes
from glm_core.errors import ConfigurationError
from glm_core.services import (
    CF_EMBEDDINGS,
    CF_OPENAI_EMBEDDINGS,
    CF_RERANK,
    ZAI_EMBEDDINGS,
    ZAI_RERANK,
    EmbeddingService,
    RerankService,
    openai_style_embeddings,
)

__all__ = ["PROVIDERS", "ZAI_MEDIA_RULES", "MediaRules", "NamingRule", "ProviderProfile", "get_provider"]

ThinkingSwitch = Literal["zai", "chat_template_kwargs", "enable_thinking", "openrouter", "none"]
ReasoningField = Literal["reasoning_content", "reasoning", "reasoning_details"]
ErrorShape = Literal["zai", "cloudflare", "aimlapi", "openai"]
WebSearchStyle = Literal["zai_tool", "flat_params", "none"]
ToolChoiceValue = Literal["auto", "none", "required", "named"]
# Where reasoning_effort goes: top-level `reasoning_effort` (Z.ai, Cloudflare, EmpirioLabs, AI/ML),
# OpenRouter's `reasoning.effort`, or the chat template's kwargs (vLLM / SGLang).
EffortField = Literal["reasoning_effort", "reasoning.effort", "chat_template_kwargs"]
MediaPartKind = Literal["image", "video", "file"]
# How inline (base64) images are written: `data:<mime>;base64,<data>` (the OpenAI form) or the bare
# base64 text (Z.ai: its SDK strips the data: prefix, models-2026.md §4.1).
InlineImage = Literal["data_uri", "bare_base64"]
# Where a document given by URL goes: Z.ai's `file.file_url`, OpenRouter's `file.file_data` (which
# takes a URL), or nowhere ("none": the provider documents no file URLs; pass the bytes).
FileUrlField = Literal["file_url", "file_data", "none"]

_DOTTED_VERSION = re.compile(r"^glm-(\d+)\.(\d+)")


@dataclass(frozen=True, slots=True)
class NamingRule:
    """How a provider spells a Z.ai model id on the wire, for the ids `match` finds.

    Example:
        >>> NamingRule(prefix="zhipu/", hyphen_version=True).apply("glm-5.1")
        'zhipu/glm-5-1'
    """

    # Put before the id: "z-ai/" (OpenRouter), "@cf/zai-org/" (Cloudflare).
    prefix: str = ""
    # Write the version with a hyphen: glm-5.1 -> glm-5-1 (EmpirioLabs, AI/ML API's 5.x ids).
    hyphen_version: bool = False
    # A regular expression searched in the lower-cased id; "" matches every id.
    match: str = ""
    # How the README names the ids this rule is for ("flash, vision and turbo ids").
    label: str = ""

    def matches(self, model: str) -> bool:
        return not self.match or re.search(self.match, model) is not None

    def apply(self, model: str) -> str:
        return self.prefix + (_DOTTED_VERSION.sub(r"glm-\1-\2", model) if self.hyphen_version else model)



@dataclass(frozen=True, slots=True)
class MediaRules:
    """What a provider documents about images, videos and documents (formats by extension, sizes).

    Example:
        >>> "png" in ZAI_MEDIA_RULES.image_formats
        True
    """

    image_formats: frozenset[str]
    video_formats: frozenset[str]
    file_formats: frozenset[str]
    max_image_bytes: int
    max_video_bytes: int
    max_file_bytes: int
    max_files: int
    # A document cannot share a request with images or videos.
    file_alone: bool


_MB = 1024 * 1024
# models-2026.md §4.1 (ZAI-OAS VisionMultimodalContentItem): jpg/png/jpeg under 5 MB; mp4/mkv/mov
# up to 200 MB; pdf/txt/word/jsonl/xlsx/pptx up to 50 MB each, at most 50; files alone.
ZAI_MEDIA_RULES = MediaRules(
    image_formats=frozenset({"jpg", "jpeg", "png"}),
    video_formats=frozenset({"mp4", "mkv", "mov"}),
    file_formats=frozenset({"pdf", "txt", "doc", "docx", "jsonl", "xlsx", "pptx"}),
    max_image_bytes=5 * _MB,
    max_video_bytes=200 * _MB,
    max_file_bytes=50 * _MB,
    max_files=50,
    file_alone=True,
)


@dataclass(frozen=True, slots=True)
class ProviderProfile:
    """What one provider accepts and how it speaks. Read by the dialects and the validator."""

    id: str
    name: str
    dialect: Literal["openai_chat", "cloudflare_run"]
    # May contain {account_id}; None means the user must pass base_url (self-hosted servers).
    base_url: str | None
    # Appended to the base URL; may contain {model} (Cloudflare's native run endpoint).
    path: str
    api_key_env: tuple[str, ...]
    api_key_required: bool = True
    account_id_env: str | None = None
    # How a Z.ai id ("glm-5.3") is spelled on the wire: the first rule that matches. No rules:
    # the id goes as given (self-hosted servers serve whatever name the operator chose). A
    # provider-native id ("z-ai/glm-5.3", "@cf/zai-org/glm-5.3") always goes as given. Context
    # windows that differ per provider are in the model catalogue (glm_core/models.py).
    naming: tuple[NamingRule, ...] = ()
    # Whether ids are lower-cased first (Z.ai ids are lower case, so "GLM-4.7" works).
    lower_case_ids: bool = True
    temperature_range: tuple[float, float] | None = (0.0, 2.0)
    top_p_range: tuple[float, float] | None = (0.0, 1.0)
    max_tokens_field: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
    max_stop: int | None = 4
    tool_choices: frozenset[ToolChoiceValue] = frozenset({"auto", "none", "required", "named"})
    max_tools: int | None = 128
    tool_name_pattern: str = r"^[a-zA-Z0-9_-]{1,64}$"
    response_formats: frozenset[str] = frozenset({"text", "json_object", "json_schema"})
    supports_parallel_tool_calls: bool = True
    # do_sample=false is how the Z.ai API says "greedy": temperature 0 is sent that way.
    supports_do_sample: bool = False
    thinking_switch: ThinkingSwitch = "chat_template_kwargs"
    # Whether the switch can also keep earlier turns' reasoning (clear_thinking=false).
    supports_preserve_thinking: bool = True
    # Whether the endpoint keeps earlier turns' reasoning unless told otherwise (coding plans).
    preserve_thinking_default: bool = False
    effort_field: EffortField = "reasoning_effort"
    reasoning_input_field: ReasoningField = "reasoning_content"
    web_search: WebSearchStyle = "none"
    # Z.ai streams a tool call's arguments whole unless tool_stream=true is sent (§1.8).
    tool_stream_param: bool = False
    # Whether streamed usage must be asked for with stream_options.include_usage.
    stream_usage_needs_option: bool = True
    # The first non-system turn must be the user's (Z.ai 1214): an opening assistant turn gets a
    # user turn put before it by the dialect (openai_chat.OPENING_USER_TURN).
    first_message_must_be_user: bool = False
    # Finish reasons that mean "the provider's filter stopped the answer" (a refusal, refusals.py).
    refusal_finish_reasons: frozenset[str] = frozenset({"content_filter", "sensitive"})
    # An endpoint that counts a prompt's tokens exactly (Z.ai POST /paas/v4/tokenizer, models-2026.md
    # §3.3), and the model ids it accepts (others are counted as the first: same tokenizer family).
    tokenizer_path: str | None = None
    tokenizer_models: tuple[str, ...] = ()
    # Output log-probabilities (logprobs, top_logprobs up to max_top_logprobs) and several answers
    # per request (n up to max_n; None: no documented limit). The Z.ai family has neither.
    logprobs: bool = False
    max_top_logprobs: int = 0
    max_n: int | None = 1
    error_shape: ErrorShape = "openai"
    # What the provider's business codes and statuses mean: retried, final, quota, ... (error_codes.py).
    error_codes: ErrorCodes = OPENAI_STYLE_CODES
    auth_scheme: Literal["bearer"] = "bearer"
    extra_headers: dict[str, str] = field(default_factory=dict)
    # Vision input (for the models whose catalogue `inputs` say they take it): which part kinds
    # the wire schema has, how inline images go, where a document URL goes, whether provider file
    # ids are accepted, and the documented format/size rules (None: not documented, not checked).
    media_parts: frozenset[MediaPartKind] = frozenset({"image", "video"})
    inline_image: InlineImage = "data_uri"
    file_url: FileUrlField = "none"
    file_ids: bool = False
    media_rules: MediaRules | None = None
    # Whether image parts may carry OpenAI's `detail` hint (Z.ai's part objects take no extra field).
    image_detail: bool = False
    # Whether vision models have their own, narrower request schema (Z.ai's ChatCompletionVisionRequest:
    # function tools only, no response_format): then web_search and, where the catalogue row says
    # json_mode=False, JSON mode are refused on them. Gateways that constrain the output themselves
    # (vLLM guided decoding, Cloudflare, OpenRouter) take response_format for any model.
    vision_schema: bool = False
    # Embeddings / rerank served on the same key (glm_core.services); None: not served.
    embeddings: EmbeddingService | None = None
    rerank: RerankService | None = None

    def wire_model(self, model: str) -> str:
        """The id this provider expects on the wire; never refuses (the provider says what it serves).

        Example:
            >>> get_provider("openrouter").wire_model("GLM-5.3")
            'z-ai/glm-5.3'
        """
        if not self.naming or "/" in model or model.startswith("@"):
            return model  # self-hosted, or already provider-native
        name = model.lower() if self.lower_case_ids else model
        rule = next((r for r in self.naming if r.matches(name)), None)
        return rule.apply(name) if rule is not None else name


_AS_IS = (NamingRule(),)


_ZAI_COMMON: dict[str, object] = dict(
    dialect="openai_chat",
    path="/chat/completions",
    naming=_AS_IS,
    temperature_range=(0.0, 1.0),
    top_p_range=(0.01, 1.0),
    max_stop=1,
    tool_choices=frozenset({"auto"}),
    response_formats=frozenset({"text", "json_object"}),
    supports_parallel_tool_calls=False,
    supports_do_sample=True,
    thinking_switch="zai",
    web_search="zai_tool",
    tool_stream_param=True,
    stream_usage_needs_option=False,
    first_message_must_be_user=True,
    error_shape="zai",
    media_parts=frozenset({"image", "video", "file"}),
    inline_image="bare_base64",
    file_url="file_url",
    file_ids=True,
    media_rules=ZAI_MEDIA_RULES,
    vision_schema=True,
    error_codes=ZAI_CODES,
)

_CF_COMMON: dict[str, object] = dict(
    # Cloudflare's published input schema: logprobs, top_logprobs 0-20, n 1-128 (providers.md §2).
    logprobs=True,
    max_top_logprobs=20,
    max_n=128,
    api_key_env=("CLOUDFLARE_API_TOKEN",),
    account_id_env="CLOUDFLARE_ACCOUNT_ID",
    naming=(NamingRule(prefix="@cf/zai-org/"),),
    max_tokens_field="max_completion_tokens",
    error_shape="cloudflare",
    # CF-JSON glm-5.3-flash input schema: text, image_url, video_url, input_audio, file {file_data,
    # file_id, filename}, on both /run and /v1 (models-2026.md §5.1).
    media_parts=frozenset({"image", "video", "file"}),
    file_ids=True,
    image_detail=True,
    error_codes=CLOUDFLARE_CODES,
)

PROVIDERS: dict[str, ProviderProfile] = {
    "zai": ProviderProfile(
        id="zai",
        name="Z.ai",
        base_url="https://api.z.ai/api/paas/v4",
        api_key_env=("ZAI_API_KEY",),
        embeddings=ZAI_EMBEDDINGS,
        rerank=ZAI_RERANK,
        # Only Z.ai's OpenAPI documents the tokenizer for GLM-4.5/4.6 (the coding plan's and BigModel's
        # for these models are not documented).
        tokenizer_path="/tokenizer",
        tokenizer_models=("glm-4.6", "glm-4.6v", "glm-4.5"),
        **_ZAI_COMMON,  # type: ignore[arg-type]
    ),
    "zai_coding": ProviderProfile(
        id="zai_coding",
        name="Z.ai coding plan",
        base_url="https://api.z.ai/api/coding/paas/v4",
        api_key_env=("ZAI_API_KEY",),
        preserve_thinking_default=True,
        **_ZAI_COMMON,  # type: ignore[arg-type]
    ),
    "bigmodel": ProviderProfile(
        id="bigmodel",
        name="Zhipu BigModel",
        base_url="https://open.bigmodel.cn/api/paas/v4",
        api_key_env=("ZHIPUAI_API_KEY",),
        embeddings=ZAI_EMBEDDINGS,
        rerank=ZAI_RERANK,
        **_ZAI_COMMON,  # type: ignore[arg-type]
    ),
    "empiriolabs": ProviderProfile(
        id="empiriolabs",
        name="EmpirioLabs",
        dialect="openai_chat",
        base_url="https://api.empiriolabs.ai/v1",
        path="/chat/completions",
        api_key_env=("EMPIRIOLABS_API_KEY",),
        naming=(NamingRule(hyphen_version=True),),
        temperature_range=(0.0, 1.0),
        top_p_range=(0.01, 1.0),
        max_stop=4,
        tool_choices=frozenset({"auto"}),
        response_formats=frozenset({"text", "json_object"}),
        supports_parallel_tool_calls=False,
        supports_do_sample=True,
        thinking_switch="enable_thinking",
        supports_preserve_thinking=False,
        web_search="flat_params",
        tool_stream_param=True,
        # EMP glm-4-6v-flash: vision, video_understanding, document_understanding (§8).
        media_parts=frozenset({"image", "video", "file"}),
    ),
    "cloudflare": ProviderProfile(
        id="cloudflare",
        name="Cloudflare Workers AI",
        dialect="cloudflare_run",
        base_url="https://api.cloudflare.com/client/v4/accounts/{account_id}/ai",
        path="/run/{model}",
        embeddings=CF_EMBEDDINGS,
        rerank=CF_RERANK,
        **_CF_COMMON,  # type: ignore[arg-type]
    ),
    "cloudflare_openai": ProviderProfile(
        id="cloudflare_openai",
        name="Cloudflare Workers AI (OpenAI-compatible)",
        dialect="openai_chat",
        base_url="https://api.cloudflare.com/client/v4/accounts/{account_id}/ai/v1",
        path="/chat/completions",
        embeddings=CF_OPENAI_EMBEDDINGS,
        **_CF_COMMON,  # type: ignore[arg-type]
    ),
    "aimlapi": ProviderProfile(
        id="aimlapi",
        name="AI/ML API",
        dialect="openai_chat",
        base_url="https://api.aimlapi.com/v1",
        path="/chat/completions",
        api_key_env=("AIMLAPI_API_KEY",),
        # models-2026.md §7: Flash, vision and Turbo ids under "z-ai/", 5.x as "zhipu/glm-5-1".
        naming=(
            NamingRule(prefix="z-ai/", match=r"flash|turbo|^glm-[\d.]+v", label="flash, vision and turbo ids"),
            NamingRule(prefix="zhipu/", hyphen_version=True, match=r"^glm-5\.", label="GLM-5.x"),
            NamingRule(prefix="zhipu/"),
        ),
        # §3: temperature and thinking are not in its glm-4.7 schema; not sent rather than guessed.
        temperature_range=None,
        top_p_range=(0.01, 1.0),
        max_stop=4,
        max_n=None,  # `n` is in its glm-4.7 schema; logprobs are not
        thinking_switch="none",
        supports_preserve_thinking=False,
        error_shape="aimlapi",
        # §7: the z-ai/ vision ids take OpenRouter-style image_url parts; video and files undocumented.
        media_parts=frozenset({"image"}),
        error_codes=AIMLAPI_CODES,
    ),
    "openrouter": ProviderProfile(
        id="openrouter",
        name="OpenRouter",
        dialect="openai_chat",
        base_url="https://openrouter.ai/api/v1",
        path="/chat/completions",
        api_key_env=("OPENROUTER_API_KEY",),
        naming=(NamingRule(prefix="z-ai/"),),
        effort_field="reasoning.effort",
        # §4.2/§6: OpenAI content parts; glm-flash-latest "accepts text, images and video"; PDFs go
        # as `file` parts, whose file_data takes a URL or a data: URL.
        media_parts=frozenset({"image", "video", "file"}),
        file_url="file_data",
        image_detail=True,
        temperature_range=(0.0, 2.0),
        top_p_range=(0.0, 1.0),
        max_stop=None,
        # Its Z.AI upstream refuses any tool_choice but "auto" ("Tool choice must be auto",
        # real-traffic.md); which upstream serves a call is not known up front, so forcing is
        # degraded as on Z.ai: asked for and verified (UNCERTAIN_CHOICES in testing/facts.py).
        tool_choices=frozenset({"auto"}),
        # OpenAI's logprobs / top_logprobs (0-20) are passed to upstreams that have them; `n` is not
        # among OpenRouter's parameters (UNCERTAIN_CHOICES).
        logprobs=True,
        max_top_logprobs=20,
        thinking_switch="openrouter",
        supports_preserve_thinking=False,
        reasoning_input_field="reasoning_details",
        stream_usage_needs_option=False,
        embeddings=openai_style_embeddings(base64=True),
    ),
    "vllm": ProviderProfile(
        id="vllm",
        name="vLLM (self-hosted)",
        dialect="openai_chat",
        base_url=None,
        path="/chat/completions",
        api_key_env=("GLM_API_KEY",),
        api_key_required=False,
        lower_case_ids=False,
        effort_field="chat_template_kwargs",
        temperature_range=(0.0, 2.0),
        top_p_range=(0.0, 1.0),
        logprobs=True,
        max_top_logprobs=20,
        max_n=None,
        max_stop=None,
        image_detail=True,
        # vLLM #38488: newer vLLM reads only `reasoning` on input and drops `reasoning_content`.
        reasoning_input_field="reasoning",
        embeddings=openai_style_embeddings(base64=True),
    ),
    "sglang": ProviderProfile(
        id="sglang",
        name="SGLang (self-hosted)",
        dialect="openai_chat",
        base_url=None,
        path="/chat/completions",
        api_key_env=("GLM_API_KEY",),
        api_key_required=False,
        lower_case_ids=False,
        effort_field="chat_template_kwargs",
        temperature_range=(0.0, 2.0),
        top_p_range=(0.0, 1.0),
        logprobs=True,
        max_top_logprobs=20,
        max_n=None,
        max_stop=None,
        image_detail=True,
        embeddings=openai_style_embeddings(base64=False),
    ),
}


def get_provider(provider_id: str) -> ProviderProfile:
    """The profile for a provider id; an unknown id lists the valid ones."""
    try:
        return PROVIDERS[provider_id]
    except KeyError:
        valid = ", ".join(PROVIDERS)
        raise ConfigurationError(f"unknown provider {provider_id!r}; valid providers: {valid}") from None
