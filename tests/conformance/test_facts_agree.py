"""The library's model facts (glm_core.models, per provider) and the emulator's own
(glm_core.testing.model_facts) agree, fact by fact, for every model each provider is documented
to serve.

They are two tables written from the sources independently, so a wrong fact in either fails here,
naming the fact and both sources; the source decides which one is wrong. Deliberate differences
are in tests/conformance/departures.py, with their reasons.
"""

from __future__ import annotations

from typing import Any

import pytest

from glm_core.models import CATALOGUE, model_profile
from glm_core.providers import PROVIDERS
from glm_core.testing.facts import PROVIDER_FACTS
from glm_core.testing.model_facts import served_model
from tests.conformance.departures import departure

PAIRS = [(provider, row.id) for provider in PROVIDERS for row in CATALOGUE.values() if provider in row.providers]


def _facts(provider: str, model: str) -> dict[str, tuple[Any, Any]]:
    """fact -> (library's value, emulator's value)."""
    library = model_profile(model, provider=provider)
    emulator = served_model(PROVIDER_FACTS[provider], PROVIDERS[provider].wire_model(model))
    # A level the emulator's server takes but the library refuses needs a departure (below); the
    # library may send only levels the server takes with an effect.
    served_levels = emulator.effort or ()
    return {
        "context window": (library.context_window, emulator.context_window),
        "max output tokens": (library.max_output_tokens, emulator.max_output),
        "input kinds": (set(library.inputs), set(emulator.inputs)),
        "thinking": (library.thinking, emulator.thinking),
        "effort levels": (tuple(library.effort_levels), tuple(served_levels)),
        "tool calling": (library.tool_calling, emulator.tools),
        "JSON mode": (library.json_mode, emulator.json_mode),
        "tool_stream": (library.tool_stream, emulator.tool_stream),
        "file ids": (library.file_ids, emulator.file_ids),
        "images / videos per request": (
            (library.max_images, library.max_videos),
            (emulator.max_images, emulator.max_videos),
        ),
    }


@pytest.mark.parametrize(("provider", "model"), PAIRS, ids=[f"{p}-{m}" for p, m in PAIRS])
def test_the_library_and_the_emulator_agree(provider: str, model: str) -> None:
    library = model_profile(model, provider=provider)
    emulator = served_model(PROVIDER_FACTS[provider], PROVIDERS[provider].wire_model(model))
    assert emulator.known, (
        f"{provider}: the emulator has no facts for {model} ({PROVIDERS[provider].wire_model(model)})"
    )
    disagreements = []
    for fact, (ours, theirs) in _facts(provider, model).items():
        if ours != theirs and departure(provider, model, fact) is None:
            disagreements.append(
                f"{model} on {provider}: {fact}: the library (glm_core.models, source {library.source!r}) says "
                f"{ours!r}; the emulator (glm_core.testing.model_facts, source {emulator.source!r}) says {theirs!r}"
            )
    assert not disagreements, "\n".join(disagreements)


def test_every_provider_and_model_is_compared() -> None:
    assert len(PAIRS) > 60
    assert {p for p, _ in PAIRS} == set(PROVIDERS)
