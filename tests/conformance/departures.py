"""The one table of deliberate departures from what a provider publishes.

Each entry is a place where the library does *not* do what a published schema or the emulator's
facts allow, on purpose, with the reason and the source that settled it. The conformance tests
(test_published_schemas.py, test_facts_agree.py) skip exactly these and nothing else, so a new
disagreement fails until it is fixed or argued here.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEPARTURES", "Departure", "departure"]


@dataclass(frozen=True, slots=True)
class Departure:
    provider: str  # a provider id, or "*" for every one
    model: str  # a catalogue id, or "*"
    fact: str  # what differs: "reasoning_effort=<level>", "effort levels", "field <name>", ...
    reason: str
    source: str


_CF = ("cloudflare", "cloudflare_openai")
_GENERIC_EFFORT = (
    "the schema's reasoning_effort is the generic OpenAI one ('Constrains effort on reasoning for reasoning "
    "models (o1, o3-mini, etc.)'); GLM-4.7-Flash has no effort levels (ZAI-OAS: GLM-5.2 and above) and its chat "
    "template no effort variable, so a level would do nothing: it is refused before sending, naming the provider"
)

DEPARTURES: tuple[Departure, ...] = (
    *(
        Departure(provider, "glm-4.7-flash", f"reasoning_effort={level}", _GENERIC_EFFORT, "CF-4.7F; ZAI-OAS")
        for provider in _CF
        for level in ("low", "medium", "high")
    ),
    *(
        Departure(
            provider,
            "glm-4.7-flash",
            "field chat_template_kwargs",
            "the thinking switch: glm-4.7-flash's schema lists no chat_template_kwargs (the GLM-5.x ones do), yet its "
            "chat template reads enable_thinking and the field is not refused (no additionalProperties:false); "
            "without it thinking could not be switched off there (UNCERTAIN_CHOICES)",
            "CF-4.7F; CF-5.2",
        )
        for provider in _CF
    ),
    *(
        Departure(
            provider,
            model,
            "tool turns on a vision model",
            "ZAI-OAS's vision schema lists system/user/assistant messages only, yet documents function tools on "
            "these models: a tool loop needs tool results, so tool messages and assistant tool_calls are sent "
            "(UNCERTAIN_CHOICES; a live check decides)",
            "ZAI-OAS ChatCompletionVisionRequest",
        )
        for provider in ("zai", "zai_coding")
        for model in (
            "glm-4.6v",
            "glm-4.6v-flash",
            "glm-4.6v-flashx",
            "glm-5.3-flash",
            "glm-5.3-flashx",
            "glm-5v-turbo",
        )
    ),
    *(
        Departure(
            provider,
            "*",
            "field seed",
            "the user's seed is sent although Z.ai's spec has no seed field: it does not refuse unknown fields (no "
            "additionalProperties:false) and a seed is harmless where ignored; whether Z.ai honours it is not "
            "documented (UNCERTAIN_CHOICES)",
            "ZAI-OAS ChatCompletionTextRequest",
        )
        for provider in ("zai", "zai_coding")
    ),
    Departure(
        "aimlapi",
        "glm-5.3",
        "field n",
        "n is sent when asked for (more than one answer): the zhipu/glm-5-3 schema omits it but does not refuse "
        "unknown fields, and AI/ML API's glm-4.7 schema lists it",
        "AIML-5.3; AIML glm-4.7",
    ),
    Departure(
        "aimlapi",
        "glm-5.3",
        "thinking=disabled",
        "the zhipu/glm-5-3 schema's thinking.type enum has disabled, but GLM-5.3 always thinks and Z.ai answers "
        "thinking disabled with 400/1210; AI/ML API takes no reasoning_effort to lower it instead, so thinking=False "
        "is refused before sending",
        "AIML-5.3; ZAI-OAS ChatThinking; OBS-1210",
    ),
    Departure(
        "aimlapi",
        "glm-5.3",
        "field stop",
        "OpenAI's stop (up to 4) is sent: the zhipu/glm-5-3 schema omits it but does not refuse unknown fields, "
        "and AI/ML API's other GLM schemas list it",
        "AIML-5.3; AIML glm-5.2",
    ),
)


def departure(provider: str, model: str, fact: str) -> Departure | None:
    """The entry for this provider, model and fact, if the library departs there on purpose."""
    for entry in DEPARTURES:
        if entry.fact == fact and entry.provider in ("*", provider) and entry.model in ("*", model):
            return entry
    return None
