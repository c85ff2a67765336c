"""RAG on one key with LangChain: an InMemoryVectorStore of GLMEmbeddings, a reranking retriever
(GLMRerank) and ChatGLM in one chain, on Z.ai and on Cloudflare; replayed from cassettes."""

from __future__ import annotations

import pytest
from langchain_classic.retrievers import ContextualCompressionRetriever
from langchain_core.documents import Document
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable, RunnablePassthrough
from langchain_core.vectorstores import InMemoryVectorStore

from langchain_glm import ChatGLM, GLMEmbeddings, GLMRerank
from tests.targets import target_kwargs

pytestmark = pytest.mark.vcr

DOCUMENTS = [
    Document("The Eiffel Tower is in Paris. It was finished in 1889 for the World's Fair.", id="eiffel"),
    Document("Mount Fuji is the highest mountain in Japan, at 3776 metres.", id="fuji"),
    Document("The Amazon river flows through Brazil into the Atlantic Ocean.", id="amazon"),
    Document("Japan has many volcanoes; Fuji last erupted in 1707.", id="volcanoes"),
]
PROMPT = ChatPromptTemplate.from_messages([("human", "Context: {context}\n\nQuestion: {question}")])


@pytest.fixture(params=["zai", "cloudflare"])
def glm_provider(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def rag_chain(provider: str) -> tuple[Runnable, ContextualCompressionRetriever]:
    kwargs = target_kwargs(provider)
    dimensions = 256 if provider == "zai" else None
    store = InMemoryVectorStore(GLMEmbeddings(**kwargs, dimensions=dimensions))
    store.add_documents(DOCUMENTS)
    retriever = ContextualCompressionRetriever(
        base_compressor=GLMRerank(**kwargs, top_n=1), base_retriever=store.as_retriever(search_kwargs={"k": 3})
    )

    def context(docs: list[Document]) -> str:
        return "\n".join(doc.page_content for doc in docs)

    llm = ChatGLM(**kwargs, model="glm-4.7-flash", thinking=False)
    chain = {"context": retriever | context, "question": RunnablePassthrough()} | PROMPT | llm | StrOutputParser()
    return chain, retriever


def test_langchain_rag_chain_streams_from_reranked_document(glm_provider: str) -> None:
    chain, retriever = rag_chain(glm_provider)
    found = retriever.invoke("How high is Mount Fuji?")
    assert [d.id for d in found] == ["fuji"]
    pieces = list(chain.stream("How high is Mount Fuji?"))
    assert len(pieces) > 1
    # The emulator echoes the start of the prompt: the retrieved text reached the model.
    assert "".join(pieces).startswith("Hello! You said: Context: Mount Fuji is the highest mountain")


async def test_langchain_rag_async_chain(glm_provider: str) -> None:
    chain, _ = rag_chain(glm_provider)
    answer = await chain.ainvoke("Which river flows into the Atlantic Ocean?")
    assert "Context: The Amazon river flows" in answer
