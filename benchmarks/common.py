"""What every benchmark section shares: the settings, the result table, timing, the wire bytes.

Every contender gets the same bytes: the emulator renders the answer (or stream) once for the
benchmark request, and each contender's in-process transport returns exactly those bytes (an
`httpx2.MockTransport` for our code, an `httpx.MockTransport` for the openai-SDK-based wrappers).
So a per-call figure is the integration's own cost, nothing else. Rounds are interleaved (every
contender once per round, in turn) so drift on a shared 2-core machine hits all of them alike;
figures are medians of per-round medians.
"""

from __future__ import annotations

import gc
import json
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx2

__all__ = [
    "API_KEY",
    "MODEL",
    "PROVIDER",
    "USER_TEXT",
    "Settings",
    "Table",
    "Wire",
    "clock_name",
    "interleaved",
    "median",
    "use_clock",
    "wire_bytes",
]

PROVIDER = "zai"
MODEL = "glm-4.7-flash"
API_KEY = "bench-key"
SYSTEM_TEXT = "You are a helpful assistant."
USER_TEXT = "What is the capital of France? Answer in one word."

STREAM_EVENTS = 1000
HUGE_EVENT_BYTES = 2 * 1024 * 1024
HUGE_CHUNK_BYTES = 1024


@dataclass(frozen=True, slots=True)
class Settings:
    """How much to measure: the full run, or the CI smoke (`--quick`: seconds, figures meaningless)."""

    quick: bool
    rounds: int
    calls: int
    streams: int
    ttfc: int
    throughput_requests: int
    throughput_rounds: int
    concurrency: tuple[int, ...]
    constructions: int
    import_repeats: int
    memory_calls: int

    @classmethod
    def full(cls) -> Settings:
        return cls(
            quick=False,
            rounds=5,
            calls=600,
            streams=4,
            ttfc=100,
            throughput_requests=300,
            throughput_rounds=3,
            concurrency=(1, 10, 100),
            constructions=200,
            import_repeats=7,
            memory_calls=10_000,
        )

    @classmethod
    def smoke(cls) -> Settings:
        return cls(
            quick=True,
            rounds=1,
            calls=20,
            streams=1,
            ttfc=5,
            throughput_requests=50,
            throughput_rounds=1,
            concurrency=(1, 10, 100),
            constructions=5,
            import_repeats=1,
            memory_calls=200,
        )


def median(values: list[float]) -> float:
    return statistics.median(values)


# In-process work never waits on I/O, so its cost is the CPU time of the calling thread: on a
# shared 2-core machine that figure does not count the time other processes held the CPU. The
# loopback sections (servers, sockets, concurrency) use wall-clock time.
CLOCKS: dict[str, Callable[[], float]] = {"cpu": time.thread_time, "wall": time.perf_counter}
_clock: list[Callable[[], float]] = [time.thread_time]


def use_clock(name: str) -> None:
    _clock[0] = CLOCKS[name]


def clock_name() -> str:
    return next(name for name, fn in CLOCKS.items() if fn is _clock[0])


def interleaved(
    contenders: dict[str, Callable[[], Any]], calls: int, rounds: int, *, budget: float = 0.3
) -> dict[str, float]:
    """Median over rounds of each contender's per-call median (seconds, in-process clock).

    Calls are interleaved one by one (A, B, C, A, B, C, ...), so drift and bursts of load on the
    machine hit every contender alike. A contender gets `calls` calls per round, or fewer when
    they would take more than `budget` seconds (at least 30: a median of 30 calls of several
    milliseconds each is steady enough).
    """
    clock = _clock[0]
    counts: dict[str, int] = {}
    for name, fn in contenders.items():  # warm up, and size the rounds
        costs = []
        for _ in range(3):
            start = clock()
            fn()
            costs.append(clock() - start)
        counts[name] = max(min(calls, 30), min(calls, int(budget / max(min(costs), 1e-7))))
    results: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        gc.collect()
        times: dict[str, list[float]] = {name: [] for name in contenders}
        for i in range(max(counts.values())):
            for name, fn in contenders.items():
                if i < counts[name]:
                    start = clock()
                    fn()
                    times[name].append(clock() - start)
        for name, values in times.items():
            results[name].append(statistics.median(values))
    return {name: statistics.median(values) for name, values in results.items()}


# ---------------------------------------------------------------------------- the bytes on the wire


