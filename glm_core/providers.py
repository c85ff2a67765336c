"""The provider table: one `ProviderProfile` per provider, holding every fact in which they differ.

Every provider quirk lives here (or in its dialect), never in the adapters: if an adapter needs
`if provider == ...`, a field is missing here. What each field means, its default and who differs
is documented on `ProviderProfile` (glm_core/profile.py); the facts behind the values and their
sources are in docs/providers-facts.md. Profiles are built with `dataclasses.replace` from typed
bases, so the whole table is type-checked.

Example:
    >>> get_provider("cloudflare").max_stop
    4
"""

from __future__ import annotations

from dataclasses import replace

from glm_core.error_codes import AIMLAPI_CODES, CLOUDFLARE_CODES, OPENROUTER_CODES, ZAI_CODES
from glm_core.errors import ConfigurationError
from glm_core.profile import MediaRules, NamingRule, ProviderProfile
from glm_core.services import (
    CF_EMBEDDINGS,
    CF_OPENAI_EMBEDDINGS,
    CF_RERANK,
    ZAI_EMBEDDINGS,
    ZAI_RERANK,
    openai_style_embeddings,
)

__all__ = [
    "OPENAI_STYLE_MEDIA_RULES",
    "OPENROUTER_MEDIA_RULES",
    "PROVIDERS",
    "SELF_HOSTED_MEDIA_RULES",
    "ZAI_MEDIA_RULES",
    "MediaRules",
    "NamingRule",
    "ProviderProfile",
    "get_provider",
]

_MB = 1024 * 1024
# Z.ai's vision content items: jpg/png/jpeg under 5 MB; mp4/mkv/mov up to 200 MB; pdf/txt/word/
# jsonl/xlsx/pptx up to 50 MB each, at most 50; files alone (docs/providers-facts.md, "Vision").
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
# OpenRouter's multimodal pages: images png/jpeg/webp/gif; videos mp4/mpeg/mov/webm; PDFs.
OPENROUTER_MEDIA_RULES = MediaRules(
    image_formats=frozenset({"jpg", "jpeg", "png", "webp", "gif"}),
    video_formats=frozenset({"mp4", "mpeg", "mov", "webm"}),
    file_formats=frozenset({"pdf"}),
)
# vLLM / SGLang decode images with Pillow and videos with OpenCV / decord: no list is published;
# these are the formats both decode out of the box (not SVG, not HEIC without a plugin).
SELF_HOSTED_MEDIA_RULES = MediaRules(
    image_formats=frozenset({"jpg", "jpeg", "png", "webp", "gif", "bmp", "tiff"}),
    video_formats=frozenset({"mp4", "webm", "mkv", "mov", "avi"}),
    file_formats=frozenset(),
)
# Cloudflare's GLM schemas and AI/ML API's take OpenAI-style image_url parts and name no formats:
# the OpenAI set (png, jpeg, webp, non-animated gif), mp4/webm/mov videos, PDF and text documents
# (an uncertain choice, docs/providers-facts.md).
OPENAI_STYLE_MEDIA_RULES = MediaRules(
    image_formats=frozenset({"jpg", "jpeg", "png", "webp", "gif"}),
    video_formats=frozenset({"mp4", "webm", "mov"}),
    file_formats=frozenset({"pdf", "txt"}),
)

_ZAI = ProviderProfile(
    id="zai",
    name="Z.ai",
    dialect="openai_chat",
    base_url="https://api.z.ai/api/paas/v4",
    path="/chat/completions",
    api_key_env=("ZAI_API_KEY",),
    naming=(NamingRule(),),
    temperature_range=(0.0, 1.0),
    top_p_range=(0.01, 1.0),
    max_stop=1,
    tool_choices=frozenset({"auto"}),
    response_formats=frozenset({"text", "json_object"}),
    supports_parallel_tool_calls=False,
    supports_do_sample=True,
    thinking_switch="thinking_type",
    web_search="zai_tool",
    tool_stream_param=True,
    stream_usage_needs_option=False,
    first_message_must_be_user=True,
    error_shape="zai",
    error_codes=ZAI_CODES,
    media_parts=frozenset({"image", "video", "file"}),
    inline_image="bare_base64",
    file_url="file_url",
    file_ids=True,
    media_rules=ZAI_MEDIA_RULES,
    vision_schema=True,
    embeddings=ZAI_EMBEDDINGS,
    rerank=ZAI_RERANK,
    # Only Z.ai's OpenAPI documents the tokenizer, for GLM-4.5/4.6 (the coding plan's and
    # BigModel's are not documented).
    tokenizer_path="/tokenizer",
    tokenizer_models=("glm-4.6", "glm-4.6v", "glm-4.5"),
)

_CLOUDFLARE = ProviderProfile(
    id="cloudflare",
    name="Cloudflare Workers AI",
    dialect="cloudflare_run",
    base_url="https://api.cloudflare.com/client/v4/accounts/{account_id}/ai",
    path="/run/{model}",
    api_key_env=("CLOUDFLARE_API_TOKEN",),
    account_id_env="CLOUDFLARE_ACCOUNT_ID",
    naming=(NamingRule(prefix="@cf/zai-org/"),),
    max_tokens_field="max_completion_tokens",
    # Its published input schema: logprobs, top_logprobs 0-20, n 1-128.
    logprobs=True,
    max_top_logprobs=20,
    max_n=128,
    error_shape="cloudflare",
    error_codes=CLOUDFLARE_CODES,
    # text, image_url, video_url, input_audio, file {file_data, file_id, filename}, on /run and /v1.
    media_parts=frozenset({"image", "video", "file"}),
    media_rules=OPENAI_STYLE_MEDIA_RULES,
    file_ids=True,
    image_detail=True,
    embeddings=CF_EMBEDDINGS,
    rerank=CF_RERANK,
)

