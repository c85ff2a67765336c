"""One command, one table: our integrations against the generic wrappers, side by side.

    python -m benchmarks             # the full run: a few minutes on a 2-core machine
    python -m benchmarks --quick     # the CI smoke: every section, tiny counts (figures meaningless)
    python -m benchmarks --only calls,streaming

Sections (each figure measured in this run, every contender in turn, medians reported):
- calls:        per non-streaming call, in-process, same answer bytes for everyone;
- streaming:    per event of a 1,000-event stream; one 2 MiB event;
- loopback:     time to first chunk; async throughput at 1/10/100 concurrent calls;
- construction: a model object, and the shared httpx2 client being reused;
- imports:      fresh interpreters, warm bytecode cache;
- memory:       live blocks and RSS over 10,000 calls, traced peak and retained bytes;
- embeddings:   10,000 chunks over loopback against the Zhipu and OpenAI embedding anchors.
Every ratio with a DESIGN.md target says the target and whether it is met. The exit status is 0
unless `--strict` is given and a target is missed.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

from benchmarks import calls, construction, embeddings, imports, loopback, memory, streaming
from benchmarks.common import Settings, Table, clock_name, use_clock, wire_bytes

__all__ = ["main"]

SECTIONS = ("calls", "streaming", "loopback", "construction", "imports", "memory", "embeddings")


def _versions() -> str:
    from importlib.metadata import version

    names = (
        "httpx2",
        "httpx",
        "openai",
        "langchain-core",
        "langchain-openai",
        "llama-index-core",
        "llama-index-llms-openai-like",
        "pydantic",
    )
    return ", ".join(f"{name} {version(name)}" for name in names)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="tiny counts: checks the command runs (CI smoke)")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections: {', '.join(SECTIONS)}")
    parser.add_argument(
        "--clock",
        choices=("cpu", "wall"),
        default="cpu",
        help="in-process clock: this thread's CPU time (default; ignores other load) or wall time",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(only) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")

    settings = Settings.smoke() if args.quick else Settings.full()
    use_clock(args.clock)
    started = time.perf_counter()
    load = os.getloadavg()[0]
    quick = " (--quick: counts too small for the figures to mean anything)" if args.quick else ""
    print(f"glm-integrations benchmarks{quick}", flush=True)
    print(f"Python {platform.python_version()} on {os.cpu_count()} CPUs, load average {load:.2f}; {_versions()}")
    print(f"in-process figures: {clock_name()} time of the calling thread; loopback figures: wall time", flush=True)

    table = Table()
    wire = wire_bytes() if {"calls", "streaming"} & set(only) else None
    durations: dict[str, float] = {}
    for name in SECTIONS:
        if name not in only:
            continue
        print(f"  running {name} ...", flush=True)
        start = time.perf_counter()
        if name == "calls":
            assert wire is not None
            calls.run(table, wire, settings)
        elif name == "streaming":
            assert wire is not None
            streaming.run(table, wire, settings)
        elif name == "loopback":
            loopback.run(table, settings)
        elif name == "construction":
            construction.run(table, settings)
        elif name == "imports":
            imports.run(table, settings)
        elif name == "memory":
            memory.run(table, settings)
        elif name == "embeddings":
            embeddings.run(table, settings)
        durations[name] = time.perf_counter() - start

    print(table.render())
    took = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in durations.items())
    print(f"\ntook {time.perf_counter() - started:.0f} s ({took}); load average now {os.getloadavg()[0]:.2f}")
    missed = [row for row in table.checks if not row.met]
    return 1 if (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
