"""Sending embedding and rerank calls: the batches of a plan, concurrently, through one client.

Each batch is one `request_json` call on the client, so it goes through the same shared HTTP
client, retry policy (per batch: a failed batch is retried alone), errors and redaction as chat.
At most `plan.max_concurrency` batches are in flight: natively with asyncio, and on a shared
thread pool for the sync client (httpx2's sync client is thread-safe and releases the GIL while
it waits). Vectors are put back in input order whatever order the batches finish in.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any

from glm_core.dialects.retrieval import decode_embeddings, decode_rerank, encode_embeddings, encode_rerank
from glm_core.embeddings import (
    EmbeddingBatch,
    EmbeddingPlan,
    EmbeddingRequest,
    EmbeddingResponse,
    RerankRequest,
    RerankResponse,
    RetrievalUsage,
    plan_embeddings,
    plan_rerank,
)

if TYPE_CHECKING:
    from glm_core.client import AsyncGLMClient, GLMClient

__all__ = ["aembed", "arerank", "embed", "rerank"]

_POOL_THREADS = 32
_pool_lock = threading.Lock()
_pool: tuple[int, ThreadPoolExecutor] | None = None

BatchResult = tuple[list[list[float]], RetrievalUsage]


def _shared_pool() -> ThreadPoolExecutor:
    """One pool per process: a pool inherited through fork has no live threads, so a child makes its own."""
    global _pool
    entry = _pool
    if entry is None or entry[0] != os.getpid():
        with _pool_lock:
            entry = _pool
            if entry is None or entry[0] != os.getpid():
                entry = _pool = (os.getpid(), ThreadPoolExecutor(_POOL_THREADS, thread_name_prefix="glm-embed"))
    return entry[1]


def _assemble(plan: EmbeddingPlan, results: dict[int, BatchResult]) -> EmbeddingResponse:
    vectors: list[list[float]] = []
    usage = RetrievalUsage()
    for batch in plan.batches:
        batch_vectors, batch_usage = results[batch.start]
        vectors.extend(batch_vectors)
        usage.add(batch_usage)
    return EmbeddingResponse(vectors=vectors, model=plan.wire_model, usage=usage)


def _decoder(
    client: GLMClient | AsyncGLMClient, plan: EmbeddingPlan, batch: EmbeddingBatch
) -> Callable[[Any], BatchResult]:
    provider = client.provider
    return lambda data: decode_embeddings(provider, plan, batch, data)


def embed(client: GLMClient, request: EmbeddingRequest) -> EmbeddingResponse:
    """Embed on the sync client (see `GLMClient.embed`)."""
    plan = plan_embeddings(client.provider, request)

    def send(batch: EmbeddingBatch) -> BatchResult:
        path, body = encode_embeddings(plan, batch)
        return client.request_json(path, body, _decoder(client, plan, batch))

    if len(plan.batches) <= 1 or plan.max_concurrency == 1:
        return _assemble(plan, {batch.start: send(batch) for batch in plan.batches})
    pool = _shared_pool()
    pending = list(reversed(plan.batches))
    running: dict[Future[BatchResult], int] = {}
    results: dict[int, BatchResult] = {}
    try:
        while pending or running:
            while pending and len(running) < plan.max_concurrency:
                batch = pending.pop()
                running[pool.submit(send, batch)] = batch.start
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                results[running.pop(future)] = future.result()  # a batch's final error stops the call
    finally:
        for future in running:
            future.cancel()
    return _assemble(plan, results)


async def aembed(client: AsyncGLMClient, request: EmbeddingRequest) -> EmbeddingResponse:
    """Embed on the async client (see `AsyncGLMClient.embed`)."""
    plan = plan_embeddings(client.provider, request)
    limit = asyncio.Semaphore(plan.max_concurrency)

    async def send(batch: EmbeddingBatch) -> tuple[int, BatchResult]:
        path, body = encode_embeddings(plan, batch)
        async with limit:
            return batch.start, await client.request_json(path, body, _decoder(client, plan, batch))

    if len(plan.batches) <= 1:
        return _assemble(plan, dict([await send(batch) for batch in plan.batches]))
    tasks = [asyncio.ensure_future(send(batch)) for batch in plan.batches]
    try:
        results = dict(await asyncio.gather(*tasks))
    finally:
        for task in tasks:  # one batch failed for good: the others are not waited for
            task.cancel()
    return _assemble(plan, results)


def rerank(client: GLMClient, request: RerankRequest) -> RerankResponse:
    """Rerank on the sync client (see `GLMClient.rerank`)."""
    plan = plan_rerank(client.provider, request)
    if not plan.documents:
        return RerankResponse(results=[], model=plan.wire_model)
    path, body = encode_rerank(plan)
    provider = client.provider
    results, usage = client.request_json(path, body, lambda data: decode_rerank(provider, plan, data))
    return RerankResponse(results=results, model=plan.wire_model, usage=usage)


async def arerank(client: AsyncGLMClient, request: RerankRequest) -> RerankResponse:
    """Rerank on the async client (see `AsyncGLMClient.rerank`)."""
    plan = plan_rerank(client.provider, request)
    if not plan.documents:
        return RerankResponse(results=[], model=plan.wire_model)
    path, body = encode_rerank(plan)
    provider = client.provider
    results, usage = await client.request_json(path, body, lambda data: decode_rerank(provider, plan, data))
    return RerankResponse(results=results, model=plan.wire_model, usage=usage)
