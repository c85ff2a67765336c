"""The emulator's own facts about each model, as each provider's server serves it.

Written out here from the sources, never read from the client's catalogue (`glm_core.models`) or
profiles: the emulator is the oracle the client is tested against, so a wrong catalogue row must
make a test fail rather than pass with it (tests/conformance/test_facts_agree.py compares the two
tables fact by fact). Each record names its sources by the keys of
shared/reference/published-schemas.md and docs/providers-facts.md ("Sources"): ZAI-OAS (Z.ai's
OpenAPI), CF-5.2 / CF-5.3 / CF-5.3F / CF-4.7F (Cloudflare's model JSON schemas), AIML-5.3, OR-REASON,
TPL-5.2 / TPL-5.3F (the chat templates vLLM and SGLang render), OBS-* (observed traffic).

What "effort" means here: the levels the server takes *with an effect* for that model. `None`:
the model has no levels and the server ignores the field (Z.ai answers 200 to reasoning_effort on
glm-4.7-flash); which names a request may carry at all is the provider's request schema
(`glm_core.testing.published`). Levels in `effort_aliases` are accepted and treated as another.

Example:
    >>> from glm_core.testing.facts import facts_for
    >>> served_model(facts_for("cloudflare"), "@cf/zai-org/glm-5.3").effort
    ('low', 'medium', 'high')
    >>> served_model(facts_for("vllm"), "zai-org/GLM-5.2-FP8").effort_aliases["low"]
    'max'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Literal

from glm_core.testing.facts import ProviderFacts

__all__ = ["EFFORT_NAMES", "ServedModel", "served_model", "zai_model"]

Thinking = Literal["none", "auto", "on", "always"]
# Every name a GLM request may give reasoning_effort (ZAI-OAS text enum), cheapest first.
EFFORT_NAMES = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
_TEXT = frozenset({"text"})
_VISION = frozenset({"text", "image", "video", "file"})


@dataclass(frozen=True, slots=True)
class ServedModel:
    """One model as one provider serves it (see the module docstring for `effort`)."""

    name: str  # Z.ai's id of the model ("glm-5.3"), or the served name of an unknown model
    context_window: int
    max_output: int
    thinking: Thinking = "auto"  # "always": thinks whatever the switch says
    effort: tuple[str, ...] | None = None
    effort_aliases: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    effort_skips_thinking: frozenset[str] = frozenset()  # levels with which the model does not think
    refuses_disabled: bool = False  # switching thinking off is an error, not ignored
    inputs: frozenset[str] = _TEXT
    max_images: int | None = None
    max_videos: int | None = None
    file_ids: bool = False  # `file.file_id` documents
    tools: bool = True
    json_mode: bool = True  # response_format (the Z.ai vision schema has none)
    tool_stream: bool = True  # Z.ai streams tool arguments with tool_stream=true
    boxes: bool = False  # writes the answer between <|begin_of_box|> and <|end_of_box|>
    known: bool = True  # False: a served name the emulator has no facts for
    source: str = ""


def _levels(*names: str) -> tuple[str, ...]:
    return tuple(n for n in EFFORT_NAMES if n in names)


_LHM = _levels("low", "high", "max")
_K = 1024


def _vision(name: str, window: int, output: int, source: str) -> ServedModel:
    # The vision models of the GLM-5V / GLM-4.6V lines: 150 images, 2 videos; no response_format
    # and no tool_stream in the vision schema (ZAI-OAS).
    return ServedModel(
        name, window, output, "on", inputs=_VISION, max_images=150, max_videos=2, json_mode=False,
        tool_stream=False, source=source,
    )  # fmt: skip


# ---------------------------------------------------------------------- Z.ai's standard endpoint
# ZAI-OAS (text and vision request schemas, ChatThinking, reasoning_effort), docs.z.ai model pages;
# OBS-1210 and OBS-LLMGW (theopenco/llmgateway#3605, live: none/minimal/medium/xhigh on glm-5.3 -> 1210).
_ZAI_ROWS: tuple[ServedModel, ...] = (
    ServedModel("glm-5.3", 1_000_000, 131_072, "always", _LHM, refuses_disabled=True, source="ZAI-OAS; OBS-LLMGW"),
    ServedModel(
        "glm-5.3-flash",
        1_000_000,
        131_072,
        "always",
        _LHM,
        refuses_disabled=True,
        inputs=_VISION,
        max_images=150,
        max_videos=2,
        file_ids=True,
        json_mode=False,
        tool_stream=False,
        source="ZAI-OAS vision request (file_id: GLM-5.3-Flash series only)",
    ),
    ServedModel(
        "glm-5.3-flashx",
        1_000_000,
        131_072,
        "always",
        _LHM,
        refuses_disabled=True,
        inputs=_VISION,
        max_images=150,
        max_videos=2,
        file_ids=True,
        json_mode=False,
        tool_stream=False,
        source="ZAI-OAS vision request (file_url and file_id: GLM-5.3-Flash series)",
    ),
    ServedModel(
        "glm-5.2",
        1_000_000,
        131_072,
        "auto",
        EFFORT_NAMES,
        effort_skips_thinking=frozenset({"none", "minimal"}),
        source="ZAI-OAS reasoning_effort (GLM-5.2: none/minimal skip thinking, low/medium -> high, xhigh -> max)",
    ),
    ServedModel("glm-5.1", 200_000, 131_072, source="ZAI-OAS (effort: GLM-5.2 and above)"),
    ServedModel("glm-5", 200_000, 131_072, source="ZAI-OAS"),
    ServedModel("glm-5-turbo", 200_000, 131_072, source="docs.z.ai glm-5-turbo"),
    _vision("glm-5v-turbo", 200_000, 131_072, "docs.z.ai glm-5v-turbo"),
    ServedModel("glm-4.7", 200_000, 128 * _K, "on", source="ZAI-OAS ChatThinking (GLM-4.7 thinks compulsorily)"),
    ServedModel("glm-4.7-flash", 200_000, 128 * _K, "on", source="docs.z.ai glm-4.7"),
    ServedModel("glm-4.7-flashx", 200_000, 128 * _K, "on", source="docs.z.ai glm-4.7"),
    ServedModel("glm-4.6", 200_000, 128 * _K, source="ZAI-OAS"),
    *(
        _vision(name, 128 * _K, 32 * _K, "ZAI-OAS vision request")
        for name in ("glm-4.6v", "glm-4.6v-flash", "glm-4.6v-flashx")
    ),
    ServedModel(
        "glm-4.5v",
        64 * _K,
        16 * _K,
        "on",
        inputs=_VISION,
        max_images=50,
        max_videos=1,
        tools=False,
        json_mode=False,
        tool_stream=False,
        boxes=True,
        source="ZAI-OAS vision request (50 images, 1 video; file_url: GLM-4.5V; tools: not GLM-4.5V)",
    ),
    *(
        ServedModel(name, 128 * _K, 96 * _K, tool_stream=False, source="ZAI-OAS max_tokens (GLM-4.5: 96K)")
        for name in ("glm-4.5", "glm-4.5-air", "glm-4.5-x", "glm-4.5-airx", "glm-4.5-flash")
    ),
    ServedModel("glm-4-32b-0414-128k", 128 * _K, 16 * _K, "none", tool_stream=False, source="ZAI-OAS"),
)
_ZAI: dict[str, ServedModel] = {row.name: row for row in _ZAI_ROWS}

# ---------------------------------------------------------------------- the other providers
# Coding plan: GLM-5.3 takes every level (medium accepted, none skips thinking) and a disabled
# switch (it still thinks): HERMES PR #97286, PRIME PR #1565 (models-2026.md §2.4).
_CODING = {
    "glm-5.3": replace(
        _ZAI["glm-5.3"],
        effort=_levels("none", "low", "medium", "high", "max"),
        effort_skips_thinking=frozenset({"none"}),
        refuses_disabled=False,
        source="OBS HERMES #97286, PRIME #1565",
    ),
}
# Cloudflare (CF-4.7F, CF-5.2, CF-5.3, CF-5.3F): the generic reasoning_effort enum low|medium|high
# on glm-4.7-flash (a model without levels: no effect), glm-5.2 and glm-5.3; glm-5.3-flash has
# its own max|high|low and enable_thinking enum [true].
_CF_BASE = "@cf/zai-org/"
_CF: dict[str, ServedModel] = {
    _CF_BASE + "glm-4.7-flash": replace(_ZAI["glm-4.7-flash"], context_window=131_072, source="CF-4.7F"),
    _CF_BASE + "glm-5.2": replace(
        _ZAI["glm-5.2"],
        context_window=262_144,
        effort=_levels("low", "medium", "high"),
        effort_skips_thinking=frozenset(),
        source="CF-5.2",
    ),
    _CF_BASE + "glm-5.3": replace(
        _ZAI["glm-5.3"],
        context_window=1_048_576,
        effort=_levels("low", "medium", "high"),
        refuses_disabled=False,
        source="CF-5.3 (1,048,576 at @a71a285; 1,310,720 at @14f349e: the smaller is used)",
    ),
    _CF_BASE + "glm-5.3-flash": replace(_ZAI["glm-5.3-flash"], context_window=1_310_720, source="CF-5.3F"),
}
# OpenRouter (OR-REASON): reasoning.effort is one of xhigh/high/medium/low/minimal/none on every
# model, translated for the upstream; no `max` (LiveBench PR #438 needed xhigh for GLM-5.2).
# Reasoning is mandatory on the GLM-5.3 routes: `none` and enabled=false are refused.
_OR_LEVELS = _levels("none", "minimal", "low", "medium", "high", "xhigh")
_OR: dict[str, ServedModel] = {
    "glm-5.3": replace(_ZAI["glm-5.3"], context_window=1_048_576, effort=_OR_LEVELS[1:], source="OR-REASON"),
    "glm-5.3-flash": replace(_ZAI["glm-5.3-flash"], effort=_OR_LEVELS[1:], source="OR-REASON"),
    "glm-5.2": replace(_ZAI["glm-5.2"], effort=_OR_LEVELS, source="OR-REASON; LiveBench PR #438"),
}
# AI/ML API: its zhipu/* request schemas (AIML-5.3) have `thinking` but no reasoning_effort (an
# unknown field is not refused: no additionalProperties:false); GLM-5.2 there is 200K.
_AIML_IDS = {
    "zhipu/glm-4.7": "glm-4.7", "zhipu/glm-4.6": "glm-4.6", "zhipu/glm-4.5": "glm-4.5",
    "zhipu/glm-4.5-air": "glm-4.5-air", "zhipu/glm-5": "glm-5", "zhipu/glm-5-1": "glm-5.1",
    "zhipu/glm-5-2": "glm-5.2", "zhipu/glm-5.3": "glm-5.3", "zhipu/glm-5-3": "glm-5.3",
    "z-ai/glm-4.7-flash": "glm-4.7-flash", "z-ai/glm-4.6v": "glm-4.6v", "z-ai/glm-4.5v": "glm-4.5v",
    "z-ai/glm-5-turbo": "glm-5-turbo", "z-ai/glm-5v-turbo": "glm-5v-turbo",
}  # fmt: skip
_EMP_IDS = {
    "glm-4-7-flash": "glm-4.7-flash",
    "glm-4-6v-flash": "glm-4.6v-flash",
    "glm-5-1": "glm-5.1",
    "glm-5-2": "glm-5.2",
}
# Self-hosted: the chat templates (TPL-5.2: 'high' if reasoning_effort == 'high' else 'max';
# TPL-5.3F: low/high as given, anything else max, no enable_thinking variable).
_TEMPLATE_ALIASES_5_2 = MappingProxyType({n: "max" for n in EFFORT_NAMES if n not in ("high", "max")})
_TEMPLATE_ALIASES_5_3 = MappingProxyType({n: "max" for n in EFFORT_NAMES if n not in _LHM})
_SELF_HOSTED: dict[str, ServedModel] = {
    "glm-5.2": replace(
        _ZAI["glm-5.2"], effort=_levels("high", "max"), effort_aliases=_TEMPLATE_ALIASES_5_2,
        effort_skips_thinking=frozenset(), source="TPL-5.2",
    ),
    **{
        name: replace(_ZAI[name], effort_aliases=_TEMPLATE_ALIASES_5_3, refuses_disabled=False, source="TPL-5.3F")
        for name in ("glm-5.3", "glm-5.3-flash")
    },
}  # fmt: skip
# A served name the emulator cannot place (a fine-tune): it accepts whatever the request carries;
# the window is vLLM's common --max-model-len for GLM-4.7-Flash (UNCERTAIN_CHOICES).
_UNKNOWN = ServedModel("", 131_072, 131_072, "on", inputs=_VISION, known=False, source="none: unknown served name")


def zai_model(name: str) -> ServedModel | None:
    """Z.ai's facts for a Z.ai id ("glm-5.3"), or None."""
    return _ZAI.get(name)


