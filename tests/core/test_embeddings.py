"""GLMClient.embed / rerank: checked before sending, split to the provider's batches, sent
concurrently with a bound, each batch retried alone, vectors back in input order.

Responses are written by hand (the shapes of models-2026.md §3, §5.2) and served by mock transports.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from array import array
from typing import Any

import httpx2
import pytest

from glm_core import (
    AsyncGLMClient,
    EmbeddingRequest,
    GLMClient,
    InvalidRequestError,
    QuotaExceededError,
    RateLimitError,
    RerankRequest,
    ServerError,
)
from glm_core.embeddings import estimate_tokens
from tests.core.helpers import KEY, AsyncFakeSleep, FakeSleep, client_kwargs, no_jitter_policy

# The output size of the models these tests name when no dimensions are asked (the decoder checks it).
KNOWN_SIZES = {"embedding-3": 2048, "embedding-2": 1024, "@cf/baai/bge-m3": 1024}


def heads(vectors: list[list[float]]) -> list[list[float]]:
    """The first two numbers of each vector: what `EmbedServer` put there."""
    return [vector[:2] for vector in vectors]


class EmbedServer:
    """Answers OpenAI-style /embeddings: text "t<n>" gets the vector [n, 0.5, 0, ...] (as long as
    the model's, or the `dimensions` asked), data in reverse order."""

    def __init__(self, fail: dict[int, list[httpx2.Response]] | None = None, encoding: str = "float") -> None:
        self.bodies: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.fail = fail or {}
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.barrier: threading.Barrier | None = None

    def vector(self, text: str) -> list[float]:
        return [float(text[1:]), 0.5]

    def answer(self, body: dict[str, Any]) -> httpx2.Response:
        first = (body.get("input") or body.get("text"))[0]
        failures = self.fail.get(int(first[1:]) if first[1:].isdigit() else -1)
        if failures:
            return failures.pop(0)
        texts = body.get("input") or body.get("text")
        size = body.get("dimensions") or KNOWN_SIZES.get(body.get("model", "@cf/baai/bge-m3"), 2)
        padding = [0.0] * (size - 2)
        if "text" in body:  # Cloudflare native
            vectors = [self.vector(t) + padding for t in texts]
            result = {"shape": [len(texts), size], "data": vectors, "pooling": "mean"}
            return httpx2.Response(200, json={"result": result, "success": True, "errors": [], "messages": []})
        data = []
        for i, text in enumerate(texts):
            vector: Any = self.vector(text) + padding
            if body.get("encoding_format") == "base64":
                vector = base64.b64encode(array("f", vector).tobytes()).decode()
            data.append({"index": i, "object": "embedding", "embedding": vector})
        usage = {"prompt_tokens": len(texts), "completion_tokens": 0, "total_tokens": len(texts)}
        return httpx2.Response(200, json={"model": body.get("model"), "data": data[::-1], "usage": usage})

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        with self.lock:
            wait = self.barrier is not None and len(self.bodies) < 2
            self.bodies.append(body)
            self.paths.append(request.url.path)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if wait and self.barrier is not None:
                self.barrier.wait(timeout=10)  # the first two batches must be in flight together to pass
            return self.answer(body)
        finally:
            with self.lock:
                self.in_flight -= 1


def sync_client(provider: str, server: Any, **kwargs: Any) -> GLMClient:
    options = {**client_kwargs(provider), "sleep": FakeSleep(), "retry_policy": no_jitter_policy(), **kwargs}
    return GLMClient(provider, http_client=httpx2.Client(transport=httpx2.MockTransport(server)), **options)


def async_client(provider: str, server: Any, **kwargs: Any) -> AsyncGLMClient:
    options = {**client_kwargs(provider), "sleep": AsyncFakeSleep(), "retry_policy": no_jitter_policy(), **kwargs}
    return AsyncGLMClient(provider, http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(server)), **options)


TEXTS = [f"t{i}" for i in range(150)]


