"""Memory over many calls: peak and retained, each contender in a fresh interpreter.

The child warms up (caches fill, lazy imports happen), then makes the calls untraced and reports
how many pymalloc blocks are still live afterwards (`sys.getallocatedblocks`) and resident memory
before and after; then it traces a twentieth as many calls with tracemalloc for the bytes (peak
and retained). It also reports whether openai/litellm were imported along the way. "Flat" means
fewer than 0.1 live blocks left per call (or 20 in all, for small counts): a leak of one object
per call leaves >= 1 per call.

    python -m benchmarks.memory ChatGLM.invoke 10000     # one child run, prints JSON
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from typing import Any

from benchmarks.common import Row, Settings, Table

__all__ = ["CONTENDERS", "run"]

CONTENDERS = ("GLMClient.chat", "ChatGLM.invoke", "ChatGLM.stream", "GLM.chat")
FLAT_BLOCKS_PER_CALL = 0.1
_WARMUP = 300
_ONE_OFF_BLOCKS = 20  # a cache filling once is not a leak


def _rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _call(name: str) -> Callable[[], Any]:
    from benchmarks import contenders as c
    from benchmarks.common import wire_bytes

    wire = wire_bytes()
    if name == "ChatGLM.stream":
        stream_model = c.chat_glm(c.Transports(wire, kind="stream"))
        lc = c.lc_messages()
        return lambda: c.drain(stream_model.stream(lc))
    transports = c.Transports(wire, kind="answer")
    if name == "GLMClient.chat":
        core, request = c.glm_client(transports), c.core_request()
        return lambda: core.chat(request)
    if name == "ChatGLM.invoke":
        model, lc = c.chat_glm(transports), c.lc_messages()
        return lambda: model.invoke(lc)
    if name == "GLM.chat":
        llm, li = c.glm_llm(transports), c.li_messages()
        return lambda: llm.chat(li)
    raise ValueError(f"unknown contender {name!r}; choose one of {CONTENDERS}")


def measure(name: str, calls: int) -> dict[str, Any]:
    call = _call(name)
    stream = name.endswith(".stream")
    if stream:  # a stream is 1,000 events: fewer calls make as many allocations
        calls = max(10, calls // 100)
    for _ in range(10 if stream else _WARMUP):
        call()

    # All the calls, untraced (tracemalloc would make them 3-10x slower): pymalloc's live block
    # count and resident memory before and after. A per-call leak shows as >= 1 block per call.
    gc.collect()
    blocks_before, rss_before = sys.getallocatedblocks(), _rss_kib()
    for _ in range(calls):
        call()
    gc.collect()
    blocks_after, rss_after = sys.getallocatedblocks(), _rss_kib()

    # Bytes, traced, over fewer calls: the peak of a call and what stays allocated.
    traced = max(5, calls // 20)
    tracemalloc.start()
    gc.collect()
    base, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    for _ in range(traced):
        call()
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "name": name,
        "calls": calls,
        "blocks": blocks_after - blocks_before,
        "rss_before_kib": rss_before,
        "rss_after_kib": rss_after,
        "traced_calls": traced,
        "peak": peak - base,
        "retained": current - base,
        "openai": "openai" in sys.modules,
        "litellm": "litellm" in sys.modules,
    }


def _child(name: str, calls: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", name, str(calls)], capture_output=True, text=True, check=True
    ).stdout
    return dict(json.loads(out.splitlines()[-1]))


def _kib(value: float) -> str:
    return f"{value / 1024:,.1f} KiB"


def run(table: Table, settings: Settings) -> dict[str, Any]:
    results = {name: _child(name, settings.memory_calls) for name in CONTENDERS}
    rows = table.section(
        f"Memory, fresh interpreter, after {_WARMUP} warm-up calls: live pymalloc blocks and RSS over "
        f"{settings.memory_calls:,} calls (streams: 1,000-event streams); bytes traced over 1/20 of them"
    )
    for name, r in results.items():
        calls = r["calls"]
        flat = max(r["blocks"], 0) < max(FLAT_BLOCKS_PER_CALL * calls, _ONE_OFF_BLOCKS)
        note = (
            f"RSS {r['rss_before_kib'] / 1024:,.1f} -> {r['rss_after_kib'] / 1024:,.1f} MiB; traced over "
            f"{r['traced_calls']:,}: peak {_kib(r['peak'])}, retained {_kib(r['retained'])}"
        )
        rows.append(
            Row(
                f"{name} x {calls:,}: blocks retained",
                f"{r['blocks']:+,}",
                note,
                f"< {FLAT_BLOCKS_PER_CALL:g}/call",
                flat,
            )
        )
    clean = not any(r["openai"] or r["litellm"] for r in results.values())
    rows.append(Row("openai / litellm imported while calling", "no" if clean else "YES", "", "never", clean))
    return results


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], int(sys.argv[2]))))
