"""What a test can queue on an `Emulator`: a scripted `Reply` or an injected `Fault`.

A queued `Capture` answers one request with bytes recorded from a real provider, sent as they
were captured (replaying real traffic through the client).

All are plain dataclasses so a test reads like the exchange it pins::

    emu.queue(
        Fault(status=429, code="1302", headers={"retry-after": "1"}),
        Reply(content="Hi!", reasoning="Greet the user."),
    )

A queued `Reply` is rendered literally (no stop / max_tokens rules are applied to it) in the
provider's own response shape, streamed or not depending on the request. A queued `Fault`
answers one request with a failure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from glm_core.testing.shapes import ShapeOverride

__all__ = ["FAULT_KINDS", "Capture", "Fault", "FaultKind", "Reply", "ToolCallSpec"]

FaultKind = Literal[
    "http_error",
    "reset_before_response",
    "cut_stream_after",
    "stall_stream_after",
    "malformed_event",
    "glued_event",
    "error_in_stream",
    "cloudflare_success_false",
    "huge_event",
    "non_json_502",
]

FAULT_KINDS: frozenset[str] = frozenset(FaultKind.__args__)  # type: ignore[attr-defined]


@dataclass(slots=True)
class ToolCallSpec:
    """One tool call in a scripted `Reply`.

    `arguments` may be a dict (serialised compactly, unicode kept) or a raw string sent as is,
    which lets a test script invalid JSON arguments. `id=None` gets an id in the provider's format.

    Example:
        >>> ToolCallSpec("magic_function", {"input": 3}).name
        'magic_function'
    """

    name: str
    arguments: dict[str, Any] | str = field(default_factory=dict)
    id: str | None = None


@dataclass(slots=True)
class Reply:
    """A scripted answer, rendered in the serving provider's wire shape.

    - `content`: the assistant text ("" allowed; providers that send null for an empty answer
      with tool calls do so).
    - `reasoning`: the thinking text, or None for none.
    - `tool_calls`: calls to emit (parallel calls are several entries).
    - `finish_reason`: None derives it ("tool_calls" when there are calls, else "stop"); any
      string is sent verbatim (e.g. "sensitive", "network_error", "length").
    - `usage`: None derives token counts; a dict replaces the provider's usage object as is.
    - `web_search`: result dicts, sent as the top-level `web_search` list (Z.ai family).
    - `chunk_size`: stream only, characters per reasoning/content delta (default 20).
    - `tool_stream_fragments`: stream only, how many pieces tool arguments are split into where
      the provider streams them incrementally (default 3).
    - `shape`: a wire-shape variant for this answer only (a `Shape`, or a dict of its fields,
      applied over the emulator's shape; see `glm_core.testing.shapes`).
    - `logprobs`: answer with log-probabilities when the request asks for them (the default).

    Example:
        >>> Reply(content="It is sunny.", reasoning="Look at the tool result.").content
        'It is sunny.'
    """

    content: str = ""
    reasoning: str | None = None
    tool_calls: list[ToolCallSpec] = field(default_factory=list)
    finish_reason: str | None = None
    usage: dict[str, Any] | None = None
    web_search: list[dict[str, Any]] | None = None
    chunk_size: int | None = None
    tool_stream_fragments: int | None = None
    shape: ShapeOverride | None = None
    logprobs: bool = True


@dataclass(slots=True)
class Fault:
    """A failure that answers one request.

    kinds:
    - "http_error": `status` + `body`. With `code` (a business code) and no `body`, the body is
      the provider's real error body for that code, with its real message and status (e.g. Z.ai
      "1302" -> 429, Cloudflare 3040 -> 429). With neither, the provider's body for `status`.
    - "reset_before_response": the connection dies before any byte (in-process:
      httpx2.ReadError).
    - "cut_stream_after": `after_events` events, then the connection drops without `[DONE]`
      (in-process: httpx2.RemoteProtocolError). With `inside_event`, half of the next event's
      JSON is sent first (Z.ai streams were seen cut mid-event). With `clean_close`, the body
      just ends there without a connection error (a server or proxy that stops writing), so a
      half event is left unfinished. A non-streamed answer is cut half-way.
    - "stall_stream_after": `after_events` events, then no byte for `stall_seconds`, then the
      rest. A non-streamed answer stalls before its body.
    - "malformed_event": after `after_events` events, one `data:` line that is not JSON, then
      the rest of the stream. A non-streamed answer gets a truncated JSON body.
    - "glued_event": after `after_events` events, the next event is cut half-way through its JSON
      and the event after it follows on the same line (`..."object":"chat.cdata: {...}`), then
      the rest of the stream: a Z.ai GLM-5.1 stream captured so (zai-org/GLM-5#66). A
      non-streamed answer gets a truncated JSON body.
    - "error_in_stream": after `after_events` events, a `data:` object carrying the provider's
      error (Z.ai `{"error":{"code":"1305",...}}`, Cloudflare native its envelope), inside a
      200 stream that then ends. A non-streamed answer is a 200 with the error body.
    - "cloudflare_success_false": a 200 with `{"result":null,"success":false,"errors":[...]}`.
    - "huge_event": the answer's content is `size` bytes, streamed as one delta.
    - "non_json_502": an HTML 502 page, as a proxy in front of the provider sends.

    Example:
        >>> Fault(kind="cut_stream_after", after_events=3).after_events
        3
    """

    status: int | None = None
    body: dict[str, Any] | str | bytes | None = None
    code: str | int | None = None
    headers: dict[str, str] | None = None
    kind: FaultKind = "http_error"
    after_events: int = 2
    stall_seconds: float = 30.0
    size: int = 2 * 1024 * 1024
    message: str | None = None
    inside_event: bool = False
    clean_close: bool = False

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown Fault kind {self.kind!r}; choose one of {sorted(FAULT_KINDS)}")
        if self.after_events < 0:
            raise ValueError("after_events must be >= 0")


@dataclass(slots=True)
class Capture:
    """An answer recorded from a real provider, sent byte for byte whatever the request was.

    - `body`: the body; a list sends each piece as its own read (one per SSE event, say), so
      a client sees the pieces arrive as they were captured.
    - `status`, `headers`: as captured; `content_type` None is read off the body (JSON when it
      starts with `{` or `[`, else `text/event-stream`).
    - `ends`: how the connection ends after the body: "clean" (the body is complete), "eof"
      (the connection closes without error, as a server or proxy that stops writing does, so a
      last event may be left unfinished), "reset" (the connection breaks: a read error).
    - `source`: where the bytes come from (an issue, a cassette), for the test's reader.

    Example:
        >>> Capture(b'{"error":{"code":"1308","message":"Usage limit reached"}}', status=429).content_type_sent
        'application/json'
    """

    body: bytes | list[bytes]
    status: int = 200
    headers: dict[str, str] | None = None
    content_type: str | None = None
    ends: Literal["clean", "eof", "reset"] = "clean"
    source: str = ""

    @property
    def pieces(self) -> list[bytes]:
        return list(self.body) if isinstance(self.body, list) else [self.body]

    @property
    def content_type_sent(self) -> str:
        if self.content_type is not None:
            return self.content_type
        first = b"".join(self.pieces).lstrip()[:1]
        return "application/json" if first in (b"{", b"[") else "text/event-stream"
