"""Pieces shared by the ChatGLM unit tests: a scripted mock transport and answer builders.

The unit tests script every answer by hand (shapes from shared/reference/providers.md) and serve it
through `httpx2.MockTransport`, so they check the adapter's translation without sockets and without
depending on the emulator's rules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx2

from langchain_glm import ChatGLM

KEY = "sk-TEST-langchain-0123456789-SECRET"
ACCOUNT = "acct-langchain"
SELF_HOSTED = "http://gpu-box:8000/v1"
PROVIDERS = (
    "zai",
    "zai_coding",
    "bigmodel",
    "empiriolabs",
    "cloudflare",
    "cloudflare_openai",
    "aimlapi",
    "openrouter",
    "vllm",
    "sglang",
)
# The model each provider serves under the user-facing id used in these tests.
MODEL_FOR = {"aimlapi": "glm-4.7"}


def model_for(provider: str) -> str:
    return MODEL_FOR.get(provider, "glm-4.7-flash")


def completion(
    content: str = "Hello!",
    *,
    reasoning: str | None = None,
    tool_calls: list[tuple[str, str, str]] | None = None,
    finish_reason: str = "stop",
    usage: dict[str, Any] | None = None,
    web_search: list[dict[str, Any]] | None = None,
    model: str = "glm-4.7-flash",
) -> dict[str, Any]:
    """A Z.ai-shaped chat completion; tool_calls are (id, name, arguments-json-text)."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if reasoning is not None:
        message["reasoning_content"] = reasoning
    if tool_calls:
        message["tool_calls"] = [
            {"id": i, "index": n, "type": "function", "function": {"name": name, "arguments": args}}
            for n, (i, name, args) in enumerate(tool_calls)
        ]
    body: dict[str, Any] = {
        "id": "20260313050303abc",
        "model": model,
        "object": "chat.completion",
        "choices": [{"index": 0, "finish_reason": finish_reason, "message": message}],
        "usage": usage
        or {
            "prompt_tokens": 12,
            "completion_tokens": 30,
            "total_tokens": 42,
            "prompt_tokens_details": {"cached_tokens": 4},
            "completion_tokens_details": {"reasoning_tokens": 20},
        },
    }
    if web_search is not None:
        body["web_search"] = web_search
    return body


def chunk(delta: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """One Z.ai-shaped stream event."""
    choice: dict[str, Any] = {"index": 0, "delta": delta or {}}
    if "finish_reason" in extra:
        choice["finish_reason"] = extra.pop("finish_reason")
    return {"id": "X1", "model": "glm-4.7-flash", "object": "chat.completion.chunk", "choices": [choice], **extra}


USAGE = {
    "prompt_tokens": 12,
    "completion_tokens": 30,
    "total_tokens": 42,
    "prompt_tokens_details": {"cached_tokens": 4},
    "completion_tokens_details": {"reasoning_tokens": 20},
}


def stream_events(
    content: list[str] | None = None,
    *,
    reasoning: list[str] | None = None,
    tool_deltas: list[dict[str, Any]] | None = None,
    finish_reason: str = "stop",
    usage: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    events = [chunk({"role": "assistant", "reasoning_content": r}) for r in reasoning or ()]
    events += [chunk({"role": "assistant", "content": c}) for c in content or ()]
    events += [chunk({"tool_calls": [d]}) for d in tool_deltas or ()]
    events.append(chunk({"role": "assistant", "content": ""}, finish_reason=finish_reason, usage=usage or USAGE))
    return events


def sse(events: list[dict[str, Any]], *, done: bool = True) -> bytes:
    text = "".join(f"data: {json.dumps(e, ensure_ascii=False)}\n\n" for e in events)
    return (text + ("data: [DONE]\n\n" if done else "")).encode()


@dataclass
class Script:
    """A MockTransport handler answering from a script; keeps every request body it saw.

    A reply is a dict (JSON, 200), bytes (an SSE body, 200), or (status, body[, headers]).
    With `wrap_cloudflare`, JSON bodies are put in Cloudflare's `{"result", "success"}` envelope.
    """

    replies: list[Any] = field(default_factory=list)
    requests: list[httpx2.Request] = field(default_factory=list)
    wrap_cloudflare: bool = False
    repeat_last: bool = False

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if not self.replies:
            raise AssertionError(f"unexpected request #{len(self.requests)} to {request.url}")
        reply = self.replies[0] if (self.repeat_last and len(self.replies) == 1) else self.replies.pop(0)
        headers: dict[str, str] = {}
        status = 200
        if isinstance(reply, tuple):
            status, reply, *rest = reply
            headers = rest[0] if rest else {}
        if isinstance(reply, bytes):
            return httpx2.Response(status, content=reply, headers={"content-type": "text/event-stream", **headers})
        if self.wrap_cloudflare and status == 200 and "choices" in reply:
            reply = {"result": reply, "success": True, "errors": [], "messages": []}
        return httpx2.Response(status, json=reply, headers=headers)

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]

    @property
    def body(self) -> dict[str, Any]:
        return self.bodies[-1]


def provider_kwargs(provider: str) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"provider": provider, "api_key": KEY, "model": model_for(provider)}
    if provider.startswith("cloudflare"):
        kwargs["account_id"] = ACCOUNT
    if provider in ("vllm", "sglang"):
        kwargs["base_url"] = SELF_HOSTED
    return kwargs


def make_llm(*replies: Any, provider: str = "zai", repeat: bool = False, **kwargs: Any) -> tuple[ChatGLM, Script]:
    """A ChatGLM whose sync and async clients answer from `replies` (no retries unless asked)."""
    script = Script(list(replies), wrap_cloudflare=provider == "cloudflare", repeat_last=repeat)
    transport = httpx2.MockTransport(script)
    options = {**provider_kwargs(provider), "max_retries": 0, **kwargs}
    llm = ChatGLM(
        http_client=httpx2.Client(transport=transport),
        http_async_client=httpx2.AsyncClient(transport=transport),
        **options,
    )
    return llm, script
