"""GLMEmbeddings and GLMRerank: LangChain's standard embeddings suites, the arguments ChatGLM takes,
errors in LangChain's classes, and a reranking retriever — against the in-process emulator."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from langchain_classic.retrievers import ContextualCompressionRetriever
from langchain_core.documents import Document
from langchain_core.vectorstores import InMemoryVectorStore
from langchain_tests.integration_tests import EmbeddingsIntegrationTests
from langchain_tests.unit_tests import EmbeddingsUnitTests
from pydantic import ValidationError

from glm_core.testing import Emulator, Fault, text_vector
from langchain_glm import GLMEmbeddings, GLMQuotaExceededError, GLMRerank

KEY = "lc-test-key"


def emulated(provider: str = "zai") -> tuple[Emulator, dict[str, Any]]:
    emu = Emulator(provider, api_key=KEY, account_id="acct")
    transport = emu.transport()
    return emu, {
        "provider": provider,
        "api_key": KEY,
        "account_id": "acct",
        "http_client": httpx2.Client(transport=transport),
        "http_async_client": httpx2.AsyncClient(transport=transport),
    }


class TestGLMEmbeddingsUnit(EmbeddingsUnitTests):
    @property
    def embeddings_class(self) -> type[GLMEmbeddings]:
        return GLMEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"provider": "zai", "api_key": "test", "dimensions": 256}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return ({"ZAI_API_KEY": "env-key"}, {"provider": "zai"}, {})


class TestGLMEmbeddingsIntegration(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[GLMEmbeddings]:
        return GLMEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {**emulated("cloudflare")[1], "model": "bge-small-en-v1.5"}


def test_defaults_are_zai_embedding_3_and_vectors_are_the_emulators() -> None:
    emu, kwargs = emulated()
    vectors = GLMEmbeddings(**kwargs, dimensions=512).embed_documents(["hello world", "bye"])
    assert emu.requests[0].body == {"model": "embedding-3", "input": ["hello world", "bye"], "dimensions": 512}
    assert vectors[1] == text_vector("bye", 512)


async def test_async_is_native_and_keeps_order() -> None:
    emu, kwargs = emulated("bigmodel")
    texts = [f"text number {i}" for i in range(200)]
    vectors = await GLMEmbeddings(**kwargs, dimensions=256).aembed_documents(texts)
    assert vectors == [text_vector(t, 256) for t in texts]
    assert len(emu.requests) == 4


def test_refused_options_fail_at_construction() -> None:
    with pytest.raises(ValidationError, match="accepts dimensions 256, 512, 1024, 2048, not 100"):
        GLMEmbeddings(api_key=KEY, dimensions=100)
    with pytest.raises(ValidationError, match="AI/ML API serves no embeddings"):
        GLMEmbeddings(provider="aimlapi", api_key=KEY)
    with pytest.raises(ValidationError, match="pass model="):
        GLMEmbeddings(provider="vllm", base_url="http://gpu:8000/v1")


def test_provider_errors_are_langchains() -> None:
    emu, kwargs = emulated()
    emu.queue(Fault(status=429, code="1113"))
    with pytest.raises(GLMQuotaExceededError):
        GLMEmbeddings(**kwargs).embed_query("hi")


def test_the_key_is_not_in_repr() -> None:
    assert KEY not in repr(GLMEmbeddings(api_key=KEY)) and KEY not in repr(GLMRerank(api_key=KEY))


DOCS = [
    Document("The Eiffel Tower is in Paris; it was finished in 1889.", metadata={"id": "eiffel"}),
    Document("Mount Fuji is the highest mountain in Japan, 3776 metres high.", metadata={"id": "fuji"}),
    Document("The Amazon river flows through Brazil into the Atlantic.", metadata={"id": "amazon"}),
    Document("Japan has many mountains; Fuji is a volcano.", metadata={"id": "japan"}),
]


@pytest.mark.parametrize("provider", ["zai", "cloudflare"])
def test_rerank_in_a_contextual_compression_retriever(provider: str) -> None:
    _, kwargs = emulated(provider)
    store = InMemoryVectorStore(GLMEmbeddings(**kwargs))
    store.add_documents(DOCS)
    retriever = ContextualCompressionRetriever(
        base_compressor=GLMRerank(**kwargs, top_n=1), base_retriever=store.as_retriever(search_kwargs={"k": 3})
    )
    found = retriever.invoke("How high is Mount Fuji?")
    assert [d.metadata["id"] for d in found] == ["fuji"]
    assert found[0].metadata["relevance_score"] == 1.0


async def test_async_rerank_keeps_all_with_top_n_none() -> None:
    _, kwargs = emulated()
    kept = await GLMRerank(**kwargs, top_n=None).acompress_documents(DOCS, "Fuji in Japan")
    assert [d.metadata["id"] for d in kept][:2] in (["fuji", "japan"], ["japan", "fuji"])
    assert len(kept) == 4
    assert DOCS[0].metadata == {"id": "eiffel"}  # the caller's documents are not changed


def test_rerank_on_a_provider_without_one() -> None:
    with pytest.raises(ValidationError, match="providers that do: zai, bigmodel, cloudflare"):
        GLMRerank(provider="openrouter", api_key=KEY)