def _self_hosted_name(served: str) -> str | None:
    # "zai-org/GLM-5.2-FP8" -> "glm-5.2": the longest Z.ai id the base name starts with, followed
    # by its end or a "-" (a quantisation or variant suffix).
    base = served.rsplit("/", 1)[-1].lower()
    for name in sorted(_ZAI, key=len, reverse=True):
        if base == name or (base.startswith(name) and base[len(name)] == "-"):
            return name
    return None


def served_model(facts: ProviderFacts, model: str) -> ServedModel:
    """What `facts.id`'s server knows of `model` (a wire id it serves, or vLLM/SGLang's served name)."""
    family = facts.family
    if family == "zai":
        base = _ZAI.get(model)
        if base is not None and facts.id == "zai_coding":
            base = _CODING.get(model, base)
    elif family == "cloudflare":
        base = _CF.get(model)
    elif family == "openrouter":
        name = re.sub(r":\w+$", "", model).removeprefix("z-ai/")
        base = _OR.get(name) or _ZAI.get(name)
    elif family == "aimlapi":
        name = _AIML_IDS.get(model, "")
        base = _ZAI.get(name)
        if base is not None:
            window = 200_000 if name == "glm-5.2" else base.context_window
            base = replace(
                base, effort=None, effort_skips_thinking=frozenset(), context_window=window, source="AIML-5.3"
            )
    elif family == "empiriolabs":
        base = _ZAI.get(_EMP_IDS.get(model, ""))
    else:  # vllm, sglang
        name = _self_hosted_name(model) or ""
        base = _SELF_HOSTED.get(name) or _ZAI.get(name)
    return base if base is not None else replace(_UNKNOWN, name=model)