def test_zai_splits_into_batches_of_64_and_keeps_input_order() -> None:
    server = EmbedServer()
    answer = sync_client("zai", server).embed(EmbeddingRequest(TEXTS, dimensions=256))
    assert sorted(len(b["input"]) for b in server.bodies) == [22, 64, 64]
    assert heads(answer.vectors) == [[float(i), 0.5] for i in range(150)]
    assert answer.usage.input_tokens == 150
    assert answer.model == "embedding-3"
    assert server.paths == ["/api/paas/v4/embeddings"] * 3


def test_zai_never_sends_a_field_bigmodel_refuses() -> None:
    server = EmbedServer()
    sync_client("bigmodel", server).embed(EmbeddingRequest(["t1"]))
    assert server.bodies == [{"model": "embedding-3", "input": ["t1"]}]  # no encoding_format (1210)


def test_batches_are_in_flight_together_up_to_the_limit() -> None:
    server = EmbedServer()
    server.barrier = threading.Barrier(2)
    sync_client("zai", server).embed(EmbeddingRequest(TEXTS * 2, max_concurrency=2))
    assert server.max_in_flight == 2
    assert len(server.bodies) == 5


async def test_async_batches_are_concurrent_bounded_and_ordered() -> None:
    server = EmbedServer()
    in_flight = 0
    peak = 0

    async def handler(request: httpx2.Request) -> httpx2.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0)  # let the other batches start
        await asyncio.sleep(0)
        in_flight -= 1
        return server.answer(json.loads(request.content))

    client = AsyncGLMClient("zai", api_key=KEY, http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(handler)))
    answer = await client.embed(EmbeddingRequest([f"t{i}" for i in range(640)], max_concurrency=3))
    assert heads(answer.vectors) == [[float(i), 0.5] for i in range(640)]
    assert peak == 3


def test_a_failed_batch_is_retried_alone() -> None:
    busy = httpx2.Response(429, json={"error": {"code": "1302", "message": "High concurrency"}})
    server = EmbedServer(fail={64: [busy]})
    sleep = FakeSleep()
    answer = sync_client("zai", server, sleep=sleep).embed(EmbeddingRequest(TEXTS))
    firsts = [b["input"][0] for b in server.bodies]
    assert sorted(firsts) == ["t0", "t128", "t64", "t64"]
    assert len(sleep.delays) == 1
    assert answer.vectors[64][:2] == [64.0, 0.5]


async def test_async_a_failed_batch_is_retried_alone() -> None:
    busy = httpx2.Response(500, json={"error": {"code": "500", "message": "Internal Error"}})
    server = EmbedServer(fail={128: [busy, busy]})
    answer = await async_client("zai", server).embed(EmbeddingRequest(TEXTS))
    assert sorted(b["input"][0] for b in server.bodies) == ["t0", "t128", "t128", "t128", "t64"]
    assert answer.vectors[149][:2] == [149.0, 0.5]


def test_a_final_error_stops_the_call() -> None:
    broke = httpx2.Response(429, json={"error": {"code": "1113", "message": "Insufficient balance"}})
    server = EmbedServer(fail={0: [broke]})
    with pytest.raises(QuotaExceededError):
        sync_client("zai", server).embed(EmbeddingRequest(TEXTS))


def test_retries_run_out() -> None:
    busy = [httpx2.Response(429, json={"error": {"code": "1302", "message": "busy"}}) for _ in range(3)]
    server = EmbedServer(fail={0: busy})
    with pytest.raises(RateLimitError):
        sync_client("zai", server).embed(EmbeddingRequest(["t0"]))
    assert len(server.bodies) == 3


