"""Embeddings and rerank over loopback under faults: each wire batch is retried on its own after a
reset, a cut body, a 5xx or a 429, and a final error (no balance) stops the call at once."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from glm_core import EmbeddingRequest, GLMClient, QuotaExceededError, RerankRequest, RetryPolicy
from glm_core.testing import Fault, text_vector
from tests.reliability.harness import KEY, Served

pytestmark = pytest.mark.loopback

FAULTS = [
    Fault(kind="reset_before_response"),
    Fault(kind="cut_stream_after"),
    Fault(kind="non_json_502"),
    Fault(status=429, code="1302", headers={"retry-after-ms": "10"}),
    Fault(status=500, code="500"),
]


def client(served: Served) -> GLMClient:
    no_wait = RetryPolicy(max_retries=2, base_delay=0.0, random=lambda: 0.0)
    return GLMClient("zai", api_key=KEY, base_url=served.base_url, retry_policy=no_wait, sleep=lambda _: None)


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.kind if f.kind != "http_error" else f"http_{f.status}")
def test_a_faulted_batch_is_retried_and_nothing_is_lost(serve: Callable[..., Served], fault: Fault) -> None:
    served = serve("zai")
    served.emulator.queue(fault)  # answers the first request that arrives, whichever batch it is
    texts = [f"chunk {i}" for i in range(130)]
    answer = client(served).embed(EmbeddingRequest(texts, dimensions=256, max_concurrency=1))
    assert answer.vectors == [text_vector(t, 256) for t in texts]
    assert len(served.emulator.requests) == 4  # 3 batches, one of them twice


def test_a_final_error_is_not_retried(serve: Callable[..., Served]) -> None:
    served = serve("zai")
    served.emulator.queue(Fault(status=429, code="1113"))
    with pytest.raises(QuotaExceededError):
        client(served).embed(EmbeddingRequest(["a", "b"], dimensions=256))
    assert len(served.emulator.requests) == 1


def test_rerank_survives_a_reset(serve: Callable[..., Served]) -> None:
    served = serve("zai")
    served.emulator.queue(Fault(kind="reset_before_response"))
    answer = client(served).rerank(RerankRequest("dogs", ["cats", "dogs"], top_n=1))
    assert [r.index for r in answer.results] == [1]
    assert len(served.emulator.requests) == 2
