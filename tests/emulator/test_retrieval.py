"""The emulator's embeddings and rerank: strict like the real services, deterministic, and
retrieving for a reason a reader can follow (shared words)."""

from __future__ import annotations

import base64
import math
from array import array
from typing import Any

import httpx2
import pytest

from glm_core.testing import Emulator, Fault, overlap_score, text_vector
from tests.emulator.emulator_helpers import ACCOUNT, KEY, client


def post(provider: str, path: str, body: Any, **emu_kwargs: Any) -> httpx2.Response:
    emu = Emulator(provider, api_key=KEY, account_id=ACCOUNT, **emu_kwargs)
    with client(emu) as c:
        return c.post(path, json=body)


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_vectors_are_unit_length_stable_and_near_for_shared_words() -> None:
    fuji = text_vector("Mount Fuji is the highest mountain in Japan", 256)
    assert math.isclose(math.fsum(v * v for v in fuji), 1.0, abs_tol=1e-5)
    assert fuji == text_vector("Mount Fuji is the highest mountain in Japan", 256)
    query = text_vector("How high is Mount Fuji?", 256)
    paris = text_vector("The Eiffel Tower is in Paris", 256)
    assert cosine(query, fuji) > cosine(query, paris) + 0.2


def test_zai_embeddings_answer_in_the_documented_shape() -> None:
    r = post("zai", "/embeddings", {"model": "embedding-3", "input": ["hello world", "bye"], "dimensions": 256})
    assert r.status_code == 200
    body = r.json()
    assert body["object"] == "list" and body["model"] == "embedding-3"
    assert [item["index"] for item in body["data"]] == [0, 1]
    assert body["data"][0]["embedding"] == text_vector("hello world", 256)
    assert body["usage"] == {"prompt_tokens": 4, "completion_tokens": 0, "total_tokens": 4}


def test_zai_default_dimensions_are_2048_and_embedding_2_is_1024() -> None:
    three = post("zai", "/embeddings", {"model": "embedding-3", "input": "hi"}).json()
    two = post("bigmodel", "/embeddings", {"model": "embedding-2", "input": "hi"}).json()
    assert len(three["data"][0]["embedding"]) == 2048
    assert len(two["data"][0]["embedding"]) == 1024


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"model": "embedding-3", "input": ["x"] * 65}, "1214"),
        ({"model": "embedding-3", "input": ["x"], "encoding_format": "float"}, "1210"),
        ({"model": "embedding-3", "input": ["x"], "dimensions": 300}, "1210"),
        ({"model": "embedding-2", "input": ["x"], "dimensions": 512}, "1210"),  # BM-EMB: fixed at 1024
        ({"model": "embedding-2", "input": ["word " * 400] * 20}, "1214"),  # over 8K tokens in all
        ({"model": "embedding-9", "input": ["x"]}, "1211"),
        ({"input": ["x"]}, "1213"),
        ({"model": "embedding-3", "input": ["x", ""]}, "1214"),
        ({"model": "embedding-2", "input": ["x" * 2100]}, "1214"),
    ],
)
def test_zai_embeddings_refuse_what_bigmodel_refuses(body: dict[str, Any], code: str) -> None:
    r = post("bigmodel", "/embeddings", body)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == code


def test_the_batch_limit_answers_the_observed_1214_body() -> None:
    r = post("zai", "/embeddings", {"model": "embedding-3", "input": ["x"] * 65})
    assert r.json() == {"error": {"code": "1214", "message": "input数组最大不得超过64条"}}


def test_zai_rerank_scores_by_shared_words_best_first() -> None:
    documents = ["Paris is in France", "Mount Fuji is 3776 metres high", "Fuji apples"]
    r = post("zai", "/rerank", {"model": "rerank", "query": "How high is Mount Fuji?", "documents": documents})
    results = r.json()["results"]
    assert [x["index"] for x in results] == [1, 2, 0]
    assert results[0]["relevance_score"] == 1.0
    assert results[1]["relevance_score"] == overlap_score("How high is Mount Fuji?", "Fuji apples")
    top = post("zai", "/rerank", {"query": "Fuji", "documents": documents, "top_n": 1, "return_documents": True})
    assert top.json()["results"] == [{"index": 1, "relevance_score": 1.0, "document": documents[1]}]


