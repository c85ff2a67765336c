"""Deterministic stand-ins for an embedding model and a reranker, by rules a reader can follow.

- `text_vector(text, dim)`: a unit vector. Each significant word (lower-cased, 2+ letters or
  digits, stopwords dropped, a plural `s` cut) adds +1 or -1 on 8 dimensions picked by a hash of
  the word; a small hash-seeded noise of the whole text fills every dimension. Texts sharing words
  point the same way, so cosine similarity ranks the document sharing most words with a query
  first; the same text always gives the same vector, in every process.
- `overlap_score(query, document)`: the share of the query's significant words found in the
  document (0..1), what the rerank emulation scores with.

Example:
    >>> from math import isclose
    >>> a, b, c = (text_vector(t, 64) for t in ("Mount Fuji height", "How high is Mount Fuji?", "Paris"))
    >>> sum(x * y for x, y in zip(a, b)) > sum(x * y for x, y in zip(a, c))
    True
    >>> overlap_score("height of Mount Fuji", "Mount Fuji is 3776 metres high")
    0.6667
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import zlib
from functools import lru_cache

__all__ = ["overlap_score", "significant_terms", "text_vector"]

_WORD = re.compile(r"[^\W_]{2,}")
_STOP = frozenset(
    "a an and are as at be by did do does for from had has have how in is it its of on or that the this to "
    "was were what when where which who why with you your".split()
)
_FEATURES_PER_WORD = 8
_NOISE = 0.05


@lru_cache(maxsize=65536)
def _term(word: str) -> str:
    word = word.lower()
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


def significant_terms(text: str) -> list[str]:
    """The words a vector and a rerank score are built from, in order (repeats kept)."""
    return [t for t in map(_term, _WORD.findall(text)) if t not in _STOP]


@lru_cache(maxsize=65536)
def _features(term: str, dim: int) -> tuple[tuple[int, float], ...]:
    digest = hashlib.blake2b(f"{dim}:{term}".encode(), digest_size=4 * _FEATURES_PER_WORD).digest()
    out = []
    for i in range(_FEATURES_PER_WORD):
        value = int.from_bytes(digest[4 * i : 4 * i + 4], "little")
        out.append((value % dim, 1.0 if value & 0x80000000 else -1.0))
    return tuple(out)


def text_vector(text: str, dim: int) -> list[float]:
    """The unit vector of `text` in `dim` dimensions (see the module docstring)."""
    rng = random.Random(zlib.crc32(text.encode()) ^ dim)
    noise = rng.random
    vector = [(noise() - 0.5) * _NOISE for _ in range(dim)]
    for term in significant_terms(text):
        for index, sign in _features(term, dim):
            vector[index] += sign
    scale = 1.0 / (math.sqrt(math.fsum(v * v for v in vector)) or 1.0)
    # 7 decimals, about what the real services send (their vectors are float32).
    return [round(v * scale, 7) for v in vector]


def overlap_score(query: str, document: str) -> float:
    """Share of the query's distinct significant words that the document contains, to 4 places."""
    wanted = set(significant_terms(query))
    if not wanted:
        return 0.0
    found = wanted & set(significant_terms(document))
    return round(len(found) / len(wanted), 4)
