"""Retrieval-augmented generation with LangChain, on one key: GLMEmbeddings in a vector store,
GLMRerank narrowing what it retrieves, ChatGLM answering from it.

Run: python examples/langchain_rag.py
With no ZAI_API_KEY it answers from the built-in emulator (and says so); set the key for Z.ai.
For Cloudflare Workers AI, use real_or_emulated("cloudflare") (bge-m3 and bge-reranker-base).
"""

from pathlib import Path

from langchain_classic.retrievers import ContextualCompressionRetriever
from langchain_core.documents import Document
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnablePassthrough
from langchain_core.vectorstores import InMemoryVectorStore

from glm_cli.offline import real_or_emulated
from langchain_glm import ChatGLM, GLMEmbeddings, GLMRerank

data = Path(__file__).parent / "data"
documents = [
    Document(paragraph, metadata={"source": path.name})
    for path in sorted(data.glob("*.txt"))
    for paragraph in path.read_text().split("\n\n")
    if paragraph.strip()
]

prompt = ChatPromptTemplate.from_messages(
    [("system", "Answer from the context only."), ("human", "Context:\n{context}\n\nQuestion: {question}")]
)

with real_or_emulated("zai") as connection:
    store = InMemoryVectorStore(GLMEmbeddings(dimensions=512, **connection))
    store.add_documents(documents)
    retriever = ContextualCompressionRetriever(
        base_compressor=GLMRerank(top_n=2, **connection),
        base_retriever=store.as_retriever(search_kwargs={"k": 5}),
    )

    def context(docs: list[Document]) -> str:
        return "\n\n".join(doc.page_content for doc in docs)

    llm = ChatGLM(model="glm-4.7-flash", **connection)
    chain = {"context": retriever | context, "question": RunnablePassthrough()} | prompt | llm | StrOutputParser()

    question = "What does GLM-4.7 keep between turns?"
    best = retriever.invoke(question)[0]
    print(f"best source: {best.metadata['source']} (relevance {best.metadata['relevance_score']})")
    print("answer: ", end="")
    for piece in chain.stream(question):
        print(piece, end="", flush=True)
    print()