@pytest.mark.parametrize(
    ("provider", "request_", "message"),
    [
        ("zai", EmbeddingRequest(["t0", "", "t2"]), "input 1 is empty"),
        ("zai", EmbeddingRequest(["t0", "  "]), "input 1 is empty"),
        (
            "zai",
            EmbeddingRequest(["t0", "x" * 20_000]),
            "input 1 is about 5000 tokens; embedding-3 on Z.ai takes at most 3072",
        ),
        ("zai", EmbeddingRequest(["t0"], model="embedding-2", dimensions=512), "accepts dimensions 1024, not 512"),
        ("zai", EmbeddingRequest(["t0"], dimensions=300), "accepts dimensions 256, 512, 1024, 2048, not 300"),
        ("zai", EmbeddingRequest(["t0"], dimensions=0), "positive integer"),
        ("aimlapi", EmbeddingRequest(["t0"]), "AI/ML API serves no embeddings on this API; providers that do: zai"),
        ("zai_coding", EmbeddingRequest(["t0"]), "providers that do: zai, bigmodel, cloudflare"),
        ("vllm", EmbeddingRequest(["t0"]), "has no default embedding model: pass model="),
        ("cloudflare", EmbeddingRequest(["t0"], dimensions=256), "fixed output size (1024)"),
    ],
)
def test_bad_input_is_refused_before_anything_is_sent(provider: str, request_: EmbeddingRequest, message: str) -> None:
    server = EmbedServer()
    with pytest.raises(InvalidRequestError, match=message.replace("(", r"\(").replace(")", r"\)")):
        sync_client(provider, server).embed(request_)
    assert server.bodies == []


def test_a_string_instead_of_a_list_is_refused() -> None:
    with pytest.raises(InvalidRequestError, match="not one string"):
        sync_client("zai", EmbedServer()).embed(EmbeddingRequest("t0"))


def test_truncate_cuts_long_inputs_to_the_limit() -> None:
    server = EmbedServer()
    server.vector = lambda text: [float(len(text)), 0.5]  # type: ignore[method-assign]
    long = "t1" + "x" * 20_000
    sync_client("zai", server).embed(EmbeddingRequest([long], model="embedding-2", truncate=True))
    sent = server.bodies[0]["input"][0]
    assert long.startswith(sent)
    assert estimate_tokens(sent) == 512


def test_base64_vectors_are_asked_for_and_decoded_where_accepted() -> None:
    server = EmbedServer()
    answer = sync_client("vllm", server).embed(EmbeddingRequest(["t7"], model="bge-m3"))
    assert server.bodies == [{"model": "bge-m3", "input": ["t7"], "encoding_format": "base64"}]
    assert answer.vectors == [[7.0, 0.5]]


def test_cloudflare_native_run_route_and_envelope() -> None:
    server = EmbedServer()
    answer = sync_client("cloudflare", server).embed(EmbeddingRequest([f"t{i}" for i in range(150)]))
    assert server.paths[0] == "/client/v4/accounts/acct0123/ai/run/@cf/baai/bge-m3"
    assert sorted(len(b["text"]) for b in server.bodies) == [50, 100]
    assert set(server.bodies[0]) == {"text"}
    assert answer.vectors[120][:2] == [120.0, 0.5]


def test_cloudflare_success_false_in_a_200_is_an_error_and_retried_when_retryable() -> None:
    overloaded = httpx2.Response(
        200, json={"result": None, "success": False, "errors": [{"code": 3040, "message": "Capacity"}], "messages": []}
    )
    server = EmbedServer(fail={0: [overloaded]})
    answer = sync_client("cloudflare", server).embed(EmbeddingRequest(["t0"]))
    assert heads(answer.vectors) == [[0.0, 0.5]]
    assert len(server.bodies) == 2


def test_a_short_answer_is_a_decode_error_not_a_silent_loss() -> None:
    def short(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, json={"data": [{"index": 0, "embedding": [1.0]}], "usage": {}})

    from glm_core import ResponseDecodeError

    with pytest.raises(ResponseDecodeError, match="1 embeddings for 2 inputs"):
        sync_client("zai", short).embed(EmbeddingRequest(["a", "b"]))


def test_empty_list_sends_nothing() -> None:
    server = EmbedServer()
    assert sync_client("zai", server).embed(EmbeddingRequest([])).vectors == []
    assert server.bodies == []


# ---------------------------------------------------------------------------- rerank


