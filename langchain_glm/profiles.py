"""Model profiles for ChatGLM (`llm.profile`), written by hand.

The per-model facts (name, release date, open weights) come from models.dev
(`anomalyco/models.dev` `providers/zai/models/*.toml`); the limits come from glm_core's model
profiles with the provider's overrides (Cloudflare serves glm-4.7-flash with a 131,072-token
context); and what depends on the provider (forced tool choice, native structured output,
temperature) is read from glm_core's provider profile, so the three cannot disagree.

Example:
    >>> model_profile_for("glm-4.7-flash", get_provider("cloudflare"))["max_input_tokens"]
    131072
"""

from __future__ import annotations

from typing import Any

from langchain_core.language_models import ModelProfile

from glm_core.models import model_profile
from glm_core.providers import ProviderProfile
from glm_core.vision_checks import accepted_inputs

__all__ = ["MODEL_FACTS", "model_profile_for"]

# models.dev: name, release_date, open_weights (all GLM-4.x text models are open weights).
MODEL_FACTS: dict[str, dict[str, Any]] = {
    "glm-4.7": {"name": "GLM-4.7", "release_date": "2025-12-22"},
    "glm-4.7-flash": {"name": "GLM-4.7-Flash", "release_date": "2026-01-19"},
    "glm-4.7-flashx": {"name": "GLM-4.7-FlashX", "release_date": "2026-01-19"},
    "glm-4.6": {"name": "GLM-4.6", "release_date": "2025-09-30"},
    "glm-4.5": {"name": "GLM-4.5", "release_date": "2025-07-28"},
    "glm-4.5-air": {"name": "GLM-4.5-Air", "release_date": "2025-07-28"},
    "glm-4.5-flash": {"name": "GLM-4.5-Flash", "release_date": "2025-07-28"},
}


def model_profile_for(model: str, provider: ProviderProfile) -> ModelProfile:
    """The LangChain model profile of `model` as `provider` serves it."""
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
        reasoning_output=True,
        tool_calling=facts.tool_calling,
        # Forced tool calls are enforced by the provider only where it accepts "required" / a
        # named tool; on the Z.ai family they are asked for and checked instead.
        tool_choice="required" in provider.tool_choices,
        tool_call_streaming=True,
        structured_output="json_schema" in provider.response_formats,
        temperature=provider.temperature_range is not None,
        attachment=False,
        open_weights=True,
    )
    known = MODEL_FACTS.get(model)
    if known is not None:
        profile["name"] = known["name"]
        profile["release_date"] = known["release_date"]
    return profile
