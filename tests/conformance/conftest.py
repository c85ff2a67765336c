"""The conformance tier checks the documented wire shapes (providers.md) with the official SDKs'
types, which validate strictly.

The captured variants that are the emulator's defaults for some providers (glm_core.testing.shapes)
include shapes those strict types reject: Z.ai stream chunks carry no `object`, which openai's
`ChatCompletionChunk.model_validate` requires and without which the openai SDK's
`chat.completions.stream()` helper fails; BigModel's usage event has `choices: []`, which code
reading `chunk.choices[0]` trips on. Our own clients are tested through every captured variant in
tests/traffic; here every emulator answers in the documented shape.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from glm_core.testing import shapes


@pytest.fixture(autouse=True)
def documented_shapes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for provider in list(shapes.DEFAULT_SHAPES):
        monkeypatch.delitem(shapes.DEFAULT_SHAPES, provider)
    yield
