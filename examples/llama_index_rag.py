"""Retrieval-augmented generation over a folder of text files with LlamaIndex, on one key.

GLM answers, GLMEmbedding indexes and GLMRerank reorders the retrieved chunks: all three are
served by the same provider on the same key (Z.ai: embedding-3 and rerank; with
provider="cloudflare": bge-m3 and bge-reranker-base).

Run: python examples/llama_index_rag.py [folder]   (default: examples/data)
With no ZAI_API_KEY it answers from the built-in emulator (and says so); set the key for Z.ai.
"""

import sys
from pathlib import Path

from llama_index.core import Settings, SimpleDirectoryReader, VectorStoreIndex

from glm_cli.offline import real_or_emulated
from llama_index_glm import GLM, GLMEmbedding, GLMRerank

folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "data"

with real_or_emulated("zai") as connection:
    Settings.llm = GLM(model="glm-4.7-flash", **connection)
    Settings.embed_model = GLMEmbedding(dimensions=512, **connection)
    index = VectorStoreIndex.from_documents(SimpleDirectoryReader(str(folder)).load_data())

    # Retrieve broadly, then let the rerank model keep the best two chunks.
    rerank = GLMRerank(top_n=2, **connection)
    engine = index.as_query_engine(similarity_top_k=5, node_postprocessors=[rerank])
    response = engine.query("What does GLM-4.7 keep between turns?")
    print("answer:", response)
    print("sources:", ", ".join(n.node.metadata["file_name"] for n in response.source_nodes))

    streaming = index.as_query_engine(similarity_top_k=5, node_postprocessors=[rerank], streaming=True)
    print("streamed: ", end="")
    streaming.query("Which providers serve GLM-4.7-Flash?").print_response_stream()
    print()
