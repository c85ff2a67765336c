"""`llama_index.embeddings.glm`: the LlamaIndex import path for GLM's embedding (and rerank) classes.

An alias of `llama_index_glm`: it re-exports the retrieval classes that `llama_index_glm` provides
(`GLMEmbedding`, `GLMRerank`), and only those that exist in the installed version.

Example:
    >>> import llama_index.embeddings.glm as glm_embeddings
    >>> set(glm_embeddings.__all__) <= {"GLMEmbedding", "GLMRerank"}
    True
"""

import llama_index_glm

# The retrieval classes of llama_index_glm; each is re-exported once llama_index_glm defines it.
_RETRIEVAL_CLASSES = ("GLMEmbedding", "GLMRerank")

__all__ = [name for name in _RETRIEVAL_CLASSES if hasattr(llama_index_glm, name)]

globals().update({name: getattr(llama_index_glm, name) for name in __all__})
