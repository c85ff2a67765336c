"""Wire dialects: how a canonical request is written and an answer read, per provider."""

from __future__ import annotations

from glm_core.dialects.cloudflare_run import CloudflareRunDialect
from glm_core.dialects.openai_chat import EncodedRequest, OpenAIChatDialect
from glm_core.providers import ProviderProfile

__all__ = ["CloudflareRunDialect", "EncodedRequest", "OpenAIChatDialect", "dialect_for"]


def dialect_for(provider: ProviderProfile) -> OpenAIChatDialect:
    """The dialect object that speaks `provider`'s wire format."""
    if provider.dialect == "cloudflare_run":
        return CloudflareRunDialect(provider)
    return OpenAIChatDialect(provider)
