"""Embedding 10,000 chunks over loopback: ours against the packages a user would pick instead.

Two emulators, each in its own process (so the stand-in model runs on the other core):
- Z.ai (strict: at most 64 inputs a request, no encoding_format, embedding-3 at 256 dimensions):
  GLMEmbedding / GLMEmbeddings against llama-index-embeddings-zhipuai's `ZhipuAIEmbedding` (one
  request per text) and langchain-community's `ZhipuAIEmbeddings` (one request per call, so it is
  fed the 64-text batches a user has to cut for it; async through a thread pool);
- vLLM-style OpenAI `/embeddings` (base64 accepted, 256 dimensions): GLMEmbeddings against
  langchain-openai's `OpenAIEmbeddings` (1,000-text requests, one after the other).
Every contender embeds the same chunks; the emulator caches its answer per chunk, so after the
warm-up pass the figures are the clients' costs, not the stand-in model's. Rounds are
interleaved; each figure is the best of the rounds (a single 10,000-chunk run is long enough to
be steady, and the best is the least disturbed by the other processes on the machine).
Memory: RSS of this process after each of three more GLMEmbeddings runs (results dropped).
"""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from benchmarks.common import API_KEY, Row, Settings, Table, ratio

__all__ = ["run"]

DIMENSIONS = 256
ZHIPU_BATCH = 64
VS_LLAMA_INDEX_ZHIPUAI = 5.0
VS_OPENAI_EMBEDDINGS = 1.5
SERVED_MODEL = "bench-embed"

Call = Callable[[list[str]], Any]


def chunks(count: int) -> list[str]:
    """Distinct ~40-word chunks, like a text splitter's output."""
    words = "retrieval augmented generation splits documents into chunks that are embedded indexed and searched".split()
    return [
        f"Chunk {i}: " + " ".join(words[(i + j) % len(words)] for j in range(36)) + f" section {i % 97} page {i // 97}"
        for i in range(count)
    ]


@contextmanager
def _served(provider: str) -> Iterator[str]:
    command = [sys.executable, "-m", "glm_core.testing", "serve", "--provider", provider, "--port", "0"]
    if provider == "vllm":
        command += ["--served-model", SERVED_MODEL]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        if not base_url.startswith("http://"):
            raise RuntimeError(f"the {provider} emulator did not start: {base_url!r}")
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


# ---------------------------------------------------------------------------- the contenders


def _ours(zai_url: str, vllm_url: str) -> dict[str, tuple[Call, bool]]:
    from langchain_glm import GLMEmbeddings
    from llama_index_glm import GLMEmbedding

    zai = {"provider": "zai", "api_key": API_KEY, "base_url": zai_url, "dimensions": DIMENSIONS}
    vllm = {"provider": "vllm", "base_url": vllm_url, "model": SERVED_MODEL, "dimensions": DIMENSIONS}
    li, lc, lc_vllm = GLMEmbedding(**zai), GLMEmbeddings(**zai), GLMEmbeddings(**vllm)
    return {
        "GLMEmbedding (zai) sync": (li.get_text_embedding_batch, False),
        "GLMEmbedding (zai) async": (li.aget_text_embedding_batch, True),
        "GLMEmbeddings (zai) sync": (lc.embed_documents, False),
        "GLMEmbeddings (zai) async": (lc.aembed_documents, True),
        "GLMEmbeddings (vllm) sync": (lc_vllm.embed_documents, False),
        "GLMEmbeddings (vllm) async": (lc_vllm.aembed_documents, True),
    }


def _anchors(zai_url: str, vllm_url: str) -> tuple[dict[str, tuple[Call, bool]], list[str]]:
    contenders: dict[str, tuple[Call, bool]] = {}
    missing: list[str] = []
    try:
        from llama_index.embeddings.zhipuai import ZhipuAIEmbedding
        from zhipuai import ZhipuAI

        li = ZhipuAIEmbedding(model="embedding-3", api_key="bench.key", dimensions=DIMENSIONS)
        li._client = ZhipuAI(api_key="bench.key", base_url=zai_url)  # it takes no base_url itself
        contenders["ZhipuAIEmbedding (llama-index) sync"] = (li.get_text_embedding_batch, False)
        contenders["ZhipuAIEmbedding (llama-index) async"] = (li.aget_text_embedding_batch, True)

        from langchain_community.embeddings import ZhipuAIEmbeddings

        lc = ZhipuAIEmbeddings(model="embedding-3", api_key="bench.key", dimensions=DIMENSIONS)
        lc.client = ZhipuAI(api_key="bench.key", base_url=zai_url)

        def lc_sync(texts: list[str]) -> list[list[float]]:
            out: list[list[float]] = []
            for start in range(0, len(texts), ZHIPU_BATCH):  # one request per call: 64 at most
                out.extend(lc.embed_documents(texts[start : start + ZHIPU_BATCH]))
            return out

        async def lc_async(texts: list[str]) -> list[list[float]]:
            parts = [texts[start : start + ZHIPU_BATCH] for start in range(0, len(texts), ZHIPU_BATCH)]
            results = await asyncio.gather(*(lc.aembed_documents(part) for part in parts))
            return [vector for part in results for vector in part]

        contenders["ZhipuAIEmbeddings (langchain-community) sync"] = (lc_sync, False)
        contenders["ZhipuAIEmbeddings (langchain-community) async"] = (lc_async, True)
    except ImportError as error:
        missing.append(f"zhipuai anchors not installed ({error.name}); see .ci/run")
    from langchain_openai import OpenAIEmbeddings

    # No tiktoken: its encodings are downloaded on first use, and the machine is offline.
    oai = OpenAIEmbeddings(
        model=SERVED_MODEL,
        base_url=vllm_url,
        api_key="bench-key",
        dimensions=DIMENSIONS,
        check_embedding_ctx_length=False,
    )
    contenders["OpenAIEmbeddings (vllm) sync"] = (oai.embed_documents, False)
    contenders["OpenAIEmbeddings (vllm) async"] = (oai.aembed_documents, True)
    return contenders, missing


