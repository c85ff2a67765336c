"""Script mode (queued Reply / Fault items) and every fault kind, in-process (sync and async)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx2
import pytest

from glm_core.testing import FAULT_KINDS, Emulator, Fault, Reply, ToolCallSpec
from tests.emulator.emulator_helpers import (
    PROVIDERS,
    ROUTES,
    assemble,
    async_client,
    body_for,
    client,
    post,
    sse_chunks,
    sse_data,
    unwrap,
)


def zai() -> Emulator:
    return Emulator("zai", api_key="test-key")


def stream_body(provider: str = "zai", **extra: Any) -> dict[str, Any]:
    return body_for(provider, "Tell me a fairly long story about a lighthouse keeper", stream=True, **extra)


def read_events(c: httpx2.Client, provider: str, body: dict[str, Any]) -> tuple[list[str], BaseException | None]:
    """The data payloads received before the stream ended or failed, and the failure."""
    received: list[str] = []
    try:
        with c.stream("POST", ROUTES[provider][0], json=body) as r:
            buffer = ""
            for text in r.iter_text():
                buffer += text
                *done, buffer = buffer.split("\n\n")
                received += [d for block in done for d in sse_data(block + "\n\n")]
    except httpx2.HTTPError as e:
        return received, e
    return received, None


# -- script mode ------------------------------------------------------------------------------


def test_queued_items_answer_in_order_then_the_rules_take_over() -> None:
    emu = zai()
    emu.queue(Reply(content="first"), Reply(content="second"))
    assert emu.pending == 2
    answers = [post("zai", body_for("zai"), emu=emu).json()["choices"][0]["message"]["content"] for _ in range(3)]
    assert answers == ["first", "second", "Hello! You said: Hello there"]
    assert emu.pending == 0 and len(emu.requests) == 3


def test_reset_forgets_queue_and_requests() -> None:
    emu = zai()
    emu.queue(Reply(content="never sent"))
    post("zai", body_for("zai"), emu=emu)
    emu.queue(Reply(content="never sent either"))
    emu.reset()
    assert emu.pending == 0 and emu.requests == []


def test_queue_takes_only_replies_and_faults() -> None:
    with pytest.raises(TypeError):
        zai().queue("hello")  # type: ignore[arg-type]


def test_a_queued_reply_is_used_up_by_a_rejected_request() -> None:
    emu = zai()
    emu.queue(Reply(content="scripted"))
    assert post("zai", body_for("zai", temperature=3), emu=emu).status_code == 400
    assert post("zai", body_for("zai"), emu=emu).json()["choices"][0]["message"]["content"] != "scripted"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_scripted_reply_is_rendered_in_each_providers_shape(provider: str) -> None:
    emu = Emulator(provider, api_key="test-key")
    reply = Reply(
        content="Sunny.",
        reasoning="Check the tool.",
        tool_calls=[ToolCallSpec("get_weather", {"location": "Florence"}, id="call_1")],
    )
    emu.queue(reply, reply)
    completion = unwrap(provider, post(provider, body_for(provider), emu=emu).json())
    message = completion["choices"][0]["message"]
    assert message["content"] == "Sunny."
    assert (message.get("reasoning_content") or message.get("reasoning")) == "Check the tool."
    assert message["tool_calls"][0]["id"] == "call_1"
    assert json.loads(message["tool_calls"][0]["function"]["arguments"]) == {"location": "Florence"}
    assert completion["choices"][0]["finish_reason"] == "tool_calls"

    folded = assemble(
        sse_chunks(
            post(provider, body_for(provider, stream=True, stream_options={"include_usage": True}), emu=emu).text
        )
    )
    assert folded["content"] == "Sunny." and folded["reasoning"] == "Check the tool."
    assert folded["tool_calls"] == [{"id": "call_1", "name": "get_weather", "arguments": '{"location":"Florence"}'}]


def test_reply_overrides_finish_reason_usage_and_web_search() -> None:
    emu = zai()
    usage = {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
    emu.queue(Reply(content="", finish_reason="sensitive", usage=usage, web_search=[{"refer": "ref_1"}]))
    completion = post("zai", body_for("zai"), emu=emu).json()
    assert completion["choices"][0]["finish_reason"] == "sensitive"
    assert completion["usage"] == usage and completion["web_search"] == [{"refer": "ref_1"}]


def test_reply_chunk_size_and_fragments_shape_the_stream() -> None:
    emu = Emulator("vllm", shape={"cumulative_final_arguments": False})
    emu.queue(
        Reply(
            content="abcdefghij",
            chunk_size=3,
            tool_calls=[ToolCallSpec("f", '{"not": "parsed"', id="t1")],
            tool_stream_fragments=4,
        )
    )
    chunks = sse_chunks(post("vllm", body_for("vllm", stream=True), emu=emu, key=None).text)
    contents = [c["choices"][0]["delta"].get("content") for c in chunks if c["choices"]]
    assert [x for x in contents if x] == ["abc", "def", "ghi", "j"]
    fragments = [
        c["choices"][0]["delta"]["tool_calls"][0]["function"].get("arguments")
        for c in chunks
        if c["choices"] and c["choices"][0]["delta"].get("tool_calls")
    ]
    assert fragments[0] == "" and len(fragments[1:]) == 4 and "".join(fragments) == '{"not": "parsed"'


# -- http_error -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [
        (
            "1302",
            429,
            "High concurrency usage of this API, please reduce concurrency or contact customer service "
            "to increase limits",
        ),
        ("1113", 429, "Insufficient balance or no resource package. Please recharge."),
        ("1305", 429, "The service may be temporarily overloaded, please try again later"),
        ("1301", 400, None),
        ("1234", 500, None),
        ("1261", 400, "Prompt exceeds max length"),
    ],
)
def test_a_business_code_fills_the_real_zai_error(code: str, status: int, message: str | None) -> None:
    emu = zai()
    emu.queue(Fault(code=code, headers={"retry-after": "1"}))
    r = post("zai", body_for("zai"), emu=emu)
    assert r.status_code == status and r.headers["retry-after"] == "1"
    assert r.json()["error"]["code"] == code
    if message:
        assert r.json()["error"]["message"] == message


@pytest.mark.parametrize(("code", "status"), [(3040, 429), (3036, 429), (5006, 400), (10000, 401), (3007, 408)])
def test_a_business_code_fills_the_real_cloudflare_error(code: int, status: int) -> None:
    emu = Emulator("cloudflare", api_key="test-key")
    emu.queue(Fault(code=code, headers={"retry-after-ms": "200"}))
    r = post("cloudflare", body_for("cloudflare"), emu=emu)
    assert r.status_code == status and r.headers["retry-after-ms"] == "200"
    body = r.json()
    assert body["success"] is False and body["result"] is None and body["errors"][0]["code"] == code


@pytest.mark.parametrize(
    ("provider", "status", "check"),
    [
        ("zai", 503, lambda b: b["error"]["code"] == "1305"),
        ("zai", 500, lambda b: b["error"] == {"code": "500", "message": "Internal Error"}),
        ("aimlapi", 403, lambda b: b["message"].startswith("You've run out of credits") and b["statusCode"] == 403),
        ("aimlapi", 429, lambda b: b["message"] == "Too Many Requests"),
        ("vllm", 500, lambda b: b["error"]["type"] == "InternalServerError"),
        ("sglang", 503, lambda b: b["object"] == "error" and b["code"] == 503),
        ("openrouter", 429, lambda b: b["error"]["code"] == 429),
        ("empiriolabs", 429, lambda b: b["error"]["type"] == "rate_limit_error"),
    ],
)
def test_a_status_alone_gives_the_providers_body_for_it(provider: str, status: int, check: Any) -> None:
    emu = Emulator(provider, api_key="test-key")
    emu.queue(Fault(status=status))
    r = post(provider, body_for(provider), emu=emu)
    assert r.status_code == status and check(r.json())


def test_a_raw_body_is_sent_verbatim() -> None:
    emu = zai()
    emu.queue(Fault(status=418, body="I'm a teapot"), Fault(status=400, body={"custom": True}))
    first = post("zai", body_for("zai"), emu=emu)
    assert first.status_code == 418 and first.text == "I'm a teapot"
    assert first.headers["content-type"].startswith("text/plain")
    assert post("zai", body_for("zai"), emu=emu).json() == {"custom": True}


def test_an_http_error_answers_even_a_request_that_would_be_rejected() -> None:
    emu = zai()
    emu.queue(Fault(status=429, code="1302"))
    assert post("zai", body_for("zai", model="nope"), emu=emu, key=None).status_code == 429


def test_non_json_502_is_an_html_page() -> None:
    emu = zai()
    emu.queue(Fault(kind="non_json_502"))
    r = post("zai", body_for("zai"), emu=emu)
    assert r.status_code == 502 and r.headers["content-type"] == "text/html"
    assert "<h1>502 Bad Gateway</h1>" in r.text


def test_cloudflare_success_false_comes_with_a_200() -> None:
    emu = Emulator("cloudflare", api_key="test-key")
    emu.queue(Fault(kind="cloudflare_success_false"))
    r = post("cloudflare", body_for("cloudflare"), emu=emu)
    assert r.status_code == 200
    body = r.json()
    assert body["success"] is False and body["result"] is None and body["errors"][0]["code"] == 5006


# -- connection faults, sync ------------------------------------------------------------------


def test_reset_before_response_raises_read_error() -> None:
    emu = zai()
    emu.queue(Fault(kind="reset_before_response"))
    with client(emu) as c, pytest.raises(httpx2.ReadError):
        c.post("/chat/completions", json=body_for("zai"))
    assert len(emu.requests) == 1  # the server did receive it


@pytest.mark.parametrize("provider", PROVIDERS)
def test_cut_stream_after_n_events_raises_remote_protocol_error(provider: str) -> None:
    emu = Emulator(provider, api_key="test-key")
    emu.queue(Fault(kind="cut_stream_after", after_events=2))
    with client(emu) as c:
        received, error = read_events(c, provider, stream_body(provider))
    assert isinstance(error, httpx2.RemoteProtocolError)
    assert len(received) == 2 and "[DONE]" not in received


def test_vllm_repeats_the_whole_arguments_in_its_finish_chunk_with_explicit_nulls() -> None:
    emu = Emulator("vllm")
    emu.queue(Reply(tool_calls=[ToolCallSpec("f", {"city": "Paris"}, id="t1")], tool_stream_fragments=3))
    chunks = sse_chunks(post("vllm", body_for("vllm", stream=True), emu=emu, key=None).text)
    calls = [c for c in chunks if c["choices"] and c["choices"][0]["delta"].get("tool_calls")]
    *fragments, final = calls
    sent = "".join(c["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"] for c in fragments)
    assert sent == '{"city":"Paris"'[: len(sent)] and sent != '{"city":"Paris"}'  # the last piece comes only once
    choice = final["choices"][0]
    assert choice["finish_reason"] == "tool_calls" and choice["stop_reason"] == 154829 and choice["token_ids"] is None
    assert choice["delta"]["tool_calls"] == [
        {"id": None, "type": None, "index": 0, "function": {"name": None, "arguments": '{"city":"Paris"}'}}
    ]
    assert chunks[0]["prompt_token_ids"] is None and chunks[0]["choices"][0]["delta"]["reasoning_content"] is None


def test_a_clean_close_inside_an_event_ends_the_body_without_an_error() -> None:
    emu = zai()
    emu.queue(Fault(kind="cut_stream_after", after_events=2, inside_event=True, clean_close=True))
    with client(emu) as c:
        r = c.post("/chat/completions", json=stream_body())
    assert r.status_code == 200
    events = r.text.split("\n\n")
    assert len(events) == 3 and events[-1].startswith("data: {") and not _is_json(events[-1][6:])


def test_a_glued_event_is_half_an_event_running_into_the_next() -> None:
    emu = zai()
    emu.queue(Fault(kind="glued_event", after_events=1))
    with client(emu) as c:
        received, error = read_events(c, "zai", stream_body())
    assert error is None and received[-1] == "[DONE]"
    glued = received[1]
    assert not _is_json(glued) and glued.count("data: ") == 1 and _is_json(glued.partition("data: ")[2])


def test_cut_of_a_non_streamed_answer_fails_while_reading_the_body() -> None:
    emu = zai()
    emu.queue(Fault(kind="cut_stream_after"))
    with client(emu) as c, pytest.raises(httpx2.RemoteProtocolError):
        c.post("/chat/completions", json=body_for("zai"))


def test_stall_holds_the_stream_then_finishes() -> None:
    emu = zai()
    emu.queue(Fault(kind="stall_stream_after", after_events=1, stall_seconds=0.3))
    start = time.monotonic()
    with client(emu) as c:
        received, error = read_events(c, "zai", stream_body())
    assert error is None and received[-1] == "[DONE]"
    assert time.monotonic() - start >= 0.3


def test_malformed_event_is_one_non_json_data_line() -> None:
    emu = zai()
    emu.queue(Fault(kind="malformed_event", after_events=2))
    with client(emu) as c:
        received, error = read_events(c, "zai", stream_body())
    assert error is None
    bad = [i for i, d in enumerate(received) if d != "[DONE]" and not _is_json(d)]
    assert bad == [2] and received[-1] == "[DONE]"


def test_malformed_non_streamed_body_is_truncated_json() -> None:
    emu = zai()
    emu.queue(Fault(kind="malformed_event"))
    r = post("zai", body_for("zai"), emu=emu)
    assert r.status_code == 200 and not _is_json(r.text)


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def test_error_in_a_zai_stream_is_a_data_object_and_the_stream_ends() -> None:
    emu = zai()
    emu.queue(Fault(kind="error_in_stream", after_events=3))
    with client(emu) as c:
        received, error = read_events(c, "zai", stream_body())
    assert error is None and len(received) == 4 and "[DONE]" not in received
    assert json.loads(received[-1]) == {
        "error": {"code": "1305", "message": "The service may be temporarily overloaded, please try again later"}
    }


def test_error_in_a_cloudflare_native_stream_uses_the_envelope() -> None:
    emu = Emulator("cloudflare", api_key="test-key")
    emu.queue(Fault(kind="error_in_stream", after_events=1))
    with client(emu) as c:
        received, _ = read_events(c, "cloudflare", stream_body("cloudflare"))
    last = json.loads(received[-1])
    assert last["success"] is False and last["errors"][0]["code"] == 3040


def test_error_in_a_non_streamed_answer_is_a_200_with_the_error_body() -> None:
    emu = zai()
    emu.queue(Fault(kind="error_in_stream", code="1234"))
    r = post("zai", body_for("zai"), emu=emu)
    assert r.status_code == 200 and r.json()["error"]["code"] == "1234"


def test_huge_event_is_one_content_delta_of_the_given_size() -> None:
    emu = zai()
    emu.queue(Fault(kind="huge_event"), Fault(kind="huge_event", size=1000))
    chunks = sse_chunks(post("zai", stream_body(), emu=emu).text)
    contents = [c["choices"][0]["delta"].get("content") for c in chunks if c["choices"][0]["delta"].get("content")]
    assert [len(x) for x in contents] == [2 * 1024 * 1024]
    small = post("zai", body_for("zai"), emu=emu).json()
    assert len(small["choices"][0]["message"]["content"]) == 1000


def test_every_fault_kind_is_covered_here() -> None:
    assert {
        "http_error",
        "reset_before_response",
        "cut_stream_after",
        "stall_stream_after",
        "malformed_event",
        "glued_event",
        "error_in_stream",
        "cloudflare_success_false",
        "huge_event",
        "non_json_502",
    } == FAULT_KINDS
    with pytest.raises(ValueError):
        Fault(kind="explode")  # type: ignore[arg-type]


# -- connection faults, async -----------------------------------------------------------------


async def test_async_reset_raises_read_error() -> None:
    emu = zai()
    emu.queue(Fault(kind="reset_before_response"))
    async with async_client(emu) as c:
        with pytest.raises(httpx2.ReadError):
            await c.post("/chat/completions", json=body_for("zai"))


async def test_async_cut_raises_remote_protocol_error_after_n_events() -> None:
    emu = zai()
    emu.queue(Fault(kind="cut_stream_after", after_events=3))
    lines: list[str] = []
    async with async_client(emu) as c:
        with pytest.raises(httpx2.RemoteProtocolError):
            async with c.stream("POST", "/chat/completions", json=stream_body()) as r:
                async for line in r.aiter_lines():
                    if line.startswith("data:"):
                        lines.append(line)
    assert len(lines) == 3


async def test_async_stall_lets_an_idle_timeout_fire() -> None:
    emu = zai()
    emu.queue(Fault(kind="stall_stream_after", after_events=2, stall_seconds=30))
    async with async_client(emu) as c:
        async with c.stream("POST", "/chat/completions", json=stream_body()) as r:
            chunks = r.aiter_bytes()
            for _ in range(2):
                await asyncio.wait_for(chunks.__anext__(), timeout=1)
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(chunks.__anext__(), timeout=0.2)


async def test_async_client_gets_the_same_answers() -> None:
    emu = zai()
    async with async_client(emu) as c:
        r = await c.post("/chat/completions", json=body_for("zai", stream=True))
    assert assemble(sse_chunks(r.text))["content"] == "Hello! You said: Hello there"
