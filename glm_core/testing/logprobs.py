"""Deterministic log-probabilities for the emulator's answers (OpenAI's `choices[].logprobs`).

Text is cut into tokens at word starts (a token is optional whitespace plus non-space characters);
token i gets logprob -0.05 * ((len + i) % 7), its UTF-8 `bytes`, and, when `top_logprobs` = k > 0,
k alternatives: the token itself first, then "<token>~1", "<token>~2", ... each 1.0 less likely.

Example:
    >>> [t["token"] for t in token_logprobs("Hi there", 0)]
    ['Hi', ' there']
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["token_logprobs"]

_TOKEN = re.compile(r"\s*\S+|\s+")


def _entry(token: str, logprob: float) -> dict[str, Any]:
    return {"token": token, "logprob": logprob, "bytes": list(token.encode())}


def token_logprobs(text: str, top: int) -> list[dict[str, Any]]:
    """`logprobs.content` for `text` with `top` alternatives per token."""
    out = []
    for i, token in enumerate(_TOKEN.findall(text)):
        logprob = -round(0.05 * ((len(token) + i) % 7), 4)
        entry = _entry(token, logprob)
        entry["top_logprobs"] = [_entry(token if j == 0 else f"{token}~{j}", round(logprob - j, 4)) for j in range(top)]
        out.append(entry)
    return out
