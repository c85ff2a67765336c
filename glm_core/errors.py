"""The one exception tree of glm_core.

```
GLMError
├── ConfigurationError (also ValueError)   bad setup: unknown provider, missing key or account id
├── InvalidRequestError (also ValueError)  an option the provider does not support, a value out of range
├── APIError                               the provider answered with an error
│   ├── BadRequestError                    400, 422
│   │   ├── ContextOverflowError           prompt longer than the context window (Z.ai 1261, ...)
│   │   └── ContentFilterError             blocked as unsafe (Z.ai 1301; finish_reason "sensitive" is not raised)
│   ├── AuthenticationError                401
│   ├── PermissionDeniedError              403
│   ├── NotFoundError                      404 (also a wrong Cloudflare account id)
│   ├── QuotaExceededError                 no balance / daily quota (Z.ai 1113, Cloudflare 3036, AI/ML 403)
│   ├── RateLimitError                     429 and the provider's "overloaded" codes: retried
│   └── ServerError                        5xx: retried
├── APIConnectionError                     the request never got an answer: retried
│   └── APITimeoutError                    connect/read timeout, or a stream idle too long
├── StreamInterruptedError                 a stream broke after its first event; `partial` keeps what came
├── ResponseDecodeError                    a body or event that is not what the dialect expects
│   └── TruncatedEventError                an event cut mid-JSON with the next one glued on: retried
├── ToolCallRequiredError                  a tool call was required but the model answered without one
├── EmptyAnswerError                       the model reasoned and wrote no answer (the budget went to thinking)
└── RefusalError                           the provider's filter stopped the answer (finish_reason "sensitive")
```

Every error carries `provider`; API errors also carry `status_code`, the provider's business `code`
(always a string), `request_id` and the decoded `body`. No error ever contains the API key: the
key is never part of a message, and bodies come from the provider, which never echoes it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from glm_core.types import ChatResponse, Usage

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ContentFilterError",
    "ContextOverflowError",
    "EmptyAnswerError",
    "GLMError",
    "InvalidRequestError",
    "ModelNotFoundError",
    "NotFoundError",
    "PermissionDeniedError",
    "QuotaExceededError",
    "RateLimitError",
    "RefusalError",
    "ResponseDecodeError",
    "ServerError",
    "StreamInterruptedError",
    "ToolCallRequiredError",
    "TruncatedEventError",
]


class GLMError(Exception):
    """Base class of every error raised by glm_core."""

    retryable: bool = False

    def __init__(self, message: str, *, provider: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.provider = provider


class ConfigurationError(GLMError, ValueError):
    """The client cannot be set up as asked: says what to set or pass instead."""


class InvalidRequestError(GLMError, ValueError):
    """The request would be refused by the provider; raised before anything is sent."""


class APIError(GLMError):
    """The provider answered with an error (an HTTP error status, or an error inside a 200 body)."""

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        status_code: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        body: Any = None,
        retryable: bool | None = None,
        retry_after: float | None = None,
        upstream_provider: str | None = None,
        upstream_error: str | None = None,
    ) -> None:
        super().__init__(message, provider=provider)
        self.status_code = status_code
        self.code = code
        self.request_id = request_id
        self.body = body
        self.retry_after = retry_after
        # A gateway's upstream (OpenRouter's `error.metadata.provider_name`) and what it said
        # (`metadata.raw`, the upstream's own error body as text), where the gateway passes them on.
        self.upstream_provider = upstream_provider
        self.upstream_error = upstream_error
        if retryable is not None:
            self.retryable = retryable

    def __str__(self) -> str:
        parts = [self.message]
        details = []
        if self.provider:
            details.append(f"provider={self.provider}")
        if self.status_code is not None:
            details.append(f"status={self.status_code}")
        if self.code:
            details.append(f"code={self.code}")
        if self.request_id:
            details.append(f"request_id={self.request_id}")
        if self.upstream_provider:
            details.append(f"upstream={self.upstream_provider}")
        if self.upstream_error:
            details.append(f"upstream said: {self.upstream_error[:300]}")
        if details:
            parts.append(f"({', '.join(details)})")
        return " ".join(parts)


class BadRequestError(APIError):
    """400/422: the provider refused the request as it was."""


class ContextOverflowError(BadRequestError):
    """The prompt does not fit in the model's context window: shorten the conversation."""


class ContentFilterError(BadRequestError):
    """The provider's safety filter blocked the input or the output. Retrying will not help."""


class AuthenticationError(APIError):
    """401: the key is missing, wrong or expired."""


class PermissionDeniedError(APIError):
    """403: the key may not use this model or endpoint."""


class NotFoundError(APIError):
    """404: wrong URL, model or (Cloudflare) account id."""


class ModelNotFoundError(NotFoundError):
    """The provider does not serve the model (Z.ai 1211, Cloudflare 5007/3042, a 404 elsewhere).

    We never refuse an id ourselves: the provider's answer is the only authority on what it
    serves. `model` is the id that was sent, when known.

    Example:
        >>> try:                                                 # doctest: +SKIP
        ...     client.chat(ChatRequest("glm-9", [UserMessage("Hi")]))
        ... except ModelNotFoundError as e:
        ...     print(e.model, e.provider)
    """

    model: str | None = None

    def name_model(self, model: str, provider_name: str) -> ModelNotFoundError:
        """Say which model was not found (the provider's own message often does not)."""
        if self.model is None:
            self.model = model
            self.message = (
                f"{provider_name} does not serve model {model!r}: {self.message}. Check the id "
                "(`glm models` lists the known ones) and that your account or plan includes it"
            )
        return self


