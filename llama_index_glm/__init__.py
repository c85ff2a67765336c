"""LlamaIndex integration for Z.ai's GLM models: `GLM`, a FunctionCallingLLM on glm_core, and the
embedding model and reranker served on the same key (`GLMEmbedding`, `GLMRerank`).

Example:
    >>> from llama_index_glm import GLM, GLMEmbedding
    >>> llm = GLM(model="glm-4.7-flash", provider="zai")   # doctest: +SKIP
    >>> embed_model = GLMEmbedding(provider="zai")         # doctest: +SKIP
"""

from llama_index_glm.base import GLM
from llama_index_glm.embeddings import GLMEmbedding
from llama_index_glm.rerank import GLMRerank
from llama_index_glm.tokens import glm_tokenizer

__all__ = ["GLM", "GLMEmbedding", "GLMRerank", "glm_tokenizer"]
