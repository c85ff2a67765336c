"""A RAG pipeline: VectorStoreIndex over a few documents, Settings.llm = GLM, query and streamed query."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from llama_index.core import Document, Settings, VectorStoreIndex

from llama_index_glm import GLM
from tests.e2e.llama_index_helpers import HashEmbedding
from tests.targets import target_kwargs

pytestmark = pytest.mark.vcr

DOCUMENTS = [
    Document(text="The Eiffel Tower is in Paris. It was finished in 1889 for the World's Fair.", doc_id="eiffel"),
    Document(text="Mount Fuji is the highest mountain in Japan, at 3776 metres.", doc_id="fuji"),
    Document(text="The Amazon river flows through Brazil into the Atlantic Ocean.", doc_id="amazon"),
]


@pytest.fixture
def glm_provider() -> str:
    return "cloudflare"


@pytest.fixture
def settings(glm_provider: str) -> Iterator[GLM]:
    saved_llm, saved_embed = Settings._llm, Settings._embed_model
    llm = GLM(**target_kwargs(glm_provider), model="glm-4.7-flash", thinking=False)
    Settings.llm = llm
    Settings.embed_model = HashEmbedding()
    try:
        yield llm
    finally:
        Settings._llm, Settings._embed_model = saved_llm, saved_embed


def test_query_engine(settings: GLM) -> None:
    index = VectorStoreIndex.from_documents(DOCUMENTS)
    engine = index.as_query_engine(similarity_top_k=1)
    response = engine.query("How high is Mount Fuji in Japan?")
    assert response.source_nodes[0].node.ref_doc_id == "fuji"
    assert str(response).strip()
    # The retrieved text was in the prompt the model answered.
    assert "Mount Fuji" in str(response) or "Context" in str(response)


def test_streaming_query(settings: GLM) -> None:
    index = VectorStoreIndex.from_documents(DOCUMENTS)
    engine = index.as_query_engine(similarity_top_k=1, streaming=True)
    response = engine.query("When was the Eiffel Tower in Paris finished?")
    tokens = list(response.response_gen)
    assert len(tokens) > 1
    assert "".join(tokens).strip()
    assert response.source_nodes[0].node.ref_doc_id == "eiffel"


async def test_async_query(settings: GLM) -> None:
    index = VectorStoreIndex.from_documents(DOCUMENTS)
    response = await index.as_query_engine(similarity_top_k=1).aquery("Which river flows into the Atlantic Ocean?")
    assert response.source_nodes[0].node.ref_doc_id == "amazon"
    assert str(response).strip()
