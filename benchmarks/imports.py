"""Import time, each in a fresh interpreter, with a warm bytecode cache.

The repository runs with PYTHONDONTWRITEBYTECODE=1, which would make our packages compile from
source on every import while site-packages has its .pyc files: each child gets a private
PYTHONPYCACHEPREFIX instead, warmed by one untimed import of every module. Only the import
statement is timed (interpreter start-up is not), in CPU time of the child by default (import is
CPU-bound; other load on the machine then does not count), and the child reports whether openai
or litellm ended up in sys.modules.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from typing import Any

from benchmarks.common import Row, Settings, Table, clock_name, ms

__all__ = ["MODULES", "run"]

# `import langchain_core.language_models` is lazy since langchain-core 1.x: it does not load
# BaseChatModel (nor langsmith's run trees, ~1 s here), which every chat model integration must
# import. So the target is checked against importing BaseChatModel; the lazy import is shown too.
BASE_CHAT_MODEL = "langchain_core.language_models.BaseChatModel"
MODULES = (
    "glm_core",
    "langchain_glm",
    "llama_index_glm",
    "httpx2",
    "langchain_core.language_models",
    BASE_CHAT_MODEL,
    "langchain_openai",
    "llama_index.core.llms",
    "llama_index.llms.openai_like",
)
QUICK_MODULES = ("glm_core", "langchain_glm", "llama_index_glm", BASE_CHAT_MODEL)
TARGETED = ("glm_core", "langchain_glm", BASE_CHAT_MODEL)
OURS = ("glm_core", "langchain_glm", "llama_index_glm")
GLM_CORE_MS = 250.0
LANGCHAIN_ADDS_MS = 100.0
FORBIDDEN = ("openai", "litellm")

_CHILD = (
    "import sys, time\n"
    "start = time.{clock}()\n"
    "{statement}\n"
    "elapsed = time.{clock}() - start\n"
    "print(elapsed, *(name in sys.modules for name in {forbidden!r}))\n"
)


def _import(module: str, env: dict[str, str]) -> tuple[float, dict[str, bool]]:
    statement = f"import {module}"
    if module == BASE_CHAT_MODEL:
        statement = "from langchain_core.language_models import BaseChatModel"
    clock = "process_time" if clock_name() == "cpu" else "perf_counter"
    code = _CHILD.format(statement=statement, forbidden=FORBIDDEN, clock=clock)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    elapsed, *flags = out.split()
    return float(elapsed), {name: flag == "True" for name, flag in zip(FORBIDDEN, flags, strict=True)}


def _label(module: str) -> str:
    return (
        "from langchain_core.language_models import BaseChatModel" if module == BASE_CHAT_MODEL else f"import {module}"
    )


def run(table: Table, settings: Settings) -> dict[str, Any]:
    modules = QUICK_MODULES if settings.quick else MODULES
    times: dict[str, list[float]] = {module: [] for module in modules}
    loaded: dict[str, dict[str, bool]] = {}
    with tempfile.TemporaryDirectory(prefix="glm-bench-pycache-") as cache:
        env = dict(os.environ)
        if not settings.quick:  # the smoke skips the warm-up (and so the private cache)
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = cache
            for module in modules:
                _import(module, env)
        for i in range(settings.import_repeats):
            for module in modules:
                # The rows behind a target get every repeat; the others (seconds each) half of them.
                if module in TARGETED or i < max(1, settings.import_repeats // 2):
                    elapsed, loaded[module] = _import(module, env)
                    times[module].append(elapsed)
    medians = {module: statistics.median(values) for module, values in times.items()}
    cache_note = "cold .pyc for ours" if settings.quick else "warm bytecode cache"
    rows = table.section(
        f"Import time, fresh interpreter, {cache_note}, {clock_name()} time of the import statement "
        f"(median of {settings.import_repeats} for {', '.join(TARGETED[:2])} and BaseChatModel; of "
        f"{max(1, settings.import_repeats // 2)} for the others)"
    )
    for module in modules:
        pulled = [name for name, present in loaded[module].items() if present]
        rows.append(Row(_label(module), ms(medians[module]), f"imports {', '.join(pulled)}" if pulled else ""))
    core = medians["glm_core"]
    rows.append(Row("import glm_core", ms(core), "", f"< {GLM_CORE_MS:g} ms", core * 1e3 < GLM_CORE_MS))
    lc = medians["langchain_glm"] - medians[BASE_CHAT_MODEL]
    rows.append(
        Row(
            "langchain_glm - BaseChatModel import",
            ms(lc),
            "what ChatGLM adds to the LangChain it must load",
            f"<= {LANGCHAIN_ADDS_MS:g} ms",
            lc * 1e3 <= LANGCHAIN_ADDS_MS,
        )
    )
    if "langchain_core.language_models" in medians:
        lazy = medians["langchain_glm"] - medians["langchain_core.language_models"]
        rows.append(
            Row("langchain_glm - import langchain_core.language_models", ms(lazy), "the lazy module (see above)")
        )
    if "llama_index.core.llms" in medians:
        li = medians["llama_index_glm"] - medians["llama_index.core.llms"]
        rows.append(Row("llama_index_glm - llama_index.core.llms", ms(li)))
    clean = not any(loaded[module][name] for module in OURS for name in FORBIDDEN)
    rows.append(Row("openai / litellm imported by ours", "no" if clean else "YES", ", ".join(OURS), "never", clean))
    return {"medians": medians, "loaded": loaded}