class QuotaExceededError(APIError):
    """The account has no balance or its quota is used up. Not retried: recharge or wait.

    `reset_at` is when the quota comes back, an aware datetime, where the provider says: the reset
    time in the message (Z.ai 1308 "Usage limit reached for 5 hour. Your limit will reset at
    2026-08-27 21:31:39", in Beijing time: `glm_core.error_codes`), else a `Retry-After` header
    on the answer; None when neither says. The message then ends with it, in UTC.

    Example:
        >>> try:                                                 # doctest: +SKIP
        ...     llm.invoke("Hi")
        ... except QuotaExceededError as e:
        ...     wait = (e.reset_at - datetime.now(UTC)) if e.reset_at else None
    """

    reset_at: datetime | None = None

    def __str__(self) -> str:
        text = super().__str__()
        if self.reset_at is None:
            return text
        return f"{text}; the quota resets at {self.reset_at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


class RateLimitError(APIError):
    """429 or an overload code: too many requests right now. Retried with backoff."""

    retryable = True


class ServerError(APIError):
    """5xx: the provider failed. Retried with backoff."""

    retryable = True


class APIConnectionError(GLMError):
    """No answer: the connection could not be made or broke before the response started."""

    retryable = True


class APITimeoutError(APIConnectionError):
    """The provider did not answer in time (connect, read, or a stream idle too long)."""


class StreamInterruptedError(GLMError):
    """A stream broke after its first event reached you.

    Nothing is retried at that point (you already have part of the answer); `partial` holds the
    response assembled from every event received, and `cause` (also `__cause__`) says why it broke.
    """

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        partial: ChatResponse | None = None,
        cause: BaseException | None = None,
    ) -> None:
        super().__init__(message, provider=provider)
        self.partial = partial
        self.cause = cause


class ResponseDecodeError(GLMError):
    """A response body or stream event was not in the shape the provider documents."""


class TruncatedEventError(ResponseDecodeError):
    """A stream event was cut off mid-JSON and the next event's `data:` glued onto it.

    Z.ai streams have been captured so (zai-org/GLM-5#66: `..."object":"chat.cdata: {"id":...`):
    the connection behind the stream broke and a second response's event was joined to the
    fragment. Neither half is ever read as content. `offset` is the character (from 1) where the
    glued `data:` begins and `fragment` the cut event's text. It is retried like a broken
    connection while nothing has reached you; after that the stream is a `StreamInterruptedError`
    with this error as its `cause`.
    """

    retryable = True

    def __init__(self, message: str, *, provider: str | None = None, offset: int = 0, fragment: str = "") -> None:
        super().__init__(message, provider=provider)
        self.offset = offset
        self.fragment = fragment


class ToolCallRequiredError(GLMError):
    """A tool call was required (tool_choice "required" or a named tool) but none came back.

    Raised when the provider cannot enforce tool_choice itself (the Z.ai family only accepts
    "auto"), so the client asked with "auto" and checked the answer. `response` holds the answer.
    """

    def __init__(self, message: str, *, provider: str | None = None, response: ChatResponse | None = None):
        super().__init__(message, provider=provider)
        self.response = response


class EmptyAnswerError(GLMError):
    """The model reasoned and then gave no answer: no text, no tool call.

    A reasoning model can spend its whole output budget on thinking (`finish_reason: "length"`)
    or stop right after it (`"stop"`): GLM users see thousands of reasoning deltas and then an
    empty answer (mistralai/client-python#628, OpenViking#991, llm_wiki#748, oh-my-openagent#980).
    Such an answer is never returned as an empty one: the message says what happened and what to
    change (raise `max_tokens`, lower `reasoning_effort`, turn thinking off where the model
    allows it). Nothing is lost: `response` is the whole answer as it came, with `reasoning`,
    `usage` and `finish_reason` also on the error. Streams raise it at their end, after the
    reasoning has streamed. Not retried: the same request spends the budget the same way.
    """

    def __init__(self, message: str, *, provider: str | None = None, response: ChatResponse | None = None):
        super().__init__(message, provider=provider)
        self.response = response

    @property
    def reasoning(self) -> str | None:
        """The reasoning the model wrote (None when the provider did not return it)."""
        return self.response.reasoning if self.response is not None else None

    @property
    def usage(self) -> Usage | None:
        """The tokens the answer used: reasoning tokens included, where the provider counts them."""
        return self.response.usage if self.response is not None else None

    @property
    def finish_reason(self) -> str | None:
        return self.response.finish_reason if self.response is not None else None


class RefusalError(GLMError):
    """The answer was refused: the provider's content filter stopped it (Z.ai `finish_reason:
    "sensitive"`), so what was asked for (structured output) is not there. `response` holds the
    answer as it came (any text before the stop included); retrying the same request will not help.

    A plain chat call does not raise it: the answer is returned, flagged as a refusal (LangChain: a
    `refusal` content block and `additional_kwargs["refusal"]`; LlamaIndex:
    `additional_kwargs["refusal"]`). Structured output raises it (in LangChain as the class that is
    also langchain-core's `ModelRefusalError`, where langchain-core has it).
    """

    def __init__(self, message: str, *, provider: str | None = None, response: ChatResponse | None = None):
        super().__init__(message, provider=provider)
        self.response = response
