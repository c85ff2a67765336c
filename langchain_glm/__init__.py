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
    GLMRefusalError,
    GLMResponseDecodeError,
    GLMServerError,
    GLMStreamInterruptedError,
    GLMTimeoutError,
    GLMToolCallRequiredError,
)

__all__ = [
    "ChatGLM",
    "GLMAPIError",
    "GLMAuthenticationError",
    "GLMBadRequestError",
    "GLMConnectionError",
    "GLMContentFilterError",
    "GLMContextOverflowError",
    "GLMInvalidRequestError",
    "GLMNotFoundError",
    "GLMPermissionDeniedError",
    "GLMQuotaExceededError",
    "GLMRateLimitError",
    "GLMRefusalError",
    "GLMResponseDecodeError",
    "GLMServerError",
    "GLMStreamInterruptedError",
    "GLMTimeoutError",
    "GLMToolCallRequiredError",
]