@dataclass(frozen=True, slots=True)
class Wire:
    """The emulator's answers to the benchmark requests, as bytes."""

    base_url: str
    answer: bytes
    answer_headers: dict[str, str]
    stream_frames: list[bytes]  # one SSE event per chunk, as the loopback server sends them
    stream_headers: dict[str, str]
    stream_events: int  # data events, [DONE] included
    huge_chunks: list[bytes]  # one 2 MiB event, in 1 KiB chunks


def _post(emu: Any, body: dict[str, Any]) -> httpx2.Response:
    with httpx2.Client(transport=emu.transport()) as client:
        response = client.post(
            emu.base_url + "/chat/completions", json=body, headers={"authorization": f"Bearer {API_KEY}"}
        )
        response.read()
    response.raise_for_status()
    return response


def wire_bytes() -> Wire:
    """Render the answers once with the emulator (the Z.ai wire format)."""
    from glm_core.testing import Emulator, Fault, Reply

    emu = Emulator(PROVIDER, api_key=API_KEY)
    messages = [{"role": "system", "content": SYSTEM_TEXT}, {"role": "user", "content": USER_TEXT}]
    body = {"model": MODEL, "messages": messages}
    answer = _post(emu, body)

    # 1,000 events: half reasoning, half content, one character each, then finish and [DONE].
    half = (STREAM_EVENTS - 2) // 2
    emu.queue(Reply(reasoning="r" * half, content="c" * (STREAM_EVENTS - 2 - half), chunk_size=1))
    stream = _post(emu, {**body, "stream": True})
    frames = [frame + b"\n\n" for frame in stream.content.split(b"\n\n") if frame]

    emu.queue(Fault(kind="huge_event", size=HUGE_EVENT_BYTES))
    huge = _post(emu, {**body, "stream": True}).content
    huge_chunks = [huge[i : i + HUGE_CHUNK_BYTES] for i in range(0, len(huge), HUGE_CHUNK_BYTES)]

    return Wire(
        base_url=emu.base_url,
        answer=answer.content,
        answer_headers={"content-type": answer.headers["content-type"]},
        stream_frames=frames,
        stream_headers={"content-type": stream.headers["content-type"]},
        stream_events=len(frames),
        huge_chunks=huge_chunks,
    )


def answer_text(wire: Wire) -> str:
    return str(json.loads(wire.answer)["choices"][0]["message"]["content"])


# ---------------------------------------------------------------------------- the table


@dataclass(slots=True)
class Row:
    label: str
    value: str = ""
    note: str = ""
    target: str = ""
    met: bool | None = None


@dataclass(slots=True)
class Table:
    """Sections of rows; printed once at the end."""

    sections: list[tuple[str, list[Row]]] = field(default_factory=list)

    def section(self, title: str) -> list[Row]:
        rows: list[Row] = []
        self.sections.append((title, rows))
        return rows

    @property
    def checks(self) -> list[Row]:
        return [row for _, rows in self.sections for row in rows if row.met is not None]

    def render(self) -> str:
        widths = [0, 0, 0, 0]
        for _, rows in self.sections:
            for row in rows:
                widths = [
                    max(w, len(c)) for w, c in zip(widths, (row.label, row.value, row.note, row.target), strict=True)
                ]
        lines: list[str] = []
        for title, rows in self.sections:
            lines.append("")
            lines.append(title)
            for row in rows:
                met = "" if row.met is None else ("MET" if row.met else "MISSED")
                cells = (
                    "  " + row.label.ljust(widths[0]),
                    row.value.rjust(widths[1]),
                    row.note.ljust(widths[2]),
                    row.target.ljust(widths[3]),
                    met,
                )
                lines.append("  ".join(cells).rstrip())
        checks = self.checks
        missed = [row for row in checks if not row.met]
        lines.append("")
        lines.append(f"targets: {len(checks) - len(missed)} of {len(checks)} met")
        for row in missed:
            lines.append(f"  missed: {row.label.strip()} = {row.value} (target {row.target})")
        return "\n".join(lines)


def us(seconds: float) -> str:
    return f"{seconds * 1e6:,.1f} us"


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.2f} ms"


def ratio(value: float) -> str:
    return f"{value:.2f}x"


@contextmanager
def gc_paused() -> Iterator[None]:
    """Collect, then keep the collector out of a short timed block."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
