"""reasoning_effort and the per-model thinking rules, as they reach the wire on every provider."""

from __future__ import annotations

from typing import Any

import pytest

from glm_core import ChatRequest, Endpoint, GLMClient, InvalidRequestError, UserMessage
from tests.core.helpers import client_kwargs

HI = [UserMessage("Hi")]


def body(provider: str, model: str, **options: Any) -> dict[str, Any]:
    request = ChatRequest(model, HI, **options)
    return Endpoint(provider, **client_kwargs(provider)).prepare(request, stream=False).body


@pytest.mark.parametrize(
    ("provider", "expected"),
    [
        ("zai", {"reasoning_effort": "high"}),
        ("zai_coding", {"reasoning_effort": "high"}),
        ("bigmodel", {"reasoning_effort": "high"}),
        ("cloudflare", {"reasoning_effort": "high"}),
        ("cloudflare_openai", {"reasoning_effort": "high"}),
        ("openrouter", {"reasoning": {"effort": "high"}}),
        ("vllm", {"chat_template_kwargs": {"reasoning_effort": "high"}}),
        ("sglang", {"chat_template_kwargs": {"reasoning_effort": "high"}}),
    ],
)
def test_the_effort_goes_where_each_provider_reads_it(provider: str, expected: dict[str, Any]) -> None:
    sent = body(provider, "glm-5.3", reasoning_effort="high")
    assert {k: sent[k] for k in expected} == expected
    assert "thinking" not in sent


def test_empiriolabs_takes_a_top_level_effort_on_glm_5_2() -> None:
    assert body("empiriolabs", "glm-5.2", reasoning_effort="xhigh")["reasoning_effort"] == "xhigh"


@pytest.mark.parametrize("provider", ["zai", "bigmodel", "cloudflare", "vllm"])
def test_thinking_false_on_an_always_thinking_model_is_the_cheapest_level(provider: str) -> None:
    sent = body(provider, "glm-5.3", thinking=False)
    # Never a disabled switch, which Z.ai answers with 400/1210 on GLM-5.3.
    assert "thinking" not in sent
    assert sent.get("chat_template_kwargs", {}).get("enable_thinking") is not False
    assert sent.get("reasoning", {}).get("enabled") is not False
    effort = sent.get("reasoning_effort") or sent.get("reasoning", {}).get("effort")
    effort = effort or sent.get("chat_template_kwargs", {}).get("reasoning_effort")
    assert effort == "low"


def test_thinking_false_on_glm_5_3_flash_too() -> None:
    assert body("zai", "glm-5.3-flash", thinking=False)["reasoning_effort"] == "low"


def test_thinking_false_on_switchable_models_still_switches_thinking_off() -> None:
    assert body("zai", "glm-5.2", thinking=False)["thinking"] == {"type": "disabled"}
    assert body("zai", "glm-4.7-flash", thinking=False)["thinking"] == {"type": "disabled"}
    assert body("cloudflare", "glm-5.2", thinking=False)["chat_template_kwargs"] == {"enable_thinking": False}


def test_none_on_a_model_without_levels_means_thinking_false() -> None:
    sent = body("zai", "glm-4.7", reasoning_effort="none")
    assert sent["thinking"] == {"type": "disabled"}
    assert "reasoning_effort" not in sent


def test_glm_5_2_takes_all_seven_levels_as_they_are() -> None:
    for level in ("none", "minimal", "low", "medium", "high", "xhigh", "max"):
        assert body("zai", "glm-5.2", reasoning_effort=level)["reasoning_effort"] == level


def test_effort_and_preserved_thinking_together() -> None:
    sent = body("zai", "glm-5.3", reasoning_effort="max", preserve_thinking=True)
    assert sent["thinking"] == {"type": "enabled", "clear_thinking": False}
    assert sent["reasoning_effort"] == "max"


def test_nothing_is_sent_when_nothing_is_asked() -> None:
    sent = body("zai", "glm-5.3")
    assert "reasoning_effort" not in sent and "thinking" not in sent


def test_a_glm_5_3_variant_gets_glm_5_3s_rules() -> None:
    assert body("zai", "glm-5.3-preview", thinking=False)["reasoning_effort"] == "low"
    # OpenRouter's levels for it (no max, reasoning mandatory): medium is one of them.
    assert body("openrouter", "z-ai/glm-5.3:batch", reasoning_effort="medium")["reasoning"] == {"effort": "medium"}


def test_a_client_default_applies_unless_the_request_sets_its_own() -> None:
    endpoint = Endpoint("zai", reasoning_effort="low", **client_kwargs("zai"))
    assert endpoint.prepare(ChatRequest("glm-5.3", HI), stream=False).body["reasoning_effort"] == "low"
    own = endpoint.prepare(ChatRequest("glm-5.3", HI, reasoning_effort="max"), stream=False).body
    assert own["reasoning_effort"] == "max"
    client = GLMClient("zai", reasoning_effort="high", **client_kwargs("zai"))
    assert client.endpoint.reasoning_effort == "high"


def test_a_client_default_the_model_lacks_is_sent_as_its_nearest_level() -> None:
    endpoint = Endpoint("zai", reasoning_effort="medium", **client_kwargs("zai"))
    assert endpoint.prepare(ChatRequest("glm-5.3", HI), stream=False).body["reasoning_effort"] == "high"


def test_a_model_that_does_not_think_refuses_thinking() -> None:
    with pytest.raises(InvalidRequestError, match="does not think"):
        body("zai", "glm-4-32b-0414-128k", thinking=True)
    assert "thinking" not in body("zai", "glm-4-32b-0414-128k", thinking=False)


def test_aimlapi_switches_with_thinking_type_and_takes_no_effort() -> None:
    # AIML-5.3: thinking {type: enabled | disabled}, no reasoning_effort property.
    assert body("aimlapi", "glm-4.7", thinking=False)["thinking"] == {"type": "disabled"}
    with pytest.raises(InvalidRequestError, match="AI/ML API's request schema has no reasoning_effort"):
        body("aimlapi", "glm-5.3", reasoning_effort="high")
    with pytest.raises(InvalidRequestError, match="cannot be lowered there"):
        body("aimlapi", "glm-5.3", thinking=False)
