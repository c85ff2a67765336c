"""LangChain integration for Z.ai's GLM models: `ChatGLM`, on every provider that serves GLM.

Example:
    >>> from langchain_glm import ChatGLM
    >>> llm = ChatGLM(model="glm-4.7-flash", provider="zai")          # doctest: +SKIP
    >>> llm.invoke("Hello").content                                   # doctest: +SKIP
"""

import warnings
from importlib.metadata import PackageNotFoundError, distribution

from langchain_glm.chat_models import ChatGLM
from langchain_glm.errors import (
    GLMAPIError,
    GLMAuthenticationError,
    GLMBadRequestError,
    GLMConnectionError,
    GLMContentFilterError,
    GLMContextOverflowError,
    GLMEmptyAnswerError,
    GLMInvalidRequestError,
    GLMModelNotFoundError,
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
    GLMTruncatedEventError,
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
    "GLMEmptyAnswerError",
    "GLMInvalidRequestError",
    "GLMModelNotFoundError",
    "GLMNotFoundError",
    "GLMPermissionDeniedError",
    "GLMQuotaExceededError",
    "GLMRateLimitError",
    "GLMRefusalError",
    "GLMRerank",
    "GLMResponseDecodeError",
    "GLMServerError",
    "GLMStreamInterruptedError",
    "GLMTimeoutError",
    "GLMToolCallRequiredError",
    "GLMTruncatedEventError",
]


def _warn_if_the_other_langchain_glm_is_installed() -> None:
    """Warn when PyPI's unrelated `langchain-glm` distribution is installed too.

    It (0.0.2, a ChatZhipuAI wrapper) also installs a top-level `langchain_glm` package, so
    installing both makes one overwrite the other's files. One metadata lookup (~1 ms).
    """
    try:
        other = distribution("langchain-glm")
    except PackageNotFoundError:
        return
    warnings.warn(
        f"The unrelated distribution langchain-glm {other.version} is installed next to glm-integrations, "
        "and both install a top-level `langchain_glm` package, so they cannot be installed side by side. "
        "Fix: pip uninstall langchain-glm && pip install --force-reinstall glm-integrations",
        UserWarning,
        stacklevel=3,
    )


_warn_if_the_other_langchain_glm_is_installed()
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
