"""The emulator's own server-side facts, one record per provider, taken from providers.md.

This table is deliberately independent of `glm_core.providers`: the emulator is the oracle the
client is tested against, so a wrong client profile must not make the emulator wrong too.

Choices made where providers.md is UNCERTAIN or silent (also listed in `UNCERTAIN_CHOICES`):
see that tuple at the bottom of this module.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from glm_core.testing.retrieval_facts import RETRIEVAL_UNCERTAIN_CHOICES
from glm_core.testing.shapes import SHAPE_UNCERTAIN_CHOICES

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "PROVIDER_FACTS",
    "UNCERTAIN_CHOICES",
    "ZAI_MODELS",
    "Family",
    "ProviderFacts",
    "facts_for",
]

DEFAULT_ACCOUNT_ID = "0123456789abcdef0123456789abcdef"

Family = Literal["zai", "cloudflare", "aimlapi", "empiriolabs", "openrouter", "vllm", "sglang"]

# The ids each provider serves, as documented (models-2026.md §1.1, §5.1, §6, §7, §8), written
# out here rather than derived from the client's naming rules, so a wrong rule fails a test.
# Z.ai: both enums of its current spec (text, vision) plus the Turbo ids its guides still document.
ZAI_MODELS: tuple[str, ...] = (
    "glm-5.3",
    "glm-5.2",
    "glm-5.1",
    "glm-5",
    "glm-4.7",
    "glm-4.7-flash",
    "glm-4.7-flashx",
    "glm-4.6",
    "glm-4.5",
    "glm-4.5-air",
    "glm-4.5-x",
    "glm-4.5-airx",
    "glm-4.5-flash",
    "glm-4-32b-0414-128k",
    "glm-5.3-flashx",
    "glm-5.3-flash",
    "glm-4.6v",
    "glm-4.6v-flash",
    "glm-4.6v-flashx",
    "glm-4.5v",
    "glm-5-turbo",
    "glm-5v-turbo",
)
CF_MODEL = "@cf/zai-org/glm-4.7-flash"
CF_MODELS: tuple[str, ...] = (CF_MODEL, "@cf/zai-org/glm-5.2", "@cf/zai-org/glm-5.3", "@cf/zai-org/glm-5.3-flash")
EMPIRIOLABS_MODELS: tuple[str, ...] = ("glm-4-7-flash", "glm-4-6v-flash", "glm-5-1", "glm-5-2")
AIMLAPI_MODELS: tuple[str, ...] = (
    "zhipu/glm-4.7",
    "zhipu/glm-4.6",
    "zhipu/glm-4.5",
    "zhipu/glm-4.5-air",
    "zhipu/glm-5",
    "zhipu/glm-5-1",
    "zhipu/glm-5-2",
    "zhipu/glm-5.3",
    "zhipu/glm-5-3",
    "z-ai/glm-4.7-flash",
    "z-ai/glm-4.6v",
    "z-ai/glm-4.5v",
    "z-ai/glm-5-turbo",
    "z-ai/glm-5v-turbo",
)
OPENROUTER_MODELS: tuple[str, ...] = tuple(
    f"z-ai/{name}"
    for name in (
        "glm-4.5",
        "glm-4.5-air",
        "glm-4.5v",
        "glm-4.6",
        "glm-4.6v",
        "glm-4.7",
        "glm-4.7-flash",
        "glm-5",
        "glm-5-turbo",
        "glm-5.1",
        "glm-5.2",
        "glm-5v-turbo",
        "glm-5.3",
        "glm-5.3:batch",
        "glm-5.3-flash",
    )
)


@dataclass(frozen=True, slots=True)
class ProviderFacts:
    """What one provider's server accepts and how it answers.

    `base_url` may contain `{account_id}`; `endpoint` is the path after it (`{model}` for the
    Cloudflare native route, where the model is in the path).
    """

    id: str
    family: Family
    base_url: str
    endpoint: str
    models: tuple[str, ...]
    # Self-hosted servers only check the key when started with one; hosted ones always do.
    auth_required: bool = True
    envelope: bool = False  # Cloudflare native wraps a non-streamed answer in {result, success, ...}
    # Reasoning output field names, in the order they are written.
    reasoning_fields: tuple[str, ...] = ("reasoning_content",)
    # Empty assistant text: "" on the Z.ai-derived APIs, null on vLLM-backed ones.
    empty_content_null: bool = False
    # "always": usage in the stream without asking; "include_usage": only with stream_options.
    stream_usage: Literal["always", "include_usage"] = "always"
    # "finish": usage rides on the finish_reason chunk (Z.ai); "separate": a last chunk with
    # `choices: []` (vLLM / OpenAI convention).
    stream_usage_chunk: Literal["finish", "separate"] = "finish"
    # "tool_stream": arguments whole unless `tool_stream: true`; "incremental": always split.
    tool_args_stream: Literal["tool_stream", "incremental", "whole"] = "tool_stream"
    id_style: Literal["zai", "chatcmpl16", "chatcmpl32", "hex32", "openrouter"] = "zai"
    tool_id_style: Literal["zai", "vllm", "call_hex"] = "zai"
    error_style: Literal["zai", "cloudflare", "aimlapi", "openai", "openrouter", "vllm", "sglang"] = "zai"
    sse_content_type: str = "text/event-stream; charset=utf-8"
    # The path after the base URL of a token-counting endpoint (Z.ai's /tokenizer), if any.
    tokenizer_endpoint: str | None = None

    def resolved_base_url(self, account_id: str) -> str:
        """The real base URL with the account id filled in."""
        return self.base_url.replace("{account_id}", account_id)


def _zai(provider_id: str, base_url: str) -> ProviderFacts:
    # The three Z.ai bases share one dialect; only the URL differs.
    return ProviderFacts(
        id=provider_id,
        family="zai",
        base_url=base_url,
        endpoint="/chat/completions",
        models=ZAI_MODELS,
        sse_content_type="text/event-stream;charset=UTF-8",
    )


PROVIDER_FACTS: dict[str, ProviderFacts] = {
    "zai": replace(_zai("zai", "https://api.z.ai/api/paas/v4"), tokenizer_endpoint="/tokenizer"),
    "zai_coding": _zai("zai_coding", "https://api.z.ai/api/coding/paas/v4"),
    "bigmodel": _zai("bigmodel", "https://open.bigmodel.cn/api/paas/v4"),
    "empiriolabs": ProviderFacts(
        id="empiriolabs",
        family="empiriolabs",
        base_url="https://api.empiriolabs.ai/v1",
        endpoint="/chat/completions",
        models=EMPIRIOLABS_MODELS,
        id_style="chatcmpl32",
        tool_id_style="call_hex",
        error_style="openai",
    ),
    "cloudflare": ProviderFacts(
        id="cloudflare",
        family="cloudflare",
        base_url="https://api.cloudflare.com/client/v4/accounts/{account_id}/ai",
        endpoint="/run/{model}",
        models=CF_MODELS,
        envelope=True,
        reasoning_fields=("reasoning", "reasoning_content"),
        empty_content_null=True,
        stream_usage="include_usage",
        stream_usage_chunk="separate",
        tool_args_stream="incremental",
        id_style="chatcmpl16",
        tool_id_style="vllm",
        error_style="cloudflare",
    ),
    "cloudflare_openai": ProviderFacts(
        id="cloudflare_openai",
        family="cloudflare",
        base_url="https://api.cloudflare.com/client/v4/accounts/{account_id}/ai/v1",
        endpoint="/chat/completions",
        models=CF_MODELS,
        reasoning_fields=("reasoning", "reasoning_content"),
        empty_content_null=True,
        stream_usage="include_usage",
        stream_usage_chunk="separate",
        tool_args_stream="incremental",
        id_style="chatcmpl16",
        tool_id_style="vllm",
        error_style="cloudflare",
    ),
    "aimlapi": ProviderFacts(
        id="aimlapi",
        family="aimlapi",
        base_url="https://api.aimlapi.com/v1",
        endpoint="/chat/completions",
        models=AIMLAPI_MODELS,
        stream_usage="include_usage",
        tool_args_stream="whole",
        error_style="aimlapi",
    ),
    "openrouter": ProviderFacts(
        id="openrouter",
        family="openrouter",
        base_url="https://openrouter.ai/api/v1",
        endpoint="/chat/completions",
        models=OPENROUTER_MODELS,
        reasoning_fields=("reasoning",),
        stream_usage_chunk="separate",
        tool_args_stream="incremental",
        id_style="openrouter",
        tool_id_style="call_hex",
        error_style="openrouter",
        sse_content_type="text/event-stream",  # as captured (real-traffic.md)
    ),
    "vllm": ProviderFacts(
        id="vllm",
        family="vllm",
        base_url="http://localhost:8000/v1",
        endpoint="/chat/completions",
        models=(),  # the served name, set per Emulator
        auth_required=False,
        reasoning_fields=("reasoning", "reasoning_content"),
        empty_content_null=True,
        stream_usage="include_usage",
        stream_usage_chunk="separate",
        tool_args_stream="incremental",
        id_style="chatcmpl32",
        tool_id_style="vllm",
        error_style="vllm",
    ),
    "sglang": ProviderFacts(
        id="sglang",
        family="sglang",
        base_url="http://localhost:30000/v1",
        endpoint="/chat/completions",
        models=(),
        auth_required=False,
        empty_content_null=True,
        stream_usage="include_usage",
        stream_usage_chunk="separate",
        tool_args_stream="incremental",
        id_style="hex32",
        tool_id_style="call_hex",
        error_style="sglang",
    ),
}


def facts_for(provider: str) -> ProviderFacts:
    """The facts record for a provider id, or a ValueError listing the known ids."""
    try:
        return PROVIDER_FACTS[provider]
    except KeyError:
        raise ValueError(
            f"unknown provider {provider!r}; the emulator serves {', '.join(sorted(PROVIDER_FACTS))}"
        ) from None


# Every place where providers.md is UNCERTAIN or silent and the emulator had to choose.
UNCERTAIN_CHOICES: tuple[str, ...] = (
    "Z.ai: tool_choice accepts only the string 'auto'; any other value (including the object the "
    "coding endpoint was once seen to accept) is a 400 with code 1210.",
    "Z.ai: parameter range/type violations answer 1210 'Invalid API parameter, please check the "
    "documentation.'; message-structure violations answer 1214; a missing model/messages answers 1213.",
    "Z.ai: 'first non-system message must be user' (1214 'Incorrect role information') is enforced "
    "as a general rule on all three Z.ai bases.",
    "Z.ai: max_tokens is validated as 1..131072 for every model (observed: 'valid range [1,131072]'), "
    "and above the model's own output limit (glm-4.5: 98,304; glm-4.6v: 32,768; glm-4.5v: 16,384) with "
    "the same 1210: the per-model refusal is not observed, only the 131072 one.",
    "Z.ai: stop must be an array of strings (a bare string is rejected with 1210).",
    "Z.ai: requests are checked against the published request schemas (ZAI-OAS, schemas/zai-openapi.json): "
    "a function's name, description and parameters are required as the spec says (no capture shows a "
    "refusal); BigModel is not checked against it (its own reference lists other web-search engines).",
    "Z.ai: tool_stream is honoured (incremental arguments) for glm-4.6 and glm-4.7* including "
    "glm-4.7-flash, and accepted but ignored for glm-4.5*; tool_stream without stream is ignored.",
    "Z.ai: thinking defaults to enabled for every model; 4.6/4.5 'auto' thinking is emulated as always thinking.",
    "Z.ai: in-stream errors use the observed data-only framing (no `event: error`); the stream ends "
    "after the error object without [DONE].",
    "Z.ai: HTTP statuses of unobserved business codes: 1000-1004 -> 401; 1110-1121 -> 429; "
    "1200-1215, 1231, 1261, 1300, 1301 -> 400; 1220 -> 403; 1221, 1222 -> 404; 1230, 1234, 500 -> 500; "
    "1302-1313 -> 429. Messages are the docs' English table, except the observed 1210/1211/1113/1302/"
    "1305 wordings.",
    "Z.ai: no Retry-After or x-ratelimit headers are sent unless a Fault adds them.",
    "Z.ai: an unknown path answers 404 with code 1222; a non-POST answers 405 with code 1212.",
    "Z.ai: web_search results: two deterministic results; `enable` defaults to true; results are "
    "returned only with search_result true.",
    "Cloudflare: streamed usage only with stream_options.include_usage, as one last chunk with "
    "`choices: []` (not on every chunk), carrying float neurons.",
    "Cloudflare: neurons = prompt_tokens*0.0055 + completion_tokens*0.0406 (made up, deterministic).",
    "Cloudflare: reasoning_content is accepted as input history; enable_thinking:false fully "
    "disables reasoning (reasoning/reasoning_content are null).",
    "Cloudflare: auth is checked before the account id; a wrong account id answers 404 with errors "
    "7003 and 7000; an unknown path under the right account answers 404 with 7000.",
    "Cloudflare: unknown '@cf/...'/'@hf/...' model -> 400 code 5007; a model name that is not an "
    "'@cf/'/'@hf/' id -> 404 code 3042; missing model on /ai/v1 -> 400 code 5006.",
    "Cloudflare native: a `model` key in the body is accepted and ignored (the path decides).",
    "Cloudflare: schema violations answer 400 code 5006 'AiError: Bad input: Error: oneOf at '/' "
    "not met, 0 matches: <detail>'.",
    "Cloudflare /ai/v1: errors use the same {result,success,errors,messages} envelope as native.",
    "AI/ML: temperature 0-2 and thinking {type} are checked on every id (its zhipu/glm-5-3 and glm-5.2 schemas); "
    "thinking is honoured as on Z.ai; an unknown field (reasoning_effort) is accepted and ignored, and a "
    "disabled switch on GLM-5.3 is refused as Z.ai would (AI/ML forwards it).",
    "AI/ML: the body echoes the upstream model id ('glm-4.7', not 'zhipu/glm-4.7'), as in its example.",
    "AI/ML: streamed usage only with include_usage, on the finish chunk (Z.ai pass-through); tool "
    "arguments arrive whole; in-stream errors use the Z.ai error object.",
    "AI/ML: unknown model -> 400 'Body validation error!'; bad key -> 401 'Unauthorized'; the "
    "`code` of a Fault is ignored (its bodies carry no business code).",
    "AI/ML: credits_used = prompt_tokens*2 + completion_tokens*8 (made up, deterministic).",
    "EmpirioLabs: errors are OpenAI-style {error:{message,type,param,code}}; unknown model -> 404 "
    "code model_not_found; bad key -> 401 code invalid_api_key.",
    "EmpirioLabs: ids are 'chatcmpl-<32 hex>'; usage is always on the finish chunk of a stream "
    "(Z.ai-like); tool arguments are whole unless tool_stream.",
    "EmpirioLabs: response_format accepts text/json_object only; web search results (tool_web_search) "
    "come back as a top-level `web_search` list like Z.ai.",
    "OpenRouter: errors are {error:{message, code:<http status>}}; only types and messages are "
    "validated (no sampling ranges); unknown model -> 400 '<id> is not a valid model ID'.",
    "OpenRouter: thinking switch reasoning.enabled (default true); reasoning.exclude hides it; "
    "stream usage always, as a last chunk with `choices: []`; the non-stream body starts with "
    "whitespace and the stream with ': OPENROUTER PROCESSING' comments.",
    'vLLM/SGLang: a bad or missing key (when the server has one) answers 401 {"error": '
    '"Unauthorized"} (their auth middleware), not the OpenAI error object.',
    "vLLM/SGLang: model must equal the served name (404 'The model `x` does not exist.'); "
    "tool_choice none/auto/required/named all accepted; thinking defaults to on.",
    "All: the rules brain counts tokens as ceil(characters/4); prompt_tokens counts message text "
    "only, plus 3 per message.",
    "All: stop strings cut the content only, never the reasoning.",
    "All: reasoning history (reasoning_content or reasoning on assistant messages) is accepted "
    "everywhere; no provider rejects a message carrying both.",
    "BigModel answers with the Chinese messages of docs.bigmodel.cn; Z.ai and the coding plan in English.",
    "Z.ai: non-streamed tool calls carry `index` (as in the FANTASY traffic) and ids 'call_-<19 digits>'; "
    "streamed ids 'call_<24 hex>'.",
    "Cloudflare: a Fault with a 5xx status and no code answers code 3043 'Internal server error' (3043 is "
    "not in providers.md).",
    "Cloudflare/vLLM: message carries annotations:null and audio:null as the observed traffic does, "
    "although the published output schema types them as array/object when present.",
    "Cloudflare/vLLM tool-call ids 'chatcmpl-tool-<32 hex>'; SGLang ids are 32 hex and tool ids "
    "'call_<24 hex>'; OpenRouter and EmpirioLabs tool ids 'call_<24 hex>'.",
    "OpenRouter: missing key -> 401 'No auth credentials found'; wrong key -> 401 'User not found.'.",
    "SGLang checks the model name like vLLM (404 'The model `x` does not exist.').",
    # ---- model facts (model_facts.py, the emulator's own; the client's catalogue is glm_core/models.py)
    "Catalogue: glm-5.3's context is 1,000,000 on Z.ai (MDEV, '1M'), 1,048,576 on OpenRouter and "
    "Cloudflare (CF-JSON @a71a285); a later Cloudflare file version (@14f349e) says 1,310,720: the "
    "smaller is used. glm-5.3-flash on Cloudflare: 1,310,720; its MDEV input limit 868,928 is not used.",
    "Catalogue: glm-5.2 is 1M on Z.ai, 262,144 on Cloudflare, 200,000 on AI/ML API (its docs' table); "
    "glm-5.1 on EmpirioLabs is '202K' on its page, kept at Z.ai's 200,000.",
    "Catalogue: glm-5.2 'automatically determines whether to think' (spec) although some gateways say "
    "it always thinks when enabled (§10.1); thinking=False on glm-5.2 sends thinking.type=disabled "
    "(the spec's enum), not reasoning_effort='none' (§10.2: which switch each endpoint takes is open).",
    "Catalogue: glm-5-turbo thinks 'auto' like GLM-5 and glm-5v-turbo 'on' like the vision models "
    "(their cards only say 'thinking modes'); neither has effort levels (not stated); both are still "
    "served on Z.ai's standard base (§10.6 open).",
    "Catalogue: glm-5.3-flashx and glm-4.5v take files (ZAI-OAS file_url: 'GLM-5.3-Flash series, GLM-4.6V, "
    "GLM-4.5V'); glm-5v-turbo takes files too (file_data has no model restriction; its file_url is not "
    "documented). Preserved thinking (clear_thinking) is assumed for GLM-4.7 and the GLM-5 text models only.",
    "Catalogue: open weights assumed for glm-5, 5.1, 5.2 (served by Cloudflare / EmpirioLabs), not "
    "only 5.3 / 5.3-Flash whose release on Hugging Face is reported (§1.2).",
    "Catalogue: an id takes a family's facts only as a variant of it (glm-5.3-x -> glm-5.3, a '-' after the "
    "id); another version (glm-5.4, glm-6, glm-6v) has no family and is refused nothing: GLM-5.4's reported "
    "low/high/max levels (third-party only, §10.16) are not assumed, and the provider's answer decides.",
    "Naming: AI/ML API ids are 'z-ai/<id>' for flash, vision and turbo ids, 'zhipu/glm-5-N' for 5.x "
    "(both 'zhipu/glm-5.3' and 'zhipu/glm-5-3' exist; the hyphen form is sent) and 'zhipu/<id>' "
    "otherwise (§7, §10.18); EmpirioLabs hyphenates every version ('glm-5-2').",
    "reasoning_effort goes top-level on Z.ai, Cloudflare and EmpirioLabs, as reasoning.effort on OpenRouter and "
    "as chat_template_kwargs.reasoning_effort on vLLM/SGLang (the placement vLLM merges into the template; "
    "SGLang's is known from third-party notes only); AI/ML API's zhipu/* schemas have no effort field, so none "
    "is sent there.",
    "Effort per endpoint: GLM-5.3's low/high/max is enforced on Z.ai and BigModel; the coding plan takes "
    "none/low/medium/high/max on GLM-5.3 (observed: medium accepted, none -> no thinking) and a disabled "
    "switch. Cloudflare's GLM-5.2/5.3 take the generic low|medium|high of their schemas (what the model does "
    "with medium, and whether max would be refused or normalised, is not documented); OpenRouter takes "
    "none..xhigh (no max), none refused on GLM-5.3; EmpirioLabs is assumed to take Z.ai's levels. A level a "
    "provider lacks is sent as the nearest one it takes (glm_core/thinking.py).",
    "Model limits per provider in the emulator: Z.ai and EmpirioLabs refuse max_tokens above the model's "
    "output limit; Cloudflare, vLLM and SGLang refuse prompt + max_tokens above the window (vLLM's "
    "message); OpenRouter and AI/ML API are assumed to clamp. A prompt above the window is 1261 'Prompt "
    "exceeds max length' on Z.ai and a 400 in each provider's shape elsewhere.",
    "Model not found: Z.ai 1211, Cloudflare 5007/3042, EmpirioLabs 404 model_not_found, vLLM/SGLang "
    "404, OpenRouter 400 'is not a valid model ID' are ModelNotFoundError; AI/ML API's 400 'Body "
    "validation error!' cannot be told apart from other bad input and stays a BadRequestError.",
    "OpenRouter: the emulated upstream is Z.AI, which answers any tool_choice but 'auto' (including "
    "'none', 'required' and a named tool) with 400 'Tool choice must be auto' (one public report, "
    "vectorize-io/hindsight#4246; whether other upstreams of z-ai/* models enforce a forced choice, and "
    "whether OpenRouter falls back to one of them, is not known). The client degrades up front.",
    "Z.ai tokenizer (POST /paas/v4/tokenizer): served on the zai base only (the coding plan's and BigModel's "
    "are not documented for GLM-4.5+); it takes glm-4.6/glm-4.6v/glm-4.5, so the client counts GLM-4.7 and "
    "GLM-5.x with GLM-4.6's tokenizer and vision models with GLM-4.6V's (no GLM-5 id in its enum: whether "
    "GLM-5.x tokenizes alike is not documented). Tool calls and results are sent as the chat template's text "
    "(the schema has no tool role); the count is the emulator's own prompt count.",
    "Logprobs: answered (deterministically) on Cloudflare, vLLM, SGLang and OpenRouter; `n` honoured on "
    "Cloudflare (1-128), vLLM, SGLang and AI/ML API (in its glm-4.7 schema). OpenRouter's `n` is not in its "
    "documented parameters, so the client refuses n>1 there; the Z.ai family has neither (not documented).",
    "Errors: EmpirioLabs' quota answer is undocumented; OpenAI's `insufficient_quota` code and HTTP 402 are "
    "taken as 'no credits' there (and 402 everywhere).",
    "Refusal: finish_reason 'sensitive' (Z.ai, documented) and 'content_filter' (OpenAI convention) are "
    "read as refusals on every provider.",
    "A conversation opening with an assistant turn on the Z.ai family: the client puts a user turn "
    "'(The conversation starts.)' before it; whether Z.ai would accept the greeting as is is not known "
    "(the emulator refuses it with 1214, as assumed above).",
    "Captured shapes (real-traffic.md) are the defaults where the capture shows normal behaviour: Z.ai "
    "chunks without `object`, finish_reason on every whole tool-call delta, no completion_tokens_details "
    "in streamed usage; BigModel usage in its own choices:[] event; OpenRouter without comment lines, "
    "3 keep-alive lines before a body, bare text/event-stream. The coding plan's leading '\\n' content "
    "delta, OpenRouter's BaseTen/Novita upstream shapes and Z.ai's flat error body are opt-in Shape "
    "variants (seen, but not shown to be the usual answer).",
    "Z.ai web_search: search_engine is required; Z.ai and the coding plan accept only search_pro_jina, "
    "BigModel search_std/search_pro/search_pro_sogou/search_pro_quark/search_pro_jina (1210 otherwise).",
    # Vision (models-2026.md §4; glm_core/testing/vision.py)
    "Z.ai vision: an image_url.url starting with 'data:' is refused (1210); the SDK strips that prefix "
    "before sending, so the server is assumed to want bare base64. Videos and files given inline are "
    "sent as data: URLs (the SDK leaves those alone; the spec only says 'URL').",
    "Z.ai vision: tool-role messages are accepted on vision models that have tools (GLM-4.6V, "
    "GLM-5.3-Flash): the schema lists only system/user/assistant, but it also documents function tools "
    "on those models, and a tool loop needs tool results. On GLM-4.5V (no tools) a tool message is a 1214.",
    "Z.ai vision: a content array on a text model is a 1214; part-object violations (extra fields, a "
    "file with zero or two sources, a file next to images/videos, counts over max_images/max_videos) "
    "are 1210; response_format on a vision model is a 1210 (the vision schema has none).",
    "Vision part types per provider: Z.ai text/image_url/video_url/file/file_url; Cloudflare (both "
    "routes, CF-JSON) and OpenRouter text/image_url/video_url/input_audio/file; EmpirioLabs "
    "text/image_url/video_url/file; AI/ML API text/image_url; vLLM text/image_url/video_url/audio_url/"
    "input_audio; SGLang text/image_url/video_url/audio_url. Non-Z.ai image URLs must be http(s) or data:.",
    "Vision counts (150/2, 50/1) are enforced on every provider from model_facts.py, not only on Z.ai.",
    "OpenRouter: media to a text-only model answers 404 'No endpoints found that support image input'.",
    "Z.ai: seed is not in the spec; the client sends it when asked (Z.ai does not refuse unknown fields) and "
    "the emulator accepts and ignores it: whether Z.ai honours a seed is not documented.",
    "Cloudflare glm-4.7-flash: its schema lists no chat_template_kwargs (the GLM-5.x ones do); the client "
    "switches thinking with chat_template_kwargs.enable_thinking there as on the GLM-5.x ids, and the emulator "
    "honours it (not refused: no additionalProperties:false).",
    "Self-hosted GLM-5.2 / GLM-5.3 chat templates are known only from third-party quotations (TPL-5.2, "
    "TPL-5.3F): GLM-5.2 honours only 'high' (anything else is max), GLM-5.3 low/high (anything else max) and "
    "has no enable_thinking variable; the client sends only the levels they honour.",
    "OpenRouter: a 403 carrying metadata.reasons / flagged_input is a moderation refusal "
    "(ContentFilterError); a bare 403 stays a permission error (OR-ERR documents 403 for moderation only).",
    "A served name the emulator cannot place (vLLM/SGLang 'my-vision-ft') accepts every input kind and any "
    "effort, with a 131,072-token window.",
    "GLM-4.5V answers wrap the content in <|begin_of_box|>...<|end_of_box|> (as the real model does); no "
    "other model emits box markers, and no provider emits inline <think> in the emulator.",
)

# Embeddings and rerank (glm_core.testing.retrieval_facts).
UNCERTAIN_CHOICES += RETRIEVAL_UNCERTAIN_CHOICES + SHAPE_UNCERTAIN_CHOICES
