"""GLM vision models' inline markers, cleaned into text and reasoning.

GLM-4.5V (and the GLM-4.xV line) wraps the final answer in `<|begin_of_box|>...<|end_of_box|>`
and, where a server does not split reasoning out, writes it inline as `<think>...</think>`. Users
want neither in their text: the box markers are dropped (their content kept), and what is inside
`<think>` moves to the reasoning. Streams cut markers anywhere ("<|begin_" in one event, "of_box|>"
in the next), so `MarkerSplitter` keeps a possible marker prefix back until the next piece says
what it is. Applied to the models whose catalogue row takes images (see `splits_markers`), by the
core client for whole answers and for streams, so both adapters get clean text.

Example:
    >>> split_markers("<think>a cat</think><|begin_of_box|>Cat<|end_of_box|>")
    ('Cat', 'a cat')
"""

from __future__ import annotations

from dataclasses import replace

from glm_core.models import ModelProfile
from glm_core.types import ChatChunk, ChatResponse

__all__ = ["MarkerSplitter", "clean_response", "split_markers", "splits_markers"]

_BOX = ("<|begin_of_box|>", "<|end_of_box|>")
_THINK_OPEN, _THINK_CLOSE = "<think>", "</think>"
_MARKERS = (*_BOX, _THINK_OPEN, _THINK_CLOSE)


def splits_markers(model: ModelProfile) -> bool:
    """Whether answers of `model` are cleaned of box/think markers (the vision models)."""
    return "image" in model.inputs


class MarkerSplitter:
    """Stateful: feed content pieces in order, get (text, reasoning) pieces back; `flush` at the end.

    Example:
        >>> s = MarkerSplitter()
        >>> s.feed("<|begin_"), s.feed("of_box|>42<|end_of_box|>"), s.flush()
        (('', ''), ('42', ''), ('', ''))
    """

    __slots__ = ("_after_think", "_held", "_thinking")

    def __init__(self) -> None:
        self._held = ""
        self._thinking = False
        # The line break after </think> belongs to neither the reasoning nor the answer.
        self._after_think = False

    def feed(self, piece: str) -> tuple[str, str]:
        text = self._held + piece
        self._held = ""
        if "<" not in text and not self._after_think:  # the common case: nothing to clean
            return ("", text) if self._thinking else (text, "")
        out: list[str] = []
        thought: list[str] = []
        i = 0
        while i < len(text):
            j = text.find("<", i)
            if j == -1:
                self._add(out, thought, text[i:])
                break
            self._add(out, thought, text[i:j])
            rest = text[j:]
            marker = next((m for m in _MARKERS if rest.startswith(m)), None)
            if marker is not None:
                if marker == _THINK_OPEN:
                    self._thinking = True
                elif marker == _THINK_CLOSE:
                    self._thinking = False
                    self._after_think = True
                i = j + len(marker)
                continue
            if any(m.startswith(rest) for m in _MARKERS):
                self._held = rest  # may be the start of a marker: wait for the next piece
                break
            self._add(out, thought, "<")
            i = j + 1
        return "".join(out), "".join(thought)

    def _add(self, out: list[str], thought: list[str], piece: str) -> None:
        if self._thinking:
            thought.append(piece)
            return
        if self._after_think:
            piece = piece.lstrip()
            if not piece:
                return
            self._after_think = False
        out.append(piece)

    def flush(self) -> tuple[str, str]:
        """What was held back at the end (a '<' that never became a marker)."""
        held, self._held = self._held, ""
        return ("", held) if self._thinking else (held, "")

    def chunk(self, chunk: ChatChunk, *, last: bool = False) -> ChatChunk:
        """`chunk` with its content cleaned; inline reasoning is added after the chunk's own."""
        text, thought = self.feed(chunk.content) if chunk.content or self._held else ("", "")
        if last or chunk.finish_reason is not None:
            more_text, more_thought = self.flush()
            text, thought = text + more_text, thought + more_thought
        if text == chunk.content and not thought:
            return chunk
        chunk.content = text
        chunk.reasoning = chunk.reasoning + thought
        return chunk


def split_markers(content: str) -> tuple[str, str]:
    """(text, inline reasoning) of a whole answer."""
    if "<" not in content:
        return content, ""
    splitter = MarkerSplitter()
    text, thought = splitter.feed(content)
    more_text, more_thought = splitter.flush()
    return text + more_text, thought + more_thought


def clean_response(response: ChatResponse) -> ChatResponse:
    """`response` with markers removed from its content and inline reasoning moved to `reasoning`."""
    text, thought = split_markers(response.content)
    if text == response.content:
        return response
    reasoning = "".join(part for part in (response.reasoning, thought) if part) or None
    return replace(response, content=text, reasoning=reasoning)
