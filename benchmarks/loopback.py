"""Over loopback: time to first chunk, and async throughput at 1, 10 and 100 concurrent calls.

The emulator is served by `python -m glm_core.testing serve` in its own process, so it runs on
the other core and does not share this interpreter's GIL. Every contender uses its own default
HTTP client (ours: the shared httpx2 client; the wrappers: the openai SDK's httpx client), on
keep-alive connections warmed before timing. The server's CPU use during each run is read from
/proc: a server near 100 % of one core would be the bottleneck, and the bare httpx2 client shows
what the server delivers through httpx2; a raw asyncio client writing fixed request bytes on
keep-alive sockets shows what it delivers when the client costs next to nothing.

At 100 concurrent calls the bare httpx2 client and the floor spend much of their CPU in httpcore2's
pool asking each idle connection whether its socket is readable; the shared client of ours looks
each socket up once (glm_core.http.with_cheap_idle_checks), which is why ChatGLM can beat the floor.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx2

from benchmarks import contenders as c
from benchmarks.common import API_KEY, MODEL, SYSTEM_TEXT, USER_TEXT, Row, Settings, Table, ms, ratio

__all__ = ["run", "served_emulator"]

THROUGHPUT_VS_CHATOPENAI = 2.0
_TICKS = os.sysconf("SC_CLK_TCK")
_CONTENT_LENGTH = re.compile(rb"content-length: *(\d+)", re.IGNORECASE)


@contextmanager
def served_emulator() -> Iterator[tuple[str, int]]:
    """(base URL, server pid) of an emulator served in a child process."""
    process = subprocess.Popen(
        [sys.executable, "-m", "glm_core.testing", "serve", "--provider", "zai", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        if not base_url.startswith("http://"):
            raise RuntimeError(f"the emulator did not start: {base_url!r}")
        yield base_url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime + stime


def _body(*, stream: bool) -> bytes:
    messages = [{"role": "system", "content": SYSTEM_TEXT}, {"role": "user", "content": USER_TEXT}]
    body: dict[str, Any] = {"model": MODEL, "messages": messages}
    if stream:
        body["stream"] = True
    return json.dumps(body).encode()


# ---------------------------------------------------------------------------- time to first chunk


def _ttfc_contenders(base_url: str) -> dict[str, Callable[[], Iterator[Any]]]:
    lc, li = c.lc_messages(), c.li_messages()
    request = c.core_request()
    http = httpx2.Client()
    url = httpx2.URL(base_url + "/chat/completions")
    headers = {"authorization": f"Bearer {API_KEY}", "content-type": "application/json"}
    body = _body(stream=True)

    def bare() -> Iterator[Any]:
        with http.stream("POST", url, content=body, headers=headers) as response:
            yield from httpx2.EventSource(response)

    core = c.glm_client(None, base_url)
    chat_glm = c.chat_glm(None, base_url)
    chat_openai = c.chat_openai(None, base_url)
    glm = c.glm_llm(None, base_url)
    openai_like = c.openai_like(None, base_url)
    return {
        "bare httpx2 + EventSource": bare,
        "GLMClient.stream": lambda: iter(core.stream(request)),
        "ChatGLM.stream": lambda: chat_glm.stream(lc),
        "ChatOpenAI.stream": lambda: chat_openai.stream(lc),
        "GLM.stream_chat": lambda: glm.stream_chat(li),
        "OpenAILike.stream_chat": lambda: openai_like.stream_chat(li),
    }


def _ttfc(contenders: dict[str, Callable[[], Iterator[Any]]], count: int, rounds: int) -> dict[str, float]:
    results: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, start_stream in contenders.items():
            gc.collect()
            times = []
            for i in range(count + 1):
                start = time.perf_counter()
                stream = start_stream()
                next(stream)
                elapsed = time.perf_counter() - start
                for _ in stream:  # read the rest, so the connection goes back to the pool
                    pass
                if i:  # the first one warms the connection
                    times.append(elapsed)
            results[name].append(statistics.median(times))
    return {name: statistics.median(values) for name, values in results.items()}


# ---------------------------------------------------------------------------- throughput


def _throughput_contenders(base_url: str) -> dict[str, Callable[[], Awaitable[Any]]]:
    lc, li = c.lc_messages(), c.li_messages()
    request = c.core_request()
    http = httpx2.AsyncClient(limits=httpx2.Limits(max_connections=1000, max_keepalive_connections=200))
    url = httpx2.URL(base_url + "/chat/completions")
    headers = {"authorization": f"Bearer {API_KEY}", "content-type": "application/json"}
    body = _body(stream=False)

    async def bare() -> Any:
        response = await http.post(url, content=body, headers=headers)
        response.raise_for_status()
        return json.loads(response.content)

    core = c.async_glm_client(None, base_url)
    floor = c.FloorChatModel(httpx2.Client(), base_url, http)
    chat_glm = c.chat_glm(None, base_url)
    chat_openai = c.chat_openai(None, base_url)
    glm = c.glm_llm(None, base_url)
    openai_like = c.openai_like(None, base_url)
    return {
        "bare httpx2 AsyncClient": bare,
        "AsyncGLMClient.chat": lambda: core.chat(request),
        FLOOR: lambda: floor.ainvoke(lc),
        "ChatGLM.ainvoke": lambda: chat_glm.ainvoke(lc),
        "ChatOpenAI.ainvoke": lambda: chat_openai.ainvoke(lc),
        "GLM.achat": lambda: glm.achat(li),
        "OpenAILike.achat": lambda: openai_like.achat(li),
    }


RAW = "raw asyncio HTTP/1.1 client (server capacity)"
FLOOR = "floor.ainvoke (empty BaseChatModel + bare httpx2)"


def _raw_client(base_url: str) -> Callable[[int, int], Awaitable[float]]:
    """The cheapest client there is: keep-alive sockets writing fixed request bytes."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    body = _body(stream=False)
    head = (
        f"POST {parts.path}/chat/completions HTTP/1.1\r\nhost: {host}:{port}\r\n"
        f"content-type: application/json\r\nauthorization: Bearer {API_KEY}\r\n"
        f"content-length: {len(body)}\r\n\r\n"
    )
    request = head.encode() + body

    async def rate(requests: int, concurrency: int) -> float:
        remaining = [requests]

        async def worker() -> None:
            reader, writer = await asyncio.open_connection(host, port)
            try:
                while remaining[0] > 0:
                    remaining[0] -= 1
                    writer.write(request)
                    answer_head = await reader.readuntil(b"\r\n\r\n")
                    length = _CONTENT_LENGTH.search(answer_head)
                    if not answer_head.startswith(b"HTTP/1.1 200") or length is None:
                        raise RuntimeError(f"unexpected answer: {answer_head[:200]!r}")
                    await reader.readexactly(int(length.group(1)))
            finally:
                writer.close()

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return requests / (time.perf_counter() - start)

    return rate


