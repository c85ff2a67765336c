"""Response and tool-call ids in each provider's observed format (providers.md §1.7, §2.3, §5).

Ids are random (not secret): `random.getrandbits` is enough and cheaper than `secrets`.
"""

from __future__ import annotations

import random
import string
import time

from glm_core.testing.facts import ProviderFacts

__all__ = ["response_id", "tool_call_id"]

_ALNUM = string.ascii_letters + string.digits


def _hex(bits: int) -> str:
    return format(random.getrandbits(bits), f"0{bits // 4}x")


def response_id(facts: ProviderFacts) -> str:
    """e.g. Z.ai "20260313050303" + 16 hex; vLLM "chatcmpl-<32 hex>"; OpenRouter "gen-<ts>-<20>"."""
    style = facts.id_style
    if style == "zai":
        return time.strftime("%Y%m%d%H%M%S") + _hex(64)
    if style == "chatcmpl16":
        return "chatcmpl-" + _hex(64)
    if style == "chatcmpl32":
        return "chatcmpl-" + _hex(128)
    if style == "hex32":
        return _hex(128)
    return f"gen-{int(time.time())}-" + "".join(random.choices(_ALNUM, k=20))


def tool_call_id(facts: ProviderFacts, *, stream: bool) -> str:
    """Z.ai: "call_-<19 digits>" non-streamed, "call_<24 hex>" streamed; vLLM "chatcmpl-tool-<32 hex>"."""
    style = facts.tool_id_style
    if style == "zai":
        return "call_" + _hex(96) if stream else f"call_-{random.randrange(10**18, 9 * 10**18)}"
    if style == "vllm":
        return "chatcmpl-tool-" + _hex(128)
    return "call_" + _hex(96)
