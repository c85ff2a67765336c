"""Errors raised by ChatGLM: each is a `glm_core.errors` class *and* a langchain-core `Model*Error`.

Code that catches either family keeps working: `except glm_core.RateLimitError` and
`except langchain_core.exceptions.ModelRateLimitError` both see a `GLMRateLimitError`.
`is_retryable` follows the error actually received, not the class: Z.ai 1113 (no balance, sent
as HTTP 429) is a `GLMQuotaExceededError` whose `is_retryable` is False, although it is also a
`ModelRateLimitError` (as OpenAI's `insufficient_quota` is a rate-limit error).

Example:
    >>> try:                                                    # doctest: +SKIP
    ...     llm.invoke("Hi")
    ... except ModelRateLimitError as e:
    ...     if not e.is_retryable:
    ...         print("recharge the account:", e)
"""

from __future__ import annotations

from langchain_core.exceptions import ContextOverflowError as LCContextOverflowError
from langchain_core.exceptions import (
    ModelAPIError,
    ModelAuthenticationError,
    ModelConnectionError,
    ModelError,
    ModelInvalidRequestError,
    ModelNotFoundError,
    ModelPermissionDeniedError,
    ModelRateLimitError,
    ModelTimeoutError,
    OutputParserException,
)

from glm_core import errors as core

try:  # langchain-core >= 1.7.5; older versions have no refusal error (feature-detected, not required)
    from langchain_core.exceptions import ModelRefusalError

    _REFUSAL_BASES: tuple[type[Exception], ...] = (ModelRefusalError,)
except ImportError:  # pragma: no cover - exercised with langchain-core 1.7.x
    _REFUSAL_BASES = (OutputParserException,)

__all__ = [
    "GLMAPIError",
    "GLMAuthenticationError",
    "GLMBadRequestError",
    "GLMConnectionError",
    "GLMContentFilterError",
    "GLMContextOverflowError",
    "GLMEmptyAnswerError",
    "GLMInvalidRequestError",
    "GLMModelNotFoundError",
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
    "GLMTruncatedEventError",
    "to_langchain_error",
]


class _Retryable:
    """`is_retryable` reads the instance's `retryable` (set from the provider's business code)."""

    retryable: bool

    @property
    def is_retryable(self) -> bool:
        return bool(self.retryable)

    @is_retryable.setter
    def is_retryable(self, value: bool) -> None:
        self.retryable = value


class GLMInvalidRequestError(_Retryable, core.InvalidRequestError, ModelInvalidRequestError):
    """The request would be refused by the provider; raised before anything is sent (a ValueError)."""


class GLMAPIError(_Retryable, core.APIError, ModelAPIError):
    """The provider answered with an error that has no more specific class."""


class GLMBadRequestError(_Retryable, core.BadRequestError, ModelInvalidRequestError):
    """400/422: the provider refused the request."""


class GLMContextOverflowError(_Retryable, core.ContextOverflowError, LCContextOverflowError):
    """The prompt is longer than the model's context window."""


class GLMContentFilterError(_Retryable, core.ContentFilterError, ModelInvalidRequestError, *_REFUSAL_BASES):  # type: ignore[misc]
    """The provider's safety filter blocked the input or output (Z.ai 1301). Never retryable.

    A `ModelInvalidRequestError`, and also langchain-core's `ModelRefusalError` where it exists.
    """

    raw_message = None


class GLMAuthenticationError(_Retryable, core.AuthenticationError, ModelAuthenticationError):
    """401: the key is missing, wrong or expired."""


class GLMPermissionDeniedError(_Retryable, core.PermissionDeniedError, ModelPermissionDeniedError):
    """403: the key may not use this model or endpoint."""


class GLMNotFoundError(_Retryable, core.NotFoundError, ModelNotFoundError):
    """404: wrong URL, model or Cloudflare account id."""


class GLMModelNotFoundError(_Retryable, core.ModelNotFoundError, ModelNotFoundError):
    """The provider does not serve the model (Z.ai 1211, a 404 elsewhere); `model` names it."""


class GLMQuotaExceededError(_Retryable, core.QuotaExceededError, ModelRateLimitError):
    """No balance or quota left (Z.ai 1113, Cloudflare 3036): `is_retryable` is False."""


class GLMRateLimitError(_Retryable, core.RateLimitError, ModelRateLimitError):
    """429 or an overload code (Z.ai 1302/1305): retryable."""


class GLMServerError(_Retryable, core.ServerError, ModelAPIError):
    """5xx or a server-side failure inside a 200 answer: retryable."""


class GLMConnectionError(_Retryable, core.APIConnectionError, ModelConnectionError):
    """The provider could not be reached."""


class GLMTimeoutError(_Retryable, core.APITimeoutError, ModelTimeoutError):
    """The provider did not answer in time (or a stream stayed idle too long)."""