# One event loop for every async run: each client keeps its connections (and ours its shared
# client of that loop) from one run to the next, as in a long-lived application.
_runner = asyncio.Runner()


def _timed(call: Call, is_async: bool, texts: list[str]) -> float:
    gc.collect()
    start = time.perf_counter()
    if is_async:
        vectors = _runner.run(_awaited(call(texts)))
    else:
        vectors = call(texts)
    seconds = time.perf_counter() - start
    if len(vectors) != len(texts) or len(vectors[-1]) != DIMENSIONS:
        raise RuntimeError(f"{len(vectors)} vectors for {len(texts)} chunks")
    return seconds


async def _awaited(result: Awaitable[Any]) -> Any:
    return await result


# ---------------------------------------------------------------------------- the section


def run(table: Table, settings: Settings) -> dict[str, Any]:
    count = 200 if settings.quick else 10_000
    slow_count = 100 if settings.quick else 2_000  # the Zhipu SDK anchors (a few hundred chunks/s), scaled up
    rounds = 1 if settings.quick else 3
    texts = chunks(count)
    with _served("zai") as zai_url, _served("vllm") as vllm_url:
        ours = _ours(zai_url, vllm_url)
        anchors, missing = _anchors(zai_url, vllm_url)
        contenders = {**ours, **anchors}
        for call, is_async in ours.values():  # warm: the emulators' caches, imports, connections
            _timed(call, is_async, texts)
        per_chunk: dict[str, float] = {}
        for _ in range(rounds):
            for name, (call, is_async) in contenders.items():
                subset = texts[:slow_count] if name.startswith("ZhipuAI") else texts
                seconds = _timed(call, is_async, subset) / len(subset)
                per_chunk[name] = min(per_chunk.get(name, seconds), seconds)
        lc_sync = ours["GLMEmbeddings (zai) sync"][0]
        rss = [_rss_mib()]
        for _ in range(3):
            _timed(lc_sync, False, texts)
            rss.append(_rss_mib())

    rows = table.section(
        f"Embeddings over loopback, {count:,} chunks, {DIMENSIONS} dimensions (chunks/s, best of {rounds} rounds)"
    )
    for note in missing:
        rows.append(Row("anchors missing", "", note))
    for name, seconds in per_chunk.items():
        scaled = f"timed on {slow_count:,} chunks" if name.startswith("ZhipuAI") else ""
        rows.append(Row(name, f"{1 / seconds:,.0f}/s", scaled))
    checks = [
        ("GLMEmbedding", "ZhipuAIEmbedding (llama-index)", "zai", VS_LLAMA_INDEX_ZHIPUAI),
        ("GLMEmbeddings", "ZhipuAIEmbeddings (langchain-community)", "zai", None),
        ("GLMEmbeddings", "OpenAIEmbeddings", "vllm", VS_OPENAI_EMBEDDINGS),
    ]
    for ours_name, theirs, provider, target in checks:
        for mode in ("sync", "async"):
            mine, other = f"{ours_name} ({provider}) {mode}", f"{theirs} ({provider}) {mode}"
            if theirs.startswith("ZhipuAIEmbedding"):
                other = f"{theirs} {mode}"
            if other not in per_chunk:
                continue
            r = per_chunk[other] / per_chunk[mine]
            label = f"{ours_name} / {theirs.split(' (')[0]} embeddings {mode}"
            if target is None:
                rows.append(Row(label, ratio(r), theirs.split("(")[1].rstrip(")")))
            else:
                rows.append(Row(label, ratio(r), "throughput", f">= {target:g}x", r >= target))
    growth = rss[-1] - rss[1]
    rows.append(
        Row(
            "GLMEmbeddings RSS over 3 more runs",
            f"{growth:+.1f} MiB",
            " -> ".join(f"{value:,.0f}" for value in rss) + " MiB",
            "flat (< 5% of the RSS)",
            growth < 0.05 * rss[1],
        )
    )
    return {"per_chunk": per_chunk, "rss": rss}
