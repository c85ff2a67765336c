"""A loopback HTTP server that answers with exactly the bytes a test gives it: the hostile wire.

The emulator renders what providers send; this renders what a broken proxy, a buggy server or an
attacker could send: any status, any headers, any body, cut anywhere, trickled with delays.

Example:
    with RawServer() as server:
        server.queue(Canned(body=b'{"choices": 5}'))
        GLMClient("vllm", base_url=server.base_url).chat(request)   # -> ResponseDecodeError

Each connection reads one request, pops the next `Canned` answer (or repeats the last one), writes
it and closes the connection, so the body may end without a length.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Canned", "RawServer", "sse"]


@dataclass
class Canned:
    """One answer: `body` is sent in `pieces` (or whole), `delay` seconds apart."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    pieces: list[bytes] | None = None
    delay: float = 0.0
    # Seconds to wait before sending anything (headers included).
    wait: float = 0.0
    with_length: bool = True


def sse(*events: Any, done: bool = True, bom: bool = False) -> bytes:
    """A text/event-stream body: each event a `data:` line (dicts as compact JSON)."""
    import json

    out = [b"\xef\xbb\xbf"] if bom else []
    for event in events:
        data = event if isinstance(event, str | bytes) else json.dumps(event)
        out.append(b"data: " + (data if isinstance(data, bytes) else data.encode()) + b"\n\n")
    if done:
        out.append(b"data: [DONE]\n\n")
    return b"".join(out)


class RawServer:
    """Serves queued `Canned` answers on 127.0.0.1; `requests` holds each request's raw head."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port: int = self._sock.getsockname()[1]
        self._answers: deque[Canned] = deque()
        self._last = Canned()
        self._lock = threading.Lock()
        self.requests: list[bytes] = []
        self.bodies: list[bytes] = []
        self._stopped = False
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def queue(self, *answers: Canned) -> None:
        with self._lock:
            self._answers.extend(answers)

    def reset(self, *answers: Canned) -> None:
        with self._lock:
            self._answers.clear()
            self._answers.extend(answers)
            self.requests.clear()
            self.bodies.clear()

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped = True
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
        except OSError:
            pass
        self._thread.join(timeout=5)
        self._sock.close()

    def _serve(self) -> None:
        while not self._stopped:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            if self._stopped:
                conn.close()
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _next(self) -> Canned:
        with self._lock:
            if self._answers:
                self._last = self._answers.popleft()
            return self._last

    def _answer(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(30)
            request = _read_request(conn)
            if request is None:
                return
            with self._lock:
                self.requests.append(request[0])
                self.bodies.append(request[1])
            canned = self._next()
            if canned.wait:
                time.sleep(canned.wait)
            lines = [f"HTTP/1.1 {canned.status} X", f"content-type: {canned.content_type}", "connection: close"]
            if canned.with_length and canned.pieces is None and not canned.delay:
                lines.append(f"content-length: {len(canned.body)}")
            lines += [f"{k}: {v}" for k, v in canned.headers.items()]
            conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
            pieces = canned.pieces if canned.pieces is not None else [canned.body]
            for i, piece in enumerate(pieces):
                if i and canned.delay:
                    time.sleep(canned.delay)
                conn.sendall(piece)
            conn.shutdown(socket.SHUT_WR)
            # Let the client read to the end before the socket goes.
            conn.settimeout(2)
            while conn.recv(65536):
                pass
        except OSError:
            pass
        finally:
            conn.close()


def _read_request(conn: socket.socket) -> tuple[bytes, bytes] | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        rest += chunk
    return head, rest
