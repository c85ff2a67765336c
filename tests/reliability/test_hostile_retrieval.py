"""The hostile wire for embeddings, rerank and the tokenizer (issue 24, findings 1-2).

Every case runs on the six retrieval surfaces (core / LangChain / LlamaIndex x sync / async, all
six at once) against `RawServer`, which answers with exactly the given bytes. A wrong answer must be a typed
`ResponseDecodeError` naming what is wrong, never vectors or a ranking passed off as good; the
benign cases (reordered items, integers in a vector, a ranking longer than `top_n`) must give the
right answer.
"""

from __future__ import annotations

import asyncio
import base64
import json
import struct
from collections.abc import Iterator
from typing import Any

import pytest

from glm_core.errors import GLMError, ResponseDecodeError
from tests.reliability.retrieval_surfaces import RSPECS, RSpec, embed, embedder, rerank, reranker
from tests.reliability.wire import Canned, RawServer

pytestmark = [pytest.mark.loopback, pytest.mark.asyncio(loop_scope="module")]

TEXTS = ["alpha", "beta"]
V0, V1 = [0.25, -0.5, 0.125], [1.0, 0.0, -1.0]
DOCUMENTS = ["d0", "d1", "d2"]
RANKING = [(1, 0.9), (0, 0.5), (2, 0.125)]


@pytest.fixture(scope="module")
def server() -> Iterator[RawServer]:
    with RawServer() as raw:
        yield raw


def assert_decode_errors(outcomes: dict[str, Any], *words: str, kind: type[GLMError] = ResponseDecodeError) -> None:
    """Every surface's outcome is a `kind` error whose message holds `words`."""
    for surface, result in outcomes.items():
        assert isinstance(result, BaseException), f"{surface}: expected an error, got {result!r}"
        assert isinstance(result, kind), f"{surface}: {type(result).__module__}.{type(result).__name__}: {result}"
        for word in words:
            assert word in str(result), f"{surface}: {result}"


def assert_answers(outcomes: dict[str, Any], expected: Any) -> None:
    for surface, result in outcomes.items():
        assert result == expected, f"{surface}: {result!r}"


def openai_body(*items: Any, usage: Any = ..., **extra: Any) -> bytes:
    body: dict[str, Any] = {"object": "list", "data": list(items), "model": "m", **extra}
    if usage is not ...:
        body["usage"] = usage
    return json.dumps(body).encode()


def item(index: Any, vector: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"object": "embedding", "embedding": vector}
    if index is not ...:
        out["index"] = index
    return out


def floats32(*values: float) -> str:
    return base64.b64encode(struct.pack(f"<{len(values)}f", *values)).decode()


LITERAL = "<literal>"


def with_literal(body: bytes, literal: str) -> bytes:
    """`body` with the string `LITERAL` replaced by `literal` as written: NaN, Infinity, 1e400 and
    huge integers are what Python's json module reads, but not what it writes."""
    return body.replace(f'"{LITERAL}"'.encode(), literal.encode())


# -- embeddings, OpenAI-style (vLLM: a model the library does not know; dimensions=3 asked) -------

