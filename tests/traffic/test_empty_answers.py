""" "Thinking ate the answer" (user reports #14; real-traffic.md §3.7): an answer with reasoning
and no text or tool call is an EmptyAnswerError in every path, streamed or not, never a plain
empty answer; it keeps the reasoning and the usage."""

from __future__ import annotations

import pytest

from glm_core import EmptyAnswerError
from glm_core.testing import Emulator, Reply, ToolCallSpec
from tests.traffic import captures
from tests.traffic.helpers import KEY, ways


def _every_way_raises(emu: Emulator, item: object, **options: object) -> list[tuple[str, EmptyAnswerError]]:
    raised = []
    for way, call in ways(emu, **options).items():  # type: ignore[arg-type]
        emu.queue(item)  # type: ignore[arg-type]
        with pytest.raises(EmptyAnswerError) as caught:
            call()
        raised.append((way, caught.value))
    return raised


@pytest.mark.parametrize("provider", ["cloudflare", "cloudflare_openai"])
def test_the_captured_cloudflare_run_spent_on_reasoning_is_an_empty_answer_error(provider: str) -> None:
    # The 2026-10-03 capture: max_tokens 16, 16 tokens of reasoning, finish_reason "length".
    emu = Emulator(provider, api_key=KEY)
    for way, call in ways(emu, model_id="glm-5.3-flash").items():
        if "stream" not in way:
            continue
        emu.queue(captures.CF_GLM_5_3_FLASH_RUN)
        with pytest.raises(EmptyAnswerError, match="whole output budget") as caught:
            call()
        error = caught.value
        assert error.reasoning == "The user says hi. I should greet them back", way
        assert error.finish_reason == "length" and error.usage is not None, way
        assert (error.usage.output_tokens, error.usage.total_tokens) == (16, 30), way
        assert error.usage.raw is not None and error.usage.raw["neurons"] == 0.9181818701326847, way
        assert not error.retryable


@pytest.mark.parametrize("provider", ["zai", "vllm", "openrouter"])
def test_a_budget_spent_on_reasoning_is_an_empty_answer_error_every_way(provider: str) -> None:
    # The rules spend a small max_tokens on reasoning first, as GLM does: nothing is left.
    emu = Emulator(provider, api_key=KEY)
    for way, call in ways(emu, max_tokens=4).items():
        with pytest.raises(EmptyAnswerError, match=r"max_tokens=4.*Raise max_tokens, or lower reasoning_effort") as c:
            call()
        assert c.value.reasoning and c.value.response is not None and c.value.response.content == "", way


def test_reasoning_then_stop_with_nothing_is_an_empty_answer_error_every_way() -> None:
    emu = Emulator("zai", api_key=KEY, shape={"empty_after_reasoning": True})
    for way, call in ways(emu).items():
        with pytest.raises(EmptyAnswerError, match="stopped without an answer") as caught:
            call()
        assert caught.value.finish_reason == "stop" and caught.value.reasoning, way


def test_hidden_reasoning_counted_in_usage_is_enough() -> None:
    # OpenRouter with reasoning excluded: no reasoning text, but the tokens were spent on it.
    usage = {
        "prompt_tokens": 5,
        "completion_tokens": 64,
        "total_tokens": 69,
        "completion_tokens_details": {"reasoning_tokens": 64},
    }
    emu = Emulator("openrouter", api_key=KEY)
    for way, error in _every_way_raises(emu, Reply(content="", finish_reason="length", usage=usage)):
        assert error.reasoning is None and error.usage is not None and error.usage.reasoning_tokens == 64, way
        assert "64 reasoning tokens of 64 output tokens" in str(error), way


@pytest.mark.parametrize(
    "reply",
    [
        Reply(content="", reasoning="Call the tool.", tool_calls=[ToolCallSpec("get_weather", {"city": "Paris"})]),
        Reply(content="", reasoning="Blocked.", finish_reason="sensitive"),
        Reply(content="", finish_reason="stop"),
        Reply(content="Cut sh", reasoning="Think.", finish_reason="length"),
    ],
    ids=["a tool call", "a refusal", "no reasoning", "text cut by the budget"],
)
def test_answers_that_are_not_empty_after_reasoning_are_returned(reply: Reply) -> None:
    emu = Emulator("zai", api_key=KEY)
    for way, call in ways(emu).items():
        emu.queue(reply)
        seen = call()
        assert seen.content == reply.content, way
