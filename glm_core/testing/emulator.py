"""`Emulator`: one provider's wire protocol, answering by rules or by script.

The request pipeline (`Emulator.handle`), in the order a real provider applies it:
1. record the request; take the next queued item, if any;
2. a queued `Capture` (bytes recorded from a real provider) or "early" `Fault` (http_error,
   reset_before_response, cloudflare_success_false, non_json_502) answers at once, whatever
   the request is;
3. route (method, path; Cloudflare: account id after auth), authenticate, parse JSON, validate;
4. answer: the queued `Reply`, else the rules brain (brain.py);
5. render in the provider's shape (streamed if `"stream": true`), then apply a queued body
   `Fault` (cut, stall, malformed event, error in stream, huge event).
Each queued item answers exactly one request, even one the provider rejects.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote, urlsplit

from glm_core.testing.answer import MARKER, Template, build_template, fill
from glm_core.testing.auth import check_auth
from glm_core.testing.errors import WireError, cf_envelope_error, provider_error
from glm_core.testing.facts import DEFAULT_ACCOUNT_ID, PROVIDER_FACTS, ProviderFacts, facts_for
from glm_core.testing.outcome import Outcome, apply_body_fault, early_fault
from glm_core.testing.retrieval import serve_retrieval
from glm_core.testing.script import Capture, Fault, Reply
from glm_core.testing.shapes import DEFAULT_SHAPES, Shape, ShapeOverride, resolve_shape
from glm_core.testing.tokenizer import tokenizer_answer
from glm_core.testing.transport import EmulatorTransport

__all__ = ["Emulator", "RecordedRequest"]

_TEMPLATE_CACHE_SIZE = 512


class RecordedRequest:
    """A request as the emulator received it: `method`, `path`, `headers` (lower-case names),
    `body` (the parsed JSON, or None when it is not JSON) and `raw` bytes."""

    __slots__ = ("_body", "_parsed", "headers", "method", "path", "raw")

    def __init__(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> None:
        self.method = method
        self.path = path
        self.headers = headers
        self.raw = raw
        self._parsed = False
        self._body: Any = None

    @property
    def body(self) -> Any:
        # Parsed on first use: recording stays cheap on the hot path.
        if not self._parsed:
            self._body, self._parsed = _parse(self.raw), True
        return self._body

    def __repr__(self) -> str:
        return f"RecordedRequest({self.method} {self.path}, {len(self.raw)} bytes)"


class Emulator:
    """A local stand-in for one provider's chat-completions wire protocol.

    Args:
        provider: a provider id ("zai", "zai_coding", "bigmodel", "empiriolabs", "cloudflare",
            "cloudflare_openai", "aimlapi", "openrouter", "vllm", "sglang").
        api_key: the key to require. None: hosted providers accept any non-empty Bearer key and
            vLLM/SGLang accept requests without one.
        account_id: the Cloudflare account id in the path.
        served_model: the model name vLLM/SGLang serve.
        base_url: override the base URL (for vLLM/SGLang on another host or path).
        max_recorded: how many requests `requests` keeps (the oldest are dropped).
        shape: a wire-shape variant seen in real traffic (a `Shape` or a dict of its fields,
            applied over the provider's default, `glm_core.testing.shapes.DEFAULT_SHAPES`);
            a scripted `Reply(shape=...)` overrides it for one answer.

    Example:
        >>> import httpx2
        >>> emu = Emulator("zai", api_key="test-key")
        >>> with httpx2.Client(transport=emu.transport(), base_url=emu.base_url) as client:
        ...     r = client.post("/chat/completions", headers={"Authorization": "Bearer test-key"},
        ...                     json={"model": "glm-4.7", "messages": [{"role": "user", "content": "Hi"}]})
        >>> r.json()["choices"][0]["message"]["content"]
        'Hello! You said: Hi'
    """

    def __init__(
        self,
        provider: str = "zai",
        *,
        api_key: str | None = None,
        account_id: str = DEFAULT_ACCOUNT_ID,
        served_model: str = "glm-4.7-flash",
        base_url: str | None = None,
        max_recorded: int = 1000,
        shape: ShapeOverride | None = None,
    ) -> None:
        self.provider = provider
        self.facts: ProviderFacts = facts_for(provider)
        self.shape: Shape = resolve_shape(DEFAULT_SHAPES.get(provider, Shape()), shape)
        self.api_key = api_key
        self.account_id = account_id
        self.served_model = served_model
        self.base_url = (base_url or self.facts.resolved_base_url(account_id)).rstrip("/")
        parts = urlsplit(self.base_url)
        self.host = parts.hostname or ""
        self.base_path = parts.path.rstrip("/")
        self.check_host = self.facts.auth_required  # self-hosted servers live anywhere
        self._endpoint = self.base_path + self.facts.endpoint
        self._queue: deque[Reply | Fault | Capture] = deque()
        self._requests: deque[RecordedRequest] = deque(maxlen=max_recorded)
        self._record = max_recorded > 0
        self._templates: dict[tuple[str, str, bytes], Template] = {}

    # -- scripting -------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """The recorded requests, oldest first."""
        return list(self._requests)

    def queue(self, *items: Reply | Fault | Capture) -> None:
        """Script the next answers: each item answers one request, first in first out."""
        for item in items:
            if not isinstance(item, Reply | Fault | Capture):
                raise TypeError(f"queue() takes Reply, Fault or Capture items, not {type(item).__name__}")
        self._queue.extend(items)

    @property
    def pending(self) -> int:
        """How many queued items are still waiting for a request."""
        return len(self._queue)

    def reset(self) -> None:
        """Forget queued items and recorded requests."""
        self._queue.clear()
        self._requests.clear()

    # -- delivery --------------------------------------------------------------------------

    def transport(self) -> EmulatorTransport:
        """An httpx2 transport (sync and async) that answers in-process."""
        return EmulatorTransport(self)

    @contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Serve over real HTTP in a background thread; yields the base URL with the real path."""
        from glm_core.testing.server import EmulatorServer  # sockets only when asked for

        server = EmulatorServer(self, host=host, port=port)
        server.start()
        try:
            yield server.base_url
        finally:
            server.stop()

    # -- the pipeline ----------------------------------------------------------------------

    def handle(self, method: str, path: str, headers: Mapping[str, str], raw: bytes) -> Outcome:
        """Answer one request (headers with lower-case names). Used by the transport and server."""
        if self._record:
            self._requests.append(RecordedRequest(method, path, dict(headers), raw))
        item = self._queue.popleft() if self._queue else None
        facts = self.facts
        if isinstance(item, Capture):
            return _replay(item)
        if isinstance(item, Fault):
            early = early_fault(facts, item, path)
            if early is not None:
                return self._error(early) if item.body is None else early
        try:
            retrieval = serve_retrieval(self, method, path, headers, raw, item)  # embeddings, rerank
            if retrieval is not None:
                return retrieval
            if facts.tokenizer_endpoint is not None and path.rstrip("/") == self.base_path + facts.tokenizer_endpoint:
                check_auth(facts, self.api_key, headers, path)
                return tokenizer_answer(facts, _parse(raw))
            facts, path_model = self._route(method, path, headers)
            return self._answer(facts, path_model, path, raw, item)
        except WireError as e:
            return self._error(Outcome(e.status, e.content_type, [e.body], e.headers))

    def _error(self, outcome: Outcome) -> Outcome:
        """Z.ai's flat error body (`{"code", "message"}`, no wrapper) when the shape asks for it."""
        if not self.shape.flat_errors or self.facts.family != "zai" or outcome.status < 400:
            return outcome
        data = _parse(outcome.body)
        if isinstance(data, dict) and isinstance(data.get("error"), dict) and len(data) == 1:
            flat = json.dumps(data["error"], ensure_ascii=False, separators=(",", ":")).encode()
            return Outcome(outcome.status, outcome.content_type, [flat], outcome.headers)
        return outcome

    def _route(self, method: str, path: str, headers: Mapping[str, str]) -> tuple[ProviderFacts, str | None]:
        facts = self.facts
        if facts.family != "cloudflare":
            if path.rstrip("/") != self._endpoint:
                raise provider_error(
                    facts,
                    404,
                    code="1222" if facts.family == "zai" else None,
                    field=path,
                    path=path,
                    detail=f"no route {path}",
                )
            if method != "POST":
                raise provider_error(facts, 405, detail=f"{method} is not allowed")
            check_auth(facts, self.api_key, headers, path)
            return facts, None
        # Cloudflare: /client/v4/accounts/{id}/ai/run/{model} or /ai/v1/chat/completions.
        check_auth(facts, self.api_key, headers, path)
        prefix = "/client/v4/accounts/"
        account, _, rest = path.removeprefix(prefix).partition("/")
        if not path.startswith(prefix) or account != self.account_id:
            raise WireError(
                404,
                json.dumps(
                    cf_envelope_error(
                        [
                            (7003, f"Could not route to {path}, perhaps your object identifier is invalid?"),
                            (7000, "No route for that URI"),
                        ]
                    )
                ).encode(),
                detail=f"account id {account!r} is not {self.account_id!r}",
            )
        if rest.startswith("ai/run/") and method == "POST":
            return PROVIDER_FACTS["cloudflare"], unquote(rest.removeprefix("ai/run/"))
        if rest.rstrip("/") == "ai/v1/chat/completions" and method == "POST":
            return PROVIDER_FACTS["cloudflare_openai"], None
        raise WireError(
            404,
            json.dumps(cf_envelope_error([(7000, "No route for that URI")])).encode(),
            detail=f"no route {method} {path}",
        )

    @staticmethod
    def _bad_body(facts: ProviderFacts, raw: bytes, path: str) -> WireError:
        detail = "the body is not a JSON object"
        if facts.family == "zai":
            return provider_error(facts, code="1210", detail=detail)
        if facts.family == "cloudflare":
            if not raw:
                return provider_error(facts, code=3003, field="body", detail="empty body")
            return provider_error(facts, code=5006, field="at '/' must be object", detail=detail)
        return provider_error(
            facts,
            400,
            message="Body validation error!" if facts.family == "aimlapi" else "Invalid JSON body",
            path=path,
            detail=detail,
        )

    def _answer(
        self, facts: ProviderFacts, path_model: str | None, path: str, raw: bytes, item: Reply | Fault | None
    ) -> Outcome:
        huge = item.size if isinstance(item, Fault) and item.kind == "huge_event" else None
        reply = item if isinstance(item, Reply) else None
        cacheable = reply is None and huge is None and MARKER not in raw
        key = (facts.id, path, raw)
        tpl = self._templates.get(key) if cacheable else None
        if tpl is None:
            body = _parse(raw)
            if not isinstance(body, dict):
                raise self._bad_body(facts, raw, path)
            tpl = build_template(
                facts,
                body,
                path_model=path_model,
                path=path,
                served_model=self.served_model,
                reply=reply,
                huge=huge,
                shape=self.shape,
            )
            if cacheable:
                if len(self._templates) >= _TEMPLATE_CACHE_SIZE:
                    self._templates.clear()
                self._templates[key] = tpl
        outcome = fill(facts, tpl)
        if isinstance(item, Fault):
            outcome = apply_body_fault(outcome, item, facts)
        return outcome


def _replay(capture: Capture) -> Outcome:
    """A captured answer as it was recorded; a stream (or a connection that ends early) is
    delivered piece by piece."""
    pieces = capture.pieces
    content_type = capture.content_type_sent
    headers = [(k.lower(), v) for k, v in (capture.headers or {}).items()]
    streamed = content_type.partition(";")[0].strip().lower() == "text/event-stream" or capture.ends != "clean"
    return Outcome(
        capture.status,
        content_type,
        pieces,
        headers,
        stream=streamed,
        cut_at=len(pieces) if capture.ends == "reset" else None,
    )


def _parse(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None