BAD_EMBEDDINGS: dict[str, bytes] = {
    "index-duplicated": openai_body(item(0, V0), item(0, V1)),
    "index-out-of-range": openai_body(item(0, V0), item(2, V1)),
    "index-negative": openai_body(item(-1, V0), item(0, V1)),
    "index-bool": openai_body(item(False, V0), item(True, V1)),
    "index-fraction": openai_body(item(0, V0), item(0.5, V1)),
    "index-null": openai_body(item(None, V0), item(1, V1)),
    "index-text": openai_body(item("first", V0), item(1, V1)),
    "index-missing-on-one": openai_body(item(1, V0), item(..., V1)),
    "nan": with_literal(openai_body(item(0, [LITERAL, 0, 1]), item(1, V1)), "NaN"),
    "infinity": with_literal(openai_body(item(0, [0, LITERAL, 1]), item(1, V1)), "Infinity"),
    "minus-infinity": with_literal(openai_body(item(0, V0), item(1, [1, LITERAL, 1])), "-Infinity"),
    "1e400": with_literal(openai_body(item(0, [0, LITERAL, 1]), item(1, V1)), "1e400"),
    "huge-integer": with_literal(openai_body(item(0, [0, LITERAL, 1]), item(1, V1)), "1" + "0" * 400),
    "lengths-differ": openai_body(item(0, V0), item(1, V1[:2])),
    "not-the-dimensions-asked": openai_body(item(0, V0[:2]), item(1, V1[:2])),
    "text-in-vector": openai_body(item(0, [0.1, "0.2", 0.3]), item(1, V1)),
    "null-in-vector": openai_body(item(0, V0), item(1, [1.0, None, 0.0])),
    "bool-in-vector": openai_body(item(0, [0.1, True, 0.3]), item(1, V1)),
    "nested-list": openai_body(item(0, [[0.1], [0.2], [0.3]]), item(1, V1)),
    "object-in-vector": openai_body(item(0, [0.1, {"x": 1}, 0.3]), item(1, V1)),
    "empty-vectors": openai_body(item(0, []), item(1, [])),
    "vector-null": openai_body(item(0, None), item(1, V1)),
    "vector-number": openai_body(item(0, 0.5), item(1, V1)),
    "vector-object": openai_body(item(0, {"values": V0}), item(1, V1)),
    "too-few": openai_body(item(0, V0)),
    "too-many": openai_body(item(0, V0), item(1, V1), item(2, V1)),
    "data-object": json.dumps({"data": {"0": V0, "1": V1}}).encode(),
    "data-null": json.dumps({"data": None}).encode(),
    "item-a-list": openai_body([0, V0], item(1, V1)),
    "base64-invalid": openai_body(item(0, "!!not base64!!"), item(1, floats32(*V1))),
    "base64-partial-float": openai_body(item(0, base64.b64encode(b"\x00" * 10).decode()), item(1, floats32(*V1))),
    "base64-nan": openai_body(item(0, floats32(0.0, float("nan"), 1.0)), item(1, floats32(*V1))),
    "base64-infinity": openai_body(item(0, floats32(0.0, float("inf"), 1.0)), item(1, floats32(*V1))),
    "base64-lengths-differ": openai_body(item(0, floats32(*V0)), item(1, floats32(1.0, 2.0))),
    "base64-empty": openai_body(item(0, ""), item(1, "")),
    "usage-negative": openai_body(item(0, V0), item(1, V1), usage={"prompt_tokens": -3, "total_tokens": -3}),
    "usage-text": openai_body(item(0, V0), item(1, V1), usage={"prompt_tokens": "many", "total_tokens": 3}),
    "usage-bool": openai_body(item(0, V0), item(1, V1), usage={"prompt_tokens": True, "total_tokens": True}),
    "usage-list": openai_body(item(0, V0), item(1, V1), usage=[1, 2]),
}

GOOD_EMBEDDINGS: dict[str, bytes] = {
    "in-order": openai_body(item(0, V0), item(1, V1), usage={"prompt_tokens": 2, "total_tokens": 2}),
    "reordered": openai_body(item(1, V1), item(0, V0)),
    "no-indexes": openai_body(item(..., V0), item(..., V1)),
    "digit-string-indexes": openai_body(item("1", V1), item("0", V0)),
    "integers-in-vectors": openai_body(item(0, [0.25, -0.5, 0.125]), item(1, [1, 0, -1])),
    "base64": openai_body(item(0, floats32(*V0)), item(1, floats32(*V1))),
    "usage-null": openai_body(item(0, V0), item(1, V1), usage=None),
}


_BUILT: dict[tuple[Any, ...], Any] = {}


