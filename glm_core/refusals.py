"""Refusals: an answer the provider's content filter stopped (Z.ai `finish_reason: "sensitive"`).

Z.ai answers 200 and ends the answer with `finish_reason: "sensitive"` (docs/providers-facts.md) when its
filter stops the output; the text so far (often nothing) is all there is. That is a refusal, not an
empty answer: both adapters flag it the same way (`additional_kwargs["refusal"]`, a LangChain
`refusal` content block), structured output raises `RefusalError`, and a required tool call that
did not come because of the filter is a refusal rather than a `ToolCallRequiredError`.
(The input side, Z.ai's HTTP 400 with code 1301, is `ContentFilterError`.)

Example:
    >>> from glm_core.types import ChatResponse
    >>> refusal_text(ChatResponse(finish_reason="sensitive"), "zai")
    "Z.ai's content filter stopped the answer (finish_reason 'sensitive')"
"""

from __future__ import annotations

from glm_core.errors import RefusalError
from glm_core.providers import PROVIDERS, ProviderProfile, get_provider
from glm_core.types import ChatResponse

__all__ = ["refusal_error", "refusal_text"]


def _profile(provider: str | ProviderProfile) -> ProviderProfile:
    if isinstance(provider, ProviderProfile):
        return provider
    return PROVIDERS.get(provider) or get_provider(provider)


def refusal_text(response: ChatResponse, provider: str | ProviderProfile) -> str | None:
    """A human-readable refusal when `response` was stopped by the provider's filter, else None."""
    reason = response.finish_reason
    if reason is None:
        return None
    profile = _profile(provider)
    if reason not in profile.refusal_finish_reasons:
        return None
    return f"{profile.name}'s content filter stopped the answer (finish_reason {reason!r})"


def refusal_error(response: ChatResponse, provider: str | ProviderProfile) -> RefusalError | None:
    """The `RefusalError` for a refused answer (structured output raises it), else None."""
    text = refusal_text(response, provider)
    if text is None:
        return None
    profile = _profile(provider)
    return RefusalError(f"{text}; nothing to parse. Rephrase the request.", provider=profile.id, response=response)
