"""Provider profiles: one record per provider, holding every fact in which providers differ.

Every provider quirk lives here (or in its dialect), never in the adapters: if an adapter needs
`if provider == ...`, a field is missing here. The facts and their sources are in
`shared/reference/providers.md`; the section numbers below point there.

Example:
    >>> get_provider("cloudflare").max_stop
    4
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from glm_core.error_codes import AIMLAPI_CODES, CLOUDFLARE_CODES, OPENAI_STYLE_CODES, ZAI_CODES, ErrorCodes
from glm_core.errors import ConfigurationError

__all__ = ["PROVIDERS", "ProviderProfile", "get_provider"]

ThinkingSwitch = Literal["zai", "chat_template_kwargs", "enable_thinking", "openrouter", "none"]
ReasoningField = Literal["reasoning_content", "reasoning", "reasoning_details"]
ErrorShape = Literal["zai", "cloudflare", "aimlapi", "openai"]
WebSearchStyle = Literal["zai_tool", "flat_params", "none"]
ToolChoiceValue = Literal["auto", "none", "required", "named"]

_ZAI_MODELS = ("glm-4.7", "glm-4.7-flash", "glm-4.7-flashx", "glm-4.6", "glm-4.5", "glm-4.5-air", "glm-4.5-flash")


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
    # User-facing id -> wire id. Ids not listed pass through only if they look provider-native.
    model_ids: dict[str, str] = field(default_factory=dict)
    # Self-hosted servers serve whatever name the operator chose: pass every id through.
    any_model: bool = False
    context_window_overrides: dict[str, int] = field(default_factory=dict)
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
    preserve_thinking_default: bool = False
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

    def wire_model(self, model: str) -> str:
        """The id this provider expects on the wire for a user-facing model id."""
        if self.any_model:
            return model
        wire = self.model_ids.get(model)
        if wire is not None:
            return wire
        if model in self.model_ids.values() or "/" in model or model.startswith("@"):
            return model  # already provider-native, e.g. "@cf/zai-org/glm-4.7-flash"
        from glm_core.errors import InvalidRequestError

        served = ", ".join(sorted(self.model_ids))
        raise InvalidRequestError(
            f"provider {self.id!r} does not serve model {model!r}; it serves: {served} "
            "(or pass the provider's own model id)",
            provider=self.id,
        )

    def context_window(self, model: str) -> int | None:
        return self.context_window_overrides.get(model)


def _same_ids(models: tuple[str, ...]) -> dict[str, str]:
    return {m: m for m in models}


def _prefixed(prefix: str, models: tuple[str, ...]) -> dict[str, str]:
    return {m: f"{prefix}{m}" for m in models}


_ZAI_COMMON: dict[str, object] = dict(
    dialect="openai_chat",
    path="/chat/completions",
    model_ids=_same_ids(_ZAI_MODELS),
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
    error_codes=ZAI_CODES,
)

_CF_MODELS = {"glm-4.7-flash": "@cf/zai-org/glm-4.7-flash"}
_CF_COMMON: dict[str, object] = dict(
    # Cloudflare's published input schema: logprobs, top_logprobs 0-20, n 1-128 (providers.md §2).
    logprobs=True,
    max_top_logprobs=20,
    max_n=128,
    api_key_env=("CLOUDFLARE_API_TOKEN",),
    account_id_env="CLOUDFLARE_ACCOUNT_ID",
    model_ids=_CF_MODELS,
    context_window_overrides={"glm-4.7-flash": 131_072},
    max_tokens_field="max_completion_tokens",
    error_shape="cloudflare",
    error_codes=CLOUDFLARE_CODES,
)

PROVIDERS: dict[str, ProviderProfile] = {
    "zai": ProviderProfile(
        id="zai",
        name="Z.ai",
        base_url="https://api.z.ai/api/paas/v4",
        api_key_env=("ZAI_API_KEY",),
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
        **_ZAI_COMMON,  # type: ignore[arg-type]
    ),
    "empiriolabs": ProviderProfile(
        id="empiriolabs",
        name="EmpirioLabs",
        dialect="openai_chat",
        base_url="https://api.empiriolabs.ai/v1",
        path="/chat/completions",
        api_key_env=("EMPIRIOLABS_API_KEY",),
        model_ids={"glm-4.7-flash": "glm-4-7-flash"},
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
    ),
    "cloudflare": ProviderProfile(
        id="cloudflare",
        name="Cloudflare Workers AI",
        dialect="cloudflare_run",
        base_url="https://api.cloudflare.com/client/v4/accounts/{account_id}/ai",
        path="/run/{model}",
        **_CF_COMMON,  # type: ignore[arg-type]
    ),
    "cloudflare_openai": ProviderProfile(
        id="cloudflare_openai",
        name="Cloudflare Workers AI (OpenAI-compatible)",
        dialect="openai_chat",
        base_url="https://api.cloudflare.com/client/v4/accounts/{account_id}/ai/v1",
        path="/chat/completions",
        **_CF_COMMON,  # type: ignore[arg-type]
    ),
    "aimlapi": ProviderProfile(
        id="aimlapi",
        name="AI/ML API",
        dialect="openai_chat",
        base_url="https://api.aimlapi.com/v1",
        path="/chat/completions",
        api_key_env=("AIMLAPI_API_KEY",),
        model_ids=_prefixed("zhipu/", ("glm-4.7", "glm-4.6", "glm-4.5", "glm-4.5-air")),
        # §3: temperature and thinking are not in its glm-4.7 schema; not sent rather than guessed.
        temperature_range=None,
        top_p_range=(0.01, 1.0),
        max_stop=4,
        max_n=None,  # `n` is in its glm-4.7 schema; logprobs are not
        thinking_switch="none",
        supports_preserve_thinking=False,
        error_shape="aimlapi",
        error_codes=AIMLAPI_CODES,
    ),
    "openrouter": ProviderProfile(
        id="openrouter",
        name="OpenRouter",
        dialect="openai_chat",
        base_url="https://openrouter.ai/api/v1",
        path="/chat/completions",
        api_key_env=("OPENROUTER_API_KEY",),
        model_ids=_prefixed("z-ai/", ("glm-4.7", "glm-4.7-flash", "glm-4.6", "glm-4.5", "glm-4.5-air")),
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
    ),
    "vllm": ProviderProfile(
        id="vllm",
        name="vLLM (self-hosted)",
        dialect="openai_chat",
        base_url=None,
        path="/chat/completions",
        api_key_env=("GLM_API_KEY",),
        api_key_required=False,
        any_model=True,
        temperature_range=(0.0, 2.0),
        top_p_range=(0.0, 1.0),
        logprobs=True,
        max_top_logprobs=20,
        max_n=None,
        max_stop=None,
        # vLLM #38488: newer vLLM reads only `reasoning` on input and drops `reasoning_content`.
        reasoning_input_field="reasoning",
    ),
    "sglang": ProviderProfile(
        id="sglang",
        name="SGLang (self-hosted)",
        dialect="openai_chat",
        base_url=None,
        path="/chat/completions",
        api_key_env=("GLM_API_KEY",),
        api_key_required=False,
        any_model=True,
        temperature_range=(0.0, 2.0),
        top_p_range=(0.0, 1.0),
        logprobs=True,
        max_top_logprobs=20,
        max_n=None,
        max_stop=None,
    ),
}


def get_provider(provider_id: str) -> ProviderProfile:
    """The profile for a provider id; an unknown id lists the valid ones."""
    try:
        return PROVIDERS[provider_id]
    except KeyError:
        valid = ", ".join(PROVIDERS)
        raise ConfigurationError(f"unknown provider {provider_id!r}; valid providers: {valid}") from None
