"""Every model the catalogue added (GLM-5.x and the vision line), on every provider documented to
serve it, replayed from cassettes: the id reaches the provider spelled its way, the answer carries
reasoning, and the effort and thinking rules hold (sync chat with an effort level where the model
has levels, a stream, and thinking=False).

Re-record against the emulator: `GLM_RECORD=1 pytest tests/e2e/test_catalogue_cassettes.py --record-mode=rewrite`.
"""

from __future__ import annotations

import pytest

from glm_core import ChatRequest, GLMClient, InvalidRequestError, UserMessage
from glm_core.models import CATALOGUE, model_profile
from tests.targets import target_kwargs

pytestmark = pytest.mark.vcr

# The ids the catalogue had before GLM-5 (their cassettes are the rest of the suite's).
_SEED = {"glm-4.7", "glm-4.7-flash", "glm-4.7-flashx", "glm-4.6", "glm-4.5", "glm-4.5-air", "glm-4.5-flash"}
CASES = [(provider, model.id) for model in CATALOGUE.values() if model.id not in _SEED for provider in model.providers]


@pytest.fixture
def glm_provider(request: pytest.FixtureRequest) -> str:
    provider: str = request.node.callspec.params["provider"]
    return provider


@pytest.mark.parametrize(("provider", "model"), CASES, ids=[f"{p}-{m}" for p, m in CASES])
def test_a_new_model_answers_with_its_rules(provider: str, model: str) -> None:
    row = CATALOGUE[model]
    levels = model_profile(model, provider=provider).effort_levels  # as this provider takes them
    client = GLMClient(**target_kwargs(provider, model), max_retries=0)
    prompt = [UserMessage("What is 2 + 2? Answer briefly.")]
    effort = "high" if "high" in levels else None
    answer = client.chat(ChatRequest(model, prompt, max_tokens=256, reasoning_effort=effort))
    assert answer.content or answer.reasoning
    if row.thinking != "none":
        assert answer.reasoning
    with client.stream(ChatRequest(model, prompt, max_tokens=256)) as stream:
        streamed = "".join(chunk.content or "" for chunk in stream)
    assert streamed == stream.response.content
    if row.thinking == "none":
        return
    quiet_request = ChatRequest(model, prompt, max_tokens=256, thinking=False)
    if row.always_thinks and not levels:
        # Always thinks, and the provider takes no effort for it (AI/ML API): nothing lowers it.
        with pytest.raises(InvalidRequestError, match="cannot be lowered"):
            client.chat(quiet_request)
        return
    # thinking=False: the cheapest level on a model that always thinks (none, which skips thinking,
    # on the coding plan), a switch elsewhere.
    quiet = client.chat(quiet_request)
    assert bool(quiet.reasoning) is (row.always_thinks and levels[0] != "none")
