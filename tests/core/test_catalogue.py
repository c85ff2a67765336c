"""The model catalogue holds the reference facts, derives family defaults and names ids per provider.

The expected values below are copied from shared/reference/models-2026.md (section in each
comment), not from glm_core/models.py, so a wrong row fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from glm_core.capabilities import provider_models
from glm_core.models import CATALOGUE, EFFORT_LEVELS, catalogue_id, family_of, model_profile
from glm_core.providers import PROVIDERS, get_provider
from glm_core.testing.facts import PROVIDER_FACTS

_FACTS = Path(__file__).resolve().parents[2] / "docs" / "providers-facts.md"
_SOURCE_KEYS = set(re.findall(r"^\| ([\w.-]+) \|", _FACTS.read_text(encoding="utf-8"), re.MULTILINE))

# id: (context on Z.ai, max output, inputs, thinking, effort levels, effort default, tool calling, JSON mode)
# §1.2 per-model table; §1.3 tools (not glm-4.5v) and response_format (text models only); §2.1 effort.
LMH = ("low", "high", "max")
VISION = {"text", "image", "video", "file"}
REFERENCE: dict[str, tuple[int, int, set[str], str, tuple[str, ...], str | None, bool, bool]] = {
    "glm-5.3": (1_000_000, 131_072, {"text"}, "always", LMH, "max", True, True),
    "glm-5.3-flash": (1_000_000, 131_072, VISION, "always", LMH, "max", True, False),
    # ZAI-OAS file parts: file_url "Only GLM-5.3-Flash series, GLM-4.6V, GLM-4.5V supported" (issue 22).
    "glm-5.3-flashx": (1_000_000, 131_072, VISION, "always", LMH, "max", True, False),
    "glm-5.2": (1_000_000, 131_072, {"text"}, "auto", EFFORT_LEVELS, "max", True, True),
    "glm-5.1": (200_000, 131_072, {"text"}, "auto", (), None, True, True),
    "glm-5": (200_000, 131_072, {"text"}, "auto", (), None, True, True),
    "glm-5-turbo": (200_000, 131_072, {"text"}, "auto", (), None, True, True),
    "glm-5v-turbo": (200_000, 131_072, VISION, "on", (), None, True, False),
    "glm-4.7": (200_000, 131_072, {"text"}, "on", (), None, True, True),
    "glm-4.7-flash": (200_000, 131_072, {"text"}, "on", (), None, True, True),
    "glm-4.7-flashx": (200_000, 131_072, {"text"}, "on", (), None, True, True),
    "glm-4.6": (200_000, 131_072, {"text"}, "auto", (), None, True, True),
    "glm-4.6v": (131_072, 32_768, VISION, "on", (), None, True, False),
    "glm-4.6v-flash": (131_072, 32_768, VISION, "on", (), None, True, False),
    "glm-4.6v-flashx": (131_072, 32_768, VISION, "on", (), None, True, False),
    "glm-4.5v": (65_536, 16_384, VISION, "on", (), None, False, False),
    "glm-4.5": (131_072, 98_304, {"text"}, "auto", (), None, True, True),
    "glm-4.5-air": (131_072, 98_304, {"text"}, "auto", (), None, True, True),
    "glm-4.5-x": (131_072, 98_304, {"text"}, "auto", (), None, True, True),
    "glm-4.5-airx": (131_072, 98_304, {"text"}, "auto", (), None, True, True),
    "glm-4.5-flash": (131_072, 98_304, {"text"}, "auto", (), None, True, True),
    "glm-4-32b-0414-128k": (131_072, 16_384, {"text"}, "none", (), None, True, True),
}


def test_the_catalogue_has_every_current_id_of_the_reference() -> None:
    # §1.1 both enums of Z.ai's spec, plus the Turbo ids its guides document (autoglm-phone is not chat).
    assert set(CATALOGUE) == set(REFERENCE)


@pytest.mark.parametrize("model", sorted(REFERENCE))
def test_every_row_matches_the_reference(model: str) -> None:
    row = CATALOGUE[model]
    context, output, inputs, thinking, levels, default, tools, json_mode = REFERENCE[model]
    assert (row.context_window, row.max_output_tokens) == (context, output)
    assert set(row.inputs) == inputs
    assert row.thinking == thinking
    assert (row.effort_levels, row.effort_default) == (levels, default)
    assert (row.tool_calling, row.json_mode) == (tools, json_mode)
    assert row.family == model and row.name.lower() == model
    # Every row names its sources by the keys of docs/providers-facts.md ("Sources").
    assert row.source.split()[0].rstrip(",;") in _SOURCE_KEYS, row.source


@pytest.mark.parametrize(
    ("model", "images", "videos"),
    # §4.1: "GLM-5V GLM4.6V series are limited to 150 sheets, GLM4.5V limit 50"; 2 videos / 1 video.
    [
        ("glm-5.3-flash", 150, 2),
        ("glm-5v-turbo", 150, 2),
        ("glm-4.6v", 150, 2),
        ("glm-4.5v", 50, 1),
        ("glm-5.3", None, None),
    ],
)
def test_image_and_video_limits(model: str, images: int | None, videos: int | None) -> None:
    assert (CATALOGUE[model].max_images, CATALOGUE[model].max_videos) == (images, videos)


@pytest.mark.parametrize(
    ("model", "provider", "context"),
    [
        ("glm-5.3", "zai", 1_000_000),  # §1.2 MDEV / Z.ai "1M"
        ("glm-5.3", "openrouter", 1_048_576),  # §6
        ("glm-5.3", "cloudflare", 1_048_576),  # §5.1 @a71a285 (the smaller of two stored versions)
        ("glm-5.3-flash", "cloudflare_openai", 1_310_720),  # §5.1
        ("glm-5.2", "cloudflare", 262_144),  # §5.1
        ("glm-5.2", "aimlapi", 200_000),  # §7
        ("glm-4.7-flash", "cloudflare", 131_072),  # §5.1
        ("glm-4.7-flash", "empiriolabs", 200_000),
    ],
)
def test_context_windows_per_provider(model: str, provider: str, context: int) -> None:
    assert model_profile(model, provider=provider).context_window == context


def test_a_users_context_window_replaces_the_catalogues_and_caps_the_output() -> None:
    profile = model_profile("glm-5.3", provider="vllm", context_window=65_536)
    assert (profile.context_window, profile.max_output_tokens) == (65_536, 65_536)


@pytest.mark.parametrize(
    ("model", "family"),
    [
        ("glm-5.3-preview", "glm-5.3"),
        ("glm-5.3-flash-0901", "glm-5.3-flash"),
        ("GLM-5.3", "glm-5.3"),
        # Another version is another model: no family, nothing refused for lack of facts (issue 24).
        ("glm-5.4", None),
        ("glm-5.30", None),
        ("glm-6", None),
        ("glm-6v", None),
        ("glm-5.5v-turbo", None),
        ("glm-4.6v-plus", "glm-4.6v"),
        ("z-ai/glm-5.3:batch", "glm-5.3"),
        ("@cf/zai-org/glm-5.2", "glm-5.2"),
        ("zhipu/glm-5-1", "glm-5.1"),
        ("glm-4-6v-flash", "glm-4.6v-flash"),
        ("zai-org/GLM-4.7-Flash-FP8", "glm-4.7-flash"),
        ("my-finetune", None),
        ("gpt-4o", None),
    ],
)
def test_unknown_ids_take_their_familys_facts(model: str, family: str | None) -> None:
    assert family_of(model) == family
    profile = model_profile(model)
    assert profile.id == model
    assert profile.family == (family or "")
    assert profile.known is (family is not None)


def test_a_glm_5_3_variant_inherits_the_always_on_thinking_rules() -> None:
    profile = model_profile("glm-5.3-turbo")
    assert (profile.thinking, profile.effort_levels, profile.context_window) == ("always", LMH, 1_000_000)


def test_only_exact_rows_are_catalogue_ids() -> None:
    assert catalogue_id("GLM-4.7") == "glm-4.7"
    assert catalogue_id("glm-5.3-preview") is None


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_every_documented_model_reaches_the_provider_under_an_id_it_serves(provider: str) -> None:
    """The provider's naming rule gives, for each model the catalogue says it serves, an id the
    emulator's independent list of documented ids contains (self-hosted: any served name)."""
    served = PROVIDER_FACTS[provider].models
    rows = provider_models(get_provider(provider))
    assert rows, "every provider serves some catalogued model"
    if not served:
        return
    for model, wire, _, _ in rows:
        assert wire in served, f"{provider}: {model} -> {wire} is not a documented id"


@pytest.mark.parametrize("provider", ["zai", "openrouter", "cloudflare", "aimlapi", "empiriolabs"])
def test_every_documented_id_is_recognised_back_to_its_catalogue_row(provider: str) -> None:
    for wire in PROVIDER_FACTS[provider].models:
        assert catalogue_id(wire) is not None, f"{provider}: {wire} has no catalogue row"


def test_preserved_thinking_is_on_by_default_on_the_coding_plan_only() -> None:
    # §2.1: "on for the Coding Plan endpoint, off for the standard endpoint".
    assert [p for p in PROVIDERS.values() if p.preserve_thinking_default] == [get_provider("zai_coding")]
