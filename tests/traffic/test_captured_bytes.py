"""Captured GLM answers replayed byte for byte (tests/traffic/captures.py) through GLMClient,
ChatGLM and GLM, sync and async: each capture through the paths of its kind (a stream through the
streaming paths, a body through the others; error bodies through all twelve)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from langchain_core.exceptions import ModelRateLimitError
from llama_index.core.llms import ChatMessage

from glm_core import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ContextOverflowError,
    ModelNotFoundError,
    QuotaExceededError,
    RateLimitError,
    ResponseDecodeError,
    StreamInterruptedError,
    TruncatedEventError,
)
from glm_core.testing import Capture, Emulator, Reply
from tests.traffic import captures
from tests.traffic.helpers import KEY, Seen, chat_glm, glm, ways


def _replay(provider: str, capture: Capture, *, streamed: bool) -> list[Seen]:
    emu = Emulator(provider, api_key=KEY)
    seen = []
    for way, call in ways(emu).items():
        if ("stream" in way) != streamed:
            continue
        emu.queue(capture)
        seen.append(call())
    assert emu.pending == 0
    return seen


def test_glm_5_3_at_low_effort_answers_without_reasoning_and_that_is_an_answer() -> None:
    # §3.1: no reasoning_content key at all, reasoning_tokens 0.
    for seen in _replay("zai", captures.GLM_5_3_LOW_EFFORT, streamed=False):
        assert seen.content == "2 + 2 = 4", seen.way
        assert seen.reasoning == "", seen.way
        if not seen.way.startswith("GLM."):
            assert seen.total_tokens == 29, seen.way


def test_vllm_cumulative_final_tool_chunk_gives_the_arguments_once() -> None:
    # §3.5 (vllm#42167): the finish chunk repeats the whole arguments, with null id/type/name.
    expected = [("record_expense", json.loads(captures.VLLM_CUMULATIVE_ARGUMENTS))]
    for seen in _replay("vllm", captures.VLLM_CUMULATIVE, streamed=True):
        assert seen.calls == expected, seen.way


def test_a_glued_frame_mid_stream_is_an_interruption_naming_the_cut_never_content() -> None:
    # §3.6 (zai-org/GLM-5#66): one event cut mid-JSON with the next `data:` glued onto it.
    emu = Emulator("zai", api_key=KEY)
    for way, call in ways(emu).items():
        if "stream" not in way:
            continue
        emu.queue(captures.GLUED_MID_STREAM)
        with pytest.raises(StreamInterruptedError) as caught:
            call()
        assert caught.value.partial is not None and caught.value.partial.content == "1", way
        assert "11" not in caught.value.partial.content
        assert isinstance(caught.value.cause, ResponseDecodeError), way
        assert "glued" in str(caught.value.cause) and "character 77" in str(caught.value.cause), way


def test_a_glued_first_frame_is_a_typed_error_never_content() -> None:
    emu = Emulator("zai", api_key=KEY)
    for way, call in ways(emu).items():
        if "stream" not in way:
            continue
        emu.queue(captures.GLUED_FIRST)
        with pytest.raises(TruncatedEventError, match="glued") as caught:
            call()
        assert caught.value.offset == 77 and caught.value.retryable, way
        assert caught.value.fragment.endswith('"object":"chat.c'), way


# The first event cut by the end of the connection (no socket error: the body just stops).
CUT_FIRST_EVENT = Capture([b'data: {"id":"20260430204055297b97348c8e426c","created":17775'], ends="eof")


@pytest.mark.parametrize("broken", [CUT_FIRST_EVENT, captures.GLUED_FIRST], ids=["cut by EOF", "glued"])
def test_a_stream_broken_in_its_first_event_is_retried_and_the_fragment_dropped(broken: Capture) -> None:
    emu = Emulator("zai", api_key=KEY)
    whole = Reply(content="Whole answer.", reasoning="Think.")
    for way, call in ways(emu, retries=1).items():
        if "stream" not in way:
            continue
        emu.queue(broken, whole)
        seen = call()
        assert (seen.content, seen.reasoning) == ("Whole answer.", "Think."), way
    assert emu.pending == 0


def test_an_event_cut_by_the_end_of_the_connection_mid_stream_is_an_interruption() -> None:
    # The connection ends (no error from the socket) inside the second event.
    first = captures.sse(captures.GLUED_FIRST_EVENT, done=False)[0]
    cut = Capture([first, b'data: {"id":"20260430204055297b97348c8e426c","created":17775'], ends="eof")
    emu = Emulator("zai", api_key=KEY)
    for way, call in ways(emu).items():
        if "stream" not in way:
            continue
        emu.queue(cut)
        with pytest.raises(StreamInterruptedError, match="inside an event") as caught:
            call()
        assert caught.value.partial is not None and caught.value.partial.content == "1", way


def test_a_stream_missing_only_the_blank_line_after_done_is_whole() -> None:
    # Nothing is lost or ambiguous when only the line ending after `data: [DONE]` is missing.
    body = [*captures.sse(captures.GLUED_FIRST_EVENT, done=False), b"data: [DONE]\n"]
    for seen in _replay("zai", Capture(body, ends="eof"), streamed=True):
        assert seen.content == "1", seen.way


def test_cloudflare_glm_5_3_flash_stream_keeps_tool_calls_and_the_last_usage() -> None:
    # §3.7: `p` padding, matched_stop, usage with neurons on every chunk, a `choices: []` chunk and
    # a native `{"response": "", "usage": ...}` chunk without choices: usage once, the last one.
    for provider in ("cloudflare", "cloudflare_openai"):
        for seen in _replay(provider, captures.cf_tool_run(), streamed=True):
            assert seen.calls == [("get_weather", {"city": "北京"})], (provider, seen.way)
            assert seen.content == "Let me check.", (provider, seen.way)
            assert seen.reasoning == "Weather needs a tool.", (provider, seen.way)
            if not seen.way.startswith("GLM."):
                assert seen.total_tokens == 30, (provider, seen.way)


@pytest.mark.parametrize("provider", ["cloudflare", "cloudflare_openai"])
async def test_cloudflare_usage_is_counted_once_with_its_neurons(provider: str) -> None:
    emu = Emulator(provider, api_key=KEY)
    final_usage = {"input_tokens": 14, "output_tokens": 16, "total_tokens": 30}
    emu.queue(captures.cf_tool_run(), captures.cf_tool_run())
    total = None
    async for chunk in chat_glm(emu, model="glm-5.3-flash").astream("weather?"):
        total = chunk if total is None else total + chunk
    assert total is not None
    # LangChain adds usage_metadata up over chunks: it is on one chunk only, the last usage.
    assert {k: total.usage_metadata[k] for k in final_usage} == final_usage  # type: ignore[index]
    assert total.response_metadata["token_usage"]["neurons"] == 0.9181818701326847
    last = list(glm(emu, model="glm-5.3-flash").stream_chat([ChatMessage(role="user", content="weather?")]))[-1]
    assert last.raw["usage"]["neurons"] == 0.9181818701326847 and last.raw["usage"]["total_tokens"] == 30


def test_a_native_response_chunk_with_text_is_content() -> None:
    # The native format's delta: never dropped, should a GLM stream carry text in it.
    body = captures.sse(captures.CF_FIRST, '{"response":"Hello","usage":{"prompt_tokens":14,"completion_tokens":1}}')
    body[-1:-1] = captures.sse(captures.cf_event({"content": None}, 1, finish="stop"), done=False)
    for seen in _replay("cloudflare", Capture(body), streamed=True):
        assert seen.content == "Hello", seen.way


@pytest.mark.parametrize("name", sorted(captures.ERROR_BODIES))
def test_every_captured_error_body_is_its_class_every_way(name: str) -> None:
    status, body, _source = captures.ERROR_BODIES[name]
    expected, provider = ERROR_CLASSES[name]
    emu = Emulator(provider, api_key=KEY)
    for way, call in ways(emu).items():
        emu.queue(Capture(body.encode(), status=status))
        with pytest.raises(expected) as caught:
            call()
        error = caught.value
        assert not isinstance(error, StreamInterruptedError), way
        sent = json.loads(body)
        text = (sent.get("error") or {}).get("message") or sent.get("message") or sent.get("msg")
        assert text in str(error), way  # the provider's words, Chinese included, are kept
        if way.startswith("ChatGLM"):
            assert type(error).__module__ == "langchain_glm.errors", way  # LangChain's own subclass
        if way.startswith("ChatGLM") and isinstance(error, QuotaExceededError):
            assert isinstance(error, ModelRateLimitError) and not error.is_retryable  # type: ignore[attr-defined]
        assert error.retryable is isinstance(error, RateLimitError), (way, error)
    if expected is not RateLimitError:
        assert len(emu.requests) == len(ways(emu)), "a final error is never retried"


ERROR_CLASSES: dict[str, tuple[type[APIError], str]] = {
    "zai flat 1210": (BadRequestError, "zai"),
    "zai 1214 messages (zh)": (BadRequestError, "zai"),
    "zai 1214 empty text": (BadRequestError, "zai"),
    "zai 429 no balance (zh)": (QuotaExceededError, "zai"),
    "zai 1309 flat": (QuotaExceededError, "zai_coding"),
    "zai 1308 five hours": (QuotaExceededError, "zai_coding"),
    "openrouter 402": (QuotaExceededError, "openrouter"),
    "bigmodel 1000 on 200": (AuthenticationError, "bigmodel"),
    "bigmodel 1261": (ContextOverflowError, "bigmodel"),
    "bigmodel 1000": (AuthenticationError, "bigmodel"),
    "bigmodel 1113": (QuotaExceededError, "bigmodel"),
    "bigmodel 1305": (RateLimitError, "bigmodel"),
    "bigmodel 1210 always thinks": (BadRequestError, "bigmodel"),
    "bigmodel 1210 max_tokens": (BadRequestError, "bigmodel"),
    "bigmodel 1211": (ModelNotFoundError, "bigmodel"),
    "bigmodel responses context_length_exceeded": (ContextOverflowError, "bigmodel"),
    "zai anthropic route 1302": (RateLimitError, "zai"),
}


def test_the_1308_reset_time_is_beijing_time_on_the_error_and_in_its_message() -> None:
    status, body, _ = captures.ERROR_BODIES["zai 1308 five hours"]
    emu = Emulator("zai_coding", api_key=KEY)
    beijing = timezone(timedelta(hours=8))
    for way, call in ways(emu).items():
        emu.queue(Capture(body.encode(), status=status))
        with pytest.raises(QuotaExceededError) as caught:
            call()
        reset_at = caught.value.reset_at  # type: ignore[attr-defined]
        assert reset_at == datetime(2026, 8, 27, 21, 31, 39, tzinfo=beijing), way
        assert reset_at.astimezone(UTC) == datetime(2026, 8, 27, 13, 31, 39, tzinfo=UTC)
        assert "2026-08-27T13:31:39Z" in str(caught.value), way
