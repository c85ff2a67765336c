"""The SSE framer's end-of-body rule: an event is dispatched only by its blank line."""

from __future__ import annotations

import pytest

from glm_core.sse import EventParser


def _feed(*pieces: bytes) -> tuple[list[str], str | None]:
    parser = EventParser(max_event_bytes=1 << 20)
    data = [e.data for piece in pieces for e in parser.feed(piece)]
    closing, unfinished = parser.close()
    return data + [e.data for e in closing], unfinished


@pytest.mark.parametrize(
    ("pieces", "dispatched", "unfinished"),
    [
        ((b'data: {"a":1}\n\n',), ['{"a":1}'], None),
        ((b'data: {"a":1}\n\ndata: {"b":',), ['{"a":1}'], '{"b":'),  # cut inside the JSON
        ((b'data: {"a":1}\n\ndata: {"b":2}',), ['{"a":1}'], '{"b":2}'),  # whole line, no line end
        ((b'data: {"a":1}\n\ndata: {"b":2}\n',), ['{"a":1}'], '{"b":2}'),  # no blank line
        ((b"data: x\ndata: y\n",), [], "x\ny"),  # two lines of one event
        ((b'data: {"a":1}\r\r',), ['{"a":1}'], None),  # CR line endings: the held CR ends it
        ((b'data: {"a":1}\r\n\r',), ['{"a":1}'], None),
        ((b": keep-alive\n\n: keep-al",), [], None),  # a comment is not an event
        ((b"",), [], None),
    ],
)
def test_an_event_unfinished_at_the_end_of_the_body_is_not_dispatched(
    pieces: tuple[bytes, ...], dispatched: list[str], unfinished: str | None
) -> None:
    assert _feed(*pieces) == (dispatched, unfinished)


def test_the_parser_is_reset_after_close() -> None:
    parser = EventParser(max_event_bytes=1 << 20)
    parser.feed(b"data: half")
    assert parser.close() == ([], "half")
    assert parser.close() == ([], None)
