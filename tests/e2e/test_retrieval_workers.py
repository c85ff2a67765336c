"""Past one machine: the embedding and rerank objects pickle into worker processes without their
key, find the key in the worker's environment, and embed there (ProcessPoolExecutor, spawn)."""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest

from glm_core import ConfigurationError
from glm_core.testing import Emulator, text_vector
from langchain_glm import GLMEmbeddings
from langchain_glm import GLMRerank as LCRerank
from llama_index_glm import GLMEmbedding
from llama_index_glm import GLMRerank as LIRerank
from tests.e2e import retrieval_workers

pytestmark = pytest.mark.loopback

KEY = "worker-secret-key-0123456789"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with Emulator("zai", api_key=KEY).serve() as url:
        yield url


@pytest.fixture(scope="module")
def pool() -> Iterator[ProcessPoolExecutor]:
    context = multiprocessing.get_context("spawn")  # a fresh interpreter, as a Ray or Spark worker is
    with ProcessPoolExecutor(
        2, mp_context=context, initializer=retrieval_workers.set_env, initargs=("ZAI_API_KEY", KEY)
    ) as executor:
        yield executor


def objects(base_url: str) -> list[Any]:
    # A secret by its header name, and one by its value under an innocent name (the one rule of
    # glm_core.pickling: neither is ever written to a pickle).
    headers = {"x-api-key": "gateway-secret", "x-trace": "Bearer sk-live-abcdefghijklmnop0123456789"}
    common = {"api_key": KEY, "base_url": base_url, "default_headers": headers}
    return [
        GLMEmbeddings(**common, dimensions=256),
        GLMEmbedding(**common, dimensions=256),
        LCRerank(**common, top_n=1),
        LIRerank(**common, top_n=1),
    ]


def test_no_secret_is_ever_pickled(base_url: str) -> None:
    for obj in objects(base_url):
        data = pickle.dumps(obj)
        assert KEY.encode() not in data, type(obj)
        assert b"gateway-secret" not in data, type(obj)
        assert b"sk-live-abcdefghijklmnop0123456789" not in data, type(obj)


@pytest.mark.parametrize("kind", ["langchain", "llama_index"])
def test_workers_embed_with_the_key_from_their_environment(base_url: str, pool: ProcessPoolExecutor, kind: str) -> None:
    model = objects(base_url)[0 if kind == "langchain" else 1]
    shards = [[f"shard {s} chunk {i}" for i in range(70)] for s in range(4)]
    results = list(pool.map(retrieval_workers.embed, [model] * 4, shards))
    assert results == [[text_vector(t, 256) for t in shard] for shard in shards]


def test_workers_rerank(base_url: str, pool: ProcessPoolExecutor) -> None:
    texts = ["Paris is in France", "Mount Fuji is high"]
    rerankers = objects(base_url)[2:]
    best = list(pool.map(retrieval_workers.rerank_best, rerankers, ["Fuji"] * 2, [texts] * 2))
    assert best == ["Mount Fuji is high"] * 2


def test_without_the_key_in_the_worker_the_first_call_says_what_to_do(base_url: str) -> None:
    for obj in objects(base_url):
        clone = pickle.loads(pickle.dumps(obj))  # this test process has no ZAI_API_KEY
        call = (
            (lambda c=clone: c.embed_documents(["x"]))
            if hasattr(clone, "embed_documents")
            else (lambda c=clone: c.get_text_embedding("x"))
            if hasattr(clone, "get_text_embedding")
            else (lambda c=clone: retrieval_workers.rerank_best(c, "q", ["x"]))
        )
        with pytest.raises(
            ConfigurationError, match="keys are never pickled; set ZAI_API_KEY in the worker or pass api_key="
        ):
            call()


def test_unpickled_objects_are_cheap_and_rebuild_their_clients(base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZAI_API_KEY", KEY)
    clone = pickle.loads(pickle.dumps(objects(base_url)[0]))
    assert clone.embed_query("hello") == text_vector("hello", 256)
