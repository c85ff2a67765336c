"""Small text helpers for the rules brain: message text, token counts, and the values a
deterministic "model" can lift from a user message (numbers, quoted strings, names, keywords).

Token counting is deliberately crude and documented: ceil(characters / 4).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "STOPWORDS",
    "capitalized_phrases",
    "keywords",
    "message_text",
    "numbers",
    "quoted_strings",
    "significant_words",
    "stem",
    "tokens",
]

_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w])")
# A quote opens after a non-word character and closes before one, so "What's ... It's" is not a
# quoted string while "named '你好啊集团'" is.
_QUOTED = re.compile(
    "(?<!\\w)(?:'([^'\\n]+?)'|\"([^\"\\n]+?)\"|\u201c([^\u201d\\n]+?)\u201d"
    "|\u2018([^\u2019\\n]+?)\u2019|\u300c([^\u300d\\n]+?)\u300d)(?!\\w)"
)
_CAPITALIZED = re.compile(r"[A-Z][\w'-]*(?:(?:,\s*|\s+)[A-Z][\w'-]*)*")
_SENTENCE_END = re.compile(r"(?:^|[.!?:]\s*|\n\s*)$")
_WORD = re.compile(r"[^\W\d_]{3,}")

STOPWORDS: frozenset[str] = frozenset(
    """
    a an and are about after again all also any answer apply ask asks assistant based be been
    before being both but by call calls can could did do does doing done each either for from
    get give given has have help her here his how into its just know like make many may me more
    most much must my need not now of off on once only or other our out output over please
    question reply respond result results return returns same say see she should show so some
    such tell than that the their them then there these they this those through tool tools
    use used uses using value very want was way we well were what when where which while who
    whom why will with would you your yours function functions input message user model
    """.split()
)


def message_text(content: Any) -> str:
    """The text of a message `content`: a string, or the text parts of a content list."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts: list[str] = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                parts.append(part["text"])
        return " ".join(parts)
    return str(content)


def tokens(text: str | None) -> int:
    """Deterministic token count: ceil(len(text) / 4); 0 for empty text."""
    return (len(text) + 3) // 4 if text else 0


def numbers(text: str) -> list[int | float]:
    """Numbers in the text, in order ("magic_function(3)" -> [3])."""
    out: list[int | float] = []
    for m in _NUMBER.finditer(text):
        s = m.group(0)
        out.append(float(s) if "." in s else int(s))
    return out


def quoted_strings(text: str) -> list[str]:
    """Strings in single, double, curly or CJK quotes, in order."""
    return [next(g for g in m.groups() if g is not None) for m in _QUOTED.finditer(text)]


def capitalized_phrases(text: str) -> list[str]:
    """Runs of capitalised words not at the start of a sentence ("in San Francisco, CA")."""
    out: list[str] = []
    for m in _CAPITALIZED.finditer(text):
        if _SENTENCE_END.search(text[: m.start()]):
            continue
        phrase = m.group(0).rstrip(",")
        if phrase not in ("I",):
            out.append(phrase)
    return out


def significant_words(text: str) -> list[str]:
    """Words of 3+ letters that are not stopwords, in order."""
    return [w for w in _WORD.findall(text) if w.lower() not in STOPWORDS]


def stem(word: str) -> str:
    """A crude stem so "creating", "create" and "creates" meet ("creat")."""
    w = word.lower()
    for suffix in ("ing", "ed", "es", "s", "e"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: -len(suffix)]
    return w


def keywords(text: str) -> set[str]:
    """Stems of the significant words of a text (tool names are split on `_` and `-`)."""
    return {stem(w) for w in significant_words(text.replace("_", " ").replace("-", " ")) if len(w) >= 4}
