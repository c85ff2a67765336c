"""LlamaIndex integration for Z.ai's GLM models: `GLM`, a FunctionCallingLLM on glm_core.

Example:
    >>> from llama_index_glm import GLM
    >>> llm = GLM(model="glm-4.7-flash", provider="zai")   # doctest: +SKIP
"""

from llama_index_glm.base import GLM
from llama_index_glm.tokens import glm_tokenizer

__all__ = ["GLM", "glm_tokenizer"]