class GLMStreamInterruptedError(core.StreamInterruptedError, ModelAPIError):
    """A stream broke after its first chunk reached you; `partial` holds what came.

    Retryable when what broke it is (a dropped connection, a timeout, a 5xx in the stream).
    """

    _retryable_override: bool | None = None

    @property
    def is_retryable(self) -> bool:
        if self._retryable_override is not None:
            return self._retryable_override
        return bool(getattr(self.cause, "retryable", False))

    @is_retryable.setter
    def is_retryable(self, value: bool) -> None:
        self._retryable_override = value


class GLMResponseDecodeError(_Retryable, core.ResponseDecodeError, ModelAPIError):
    """The provider's answer was not in the documented shape."""


class GLMTruncatedEventError(_Retryable, core.TruncatedEventError, ModelAPIError):
    """A stream event cut mid-JSON with the next one glued on (Z.ai, zai-org/GLM-5#66): retryable."""


class GLMEmptyAnswerError(_Retryable, core.EmptyAnswerError, ModelAPIError):
    """The model reasoned and wrote no answer (the output budget went to thinking): raise
    `max_tokens` or lower `reasoning_effort`. `reasoning`, `usage` and `response` keep what came."""


class GLMToolCallRequiredError(core.ToolCallRequiredError, OutputParserException):
    """A tool call was required but the model answered without one (providers that only accept
    tool_choice="auto", where the call is asked for and then checked). `response` holds the answer.
    """

    observation: str | None = None
    llm_output: str | None = None
    send_to_llm: bool = False


class GLMRefusalError(core.RefusalError, *_REFUSAL_BASES):  # type: ignore[misc]
    """The answer was refused (Z.ai `finish_reason: "sensitive"`), so structured output has nothing
    to parse. langchain-core's `ModelRefusalError` where it exists (>= 1.7.5), else an
    `OutputParserException`. `response` holds the core answer, `raw_message` the AIMessage."""

    raw_message = None
    observation: str | None = None
    llm_output: str | None = None
    send_to_llm: bool = False


# Most specific first: the first class the error is an instance of wins.
_MAPPING: tuple[tuple[type[core.GLMError], type[core.GLMError]], ...] = (
    (core.ContextOverflowError, GLMContextOverflowError),
    (core.ContentFilterError, GLMContentFilterError),
    (core.ModelNotFoundError, GLMModelNotFoundError),
    (core.BadRequestError, GLMBadRequestError),
    (core.AuthenticationError, GLMAuthenticationError),
    (core.PermissionDeniedError, GLMPermissionDeniedError),
    (core.NotFoundError, GLMNotFoundError),
    (core.QuotaExceededError, GLMQuotaExceededError),
    (core.RateLimitError, GLMRateLimitError),
    (core.ServerError, GLMServerError),
    (core.APIError, GLMAPIError),
    (core.APITimeoutError, GLMTimeoutError),
    (core.APIConnectionError, GLMConnectionError),
    (core.StreamInterruptedError, GLMStreamInterruptedError),
    (core.TruncatedEventError, GLMTruncatedEventError),
    (core.ResponseDecodeError, GLMResponseDecodeError),
    (core.ToolCallRequiredError, GLMToolCallRequiredError),
    (core.EmptyAnswerError, GLMEmptyAnswerError),
    (core.RefusalError, GLMRefusalError),
    (core.InvalidRequestError, GLMInvalidRequestError),
)
_BY_CLASS: dict[type[BaseException], type[core.GLMError] | None] = {}


def _langchain_class(error_type: type[BaseException]) -> type[core.GLMError] | None:
    try:
        return _BY_CLASS[error_type]
    except KeyError:
        pass
    found = None
    if not issubclass(error_type, ModelError | OutputParserException):
        found = next((lc for glm, lc in _MAPPING if issubclass(error_type, glm)), None)
    _BY_CLASS[error_type] = found
    return found


def to_langchain_error(error: BaseException) -> BaseException:
    """The same error as an instance of the class that is also langchain-core's; others unchanged.

    The attributes (status_code, code, provider, request_id, body, retryable, ...) are copied,
    so nothing the core found out is lost.
    """
    target = _langchain_class(type(error))
    if target is None:
        return error
    converted = target.__new__(target)
    converted.args = error.args
    converted.__dict__.update(error.__dict__)
    converted.__cause__ = error.__cause__
    converted.__context__ = error.__context__
    converted.__suppress_context__ = error.__suppress_context__
    converted.__traceback__ = error.__traceback__
    if isinstance(error, core.StreamInterruptedError) and isinstance(error.cause, core.GLMError):
        converted.cause = to_langchain_error(error.cause)  # type: ignore[attr-defined]
    return converted
