"""LangChain integration for Z.ai's GLM models: `ChatGLM`, on every provider that serves GLM.

Example:
    >>> from langchain_glm import ChatGLM
    >>> llm = ChatGLM(model="glm-4.7-flash", provider="zai")          # doctest: +SKIP
    >>> llm.invoke("Hello").content                                   # doctest: +SKIP
"""

from langchain_glm.chat_models import ChatGLM
from langchain_glm.errors import (
    GLMAPIError,
    GLMAuthenticationError,
    GLMBadRequestError,
    GLMConnectionError,
    GLMContentFilterError,
    GLMContextOverflowError,
    GLMInvalidRequestError,
    GLMNotFoundError,
    GLMPermissionDeniedError,
    GLMQuotaExceededError,
    GLMRateLimitError,
    GLMResponseDecodeError,
    GLMServerError,
    GLMStreamInterruptedError,
    GLMTimeoutError,
    GLMToolCallRequiredError,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from langchain_glm.embeddings import GLMEmbeddings
    from langchain_glm.rerank import GLMRerank

__all__ = [
    "ChatGLM",
    "GLMAPIError",
    "GLMAuthenticationError",
    "GLMBadRequestError",
    "GLMConnectionError",
    "GLMContentFilterError",
    "GLMContextOverflowError",
    "GLMEmbeddings",
    "GLMInvalidRequestError",
    "GLMNotFoundError",
    "GLMPermissionDeniedError",
    "GLMQuotaExceededError",
    "GLMRateLimitError",
    "GLMRerank",
    "GLMResponseDecodeError",
    "GLMServerError",
    "GLMStreamInterruptedError",
    "GLMTimeoutError",
    "GLMToolCallRequiredError",
]

# The retrieval classes load on first use: `import langchain_glm` stays as cheap as a chat model's import.
_LAZY = {"GLMEmbeddings": "langchain_glm.embeddings", "GLMRerank": "langchain_glm.rerank"}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'langchain_glm' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