def test_zai_rerank_limits() -> None:
    too_many = post("zai", "/rerank", {"model": "rerank", "query": "q", "documents": ["d"] * 129})
    assert too_many.status_code == 400 and too_many.json()["error"]["code"] == "1214"
    unknown = post("zai", "/rerank", {"model": "rerank", "query": "q", "documents": ["d"], "rank_fields": []})
    assert unknown.json()["error"]["code"] == "1210"


def test_the_coding_plan_serves_no_embeddings() -> None:
    r = post("zai_coding", "/embeddings", {"model": "embedding-3", "input": ["x"]})
    assert r.status_code == 404


def test_embeddings_need_the_key() -> None:
    emu = Emulator("zai", api_key=KEY)
    with client(emu, key="wrong") as c:
        r = c.post("/embeddings", json={"model": "embedding-3", "input": ["x"]})
    assert r.status_code == 401


def test_cloudflare_native_embeddings_envelope_and_shape() -> None:
    r = post("cloudflare", "/run/@cf/baai/bge-base-en-v1.5", {"text": ["a cat", "a dog"]})
    body = r.json()
    assert body["success"] is True and body["errors"] == []
    assert body["result"]["shape"] == [2, 768]
    assert body["result"]["data"][1] == text_vector("a dog", 768)


def test_cloudflare_batch_limit_is_a_5006() -> None:
    r = post("cloudflare", "/run/@cf/qwen/qwen3-embedding-0.6b", {"text": ["x"] * 33})
    assert r.status_code == 400
    assert r.json()["errors"][0]["code"] == 5006


def test_cloudflare_openai_embeddings_and_rerank() -> None:
    oai = post("cloudflare_openai", "/embeddings", {"model": "@cf/baai/bge-m3", "input": ["x"]})
    assert len(oai.json()["data"][0]["embedding"]) == 1024
    refused = post("cloudflare_openai", "/embeddings", {"model": "@cf/baai/bge-m3", "input": ["x"], "dimensions": 8})
    assert refused.status_code == 400
    rr = post(
        "cloudflare",
        "/run/@cf/baai/bge-reranker-base",
        {"query": "dog", "contexts": [{"text": "cat"}, {"text": "dog"}]},
    )
    assert rr.json()["result"] == {"response": [{"id": 1, "score": 1.0}, {"id": 0, "score": 0.0}]}


def test_openai_style_servers_take_base64_and_check_the_model() -> None:
    r = post(
        "vllm", "/embeddings", {"model": "bge-m3", "input": ["x"], "encoding_format": "base64"}, served_model="bge-m3"
    )
    packed = array("f")
    packed.frombytes(base64.b64decode(r.json()["data"][0]["embedding"]))
    assert packed.tolist() == pytest.approx(text_vector("x", 1024), abs=1e-6)
    wrong = post("vllm", "/embeddings", {"model": "other", "input": ["x"]}, served_model="bge-m3")
    assert wrong.status_code == 404
    sglang = post(
        "sglang", "/embeddings", {"model": "m", "input": ["x"], "encoding_format": "base64"}, served_model="m"
    )
    assert sglang.status_code == 400


def test_faults_apply_to_embeddings_too() -> None:
    emu = Emulator("zai", api_key=KEY)
    emu.queue(Fault(status=429, code="1302"))
    with client(emu) as c:
        first = c.post("/embeddings", json={"model": "embedding-3", "input": ["x"]})
        second = c.post("/embeddings", json={"model": "embedding-3", "input": ["x"]})
    assert (first.status_code, second.status_code) == (429, 200)
