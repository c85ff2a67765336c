"""From the bytes of a streamed answer to chunks: SSE framing (`glm_core.sse`), JSON, error
objects inside a 200 stream, and the dialect's decoding; shared by the sync and async streams.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import httpx2

from glm_core.dialects import fields
from glm_core.dialects.errors import error_from_body
from glm_core.errors import APIConnectionError, ResponseDecodeError, TruncatedEventError
from glm_core.sse import Event, EventParser, StreamFormatError
from glm_core.types import ChatChunk

if TYPE_CHECKING:
    from glm_core.streams import _StreamBase

__all__ = ["EventDecoder"]


class EventDecoder:
    """Turns the body's bytes into chunks; shared by the sync and async streams."""

    __slots__ = ("done", "headers", "parser", "provider", "stream")

    def __init__(self, stream: _StreamBase, headers: httpx2.Headers, max_event_bytes: int) -> None:
        self.stream = stream
        self.provider = stream._provider
        self.headers = headers
        self.parser = EventParser(max_event_bytes)
        self.done = False

    def check_content_type(self, response: httpx2.Response, body: bytes | None) -> None:
        content_type = response.headers.get("content-type", "")
        if content_type.partition(";")[0].strip().lower() == "text/event-stream":
            return
        # A JSON body instead of a stream: an error the provider sent with status 200.
        try:
            data: Any = json.loads(body or b"")
        except (ValueError, RecursionError):
            data = None
        if isinstance(data, dict):
            self.stream._dialect.unwrap(data)  # raises the typed error if it is one
        raise ResponseDecodeError(
            f"{self.provider.name} answered a streaming request with {content_type or 'no content type'!r} "
            "instead of text/event-stream",
            provider=self.provider.id,
        )

    def feed(self, piece: bytes | None) -> Iterator[ChatChunk]:
        """The chunks completed by `piece` of the body (None: the body ended), decoded one by one
        as they are taken, so a bad event never hides the good ones before it."""
        if self.done:
            return
        unfinished = None
        try:
            if piece is None:
                events, unfinished = self.parser.close()
            else:
                events = self.parser.feed(piece)
        except StreamFormatError as exc:
            raise ResponseDecodeError(f"{self.provider.name} sent {exc}", provider=self.provider.id) from None
        for event in events:
            chunk = self.decode(event)
            if chunk is not None:
                yield chunk
            elif self.done:
                return
        if unfinished is not None:
            self._ended_inside(unfinished)

    def _ended_inside(self, unfinished: str) -> None:
        """The body ended inside an event: not dispatched (the SSE rule); the stream was cut, which
        is a broken connection (retried before anything reached the caller, an interruption after)."""
        if unfinished.strip() == "[DONE]":
            # Only the blank line after the end marker is missing: nothing is lost or ambiguous.
            self.done = True
            return
        raise APIConnectionError(
            f"the connection to {self.provider.name} ended inside an event ({len(unfinished)} characters of it "
            f"had arrived, not used): {unfinished[:80]!r}",
            provider=self.provider.id,
        )

    def decode(self, event: Event) -> ChatChunk | None:
        data = event.data
        if data.strip() == "[DONE]":
            self.done = True
            return None
        if not data.strip():
            return None
        try:
            payload = fields.loads(data)
        except fields.MalformedField as exc:
            raise ResponseDecodeError(
                f"{self.provider.name} sent an event in which {exc}", provider=self.provider.id
            ) from None
        except (ValueError, RecursionError):
            raise self._not_json(data) from None
        if not isinstance(payload, dict):
            raise ResponseDecodeError(f"{self.provider.name} sent a non-object event", provider=self.provider.id)
        if (
            event.event == "error"
            or payload.get("error")
            or payload.get("object") == "error"  # SGLang's error shape
            or payload.get("success") is False
        ):
            raise error_from_body(self.provider, 200, payload, self.headers)
        return self.stream._dialect.decode_event(payload)

    def _not_json(self, data: str) -> ResponseDecodeError:
        """The error for an event that does not parse: a cut one with the next glued on is named so."""
        glued = _glued_at(data)
        if glued is not None:
            return TruncatedEventError(
                f"{self.provider.name} sent an event cut off after {glued} characters with the next event glued onto "
                f"it (a `data:` field at character {glued + 1}): the connection behind the stream broke; "
                f"neither part is used. The event: {data[: glued + 60]!r}",
                provider=self.provider.id,
                offset=glued + 1,
                fragment=data[:glued],
            )
        return ResponseDecodeError(
            f"{self.provider.name} sent an event that is not JSON: {data[:120]!r}", provider=self.provider.id
        )


def _glued_at(data: str) -> int | None:
    """Where a second event starts inside `data` that failed to parse: a `data:` field glued into
    the JSON (zai-org/GLM-5#66), or a second line opening a JSON object (the fragment and the next
    event's line ran into one event); None when the text shows no such seam."""
    at = data.find("data:", 1)
    if at != -1:
        return at
    newline = data.find("\n")
    if newline != -1 and data[newline + 1 :].lstrip().startswith("{"):
        return newline
    return None