def built(make: Any, spec: RSpec, provider: str, base_url: str, **options: Any) -> Any:
    """One object per surface and settings for the whole module: building is most of a case's cost."""
    key = (make, spec, provider, base_url, tuple(sorted(options.items())))
    if key not in _BUILT:
        _BUILT[key] = make(spec, provider, base_url, **options)
    return _BUILT[key]


async def embed_with(server: RawServer, body: bytes, provider: str = "vllm", **options: Any) -> dict[str, Any]:
    """What each of the six surfaces gave for `TEXTS` when the server answers `body` (all at once)."""
    server.reset(Canned(body=body))
    options.setdefault("model", "my-embed")
    calls = [embed(spec, built(embedder, spec, provider, server.base_url, **options), TEXTS) for spec in RSPECS]
    return {spec.id: outcome for spec, outcome in zip(RSPECS, await asyncio.gather(*calls), strict=True)}


@pytest.mark.parametrize("case", sorted(BAD_EMBEDDINGS))
async def test_a_wrong_embedding_answer_is_a_decode_error(server: RawServer, case: str) -> None:
    assert_decode_errors(await embed_with(server, BAD_EMBEDDINGS[case], dimensions=3), "vLLM")


@pytest.mark.parametrize("case", sorted(GOOD_EMBEDDINGS))
async def test_a_good_embedding_answer_comes_back_in_input_order(server: RawServer, case: str) -> None:
    outcomes = await embed_with(server, GOOD_EMBEDDINGS[case], dimensions=3)
    assert_answers(outcomes, [V0, V1])
    assert all(type(x) is float for result in outcomes.values() for vector in result for x in vector)


async def test_vectors_not_of_the_models_known_size_are_refused(server: RawServer) -> None:
    # Z.ai's embedding-3 answers 2048 numbers when no dimensions are asked (docs/providers-facts.md).
    outcomes = await embed_with(server, openai_body(item(0, V0), item(1, V1)), provider="zai", model="embedding-3")
    assert_decode_errors(outcomes, "2048")


async def test_vectors_not_of_the_dimensions_asked_are_refused(server: RawServer) -> None:
    body = openai_body(item(0, V0), item(1, V1))
    assert_decode_errors(await embed_with(server, body, provider="zai", model="embedding-3", dimensions=256), "256")


# -- embeddings, Cloudflare native (/run/{model}: {"result": {"shape", "data"}}) -------------------


def cloudflare(result: Any, success: Any = True) -> bytes:
    return json.dumps({"result": result, "success": success, "errors": [], "messages": []}).encode()


BAD_CLOUDFLARE_EMBEDDINGS: dict[str, bytes] = {
    "shape-disagrees": cloudflare({"shape": [2, 4], "data": [V0, V1]}),
    "shape-count-disagrees": cloudflare({"shape": [3, 3], "data": [V0, V1]}),
    "too-few": cloudflare({"shape": [1, 3], "data": [V0]}),
    "data-null": cloudflare({"shape": [2, 3], "data": None}),
    "data-object": cloudflare({"shape": [2, 3], "data": {"0": V0}}),
    "result-a-list": cloudflare([V0, V1]),
    "lengths-differ": cloudflare({"data": [V0, V1[:2]]}),
    "text-in-vector": cloudflare({"shape": [2, 3], "data": [V0, ["1", "0", "-1"]]}),
    "bool-in-vector": cloudflare({"shape": [2, 3], "data": [V0, [True, False, True]]}),
    "null-in-vector": cloudflare({"shape": [2, 3], "data": [V0, [None, 0.0, 1.0]]}),
    "nested-list": cloudflare({"shape": [2, 3], "data": [V0, [[1.0], [0.0], [1.0]]]}),
    "empty-vectors": cloudflare({"shape": [2, 0], "data": [[], []]}),
    "nan": with_literal(cloudflare({"shape": [2, 3], "data": [[0, LITERAL, 1], V1]}), "NaN"),
    "1e400": with_literal(cloudflare({"shape": [2, 3], "data": [[0, LITERAL, 1], V1]}), "1e400"),
    "shape-text": cloudflare({"shape": "2x3", "data": [V0, V1]}),
    "success-false": cloudflare(None, success=False),
}


