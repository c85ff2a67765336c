"""Bad embedding, rerank and media input (issue 24, findings 3 and 6): a clear `InvalidRequestError`
before anything is sent, on every surface, never an untyped exception nor a request that differs
from what was asked (one string embedded a letter at a time)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from glm_core import ChatRequest, GLMClient, InvalidRequestError, RerankRequest, UserMessage
from tests.reliability.retrieval_surfaces import RSPECS, embed, embedder, rerank, reranker
from tests.reliability.wire import Canned, RawServer

pytestmark = pytest.mark.loopback
in_one_loop = pytest.mark.asyncio(loop_scope="module")

SURROGATE = "caf\udce9"  # a lone surrogate, as a mis-decoded file name leaves behind


@pytest.fixture(scope="module")
def server() -> Iterator[RawServer]:
    with RawServer() as raw:
        yield raw


async def refused_everywhere(server: RawServer, calls: list[Any], *words: str) -> None:
    server.reset(Canned(body=b'{"data": []}'))
    for spec, outcome in zip(RSPECS, await asyncio.gather(*calls), strict=True):
        assert isinstance(outcome, InvalidRequestError), f"{spec.id}: {type(outcome).__name__}: {outcome!r}"
        for word in words:
            assert word in str(outcome), f"{spec.id}: {outcome}"
    assert server.bodies == [], "refused, but only after sending"


@in_one_loop
async def test_one_string_is_not_embedded_letter_by_letter(server: RawServer) -> None:
    calls = [embed(spec, embedder(spec, "vllm", server.base_url, model="m"), "hello") for spec in RSPECS]
    await refused_everywhere(server, calls, "not one string", "['hello']")


@in_one_loop
@pytest.mark.parametrize("texts", [["fine", SURROGATE], [SURROGATE]], ids=["second", "only"])
async def test_a_lone_surrogate_in_a_text_to_embed(server: RawServer, texts: list[str]) -> None:
    calls = [embed(spec, embedder(spec, "zai", server.base_url, dimensions=256), texts) for spec in RSPECS]
    await refused_everywhere(server, calls, f"input[{len(texts) - 1}]", "U+DCE9", "lone surrogate")


@pytest.mark.parametrize(
    ("provider", "query", "documents", "where"),
    [
        ("zai", SURROGATE, ["a", "b"], "query"),
        ("zai", "q", ["a", SURROGATE], "documents[1]"),
        ("cloudflare", "q", [SURROGATE, "b"], "contexts[0].text"),
    ],
)
@in_one_loop
async def test_a_lone_surrogate_in_a_rerank_request(
    server: RawServer, provider: str, query: str, documents: list[str], where: str
) -> None:
    calls = [rerank(spec, reranker(spec, provider, server.base_url), query, documents) for spec in RSPECS]
    await refused_everywhere(server, calls, where, "lone surrogate")


@in_one_loop
async def test_a_lone_surrogate_in_a_model_id_that_goes_in_the_path(server: RawServer) -> None:
    calls = [embed(spec, embedder(spec, "cloudflare", server.base_url, model=SURROGATE), ["a"]) for spec in RSPECS]
    await refused_everywhere(server, calls, "model id", "lone surrogate")


def test_rerank_documents_as_one_string(server: RawServer) -> None:
    server.reset()
    client = GLMClient("zai", api_key="k", base_url=server.base_url)
    with pytest.raises(InvalidRequestError, match="documents must be a list of strings, not one string"):
        client.rerank(RerankRequest("q", "abc"))  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [0, -1, 2.5, "4"])
def test_max_concurrency_below_one_or_not_a_count_is_refused(server: RawServer, value: Any) -> None:
    from glm_core import EmbeddingRequest

    server.reset()
    client = GLMClient("zai", api_key="k", base_url=server.base_url)
    with pytest.raises(InvalidRequestError, match="max_concurrency must be a whole number of requests, 1 or more"):
        client.embed(EmbeddingRequest(["a"], max_concurrency=value))
    assert server.bodies == []


@pytest.mark.parametrize("kind", ["langchain", "llama_index"])
@pytest.mark.parametrize("value", [0, -3])
def test_max_concurrency_below_one_is_refused_at_construction(server: RawServer, kind: str, value: int) -> None:
    from tests.reliability.retrieval_surfaces import RSpec

    with pytest.raises(ValidationError, match="max_concurrency must be a whole number of requests, 1 or more"):
        embedder(RSpec(kind, False), "zai", server.base_url, max_concurrency=value)  # type: ignore[arg-type]


# -- media blocks: a field of the wrong type ------------------------------------------------------------

PDF = "JVBERi0xLjQK"  # "%PDF-1.4\n"


@pytest.mark.parametrize(
    ("block", "words"),
    [
        (
            {"type": "file", "base64": PDF, "mime_type": "application/pdf", "filename": 5},
            "filename must be text, not int",
        ),
        ({"type": "image", "base64": "iVBORw0KGgo=", "mime_type": 5}, "mime_type must be text, not int"),
        ({"type": "image", "url": ["https://x.org/a.png"]}, "url must be text, not list"),
        ({"type": "file", "file_id": 7}, "file_id must be text, not int"),
        ({"type": "image", "base64": 12345, "mime_type": "image/png"}, "data must be base64 text or bytes, not int"),
    ],
    ids=["filename", "mime_type", "url", "file_id", "data"],
)
def test_a_media_block_field_of_the_wrong_type_is_refused(server: RawServer, block: dict[str, Any], words: str) -> None:
    from langchain_core.messages import HumanMessage

    from langchain_glm import ChatGLM

    server.reset()
    llm = ChatGLM(model="glm-4.6v", api_key="k", base_url=server.base_url, max_retries=0)
    with pytest.raises(InvalidRequestError, match=words):
        llm.invoke([HumanMessage(content=[{"type": "text", "text": "What is it?"}, block])])
    assert server.bodies == []


def test_a_chat_message_with_a_lone_surrogate_names_where_it_is(server: RawServer) -> None:
    server.reset()
    client = GLMClient("zai", api_key="k", base_url=server.base_url)
    with pytest.raises(InvalidRequestError, match=r"message 1 \(messages\[0\]\.content\) holds U\+DCE9"):
        client.chat(ChatRequest("glm-4.7", [UserMessage(SURROGATE)]))
    assert server.bodies == []
