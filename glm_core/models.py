"""The model catalogue: what each GLM model is and can do, as data.

To add a model, add one `ModelProfile(...)` row to `_ROWS` below (copy the closest one) with its
`source`, add the same facts, copied from the reference, to `REFERENCE` in
`tests/core/test_catalogue.py` (which checks every row against it), and paste the table
`glm models` prints between the catalogue-table markers of README.md (a test checks it). Nothing else
needs to change: ids are never refused (an id that is not here gets the facts of its family, see
`model_profile`), and how each provider spells an id on the wire is the provider's naming rule
(`ProviderProfile.naming` in `glm_core/providers.py`), not a list.

Sources: each row's `source` names the keys of docs/providers-facts.md ("Sources"): ZAI-OAS and docs.z.ai for
per-model facts, capabilities, reasoning_effort and thinking; CF-JSON, OR, AIML and EMP per provider. What is
uncertain is listed in `glm_core/testing/facts.py` (UNCERTAIN_CHOICES).

Example:
    >>> model_profile("glm-4.7").context_window
    200000
    >>> model_profile("glm-5.3", provider="openrouter").context_window
    1048576
    >>> model_profile("glm-5.3-preview").effort_levels   # a variant gets its family's rules
    ('low', 'high', 'max')
    >>> model_profile("glm-5.3", provider="cloudflare").effort_levels   # as the provider takes them
    ('low', 'medium', 'high')
    >>> model_profile("glm-6v").known   # outside every family: nothing is refused for lack of facts
    False
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from typing import Any, Literal

__all__ = [
    "CATALOGUE",
    "EFFORT_LEVELS",
    "MODEL_PROFILES",
    "EffortLevel",
    "Modality",
    "ModelProfile",
    "ThinkingMode",
    "catalogue_id",
    "family_of",
    "model_profile",
    "with_facts",
]

Modality = Literal["text", "image", "video", "file"]
EffortLevel = Literal["none", "minimal", "low", "medium", "high", "xhigh", "max"]
# Cheapest first: "the cheapest level a model has" is the first of its levels in this order.
EFFORT_LEVELS: tuple[EffortLevel, ...] = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
# "always": thinks on every request and refuses thinking.type=disabled (Z.ai 400/1210; GLM-5.3).
# "on": thinks on every request while thinking is enabled (the default); can be switched off.
# "auto": while enabled, the model decides per request whether to think; can be switched off.
# "none": no thinking at all.
ThinkingMode = Literal["always", "on", "auto", "none"]

_TEXT: frozenset[Modality] = frozenset({"text"})
_VISION: frozenset[Modality] = frozenset({"text", "image", "video", "file"})
_ALL_LEVELS: tuple[EffortLevel, ...] = EFFORT_LEVELS
_LOW_HIGH_MAX: tuple[EffortLevel, ...] = ("low", "high", "max")
_CF = ("cloudflare", "cloudflare_openai")
_ZAI = ("zai", "zai_coding", "bigmodel")
_SELF_HOSTED = ("vllm", "sglang")
_K = 1024
# The effort levels some providers take differently from Z.ai's standard endpoint, per model
# (docs/providers-facts.md, "Reasoning effort per provider"). Cloudflare's GLM-5.2 / GLM-5.3
# schemas list low|medium|high (CF-JSON); OpenRouter's reasoning.effort has no `max` and its GLM-5.3
# routes refuse `none` (OR-REASON; LiveBench PR #438); AI/ML API's zhipu/* schemas have no
# reasoning_effort (AIML); the GLM-5.2 chat template honours only `high` (anything else is max) and
# the coding plan takes none and medium on GLM-5.3 (observed).
_CF_GENERIC: tuple[EffortLevel, ...] = ("low", "medium", "high")
_OR_LEVELS: tuple[EffortLevel, ...] = ("none", "minimal", "low", "medium", "high", "xhigh")


@dataclass(frozen=True, slots=True)
class ModelProfile:
    """The facts of one model. Every field but `id`, `name`, `context_window` and
    `max_output_tokens` has a default: the value most GLM text models have.

    Example:
        >>> model_profile("glm-5.3").thinking
        'always'
    """

    # The catalogue id, as Z.ai spells it (lower case). For an id derived from a family (see
    # `model_profile`), the id the user gave.
    id: str
    # Display name, e.g. "GLM-5.3".
    name: str
    # Total tokens (prompt + output) on Z.ai. Providers that differ are in `context_by_provider`.
    context_window: int
    # Upper bound of max_tokens on Z.ai.
    max_output_tokens: int
    # What the user turn may contain. Vision models take images, videos and (newer ones) files.
    inputs: frozenset[Modality] = _TEXT
    # Most images / videos in one request (Z.ai: 150 / 2 for GLM-5V, GLM-4.6V and the GLM-5.3-Flash
    # series; 50 / 1 for GLM-4.5V); None for text models.
    max_images: int | None = None
    max_videos: int | None = None
    # How the model thinks; see ThinkingMode. Default "auto" (GLM-5.2, 5.1, 5, 4.6, 4.5).
    thinking: ThinkingMode = "auto"
    # The reasoning_effort levels the model accepts on Z.ai's standard endpoint; () means none
    # (the field is then refused, except "none", which means thinking=False).
    effort_levels: tuple[EffortLevel, ...] = ()
    # The level the server uses when none is sent ("max", the most expensive, on GLM-5.2+).
    effort_default: EffortLevel | None = None
    # Levels where a provider differs from Z.ai's standard endpoint (provider id -> levels; () means
    # the provider takes no reasoning_effort for this model). `model_profile(..., provider=...)`
    # returns them as `effort_levels`.
    effort_by_provider: Mapping[str, tuple[EffortLevel, ...]] = field(default_factory=dict, hash=False, compare=False)
    # Whether Z.ai takes `file.file_id` documents (the GLM-5.3-Flash series only, ZAI-OAS).
    file_ids: bool = False
    # Whether `tools` (function calling) is accepted. False only for GLM-4.5V (ZAI-OAS).
    tool_calling: bool = True
    # Whether Z.ai streams tool-call arguments incrementally when `tool_stream: true` is sent
    # (GLM-4.6 and later text models; not in the vision schema).
    tool_stream: bool = True
    # Whether response_format json_object is accepted (text models; the vision schema has none).
    json_mode: bool = True
    # Whether thinking.clear_thinking=false (preserved thinking) has an effect (GLM-4.7 and later
    # text models). The default per endpoint is the provider's `preserve_thinking_default`.
    preserved_thinking: bool = True
    # The server's defaults when temperature / top_p are not sent (Z.ai; informative, not sent).
    default_temperature: float = 1.0
    default_top_p: float = 0.95
    release_date: str | None = None
    # Whether the weights are published (so vLLM / SGLang can serve it).
    open_weights: bool = False
    # Which providers are documented to serve it (ids of glm_core.providers.PROVIDERS; vllm and
    # sglang for open weights). Informative: other ids are never refused.
    providers: tuple[str, ...] = _ZAI
    # Context window where a provider differs from Z.ai (provider id -> tokens).
    context_by_provider: Mapping[str, int] = field(default_factory=dict, hash=False, compare=False)
    # The catalogue row this profile comes from: its own id for a row, the family's for a derived id.
    family: str = ""
    # Where the facts come from (the source keys of docs/providers-facts.md).
    source: str = ""
    # False for an id outside every family: its facts are placeholders (GLM-4.7-Flash's numbers,
    # every input kind, no effort levels) and nothing is refused for lack of knowledge; the
    # provider's answer decides. A user's `model_profile=` makes the facts known.
    known: bool = True

    @property
    def always_thinks(self) -> bool:
        return self.thinking == "always"

    def context_window_on(self, provider: str) -> int:
        """The context window as `provider` serves the model."""
        return self.context_by_provider.get(provider, self.context_window)


# One row per model, a few facts per line (kept compact by hand, hence fmt: off).
# fmt: off
_ROWS: tuple[ModelProfile, ...] = (
    # --- GLM-5.3 family (2026-08): always thinks; effort low/high/max, default max (docs.z.ai; ZAI-OAS).
    ModelProfile(
        "glm-5.3", "GLM-5.3", 1_000_000, 131_072,
        thinking="always", effort_levels=_LOW_HIGH_MAX, effort_default="max", release_date="2026-08-14",
        open_weights=True, providers=(*_ZAI, *_CF, "openrouter", "aimlapi", "vllm", "sglang"),
        effort_by_provider={
            **dict.fromkeys(_CF, _CF_GENERIC), "openrouter": _OR_LEVELS[1:], "aimlapi": (),
            "zai_coding": ("none", "low", "medium", "high", "max"),
        },
        # Z.ai says 1M; OpenRouter and Cloudflare @a71a285 say 1,048,576 (Cloudflare @14f349e says
        # 1,310,720: the smaller is kept, see UNCERTAIN_CHOICES).
        context_by_provider={"openrouter": 1_048_576, "cloudflare": 1_048_576, "cloudflare_openai": 1_048_576},
        source="ZAI-OAS, OR z-ai/glm-5.3, MDEV; CF-JSON; AIML",
    ),
    ModelProfile(
        "glm-5.3-flash", "GLM-5.3-Flash", 1_000_000, 131_072, inputs=_VISION, max_images=150, max_videos=2,
        thinking="always", effort_levels=_LOW_HIGH_MAX, effort_default="max", json_mode=False, tool_stream=False,
        file_ids=True, release_date="2026-08-26", open_weights=True,
        providers=(*_ZAI, *_CF, "openrouter", "vllm", "sglang"), effort_by_provider={"openrouter": _OR_LEVELS[1:]},
        context_by_provider={"cloudflare": 1_310_720, "cloudflare_openai": 1_310_720},
        source="ZAI-OAS vision request, CF-JSON glm-5.3-flash; ZAI-OAS vision",
    ),
    ModelProfile(
        "glm-5.3-flashx", "GLM-5.3-FlashX", 1_000_000, 131_072, inputs=_VISION,
        max_images=150, max_videos=2, thinking="always", effort_levels=_LOW_HIGH_MAX, effort_default="max",
        json_mode=False, tool_stream=False, file_ids=True, release_date="2026-09-18", providers=("zai", "bigmodel"),
        source="ZAI-OAS vision enum and file parts (file_url / file_id: GLM-5.3-Flash series), MDEV glm-5.3-flashx",
    ),
    # --- GLM-5.2 (2026-06): 1M; all seven levels accepted (none/minimal skip thinking, low/medium
    # -> high, xhigh -> max), default max (ZAI-OAS).
    ModelProfile(
        "glm-5.2", "GLM-5.2", 1_000_000, 131_072, effort_levels=_ALL_LEVELS, effort_default="max",
        release_date="2026-06-13", open_weights=True,
        providers=(*_ZAI, *_CF, "openrouter", "aimlapi", "empiriolabs", *_SELF_HOSTED),
        effort_by_provider={
            **dict.fromkeys(_CF, _CF_GENERIC), "openrouter": _OR_LEVELS, "aimlapi": (),
            **dict.fromkeys(_SELF_HOSTED, ("high", "max")),
        },
        context_by_provider={"cloudflare": 262_144, "cloudflare_openai": 262_144, "aimlapi": 200_000},
        source="ZAI-OAS, BigModel migrate-to-glm-new; CF-JSON glm-5.2; AIML; EMP glm-5-2",
    ),
    # --- GLM-5 / 5.1 / 5-Turbo: 200K, no reasoning_effort ("GLM-5.2 and above").
    ModelProfile(
        "glm-5.1", "GLM-5.1", 200_000, 131_072, release_date="2026-04-07", open_weights=True,
        providers=(*_ZAI, "openrouter", "aimlapi", "empiriolabs"),
        source="docs.z.ai glm-5.1, ZAI-OAS; AIML; EMP",
    ),
    ModelProfile(
        "glm-5", "GLM-5", 200_000, 131_072, release_date="2026-02-11", open_weights=True,
        providers=("zai", "bigmodel", "openrouter", "aimlapi"),
        source="ZAI-OAS, MDEV zhipuai/glm-5",
    ),
    ModelProfile(
        "glm-5-turbo", "GLM-5-Turbo", 200_000, 131_072, release_date="2026-03-16",
        providers=("zai", "bigmodel", "openrouter", "aimlapi"),
        source="docs.z.ai glm-5-turbo (absent from the spec enum, unresolved in the sources)",
    ),
    ModelProfile(
        "glm-5v-turbo", "GLM-5V-Turbo", 200_000, 131_072, inputs=_VISION, max_images=150, max_videos=2,
        thinking="on", tool_stream=False, json_mode=False, preserved_thinking=False, release_date="2026-04-01",
        providers=("zai", "bigmodel", "openrouter", "aimlapi"),
        source="docs.z.ai glm-5v-turbo; ZAI-OAS vision (GLM-5V: 150 images, 2 videos)",
    ),
    # --- GLM-4.7 family (2025-12 / 2026-01): thinks whenever enabled, preserved thinking.
    ModelProfile(
        "glm-4.7", "GLM-4.7", 200_000, 128 * _K, thinking="on", release_date="2025-12-22", open_weights=True,
        providers=(*_ZAI, "openrouter", "aimlapi"),
        source="docs.z.ai glm-4.7; ZAI-CC",
    ),
    ModelProfile(
        "glm-4.7-flash", "GLM-4.7-Flash", 200_000, 128 * _K, thinking="on", release_date="2026-01-19",
        open_weights=True,
        providers=("zai", "bigmodel", *_CF, "openrouter", "aimlapi", "empiriolabs", "vllm", "sglang"),
        context_by_provider={"cloudflare": 131_072, "cloudflare_openai": 131_072},
        source="docs.z.ai glm-4.7, MDEV; CF-JSON glm-4.7-flash; AIML; ZAI-CC",
    ),
    ModelProfile(
        "glm-4.7-flashx", "GLM-4.7-FlashX", 200_000, 128 * _K, thinking="on", release_date="2026-01-19",
        providers=("zai", "bigmodel"), source="docs.z.ai glm-4.7 (FlashX tab)",
    ),
    ModelProfile(
        "glm-4.6", "GLM-4.6", 200_000, 128 * _K, preserved_thinking=False, release_date="2025-09-30",
        open_weights=True, providers=("zai", "bigmodel", "openrouter", "aimlapi"),
        source="ZAI-OAS, MDEV",
    ),
    # --- Vision: GLM-4.6V (128K / 32K) and GLM-4.5V (64K / 16K, no tools, 50 images, 1 video).
    # The vision schema has no response_format and no tool_stream; defaults 0.8 / 0.6 (ZAI-OAS).
    *(
        ModelProfile(
            model_id, name, 128 * _K, 32 * _K, inputs=_VISION, max_images=150, max_videos=2, thinking="on",
            tool_stream=False, json_mode=False, preserved_thinking=False, default_temperature=0.8,
            default_top_p=0.6, release_date="2025-12-08", open_weights=model_id != "glm-4.6v-flashx",
            providers=served, source=source,
        )
        for model_id, name, served, source in (
            ("glm-4.6v", "GLM-4.6V", ("zai", "bigmodel", "openrouter", "aimlapi"), "docs.z.ai glm-4.6v, ZAI-OAS"),
            ("glm-4.6v-flash", "GLM-4.6V-Flash", ("zai", "bigmodel", "empiriolabs"), "docs.z.ai; EMP glm-4-6v-flash"),
            ("glm-4.6v-flashx", "GLM-4.6V-FlashX", ("zai", "bigmodel"), "docs.z.ai glm-4.6v"),
        )
    ),
    ModelProfile(
        "glm-4.5v", "GLM-4.5V", 64 * _K, 16 * _K, inputs=_VISION, max_images=50,
        max_videos=1, thinking="on", tool_calling=False, tool_stream=False, json_mode=False,
        preserved_thinking=False, default_temperature=0.8, default_top_p=0.6, release_date="2025-08-11",
        open_weights=True, providers=("zai", "bigmodel", "openrouter", "aimlapi"),
        source="ZAI-OAS, MDEV; ZAI-OAS (no tools); ZAI-OAS vision (50 images, 1 video; file_url: GLM-4.5V)",
    ),
    # --- GLM-4.5 family (2025-07): 128K / 96K, default temperature 0.6, no tool_stream.
    *(
        ModelProfile(
            model_id, name, 128 * _K, 96 * _K, tool_stream=False, preserved_thinking=False, default_temperature=0.6,
            release_date="2025-07-28", open_weights=model_id in ("glm-4.5", "glm-4.5-air"), providers=served,
            source="ZAI-OAS, MDEV",
        )
        for model_id, name, served in (
            ("glm-4.5", "GLM-4.5", ("zai", "bigmodel", "openrouter", "aimlapi")),
            ("glm-4.5-air", "GLM-4.5-Air", ("zai", "bigmodel", "openrouter", "aimlapi")),
            ("glm-4.5-x", "GLM-4.5-X", ("zai", "bigmodel")),
            ("glm-4.5-airx", "GLM-4.5-AirX", ("zai", "bigmodel")),
            ("glm-4.5-flash", "GLM-4.5-Flash", ("zai", "bigmodel")),
        )
    ),
    ModelProfile(
        "glm-4-32b-0414-128k", "GLM-4-32B-0414-128K", 128 * _K, 16 * _K, thinking="none", tool_stream=False,
        preserved_thinking=False, default_temperature=0.75, open_weights=True, providers=("zai", "bigmodel"),
        source="ZAI-OAS",
    ),
)
# fmt: on

CATALOGUE: dict[str, ModelProfile] = {row.id: replace(row, family=row.id) for row in _ROWS}
# The name used before the catalogue grew; kept so existing imports work.
MODEL_PROFILES = CATALOGUE

# An id with no family at all (a self-hosted fine-tune's served name, a model released after this
# catalogue): GLM-4.7-Flash's numbers as placeholders, every input kind, and `known=False`, so
# nothing is refused for lack of knowledge (the catalogue informs, it never gates).
_UNKNOWN = replace(
    CATALOGUE["glm-4.7-flash"], inputs=_VISION, family="", known=False, source="none: an id outside every family"
)
# Longest first, so "glm-5.3-flash-0901" finds glm-5.3-flash before glm-5.3.
_BY_LENGTH = sorted(CATALOGUE, key=len, reverse=True)
_FIELDS = frozenset(f.name for f in fields(ModelProfile))


def catalogue_id(model: str) -> str | None:
    """The catalogue row `model` names exactly (any case, namespace or hyphenated version), or None.

    Example:
        >>> catalogue_id("@cf/zai-org/glm-5.2"), catalogue_id("glm-5-1"), catalogue_id("glm-5.3-preview")
        ('glm-5.2', 'glm-5.1', None)
    """
    name = _bare(model)
    return next((c for c in (name, _dotted(name)) if c in CATALOGUE), None)


def _bare(model: str) -> str:
    # "z-ai/glm-5.3:batch" -> "glm-5.3"; "zai-org/GLM-4.7-Flash" -> "glm-4.7-flash"
    return model.rsplit("/", 1)[-1].lower().split(":", 1)[0]


def family_of(model: str) -> str | None:
    """The catalogue id whose facts `model` takes, or None for an id outside every family.

    The id is lower-cased and any namespace ("z-ai/", "@cf/zai-org/", "zai-org/") dropped; then the
    longest catalogue id it starts with, followed by a "-" (a variant or quantisation suffix),
    wins ("glm-5.3-turbo" -> glm-5.3, "glm-4.7-flash-fp8" -> glm-4.7-flash). Another version is
    another model: "glm-5.4", "glm-6" and "glm-6v" have no family. Hyphenated versions ("glm-5-1")
    read as dotted.

    Example:
        >>> family_of("zhipu/glm-5-1"), family_of("GLM-4.7"), family_of("glm-5.4"), family_of("my-finetune")
        ('glm-5.1', 'glm-4.7', None, None)
    """
    exact = catalogue_id(model)
    if exact is not None:
        return exact
    name = _bare(model)
    for candidate in (name, _dotted(name)):
        for known in _BY_LENGTH:
            if candidate.startswith(known + "-"):
                return known
    return None


def _dotted(name: str) -> str:
    # "glm-5-1" -> "glm-5.1", "glm-4-7-flash" -> "glm-4.7-flash", "glm-4-6v-flash" -> "glm-4.6v-flash"
    return re.sub(r"^glm-(\d)-(\d+)(?=v\b|v-|-|$)", r"glm-\1.\2", name)


def model_profile(model: str, *, provider: str | None = None, context_window: int | None = None) -> ModelProfile:
    """The facts of `model` (a catalogue id, any case, or a provider-native id) as `provider` serves it.

    An id that is not in the catalogue takes its family's facts under its own name; one outside
    every family gets placeholder facts marked `known=False` (nothing is refused for it).
    `provider` picks the effort levels that provider takes (`effort_by_provider`) and its context
    window; `context_window` (a user's or a self-hosted server's setting) replaces the catalogue's,
    and caps max_output_tokens.

    Example:
        >>> model_profile("@cf/zai-org/glm-5.2", provider="cloudflare").context_window
        262144
    """
    return _profile(model, provider, context_window)


# Every request asks; profiles are frozen, so one per (id, provider, window) is enough.
@lru_cache(maxsize=512)
def _profile(model: str, provider: str | None, context_window: int | None) -> ModelProfile:
    family = family_of(model)
    profile = CATALOGUE[family] if family is not None else _UNKNOWN
    if profile.id != model:
        profile = replace(profile, id=model)
    if provider is not None and provider in profile.effort_by_provider:
        profile = replace(profile, effort_levels=profile.effort_by_provider[provider])
    window = (
        context_window
        if context_window is not None
        else (profile.context_window_on(provider) if provider is not None else profile.context_window)
    )
    if window != profile.context_window:
        profile = replace(profile, context_window=window, max_output_tokens=min(profile.max_output_tokens, window))
    return profile


def with_facts(profile: ModelProfile, facts: ModelProfile | Mapping[str, Any] | None) -> ModelProfile:
    """`profile` with the facts a user states (`model_profile=` on GLMClient, ChatGLM and GLM).

    A `ModelProfile` replaces the catalogue's facts outright; a mapping replaces the fields it
    names (`{"inputs": {"text", "image"}, "effort_levels": ("low", "high")}`). Either way the
    result counts as known, so the library checks requests against it.

    Example:
        >>> with_facts(model_profile("my-vision-ft"), {"inputs": {"text", "image"}}).inputs == {"text", "image"}
        True
    """
    if facts is None:
        return profile
    if isinstance(facts, ModelProfile):
        return replace(facts, id=profile.id, known=True)
    unknown = sorted(set(facts) - _FIELDS)
    if unknown:
        raise ValueError(
            f"model_profile has no field {', '.join(map(repr, unknown))}; fields: {', '.join(sorted(_FIELDS))}"
        )
    values = dict(facts)
    if "inputs" in values:
        values["inputs"] = frozenset(values["inputs"]) | {"text"}
    if "effort_levels" in values:
        values["effort_levels"] = tuple(values["effort_levels"])
    return replace(profile, **values, known=True)