@pytest.mark.parametrize("case", sorted(BAD_CLOUDFLARE_EMBEDDINGS))
async def test_a_wrong_cloudflare_embedding_answer_is_an_error(server: RawServer, case: str) -> None:
    outcomes = await embed_with(server, BAD_CLOUDFLARE_EMBEDDINGS[case], provider="cloudflare", model="@cf/x/e")
    if case == "success-false":  # the provider's own error, read from the envelope
        assert_decode_errors(outcomes, "Cloudflare", kind=GLMError)
    else:
        assert_decode_errors(outcomes, "Cloudflare")


async def test_a_good_cloudflare_embedding_answer(server: RawServer) -> None:
    body = cloudflare({"shape": [2, 3], "data": [V0, [1, 0, -1]], "pooling": "mean"})
    assert_answers(await embed_with(server, body, provider="cloudflare", model="@cf/x/e"), [V0, V1])


async def test_cloudflare_vectors_not_of_the_models_known_size_are_refused(server: RawServer) -> None:
    body = cloudflare({"shape": [2, 3], "data": [V0, V1]})
    assert_decode_errors(await embed_with(server, body, provider="cloudflare", model="bge-m3"), "1024")


# -- rerank, Z.ai / BigModel ({"results": [{"index", "relevance_score"}]}) -------------------------


def results(*pairs: tuple[Any, Any], **extra: Any) -> bytes:
    return json.dumps({"results": [{"index": i, "relevance_score": s} for i, s in pairs], **extra}).encode()


BAD_RERANKS: dict[str, bytes] = {
    "index-duplicated": results((1, 0.9), (1, 0.8), (2, 0.1)),
    "index-out-of-range": results((1, 0.9), (3, 0.5), (2, 0.1)),
    "index-negative": results((1, 0.9), (-1, 0.5), (2, 0.1)),
    "index-bool": results((True, 0.9), (0, 0.5), (2, 0.1)),
    "index-fraction": results((1.5, 0.9), (0, 0.5), (2, 0.1)),
    "index-null": results((None, 0.9), (0, 0.5), (2, 0.1)),
    "score-nan": with_literal(results((0, LITERAL), (1, 0.5), (2, 0.1)), "NaN"),
    "score-infinity": with_literal(results((0, LITERAL), (1, 0.5), (2, 0.1)), "Infinity"),
    "score-1e400": with_literal(results((0, LITERAL), (1, 0.5), (2, 0.1)), "1e400"),
    "score-text": results((1, "0.9"), (0, 0.5), (2, 0.1)),
    "score-null": results((1, None), (0, 0.5), (2, 0.1)),
    "score-bool": results((1, True), (0, 0.5), (2, 0.1)),
    "score-missing": json.dumps(
        {"results": [{"index": 1}, *json.loads(results((0, 0.5), (2, 0.1)))["results"]]}
    ).encode(),
    "empty": results(),
    "fewer-than-the-documents": results((1, 0.9), (0, 0.5)),
    "results-object": json.dumps({"results": {"1": 0.9}}).encode(),
    "results-null": json.dumps({"results": None}).encode(),
    "item-a-list": json.dumps({"results": [[1, 0.9], [0, 0.5], [2, 0.1]]}).encode(),
    "usage-text": results(*RANKING, usage={"prompt_tokens": "x", "total_tokens": 1}),
    "usage-negative": results(*RANKING, usage={"prompt_tokens": -1, "total_tokens": 1}),
}


async def rerank_with(server: RawServer, body: bytes, provider: str = "zai", **options: Any) -> dict[str, Any]:
    """What each of the six surfaces gave for `DOCUMENTS` when the server answers `body`."""
    server.reset(Canned(body=body))
    calls = [
        rerank(spec, built(reranker, spec, provider, server.base_url, **options), "query", DOCUMENTS) for spec in RSPECS
    ]
    return {spec.id: outcome for spec, outcome in zip(RSPECS, await asyncio.gather(*calls), strict=True)}