_SELF_HOSTED = ProviderProfile(
    id="vllm",
    name="vLLM (self-hosted)",
    dialect="openai_chat",
    base_url=None,
    path="/chat/completions",
    api_key_env=("GLM_API_KEY",),
    api_key_required=False,
    lower_case_ids=False,
    effort_field="chat_template_kwargs",
    logprobs=True,
    max_top_logprobs=20,
    max_n=None,
    max_stop=None,
    image_detail=True,
    media_rules=SELF_HOSTED_MEDIA_RULES,
    # vLLM #38488: newer vLLM reads only `reasoning` on input and drops `reasoning_content`.
    reasoning_input_field="reasoning",
    embeddings=openai_style_embeddings(base64=True),
)

PROVIDERS: dict[str, ProviderProfile] = {
    "zai": _ZAI,
    "zai_coding": replace(
        _ZAI,
        id="zai_coding",
        name="Z.ai coding plan",
        base_url="https://api.z.ai/api/coding/paas/v4",
        preserve_thinking_default=True,
        embeddings=None,
        rerank=None,
        tokenizer_path=None,
        tokenizer_models=(),
    ),
    "bigmodel": replace(
        _ZAI,
        id="bigmodel",
        name="Zhipu BigModel",
        base_url="https://open.bigmodel.cn/api/paas/v4",
        api_key_env=("ZHIPUAI_API_KEY",),
        tokenizer_path=None,
        tokenizer_models=(),
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
        # Its glm-4-6v-flash lists vision, video_understanding, document_understanding; it serves
        # Z.ai's models and names no formats of its own: Z.ai's (an uncertain choice).
        media_parts=frozenset({"image", "video", "file"}),
        media_rules=ZAI_MEDIA_RULES,
    ),
    "cloudflare": _CLOUDFLARE,
    "cloudflare_openai": replace(
        _CLOUDFLARE,
        id="cloudflare_openai",
        name="Cloudflare Workers AI (OpenAI-compatible)",
        dialect="openai_chat",
        base_url="https://api.cloudflare.com/client/v4/accounts/{account_id}/ai/v1",
        path="/chat/completions",
        embeddings=CF_OPENAI_EMBEDDINGS,
        rerank=None,
    ),
    "aimlapi": ProviderProfile(
        id="aimlapi",
        name="AI/ML API",
        dialect="openai_chat",
        base_url="https://api.aimlapi.com/v1",
        path="/chat/completions",
        api_key_env=("AIMLAPI_API_KEY",),
        # Flash, vision and Turbo ids under "z-ai/", 5.x as "zhipu/glm-5-1".
        naming=(
            NamingRule(prefix="z-ai/", match=r"flash|turbo|^glm-[\d.]+v", label="flash, vision and turbo ids"),
            NamingRule(prefix="zhipu/", hyphen_version=True, match=r"^glm-5\.", label="GLM-5.x"),
            NamingRule(prefix="zhipu/"),
        ),
        # Its zhipu/glm-5-3 request schema (AIML): temperature 0-2, top_p 0.01-1, a thinking
        # {type: enabled | disabled} switch without clear_thinking, and no reasoning_effort (the
        # catalogue's effort_by_provider says so per model).
        temperature_range=(0.0, 2.0),
        top_p_range=(0.01, 1.0),
        max_stop=4,
        max_n=None,  # `n` is in its glm-4.7 schema; logprobs are not
        thinking_switch="thinking_type",
        supports_preserve_thinking=False,
        error_shape="aimlapi",
        error_codes=AIMLAPI_CODES,
        # The z-ai/ vision ids take OpenRouter-style image_url parts; video and files undocumented.
        media_parts=frozenset({"image"}),
        media_rules=OPENAI_STYLE_MEDIA_RULES,
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
        # OpenAI content parts; glm-flash-latest "accepts text, images and video"; PDFs go as `file`
        # parts, whose file_data takes a URL or a data: URL.
        media_parts=frozenset({"image", "video", "file"}),
        media_rules=OPENROUTER_MEDIA_RULES,
        file_url="file_data",
        image_detail=True,
        max_stop=None,
        # Its Z.AI upstream refuses any tool_choice but "auto" ("Tool choice must be auto" in real
        # traffic); which upstream serves a call is not known up front, so forcing is degraded as on
        # Z.ai: asked for and verified (UNCERTAIN_CHOICES in testing/facts.py).
        tool_choices=frozenset({"auto"}),
        # OpenAI's logprobs / top_logprobs (0-20) are passed to upstreams that have them; `n` is not
        # among OpenRouter's parameters (UNCERTAIN_CHOICES).
        logprobs=True,
        max_top_logprobs=20,
        thinking_switch="reasoning_enabled",
        supports_preserve_thinking=False,
        reasoning_input_field="reasoning_details",
        stream_usage_needs_option=False,
        error_codes=OPENROUTER_CODES,
        embeddings=openai_style_embeddings(base64=True),
    ),
    "vllm": _SELF_HOSTED,
    "sglang": replace(
        _SELF_HOSTED,
        id="sglang",
        name="SGLang (self-hosted)",
        reasoning_input_field="reasoning_content",
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
