"""Model profiles for ChatGLM (`llm.profile`), read from glm_core's model catalogue.

The per-model facts (limits per provider, inputs, thinking, effort levels, tool calling, name,
release date, open weights) come from `glm_core.models`; what depends on the provider (forced
tool choice, native structured output, temperature) from its provider profile, so the two
cannot disagree.

Example:
    >>> model_profile_for("glm-4.7-flash", get_provider("cloudflare"))["max_input_tokens"]
    131072
"""

from __future__ import annotations

from langchain_core.language_models import ModelProfile

from glm_core.models import CATALOGUE, catalogue_id, model_profile
from glm_core.models import ModelProfile as ModelFacts
from glm_core.providers import ProviderProfile
from glm_core.vision_checks import accepted_inputs

__all__ = ["model_profile_for"]

# Newer langchain-core profiles describe reasoning-effort levels; older ones have no such keys.
_HAS_EFFORT_KEYS = "reasoning_effort_levels" in getattr(ModelProfile, "__annotations__", {})


def model_profile_for(model: str, provider: ProviderProfile, facts: ModelFacts | None = None) -> ModelProfile:
    """The LangChain model profile of `model` as `provider` serves it (`facts`: the core's facts for
    it, with a user's `model_profile=` applied; default: the catalogue's)."""
    if facts is None:
        facts = model_profile(model, provider=provider.id)
    inputs = accepted_inputs(facts, provider)
    profile = ModelProfile(
        max_input_tokens=facts.context_window,
        max_output_tokens=facts.max_output_tokens,
        text_inputs=True,
        image_inputs="image" in inputs,
        image_url_inputs="image" in inputs,
        pdf_inputs="file" in inputs,
        audio_inputs=False,
        video_inputs="video" in inputs,
        text_outputs=True,
        image_outputs=False,
        audio_outputs=False,
        video_outputs=False,
        reasoning_output=facts.thinking != "none",
        tool_calling=facts.tool_calling,
        # Forced tool calls are enforced by the provider only where it accepts "required" / a
        # named tool; on the Z.ai family they are asked for and checked instead.
        tool_choice=facts.tool_calling and "required" in provider.tool_choices,
        tool_call_streaming=facts.tool_calling,
        # A tool's images and documents reach the model as media (glm_core: tool_result_media).
        image_tool_message=facts.tool_calling and "image" in inputs,
        pdf_tool_message=facts.tool_calling and "file" in inputs,
        structured_output="json_schema" in provider.response_formats and facts.json_mode,
        temperature=provider.temperature_range is not None,
        attachment=False,
        open_weights=facts.open_weights,
    )
    if _HAS_EFFORT_KEYS and facts.effort_levels:
        profile["reasoning_effort_levels"] = list(facts.effort_levels)
        # The server's default only where this provider documents that level for the model.
        if facts.effort_default is not None and facts.effort_default in facts.effort_levels:
            profile["reasoning_effort_default"] = facts.effort_default
    known = catalogue_id(model)
    if known is not None:
        row = CATALOGUE[known]
        profile["name"] = row.name
        if row.release_date is not None:
            profile["release_date"] = row.release_date
    return profile
