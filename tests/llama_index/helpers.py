"""Hand-written provider answers for the GLM unit tests, served by an httpx2.MockTransport.

These tests check the adapter's translation, so the answers are written out here from the wire
shapes in shared/reference/providers.md; the emulator-backed tests live next to them.
"""

from __future__ import annotations

import json
from collections import deque
from typing import Any

import httpx2

from llama_index_glm import GLM

KEY = "sk-LLAMA-TEST-0123456789-SECRET"
ACCOUNT = "acct-llama"
SSE = {"content-type": "text/event-stream"}


def sse(*events: dict[str, Any], done: bool = True) -> bytes:
    body = "".join(f"data: {json.dumps(e, ensure_ascii=False)}\n\n" for e in events)
    return (body + ("data: [DONE]\n\n" if done else "")).encode()


def completion(
    content: str = "",
    reasoning: str | None = None,
    tool_calls: list[dict[str, Any]] | None = None,
    usage: tuple[int, int] = (10, 5),
    finish_reason: str = "stop",
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if reasoning:
        message["reasoning_content"] = reasoning
    if tool_calls:
        message["tool_calls"] = tool_calls
        finish_reason = "tool_calls"
    prompt, completion_tokens = usage
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": "glm-4.7",
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt + completion_tokens,
        },
    }


def call(call_id: str, name: str, arguments: dict[str, Any] | str, index: int | None = None) -> dict[str, Any]:
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    item: dict[str, Any] = {"id": call_id, "type": "function", "function": {"name": name, "arguments": text}}
    if index is not None:
        item["index"] = index
    return item


def delta(finish_reason: str | None = None, usage: tuple[int, int] | None = None, **fields: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "id": "chatcmpl-1",
        "model": "glm-4.7",
        "choices": [{"index": 0, "delta": fields, "finish_reason": finish_reason}],
    }
    if usage is not None:
        event["usage"] = {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)}
    return event


class Script:
    """Queued answers (dict = JSON body, bytes = SSE body, Response as is); records request bodies."""

    def __init__(self, *answers: dict[str, Any] | bytes | httpx2.Response) -> None:
        self.answers: deque[dict[str, Any] | bytes | httpx2.Response] = deque(answers)
        self.requests: list[httpx2.Request] = []

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]

    def queue(self, *answers: dict[str, Any] | bytes | httpx2.Response) -> None:
        self.answers.extend(answers)

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        answer = self.answers.popleft() if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, httpx2.Response):
            return answer
        if isinstance(answer, bytes):
            return httpx2.Response(200, content=answer, headers=SSE)
        return httpx2.Response(200, json=answer)

    def llm(self, provider: str = "zai", **kwargs: Any) -> GLM:
        transport = httpx2.MockTransport(self)
        settings: dict[str, Any] = {"api_key": KEY, "provider": provider, "max_retries": 0}
        if provider.startswith("cloudflare"):
            settings["account_id"] = ACCOUNT
        if provider in ("vllm", "sglang"):
            settings["base_url"] = "http://gpu-box:8000/v1"
        settings.update(kwargs)
        return GLM(
            http_client=httpx2.Client(transport=transport),
            async_http_client=httpx2.AsyncClient(transport=transport),
            **settings,
        )
