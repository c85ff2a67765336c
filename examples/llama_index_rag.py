"""Retrieval-augmented generation over a folder of text files with LlamaIndex and GLM.

The embedding here is a tiny deterministic stand-in so the example runs offline; swap in any
LlamaIndex embedding model (e.g. HuggingFaceEmbedding) for real retrieval quality.

Run: python examples/llama_index_rag.py [folder]   (default: examples/data)
"""

import hashlib
import math
import sys
from pathlib import Path

from llama_index.core import Settings, SimpleDirectoryReader, VectorStoreIndex
from llama_index.core.embeddings import BaseEmbedding

from glm_core.offline import real_or_emulated
from llama_index_glm import GLM


class HashingEmbedding(BaseEmbedding):
    """Bag-of-words hashed into 256 dimensions: deterministic, offline, good enough for a demo."""

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * 256
        for word in text.lower().split():
            bucket = int(hashlib.md5(word.strip(".,!?").encode()).hexdigest(), 16) % 256
            vector[bucket] += 1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._vector(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._vector(text)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._vector(query)


folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "data"

with real_or_emulated("zai") as connection:
    Settings.llm = GLM(model="glm-4.7-flash", **connection)
    Settings.embed_model = HashingEmbedding()
    index = VectorStoreIndex.from_documents(SimpleDirectoryReader(str(folder)).load_data())

    engine = index.as_query_engine(similarity_top_k=2)
    print("answer:", engine.query("What does GLM-4.7 keep between turns?"))

    streaming = index.as_query_engine(similarity_top_k=2, streaming=True)
    print("streamed: ", end="")
    streaming.query("Which providers serve GLM-4.7-Flash?").print_response_stream()
    print()
