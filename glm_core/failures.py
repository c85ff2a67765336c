"""What went wrong, as a glm_core error: `as_glm_error` for anything raised while talking to a
provider, `check_answer` for the checks every whole answer gets (streamed or not).

The text of a transport exception (httpx2 / httpcore2 / ssl / OSError) can hold what was being
sent, a header value included; it reaches a message only through `glm_core.redaction.scrub`.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable
from typing import TYPE_CHECKING

import httpx2

from glm_core.errors import (
    APIConnectionError,
    APITimeoutError,
    EmptyAnswerError,
    GLMError,
    ResponseDecodeError,
    ServerError,
    ToolCallRequiredError,
)
from glm_core.redaction import scrub
from glm_core.refusals import refusal_text

if TYPE_CHECKING:
    from glm_core.endpoint import PreparedRequest
    from glm_core.providers import ProviderProfile
    from glm_core.types import ChatResponse

__all__ = ["as_glm_error", "check_answer", "exception_text", "scrub_chain"]


def exception_text(exc: BaseException, secrets: Iterable[str] = ()) -> str:
    """`TypeName: message` of a foreign exception, credentials masked; never empty."""
    text = scrub(str(exc), secrets) or "(no message)"
    return f"{type(exc).__name__}: {text}"


def scrub_chain(exc: BaseException, secrets: Iterable[str] = ()) -> None:
    """Mask credentials in the text of `exc` and the exceptions it was raised from, in place: the
    chain is printed with a traceback, so a header value in an httpcore2 message must go there too."""
    secrets = tuple(secrets)
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None or isinstance(seen, GLMError):
            return
        if seen.args and any(isinstance(arg, str | bytes) for arg in seen.args):
            seen.args = tuple(scrub(str(arg), secrets) if isinstance(arg, str | bytes) else arg for arg in seen.args)
        seen = seen.__cause__ or seen.__context__


def as_glm_error(exc: BaseException, provider: ProviderProfile, secrets: Iterable[str] = ()) -> GLMError:
    """The glm_core error for anything raised while talking to the provider."""
    if isinstance(exc, GLMError):
        return exc
    scrub_chain(exc, secrets)
    if isinstance(exc, httpx2.SSEError):
        return ResponseDecodeError(
            f"bad event stream from {provider.name}: {exception_text(exc, secrets)}", provider=provider.id
        )
    if isinstance(exc, httpx2.TimeoutException | TimeoutError):
        return APITimeoutError(f"{provider.name} did not answer in time ({type(exc).__name__})", provider=provider.id)
    if isinstance(exc, httpx2.TransportError | OSError):
        message = f"connection to {provider.name} failed: {exception_text(exc, secrets)}"
        if _certificate_rejected(exc):
            # A certificate that does not verify now will not verify on a retry either.
            error = APIConnectionError(
                f"{message}. The server's TLS certificate is not trusted; for a private CA pass "
                "http_client=httpx2.Client(verify='/path/to/ca.pem')",
                provider=provider.id,
            )
            error.retryable = False
            return error
        if isinstance(exc, httpx2.LocalProtocolError | UnicodeError):
            # The request itself could not be written (a header HTTP cannot carry): a retry
            # would send the same bytes.
            error = APIConnectionError(f"the request to {provider.name} could not be sent: {message}")
            error.provider, error.retryable = provider.id, False
            return error
        return APIConnectionError(message, provider=provider.id)
    return ResponseDecodeError(
        f"unexpected answer from {provider.name}: {exception_text(exc, secrets)}", provider=provider.id
    )


def _certificate_rejected(exc: BaseException) -> bool:
    cause: BaseException | None = exc
    for _ in range(8):  # httpx2 -> httpcore2 -> ssl: a short chain
        if cause is None:
            return False
        if isinstance(cause, ssl.SSLCertVerificationError):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def check_answer(prepared: PreparedRequest, response: ChatResponse, provider: ProviderProfile) -> None:
    """Checks the client makes on every whole answer, streamed or not."""
    reason = response.finish_reason
    if reason is not None and reason in provider.broken_finish_reasons:
        # The generation broke on the provider's side (docs/providers-facts.md): not a complete answer.
        raise ServerError(
            f"{provider.name} stopped the answer with finish_reason {reason!r}",
            provider=provider.id,
            code=reason,
            status_code=200,
        )
    empty = _reasoned_without_answer(prepared, response, provider)
    if empty is not None:
        raise empty
    required = prepared.tool_call_required
    if required is None:
        return
    names = {call.name for call in response.tool_calls}
    if required == "*" and names:
        return
    if required in names:
        return
    if refusal_text(response, provider) is not None:
        return  # the provider's filter stopped the answer: a refusal (refusals.py), not a missing call
    wanted = "a tool call" if required == "*" else f"a call to {required!r}"
    if ("required" if required == "*" else "named") in provider.tool_choices:
        why = f"{provider.name} was sent the tool_choice but did not enforce it"
    else:
        accepted = " or ".join(f"'{c}'" if c != "named" else "a named tool" for c in sorted(provider.tool_choices))
        why = f"{provider.name} only accepts tool_choice={accepted}, so the call could be asked for but not forced"
    raise ToolCallRequiredError(
        f"{wanted} was required, but the model answered without one. {why}; retry, or rephrase the prompt",
        provider=provider.id,
        response=response,
    )


def _reasoned_without_answer(
    prepared: PreparedRequest, response: ChatResponse, provider: ProviderProfile
) -> EmptyAnswerError | None:
    """ "Thinking ate the answer": reasoning (text, or counted tokens), then no text and no tool
    call, with finish_reason "length" (the budget went to thinking) or "stop"."""
    reason = response.finish_reason
    if reason not in ("length", "stop") or response.tool_calls or response.content.strip():
        return None
    usage = response.usage
    thought = usage.reasoning_tokens if usage is not None else None
    if not response.reasoning and not thought:
        return None
    model = prepared.wire_model or prepared.model.id
    budget = prepared.body.get(provider.max_tokens_field)
    spent = f"{thought} reasoning tokens" if thought else f"{len(response.reasoning or '')} characters of reasoning"
    if usage is not None:
        spent += f" of {usage.output_tokens} output tokens"
    if reason == "length":
        limit = f"max_tokens={budget}" if isinstance(budget, int) else "the model's default output limit"
        what = f"spent its whole output budget ({limit}) on reasoning and wrote no answer ({spent})"
        advice = "Raise max_tokens, or lower reasoning_effort"
    else:
        what = f"reasoned and then stopped without an answer (finish_reason 'stop', {spent})"
        advice = "Retry, lower reasoning_effort, or raise max_tokens if it is small"
    return EmptyAnswerError(
        f"{model} on {provider.name} {what}. {advice} (or turn thinking off where the model allows it). "
        "The reasoning is on this error's `reasoning`, the usage on `usage`",
        provider=provider.id,
        response=response,
    )
