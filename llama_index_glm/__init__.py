"""LlamaIndex integration for Z.ai's GLM models: `GLM`, a FunctionCallingLLM on glm_core.

Example:
    >>> from llama_index_glm import GLM
    >>> llm = GLM(model="glm-4.7-flash", provider="zai")   # doctest: +SKIP
"""

from llama_index_glm.base import GLM

__all__ = ["GLM"]
