"""Captured error answers (real-traffic.md "Error bodies" and "Cut streams"), through every path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from langchain_core.exceptions import ModelRateLimitError

from glm_core import BadRequestError, QuotaExceededError, RateLimitError, StreamInterruptedError, TruncatedEventError
from glm_core.testing import Emulator, Fault, Reply
from tests.traffic.helpers import KEY, ways

OPENROUTER_402 = Fault(
    status=402,
    body={"error": {"code": 402, "message": "Prompt tokens limit exceeded: 9000 > 4172. Add more credits"}},
)


@pytest.mark.parametrize(
    ("provider", "fault", "shape"),
    [
        ("openrouter", OPENROUTER_402, None),
        ("zai", Fault(code="1113"), None),
        ("zai", Fault(code="1113"), {"flat_errors": True}),
        ("bigmodel", Fault(code="1113"), {"flat_errors": True}),
        ("aimlapi", Fault(status=403), None),
        ("cloudflare_openai", Fault(code=3036), None),
        ("empiriolabs", Fault(status=402), None),
    ],
)
def test_no_credits_is_a_final_quota_error_every_way(
    provider: str, fault: Fault, shape: dict[str, bool] | None
) -> None:
    emu = Emulator(provider, api_key=KEY, shape=shape)
    for way, call in ways(emu).items():
        emu.queue(fault)
        with pytest.raises(QuotaExceededError) as caught:
            call()
        assert caught.value.retryable is False, way
        if way.startswith("ChatGLM"):
            # LangChain's family, as the other quota errors: a rate-limit error that is not retryable.
            assert isinstance(caught.value, ModelRateLimitError) and not caught.value.is_retryable
    assert len(emu.requests) == len(ways(emu))  # never retried


def test_the_flat_zai_body_is_what_the_emulator_sends_when_asked() -> None:
    emu = Emulator("zai", api_key=KEY, shape={"flat_errors": True})
    call = ways(emu)["GLMClient.chat"]
    emu.queue(Fault(code="1210"))
    with pytest.raises(BadRequestError) as caught:
        call()
    assert caught.value.code == "1210"
    assert set(caught.value.body) == {"code", "message"}


@pytest.mark.parametrize("provider", ["zai", "openrouter"])
def test_a_stream_cut_inside_an_event_is_an_interruption_with_the_partial_answer(provider: str) -> None:
    emu = Emulator(provider, api_key=KEY)
    reply = Reply(content="Part one. Part two. Part three.", reasoning="Think.", chunk_size=5)
    for way, call in ways(emu).items():
        if "stream" not in way:
            continue
        emu.queue(Fault(kind="cut_stream_after", after_events=3, inside_event=True))
        emu.queue(reply)  # a retry, if any were made, would get a whole answer: none may be made
        with pytest.raises(StreamInterruptedError) as caught:
            call()
        assert caught.value.partial is not None, way
        emu.reset()


@pytest.mark.parametrize("provider", ["zai", "openrouter"])
def test_a_stream_cut_inside_its_first_event_is_retried_without_gluing_the_fragment(provider: str) -> None:
    # opencode#8282: a retry glued the next connection's first event onto the cut fragment. Nothing
    # reached the caller yet, so the stream is retried on a fresh connection, the fragment dropped.
    import httpx2
    from llama_index.core.llms import ChatMessage

    from glm_core import ChatRequest, GLMClient, UserMessage
    from tests.traffic.helpers import chat_glm, glm, model

    emu = Emulator(provider, api_key=KEY)
    reply = Reply(content="Whole answer.", reasoning="Think.")
    cut = Fault(kind="cut_stream_after", after_events=0, inside_event=True)

    emu.queue(cut, reply)
    client = GLMClient(
        provider,
        api_key=KEY,
        base_url=emu.base_url,
        max_retries=1,
        http_client=httpx2.Client(transport=emu.transport()),
        sleep=lambda _: None,
    )
    with client.stream(ChatRequest(model(provider), [UserMessage("Hi")])) as stream:
        assert "".join(c.content for c in stream) == "Whole answer."

    emu.queue(cut, reply)
    llm = chat_glm(emu, max_retries=1)
    llm._client.sleep = lambda _: None  # no backoff wait in a test
    assert "".join(c.text for c in llm.stream("Hi")) == "Whole answer."

    emu.queue(cut, reply)
    li = glm(emu, max_retries=1)
    li._sync_client.sleep = lambda _: None
    assert list(li.stream_chat([ChatMessage(role="user", content="Hi")]))[-1].message.content == "Whole answer."
    assert emu.pending == 0


# -- the SSE end-of-stream rule and glued frames, as the emulator produces them (real-traffic §3.6)


@pytest.mark.parametrize("provider", ["zai", "vllm"])
def test_an_event_left_unfinished_by_a_clean_close_is_an_interruption(provider: str) -> None:
    # The body fault dresses the rules answer: its reasoning arrives, then the connection closes
    # cleanly half-way through the next event (a retry, if one were made, would get `whole`).
    emu = Emulator(provider, api_key=KEY)
    whole = Reply(content="Whole answer.")
    for way, call in ways(emu, retries=1).items():
        if "stream" not in way:
            continue
        emu.queue(Fault(kind="cut_stream_after", after_events=2, inside_event=True, clean_close=True), whole)
        with pytest.raises(StreamInterruptedError, match="ended inside an event") as caught:
            call()
        partial = caught.value.partial
        assert partial is not None and partial.reasoning and not partial.content, way
        emu.reset()


@pytest.mark.parametrize("provider", ["zai", "openrouter"])
def test_an_event_left_unfinished_before_anything_arrived_is_retried(provider: str) -> None:
    emu = Emulator(provider, api_key=KEY)
    reply = Reply(content="Whole answer.", reasoning="Think.")
    for way, call in ways(emu, retries=1).items():
        if "stream" not in way:
            continue
        emu.queue(Fault(kind="cut_stream_after", after_events=0, inside_event=True, clean_close=True), reply)
        assert call().content == "Whole answer.", way
    assert emu.pending == 0


def test_a_glued_event_is_a_typed_interruption_and_never_content() -> None:
    emu = Emulator("zai", api_key=KEY)
    for way, call in ways(emu, retries=1).items():
        if "stream" not in way:
            continue
        emu.queue(Fault(kind="glued_event", after_events=1))
        with pytest.raises(StreamInterruptedError) as caught:
            call()
        assert isinstance(caught.value.cause, TruncatedEventError), way
        partial = caught.value.partial
        assert partial is not None and partial.reasoning and "data:" not in partial.reasoning + partial.content, way
        assert len(emu.requests) == 1, "events had reached the caller: no retry"
        emu.reset()


# -- quotas with a reset time (user report #8; real-traffic.md §3.3, §3.4) ------------------------

BEIJING = timezone(timedelta(hours=8))


@pytest.mark.parametrize(("provider", "code"), [("zai_coding", "1308"), ("bigmodel", "1308"), ("zai", "1310")])
def test_a_usage_cap_is_a_final_quota_error_with_its_reset_time(provider: str, code: str) -> None:
    # The emulator writes the reset two hours ahead, in Beijing time, in English or in Chinese.
    emu = Emulator(provider, api_key=KEY)
    before = datetime.now(UTC)
    for way, call in ways(emu, retries=2).items():
        emu.queue(Fault(code=code))
        with pytest.raises(QuotaExceededError) as caught:
            call()
        reset_at = caught.value.reset_at
        assert reset_at is not None and reset_at.utcoffset() == timedelta(hours=8), way
        assert timedelta(hours=1, minutes=59) < reset_at - before < timedelta(hours=2, minutes=1), way
        assert f"resets at {reset_at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}" in str(caught.value), way
        assert not caught.value.retryable, way
    assert len(emu.requests) == len(ways(emu)), "a quota error is never retried"


def test_a_final_quota_answer_with_retry_after_gives_the_reset_time() -> None:
    emu = Emulator("zai", api_key=KEY)
    for way, call in ways(emu, retries=2).items():
        emu.queue(Fault(code="1113", headers={"retry-after": "3600"}))
        before = datetime.now(UTC)
        with pytest.raises(QuotaExceededError) as caught:
            call()
        reset_at = caught.value.reset_at
        assert reset_at is not None and abs(reset_at - before - timedelta(hours=1)) < timedelta(seconds=5), way
    assert len(emu.requests) == len(ways(emu))


@pytest.mark.parametrize(
    ("code", "message", "expected", "reset"),
    [
        ("1316", None, QuotaExceededError, True),  # the caps after 1310: the docs' reset wording
        ("1321", None, QuotaExceededError, True),
        ("1313", None, QuotaExceededError, False),  # fair use
        ("1314", "Too many requests", RateLimitError, False),  # meaning unknown: a 429 like any
        ("1315", "Your limit will reset at 2026-09-01 08:00:00", QuotaExceededError, True),
    ],
)
def test_codes_1313_to_1321_are_classified(code: str, message: str | None, expected: type, reset: bool) -> None:
    emu = Emulator("zai", api_key=KEY)
    body = None if message is None else {"error": {"code": code, "message": message}}
    for way, call in ways(emu).items():
        emu.queue(Fault(code=code, status=429, body=body) if body else Fault(code=code))
        with pytest.raises(expected) as caught:
            call()
        assert (getattr(caught.value, "reset_at", None) is not None) is reset, way


def test_the_captured_1308_message_is_read_in_beijing_time() -> None:
    # "[1308][Usage limit reached for 5 hour. Your limit will reset at 2026-10-06 16:23:45][2026...]"
    # (a Claude-Code-side log, real-traffic.md §3.4): the same reading inside brackets.
    message = "[1308][Usage limit reached for 5 hour. Your limit will reset at 2026-10-06 16:23:45][20261006143041]"
    emu = Emulator("zai", api_key=KEY)
    emu.queue(Fault(status=429, body={"error": {"code": "1308", "message": message}}))
    with pytest.raises(QuotaExceededError) as caught:
        ways(emu)["GLMClient.chat"]()
    assert caught.value.reset_at == datetime(2026, 10, 6, 16, 23, 45, tzinfo=BEIJING)