@pytest.mark.parametrize("case", sorted(BAD_RERANKS))
async def test_a_wrong_rerank_answer_is_a_decode_error(server: RawServer, case: str) -> None:
    assert_decode_errors(await rerank_with(server, BAD_RERANKS[case]), "Z.ai")


async def test_a_good_rerank_answer_is_best_first(server: RawServer) -> None:
    body = results((2, 0.125), (0, 0.5), (1, 0.9), usage={"prompt_tokens": 9, "total_tokens": 9})
    assert_answers(await rerank_with(server, body), RANKING)


async def test_a_ranking_longer_than_top_n_keeps_the_best(server: RawServer) -> None:
    assert_answers(await rerank_with(server, results(*RANKING), top_n=2), RANKING[:2])


async def test_a_ranking_shorter_than_top_n_is_an_error(server: RawServer) -> None:
    assert_decode_errors(await rerank_with(server, results((1, 0.9)), top_n=2), "top_n")


# -- rerank, Cloudflare bge-reranker ({"result": {"response": [{"id", "score"}]}}) -----------------


def cf_ranking(*pairs: tuple[Any, Any]) -> bytes:
    return cloudflare({"response": [{"id": i, "score": s} for i, s in pairs]})


BAD_CLOUDFLARE_RERANKS: dict[str, bytes] = {
    "id-duplicated": cf_ranking((1, 0.9), (1, 0.8), (2, 0.1)),
    "id-out-of-range": cf_ranking((1, 0.9), (7, 0.5), (2, 0.1)),
    "id-bool": cf_ranking((True, 0.9), (0, 0.5), (2, 0.1)),
    "score-nan": with_literal(cf_ranking((0, LITERAL), (1, 0.5), (2, 0.1)), "NaN"),
    "score-text": cf_ranking((1, "high"), (0, 0.5), (2, 0.1)),
    "empty": cf_ranking(),
    "response-null": cloudflare({"response": None}),
    "result-a-list": cloudflare([{"id": 0, "score": 1.0}]),
}


@pytest.mark.parametrize("case", sorted(BAD_CLOUDFLARE_RERANKS))
async def test_a_wrong_cloudflare_rerank_answer_is_a_decode_error(server: RawServer, case: str) -> None:
    assert_decode_errors(await rerank_with(server, BAD_CLOUDFLARE_RERANKS[case], provider="cloudflare"), "Cloudflare")


async def test_a_good_cloudflare_rerank_answer(server: RawServer) -> None:
    assert_answers(
        await rerank_with(server, cf_ranking((0, 0.5), (1, 0.9), (2, 0.125)), provider="cloudflare"), RANKING
    )


# -- the tokenizer (Z.ai /tokenizer: {"usage": {"prompt_tokens"}}) ---------------------------------

BAD_COUNTS = {
    "bool": True,
    "negative": -4,
    "fraction": 4.5,
    "text": "many",
    "null": None,
    "nan": "NaN",
}


@pytest.mark.parametrize("case", sorted(BAD_COUNTS))
async def test_a_wrong_tokenizer_count_is_a_decode_error(server: RawServer, case: str) -> None:
    from glm_core import ChatRequest, GLMClient, UserMessage

    value = BAD_COUNTS[case]
    text = '{"usage": {"prompt_tokens": NaN}}' if value == "NaN" else json.dumps({"usage": {"prompt_tokens": value}})
    server.reset(Canned(body=text.encode()))
    client = GLMClient("zai", api_key="sk-test", base_url=server.base_url, max_retries=0)
    with pytest.raises(ResponseDecodeError, match="prompt_tokens"):
        client.count_tokens(ChatRequest("glm-4.6", [UserMessage("Hi")]))
