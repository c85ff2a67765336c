"""A server-sent-events parser fed with raw bytes: ours, so the stream rules are in one place.

- a UTF-8 byte order mark before the first line is skipped (it would hide the first event);
- lines end in LF, CRLF or CR, wherever the network splits them;
- each line must be valid UTF-8: invalid bytes are a `ResponseDecodeError`, never U+FFFD
  silently put into the answer;
- comments (`: keep-alive`) and `id:` / `retry:` lines are not events, so they never count as
  progress for the stream's idle timeout;
- an event larger than `max_event_bytes` is refused rather than buffered without bound;
- an event is dispatched only by the blank line that ends it: an event still unfinished when the
  body ends is not dispatched (the SSE rule), and `close` hands back what had arrived of it, so
  the stream can say it was cut instead of reading half an event as a whole one.

Example:
    >>> parser = EventParser(max_event_bytes=1 << 20)
    >>> [e.data for e in parser.feed(b"\\xef\\xbb\\xbfdata: {}\\n\\n")]
    ['{}']
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Event", "EventParser", "StreamFormatError"]

_BOM = b"\xef\xbb\xbf"


class StreamFormatError(ValueError):
    """The bytes are not a well-formed event stream (the message says how)."""


@dataclass(slots=True)
class Event:
    data: str
    event: str = "message"


class EventParser:
    """Feed it the body's bytes as they arrive; each `feed` returns the events completed."""

    __slots__ = ("_buffer", "_data", "_event", "_pending", "_pending_size", "_size", "_started", "max_event_bytes")

    def __init__(self, max_event_bytes: int) -> None:
        self.max_event_bytes = max_event_bytes
        self._buffer = b""
        # Pieces of one long line (a 2 MiB tool argument arrives in many reads): joined once.
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._data: list[str] = []
        self._event = ""
        self._size = 0
        self._started = False

    def feed(self, chunk: bytes) -> list[Event]:
        if self._started and b"\n" not in chunk and b"\r" not in chunk:
            self._pending.append(chunk)
            self._pending_size += len(chunk)
            if self._pending_size + len(self._buffer) > self.max_event_bytes:
                raise StreamFormatError(f"an event line longer than {self.max_event_bytes} bytes")
            return []
        if self._pending:
            chunk = b"".join([*self._pending, chunk])
            self._pending, self._pending_size = [], 0
        buffer = self._buffer + chunk if self._buffer else chunk
        if not self._started:
            if len(buffer) < len(_BOM) and _BOM.startswith(buffer):
                self._buffer = buffer
                return []
            self._started = True
            if buffer.startswith(_BOM):
                buffer = buffer[len(_BOM) :]
        lines = buffer.splitlines(keepends=True)
        # The last line may be incomplete, and a CR at the end may be the first half of a CRLF.
        if lines and (not lines[-1].endswith((b"\n", b"\r")) or lines[-1].endswith(b"\r")):
            self._buffer = lines.pop()
        else:
            self._buffer = b""
        if len(self._buffer) > self.max_event_bytes:
            raise StreamFormatError(f"an event line longer than {self.max_event_bytes} bytes")
        events: list[Event] = []
        for line in lines:
            event = self._line(line.rstrip(b"\r\n"))
            if event is not None:
                events.append(event)
        return events

    def close(self) -> tuple[list[Event], str | None]:
        """The end of the body: the events its last bytes complete, and the data of an event
        left unfinished (its lines so far, a partial last line included; None when the body
        ended between events). The unfinished event is not dispatched."""
        # A last line without its line ending is read as a line (a CR held back as a possible
        # half of a CRLF was a whole line ending); only a blank line dispatches an event.
        events = self.feed(b"\n") if self._buffer or self._pending else []
        if not self._data:
            return events, None
        unfinished = "\n".join(self._data)
        self._data, self._event, self._size = [], "", 0
        return events, unfinished

    def _line(self, raw: bytes) -> Event | None:
        if not raw:
            if not self._data:
                self._event = ""
                return None
            event = Event("\n".join(self._data), self._event or "message")
            self._data, self._event, self._size = [], "", 0
            return event
        if raw[0] == 0x3A:  # ":" a comment (keep-alive)
            return None
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise StreamFormatError(f"an event that is not valid UTF-8 (byte {exc.start + 1} of its line)") from None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._size += len(raw)
            if self._size > self.max_event_bytes:
                raise StreamFormatError(f"an event larger than {self.max_event_bytes} bytes")
            self._data.append(value)
        elif name == "event":
            self._event = value
        return None
