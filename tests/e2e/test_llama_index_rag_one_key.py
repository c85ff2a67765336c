"""RAG on one key with LlamaIndex: a VectorStoreIndex built with GLMEmbedding, queried by GLM with
GLMRerank as a postprocessor, on Z.ai and on Cloudflare; replayed from cassettes."""

from __future__ import annotations

import pytest
from llama_index.core import Document, VectorStoreIndex

from glm_core.testing import overlap_score
from llama_index_glm import GLM, GLMEmbedding, GLMRerank
from tests.targets import target_kwargs

pytestmark = pytest.mark.vcr

DOCUMENTS = [
    Document(text="The Eiffel Tower is in Paris. It was finished in 1889 for the World's Fair.", doc_id="eiffel"),
    Document(text="Mount Fuji is the highest mountain in Japan, at 3776 metres.", doc_id="fuji"),
    Document(text="The Amazon river flows through Brazil into the Atlantic Ocean.", doc_id="amazon"),
    Document(text="Japan has many volcanoes; Fuji last erupted in 1707.", doc_id="volcanoes"),
]


@pytest.fixture(params=["zai", "cloudflare"])
def glm_provider(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def pipeline(provider: str) -> tuple[VectorStoreIndex, GLM, GLMRerank]:
    kwargs = target_kwargs(provider)
    dimensions = 256 if provider == "zai" else None  # Cloudflare's bge-m3 has a fixed size
    embed_model = GLMEmbedding(**kwargs, dimensions=dimensions)
    index = VectorStoreIndex.from_documents(DOCUMENTS, embed_model=embed_model)
    llm = GLM(**kwargs, model="glm-4.7-flash", thinking=False)
    return index, llm, GLMRerank(**kwargs, top_n=1)


def test_llama_index_rag_streams_from_reranked_context(glm_provider: str) -> None:
    index, llm, rerank = pipeline(glm_provider)
    engine = index.as_query_engine(llm=llm, similarity_top_k=3, node_postprocessors=[rerank], streaming=True)
    response = engine.query("How high is Mount Fuji?")
    tokens = list(response.response_gen)
    assert len(tokens) > 1  # streamed
    assert [n.node.ref_doc_id for n in response.source_nodes] == ["fuji"]
    # The rerank score: "mount" and "fuji" of the query's three words are in the document, "high" is not.
    assert response.source_nodes[0].score == overlap_score("How high is Mount Fuji?", DOCUMENTS[1].text) == 0.6667
    # The emulator echoes the start of the prompt: the reranked context reached the model.
    assert "Mount Fuji is the highest mountain" in "".join(tokens)


async def test_llama_index_rag_async_query(glm_provider: str) -> None:
    index, llm, rerank = pipeline(glm_provider)
    engine = index.as_query_engine(llm=llm, similarity_top_k=3, node_postprocessors=[rerank])
    response = await engine.aquery("Which river flows into the Atlantic Ocean?")
    assert [n.node.ref_doc_id for n in response.source_nodes] == ["amazon"]
    assert "Amazon river" in str(response)