async def _load(call: Callable[[], Awaitable[Any]], requests: int, concurrency: int) -> float:
    """Requests per second with `concurrency` workers sharing `requests` calls."""
    remaining = [requests]

    async def worker() -> None:
        while remaining[0] > 0:
            remaining[0] -= 1
            await call()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return requests / (time.perf_counter() - start)


async def _throughput(
    base_url: str, pid: int, settings: Settings
) -> tuple[dict[tuple[str, int], float], dict[Any, float]]:
    contenders = _throughput_contenders(base_url)
    for call in contenders.values():  # warm: imports, clients, connections
        await asyncio.gather(*(call() for _ in range(10)))
    rates: dict[tuple[str, int], list[float]] = {}
    server_cpu: dict[tuple[str, int], list[float]] = {}
    raw = _raw_client(base_url)
    await raw(20, 2)
    for _ in range(settings.throughput_rounds):
        for concurrency in settings.concurrency:
            for name, call in {RAW: None, **contenders}.items():
                gc.collect()
                cpu0, wall0 = _cpu_seconds(pid), time.perf_counter()
                if call is None:
                    rate = await raw(settings.throughput_requests, concurrency)
                else:
                    rate = await _load(call, settings.throughput_requests, concurrency)
                busy = (_cpu_seconds(pid) - cpu0) / (time.perf_counter() - wall0)
                rates.setdefault((name, concurrency), []).append(rate)
                server_cpu.setdefault((name, concurrency), []).append(busy)
    return (
        {key: statistics.median(values) for key, values in rates.items()},
        {key: statistics.median(values) for key, values in server_cpu.items()},
    )


# ---------------------------------------------------------------------------- the section


def run(table: Table, settings: Settings) -> dict[str, Any]:
    with served_emulator() as (base_url, pid):
        ttfc = _ttfc(_ttfc_contenders(base_url), settings.ttfc, settings.throughput_rounds)
        rows = table.section(
            f"Time to first chunk over loopback, sync, warm keep-alive connection "
            f"(median of {settings.throughput_rounds} rounds x {settings.ttfc} streams)"
        )
        for name, seconds in ttfc.items():
            rows.append(Row(name, ms(seconds)))
        for ours, theirs in (("ChatGLM.stream", "ChatOpenAI.stream"), ("GLM.stream_chat", "OpenAILike.stream_chat")):
            rows.append(Row(f"{theirs} / {ours}", ratio(ttfc[theirs] / ttfc[ours]), "first chunk sooner by"))

        rates, server_cpu = asyncio.run(_throughput(base_url, pid, settings))
    rows = table.section(
        f"Async throughput over loopback, requests/s (median of {settings.throughput_rounds} rounds x "
        f"{settings.throughput_requests} requests; server CPU in % of one core)"
    )
    order = [
        RAW,
        "bare httpx2 AsyncClient",
        "AsyncGLMClient.chat",
        FLOOR,
        "ChatGLM.ainvoke",
        "ChatOpenAI.ainvoke",
        "GLM.achat",
        "OpenAILike.achat",
    ]
    for name in order:
        for concurrency in settings.concurrency:
            key = (name, concurrency)
            rows.append(Row(f"{name} @ {concurrency}", f"{rates[key]:,.0f}/s", f"server CPU {server_cpu[key]:.0%}"))
    for concurrency in settings.concurrency:
        r = rates[("ChatGLM.ainvoke", concurrency)] / rates[("ChatOpenAI.ainvoke", concurrency)]
        target = concurrency == max(settings.concurrency)
        rows.append(
            Row(
                f"ChatGLM / ChatOpenAI throughput @ {concurrency}",
                ratio(r),
                "",
                f">= {THROUGHPUT_VS_CHATOPENAI:g}x" if target else "",
                (r >= THROUGHPUT_VS_CHATOPENAI) if target else None,
            )
        )
    for concurrency in settings.concurrency:
        r = rates[("ChatGLM.ainvoke", concurrency)] / rates[(FLOOR, concurrency)]
        rows.append(Row(f"ChatGLM / floor throughput @ {concurrency}", ratio(r), "our cheaper idle checks"))
    for concurrency in settings.concurrency:
        r = rates[("GLM.achat", concurrency)] / rates[("OpenAILike.achat", concurrency)]
        rows.append(Row(f"GLM / OpenAILike throughput @ {concurrency}", ratio(r)))
    return {"ttfc": ttfc, "rates": rates, "server_cpu": server_cpu}
