"""Streaming, in-process: per-event cost of a 1,000-event stream, and one 2 MiB event.

The stream is the emulator's Z.ai stream (reasoning deltas, then content deltas, a finish chunk
and `[DONE]`), delivered one event per chunk as the loopback server sends it. The 2 MiB event is
delivered in 1 KiB chunks, the case that exposes quadratic buffering in an SSE framer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx2

from benchmarks import contenders as c
from benchmarks.common import API_KEY, Row, Settings, Table, Wire, interleaved, ms, us

__all__ = ["run"]

CORE_US_PER_EVENT = 30.0
# ChatGLM.stream / GLM.stream_chat against an empty model streaming the same core chunks (DESIGN.md).
STREAM_FLOOR_RATIO = 1.3
HUGE_EVENT_MS = 50.0


def _bare(wire: Wire, kind: str, *, parse: bool) -> Callable[[], Any]:
    client = c.Transports(wire, kind=kind).httpx2()
    url = httpx2.URL(wire.base_url + "/chat/completions")
    headers = {"authorization": f"Bearer {API_KEY}", "accept": "text/event-stream"}
    body = b"{}"

    if not parse:

        def read_bytes() -> int:
            size = 0
            with client.stream("POST", url, content=body, headers=headers) as response:
                for chunk in response.iter_bytes():
                    size += len(chunk)
            return size

        return read_bytes

    def parse_events() -> int:
        events = 0
        with client.stream("POST", url, content=body, headers=headers) as response:
            for event in httpx2.EventSource(response, max_event_size=None):
                if event.data != "[DONE]":
                    json.loads(event.data)
                events += 1
        return events

    return parse_events


def _contenders(wire: Wire, kind: str, names: tuple[str, ...]) -> dict[str, Callable[[], Any]]:
    transports = c.Transports(wire, kind=kind)
    lc, li = c.lc_messages(), c.li_messages()
    request = c.core_request()
    core = c.glm_client(transports)
    build: dict[str, Callable[[], Callable[[], Any]]] = {
        "httpx2 bytes only (iter_bytes)": lambda: _bare(wire, kind, parse=False),
        "httpx2 EventSource + json.loads": lambda: _bare(wire, kind, parse=True),
        "GLMClient.stream": lambda: lambda: c.drain(core.stream(request)),
        "stream floor: empty BaseChatModel + GLMClient.stream": lambda: (lambda m: lambda: c.drain(m.stream(lc)))(
            c.StreamFloorChatModel(c.glm_client(transports))
        ),
        "stream floor: empty CustomLLM + GLMClient.stream": lambda: (lambda m: lambda: c.drain(m.stream_chat(li)))(
            c.StreamFloorLLM(c.glm_client(transports))
        ),
        "ChatGLM.stream": lambda: (lambda m: lambda: c.drain(m.stream(lc)))(c.chat_glm(transports)),
        "ChatOpenAI.stream": lambda: (lambda m: lambda: c.drain(m.stream(lc)))(
            c.chat_openai(transports, wire.base_url)
        ),
        "GLM.stream_chat": lambda: (lambda m: lambda: c.drain(m.stream_chat(li)))(c.glm_llm(transports)),
        "OpenAILike.stream_chat": lambda: (lambda m: lambda: c.drain(m.stream_chat(li)))(
            c.openai_like(transports, wire.base_url)
        ),
    }
    return {name: build[name]() for name in names}


def _check_stream(wire: Wire) -> None:
    """Every contender reads the whole stream: its text adds up to the content deltas sent."""
    chunks = [json.loads(frame[6:]) for frame in wire.stream_frames if frame.startswith(b"data: {")]
    expected = "".join((ch["choices"][0]["delta"].get("content") or "") for ch in chunks if ch.get("choices"))
    transports = c.Transports(wire, kind="stream")
    lc, li = c.lc_messages(), c.li_messages()
    texts = {
        "GLMClient.stream": "".join(p.content for p in c.glm_client(transports).stream(c.core_request())),
        "ChatGLM.stream": "".join(str(p.content) for p in c.chat_glm(transports).stream(lc)),
        "ChatOpenAI.stream": "".join(str(p.content) for p in c.chat_openai(transports, wire.base_url).stream(lc)),
        "GLM.stream_chat": c.drain(c.glm_llm(transports).stream_chat(li)).message.content,
        "OpenAILike.stream_chat": c.drain(c.openai_like(transports, wire.base_url).stream_chat(li)).message.content,
    }
    for name, text in texts.items():
        if text != expected:
            raise AssertionError(f"{name} did not read the whole stream ({len(text or '')} of {len(expected)} chars)")


def run(table: Table, wire: Wire, settings: Settings) -> dict[str, float]:
    names = (
        "httpx2 bytes only (iter_bytes)",
        "httpx2 EventSource + json.loads",
        "GLMClient.stream",
        "stream floor: empty BaseChatModel + GLMClient.stream",
        "ChatGLM.stream",
        "stream floor: empty CustomLLM + GLMClient.stream",
        "GLM.stream_chat",
        "ChatOpenAI.stream",
        "OpenAILike.stream_chat",
    )
    _check_stream(wire)
    calls = _contenders(wire, "stream", names)
    events = wire.stream_events
    timed = interleaved(calls, settings.streams, settings.rounds)
    rows = table.section(
        f"Streaming, in-process, one {events}-event stream read to the end "
        f"(median of {settings.rounds} rounds x {settings.streams} streams)"
    )
    for name, seconds in timed.items():
        rows.append(Row(name, us(seconds / events) + "/event", f"{ms(seconds)} per stream"))
    floor = timed["httpx2 bytes only (iter_bytes)"]
    added = (timed["GLMClient.stream"] - floor) / events
    rows.append(
        Row(
            "core adds per event (GLMClient.stream - iter_bytes)",
            us(added),
            "SSE framing, JSON, decode, assembly",
            f"<= {CORE_US_PER_EVENT:g} us",
            added * 1e6 <= CORE_US_PER_EVENT,
        )
    )
    for ours, floor_name in (
        ("ChatGLM.stream", "stream floor: empty BaseChatModel + GLMClient.stream"),
        ("GLM.stream_chat", "stream floor: empty CustomLLM + GLMClient.stream"),
    ):
        ratio = timed[ours] / timed[floor_name]
        rows.append(
            Row(
                f"{ours} / its stream floor",
                f"{ratio:.2f}x",
                "the floor streams the same core chunks through the framework",
                f"<= {STREAM_FLOOR_RATIO:g}x",
                ratio <= STREAM_FLOOR_RATIO,
            )
        )
    for ours, theirs in (("ChatGLM.stream", "ChatOpenAI.stream"), ("GLM.stream_chat", "OpenAILike.stream_chat")):
        rows.append(Row(f"{theirs} / {ours}", f"{timed[theirs] / timed[ours]:.2f}x", f"{ours.split('.')[0]} faster by"))

    huge_names = ("httpx2 EventSource + json.loads", "GLMClient.stream", "ChatGLM.stream", "ChatOpenAI.stream")
    huge_calls = _contenders(wire, "huge", huge_names)
    huge = interleaved(huge_calls, max(1, settings.streams // 2), settings.rounds)
    size = sum(len(chunk) for chunk in wire.huge_chunks)
    rows = table.section(f"One 2 MiB event ({size:,} bytes in 1 KiB chunks), in-process, whole stream")
    for name, seconds in huge.items():
        rows.append(Row(name, ms(seconds)))
    core = huge["GLMClient.stream"]
    rows.append(
        Row(
            "GLMClient.stream parses the 2 MiB event",
            ms(core),
            "",
            f"< {HUGE_EVENT_MS:g} ms",
            core * 1e3 < HUGE_EVENT_MS,
        )
    )
    return {**timed, **{f"huge {name}": value for name, value in huge.items()}}
