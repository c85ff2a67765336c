"""GLMEmbedding and GLMRerank: the arguments GLM takes, LlamaIndex's batching knobs honoured,
and nodes reranked — against the in-process emulator."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from llama_index.core.schema import NodeWithScore, TextNode
from pydantic import ValidationError

from glm_core import InvalidRequestError
from glm_core.testing import Emulator, text_vector
from llama_index_glm import GLMEmbedding, GLMRerank

KEY = "li-test-key"


def emulated(provider: str = "zai") -> tuple[Emulator, dict[str, Any]]:
    emu = Emulator(provider, api_key=KEY, account_id="acct")
    transport = emu.transport()
    return emu, {
        "provider": provider,
        "api_key": KEY,
        "account_id": "acct",
        "http_client": httpx2.Client(transport=transport),
        "async_http_client": httpx2.AsyncClient(transport=transport),
    }


def test_defaults_are_zai_embedding_3() -> None:
    emu, kwargs = emulated()
    model = GLMEmbedding(**kwargs)
    assert model.model_name == "embedding-3"
    assert model.get_query_embedding("hello") == text_vector("hello", 2048)
    assert emu.requests[0].body == {"model": "embedding-3", "input": ["hello"]}


def test_embed_batch_size_is_the_unit_handed_to_the_core() -> None:
    emu, kwargs = emulated()
    texts = [f"chunk {i}" for i in range(100)]
    vectors = GLMEmbedding(**kwargs, dimensions=256, embed_batch_size=30).get_text_embedding_batch(texts)
    assert [len(r.body["input"]) for r in emu.requests] == [30, 30, 30, 10]
    assert vectors == [text_vector(t, 256) for t in texts]


def test_large_batches_are_split_to_the_providers_limit() -> None:
    emu, kwargs = emulated("cloudflare")
    texts = [f"chunk {i}" for i in range(250)]
    vectors = GLMEmbedding(**kwargs).get_text_embedding_batch(texts, show_progress=True)
    assert sorted(len(r.body["text"]) for r in emu.requests) == [50, 100, 100]
    assert vectors[249] == text_vector("chunk 249", 1024)


async def test_async_with_num_workers_keeps_order() -> None:
    emu, kwargs = emulated("bigmodel")
    texts = [f"chunk {i}" for i in range(300)]
    model = GLMEmbedding(**kwargs, dimensions=256, embed_batch_size=100, num_workers=2)
    vectors = await model.aget_text_embedding_batch(texts, show_progress=False)
    assert vectors == [text_vector(t, 256) for t in texts]
    assert sorted(len(r.body["input"]) for r in emu.requests) == [36, 36, 36, 64, 64, 64]


def test_empty_chunk_is_named_before_sending() -> None:
    emu, kwargs = emulated()
    with pytest.raises(InvalidRequestError, match="input 1 is empty"):
        GLMEmbedding(**kwargs).get_text_embedding_batch(["a", "", "c"])
    assert emu.requests == []


def test_refused_options_fail_at_construction() -> None:
    with pytest.raises(ValidationError, match="accepts dimensions 1024"):
        GLMEmbedding(api_key=KEY, model="embedding-2", dimensions=512)
    with pytest.raises(ValidationError, match="providers that do"):
        GLMRerank(provider="vllm", base_url="http://gpu:8000/v1")


@pytest.mark.parametrize("provider", ["zai", "cloudflare"])
def test_rerank_reorders_and_scores_nodes(provider: str) -> None:
    _, kwargs = emulated(provider)
    nodes = [
        NodeWithScore(node=TextNode(text="Paris is in France", id_="paris"), score=0.9),
        NodeWithScore(node=TextNode(text="Mount Fuji is 3776 metres high", id_="fuji"), score=0.2),
    ]
    kept = GLMRerank(**kwargs, top_n=1).postprocess_nodes(nodes, query_str="How high is Mount Fuji?")
    assert [(n.node.node_id, n.score) for n in kept] == [("fuji", 1.0)]


async def test_async_rerank() -> None:
    _, kwargs = emulated()
    nodes = [NodeWithScore(node=TextNode(text=t, id_=t)) for t in ("cats", "dogs and cats", "fish")]
    kept = await GLMRerank(**kwargs, top_n=None).apostprocess_nodes(nodes, query_str="dogs cats")
    assert [n.node.node_id for n in kept] == ["dogs and cats", "cats", "fish"]


def test_rerank_needs_a_query() -> None:
    _, kwargs = emulated()
    with pytest.raises(ValueError, match="needs the query"):
        GLMRerank(**kwargs).postprocess_nodes([NodeWithScore(node=TextNode(text="x"))])


def test_no_secret_in_repr_or_dict() -> None:
    model = GLMEmbedding(api_key=KEY, default_headers={"x-api-key": "gateway-secret"})
    assert KEY not in repr(model) and "gateway-secret" not in repr(model)
    assert KEY not in model.to_json() and "gateway-secret" not in model.to_json()


def test_llama_index_model_name_is_accepted_as_the_model() -> None:
    emu, kwargs = emulated()
    model = GLMEmbedding(**kwargs, model_name="embedding-2")
    assert len(model.get_text_embedding("hi")) == 1024
    assert emu.requests[0].body["model"] == "embedding-2"
