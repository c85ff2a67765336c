"""An `Outcome` is what the emulator decided to send, independent of how it is delivered
(in-process transport or real socket), including how the delivery should fail.

Faults are applied here so the transport and the server only have to follow the instructions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from glm_core.testing.errors import error_payload
from glm_core.testing.facts import ProviderFacts, facts_for
from glm_core.testing.script import Fault

__all__ = ["JSON", "Outcome", "apply_body_fault", "early_fault"]

JSON = "application/json"
BAD_GATEWAY_HTML = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
MALFORMED_FRAME = b'data: {"id":"broken","choices":[{"index":0,"delta":{"content":"unterminated\n\n'


@dataclass(slots=True)
class Outcome:
    """Status, headers and body pieces, plus delivery failures.

    - `chunks`: body pieces in order (one per SSE event when `stream`).
    - `reset`: the connection dies before any byte.
    - `cut_at`: after `chunks[:cut_at]` the connection drops.
    - `stall_at` / `stall_seconds`: before `chunks[stall_at]`, nothing is sent for that long.
    """

    status: int
    content_type: str
    chunks: list[bytes]
    headers: list[tuple[str, str]] = field(default_factory=list)
    stream: bool = False
    reset: bool = False
    cut_at: int | None = None
    stall_at: int | None = None
    stall_seconds: float = 0.0

    @property
    def body(self) -> bytes:
        """The whole body as it would arrive if nothing failed."""
        return b"".join(self.chunks)


def _dumps(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _fault_headers(fault: Fault) -> list[tuple[str, str]]:
    return [(k.lower(), v) for k, v in (fault.headers or {}).items()]


def _error_object(facts: ProviderFacts, fault: Fault) -> tuple[int, dict[str, object]]:
    if facts.family == "aimlapi" and fault.code is not None:
        facts = facts_for("zai")  # AI/ML passes Z.ai's business errors through
    return error_payload(facts, fault.status, code=fault.code, message=fault.message)


def early_fault(facts: ProviderFacts, fault: Fault, path: str) -> Outcome | None:
    """Faults that answer before the request is looked at; None for body faults."""
    headers = _fault_headers(fault)
    kind = fault.kind
    if kind == "reset_before_response":
        return Outcome(0, JSON, [], reset=True)
    if kind == "non_json_502":
        return Outcome(fault.status or 502, "text/html", [BAD_GATEWAY_HTML], headers)
    if kind == "cloudflare_success_false":
        code = int(fault.code) if fault.code is not None else 5006
        _, payload = error_payload(
            facts_for("cloudflare"),
            code=code,
            message=fault.message,
            field="the request body did not match the model's input schema",
        )
        return Outcome(fault.status or 200, JSON, [_dumps(payload)], headers)
    if kind != "http_error":
        return None
    body = fault.body
    if body is None:
        if facts.family == "aimlapi" and fault.code is None:
            status, payload = error_payload(facts, fault.status or 500, message=fault.message, path=path)
        else:
            status, payload = _error_object(facts, fault)
        return Outcome(status, JSON, [_dumps(payload)], headers)
    status = fault.status or 500
    if isinstance(body, dict):
        return Outcome(status, JSON, [_dumps(body)], headers)
    raw = body.encode() if isinstance(body, str) else body
    ctype = JSON if raw.lstrip()[:1] in (b"{", b"[") else "text/plain; charset=utf-8"
    return Outcome(status, ctype, [raw], headers)


def _stream_error_frame(facts: ProviderFacts, fault: Fault) -> bytes:
    if facts.family == "cloudflare":
        code = int(fault.code) if fault.code is not None else 3040
        _, payload = error_payload(facts, code=code, message=fault.message)
        return b"data: " + _dumps(payload) + b"\n\n"
    if facts.family in ("zai", "aimlapi"):
        zai = facts if facts.family == "zai" else facts_for("zai")
        _, payload = error_payload(zai, code=str(fault.code or "1305"), message=fault.message)
        return b"data: " + _dumps(payload) + b"\n\n"
    _, payload = error_payload(facts, fault.status or 500, code=fault.code, message=fault.message)
    return b"data: " + _dumps(payload) + b"\n\n"


def _half(event: bytes) -> bytes:
    """The first half of an SSE frame (at least `data: {`), cut mid-JSON."""
    return event[: max(len(b"data: {"), len(event) // 2)]


def apply_body_fault(outcome: Outcome, fault: Fault, facts: ProviderFacts) -> Outcome:
    """Make a successful outcome fail the way `fault` says (huge_event is applied earlier)."""
    outcome.headers.extend(_fault_headers(fault))
    kind = fault.kind
    n = fault.after_events
    if not outcome.stream:
        if kind == "cut_stream_after":
            body = outcome.body
            outcome.chunks, outcome.cut_at = [body[: len(body) // 2]], None if fault.clean_close else 1
        elif kind == "stall_stream_after":
            outcome.stall_at, outcome.stall_seconds = 0, fault.stall_seconds
        elif kind in ("malformed_event", "glued_event"):
            body = outcome.body
            outcome.chunks = [body[: max(1, len(body) // 2)]]
        elif kind == "error_in_stream":
            frame = _stream_error_frame(facts, fault)
            outcome.chunks = [frame[len(b"data: ") : -2]]
            outcome.content_type = JSON
        return outcome
    # Streams: the last chunk is `data: [DONE]`; faults land among the events before it.
    events = len(outcome.chunks) - 1
    n = min(n, events)
    if kind == "cut_stream_after":
        outcome.cut_at = n
        if fault.inside_event and n < events:
            outcome.chunks[n] = _half(outcome.chunks[n])
            outcome.cut_at = n + 1
        if fault.clean_close:
            outcome.chunks, outcome.cut_at = outcome.chunks[: outcome.cut_at], None
    elif kind == "glued_event" and n + 1 < events:
        # The cut event runs into the next one: one line, two `data:` fields (zai-org/GLM-5#66).
        glued = _half(outcome.chunks[n]) + outcome.chunks[n + 1]
        outcome.chunks[n : n + 2] = [glued]
    elif kind == "stall_stream_after":
        outcome.stall_at, outcome.stall_seconds = n, fault.stall_seconds
    elif kind == "malformed_event":
        outcome.chunks.insert(n, MALFORMED_FRAME)
    elif kind == "error_in_stream":
        outcome.chunks = [*outcome.chunks[:n], _stream_error_frame(facts, fault)]
    return outcome