def rerank_server(bodies: list[dict[str, Any]], paths: list[str]) -> Any:
    def handler(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        bodies.append(body)
        paths.append(request.url.path)
        if "contexts" in body:
            response = [{"id": 2, "score": 0.9}, {"id": 0, "score": 0.1}, {"id": 1, "score": 0.5}]
            return httpx2.Response(200, json={"result": {"response": response}, "success": True, "errors": []})
        scores = [0.1, 0.2, 0.8][: len(body["documents"])]
        best = sorted(range(len(scores)), key=lambda i: -scores[i])[: body.get("top_n")]
        results = [{"index": i, "relevance_score": scores[i]} for i in reversed(best)]  # the client sorts
        return httpx2.Response(200, json={"results": results, "usage": {"prompt_tokens": 9, "total_tokens": 9}})

    return handler


def test_zai_rerank_body_and_results_best_first() -> None:
    bodies: list[dict[str, Any]] = []
    paths: list[str] = []
    answer = sync_client("zai", rerank_server(bodies, paths)).rerank(RerankRequest("q", ["a", "b", "c"], top_n=2))
    assert bodies == [{"model": "rerank", "query": "q", "documents": ["a", "b", "c"], "top_n": 2}]
    assert paths == ["/api/paas/v4/rerank"]
    assert [(r.index, r.score) for r in answer.results] == [(2, 0.8), (1, 0.2)]
    assert answer.usage.input_tokens == 9


async def test_cloudflare_rerank_native_form() -> None:
    bodies: list[dict[str, Any]] = []
    paths: list[str] = []
    client = async_client("cloudflare", rerank_server(bodies, paths))
    answer = await client.rerank(RerankRequest("q", ["a", "b", "c"], top_n=2))
    assert bodies == [{"query": "q", "contexts": [{"text": "a"}, {"text": "b"}, {"text": "c"}], "top_k": 2}]
    assert paths == ["/client/v4/accounts/acct0123/ai/run/@cf/baai/bge-reranker-base"]
    assert [r.index for r in answer.results] == [2, 1]


@pytest.mark.parametrize(
    ("provider", "request_", "message"),
    [
        ("zai", RerankRequest("q", ["d"] * 129), "at most 128 documents per call, got 129"),
        ("zai", RerankRequest("q", ["d", "x" * 5000]), "document 1 has 5000 characters"),
        ("zai", RerankRequest("", ["d"]), "query is empty"),
        ("zai", RerankRequest("q", ["d"], top_n=0), "top_n must be a positive integer"),
        ("openrouter", RerankRequest("q", ["d"]), "providers that do: zai, bigmodel, cloudflare$"),
    ],
)
def test_bad_rerank_input_is_refused_before_sending(provider: str, request_: RerankRequest, message: str) -> None:
    bodies: list[dict[str, Any]] = []
    with pytest.raises(InvalidRequestError, match=message):
        sync_client(provider, rerank_server(bodies, [])).rerank(request_)
    assert bodies == []


def test_server_errors_on_rerank_are_retried() -> None:
    calls: list[int] = []

    def flaky(request: httpx2.Request) -> httpx2.Response:
        calls.append(1)
        if len(calls) == 1:
            return httpx2.Response(503, text="busy")
        return rerank_server([], [])(request)

    answer = sync_client("zai", flaky).rerank(RerankRequest("q", ["a", "b", "c"]))
    assert len(calls) == 2 and answer.results[0].index == 2


def test_the_key_is_not_in_a_rerank_error() -> None:
    def denied(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(401, json={"error": {"code": "1002", "message": "Invalid token"}})

    with pytest.raises(Exception) as caught:
        sync_client("zai", denied).rerank(RerankRequest("q", ["a"]))
    assert KEY not in str(caught.value) and KEY not in repr(caught.value)
    assert not isinstance(caught.value, ServerError)


def test_the_repr_of_an_answer_never_lists_the_floats() -> None:
    answer = sync_client("zai", EmbedServer()).embed(EmbeddingRequest(TEXTS))
    assert repr(answer).startswith("EmbeddingResponse(150 vectors of 2048, model='embedding-3'")
    assert "0.5" not in repr(answer)
