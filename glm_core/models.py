"""Model profiles: the per-model facts (context window, output limit, thinking behaviour).

A provider profile may override a fact for the models it serves (Cloudflare serves
glm-4.7-flash with a 131,072-token context; Z.ai with 200K).

Example:
    >>> model_profile("glm-4.7").context_window
    200000
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

__all__ = ["MODEL_PROFILES", "ModelProfile", "model_profile"]


@dataclass(frozen=True, slots=True)
class ModelProfile:
    id: str
    context_window: int
    max_output_tokens: int
    # "on": thinks unless switched off; "auto": the model decides when thinking is enabled.
    thinking_default: Literal["on", "auto"]
    preserved_thinking: bool
    image_input: bool = False
    default_temperature: float = 1.0
    # Z.ai streams tool-call arguments incrementally only for GLM-4.6 and later (tool_stream).
    tool_stream: bool = True


_K = 1024

MODEL_PROFILES: dict[str, ModelProfile] = {
    # Sources: providers.md §1.2 (Z.ai spec: 128K output for 4.7/4.6, 96K for 4.5) and
    # models.dev zai/glm-4.7(-flash) (context 200K).
    "glm-4.7": ModelProfile("glm-4.7", 200_000, 128 * _K, "on", True),
    "glm-4.7-flash": ModelProfile("glm-4.7-flash", 200_000, 128 * _K, "on", True),
    "glm-4.7-flashx": ModelProfile("glm-4.7-flashx", 200_000, 128 * _K, "on", True),
    "glm-4.6": ModelProfile("glm-4.6", 200_000, 128 * _K, "auto", False),
    "glm-4.5": ModelProfile("glm-4.5", 128 * _K, 96 * _K, "auto", False, False, 0.6, tool_stream=False),
    "glm-4.5-air": ModelProfile("glm-4.5-air", 128 * _K, 96 * _K, "auto", False, False, 0.6, tool_stream=False),
    "glm-4.5-flash": ModelProfile("glm-4.5-flash", 128 * _K, 96 * _K, "auto", False, False, 0.6, tool_stream=False),
}

# A served model we know nothing about (a self-hosted fine-tune, a provider-native id): assume the
# GLM-4.7-Flash open-weights facts, which is what vLLM/SGLang users serve.
_FALLBACK = MODEL_PROFILES["glm-4.7-flash"]


def model_profile(model: str, *, context_window: int | None = None) -> ModelProfile:
    """The profile for a user-facing model id; unknown ids get GLM-4.7-Flash's facts under their name."""
    profile = MODEL_PROFILES.get(model)
    if profile is None:
        profile = replace(_FALLBACK, id=model)
    if context_window is not None and context_window != profile.context_window:
        profile = replace(
            profile,
            context_window=context_window,
            max_output_tokens=min(profile.max_output_tokens, context_window),
        )
    return profile
