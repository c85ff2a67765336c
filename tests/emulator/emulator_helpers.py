"""Shared helpers for the emulator tests: a valid request per provider, a client, an SSE parser."""

from __future__ import annotations

import json
from typing import Any

import httpx2

from glm_core.testing import Emulator

KEY = "test-key"
ACCOUNT = "0123456789abcdef0123456789abcdef"

# provider -> (path after the base URL, model id in the body or None when it is in the path)
ROUTES: dict[str, tuple[str, str | None]] = {
    "zai": ("/chat/completions", "glm-4.7"),
    "zai_coding": ("/chat/completions", "glm-4.7"),
    "bigmodel": ("/chat/completions", "glm-4.7-flash"),
    "empiriolabs": ("/chat/completions", "glm-4-7-flash"),
    "cloudflare": ("/run/@cf/zai-org/glm-4.7-flash", None),
    "cloudflare_openai": ("/chat/completions", "@cf/zai-org/glm-4.7-flash"),
    "aimlapi": ("/chat/completions", "zhipu/glm-4.7"),
    "openrouter": ("/chat/completions", "z-ai/glm-4.7"),
    "vllm": ("/chat/completions", "glm-4.7-flash"),
    "sglang": ("/chat/completions", "glm-4.7-flash"),
}
PROVIDERS = list(ROUTES)
ZAI_FAMILY = ["zai", "zai_coding", "bigmodel"]


def body_for(provider: str, content: str = "Hello there", **extra: Any) -> dict[str, Any]:
    """A minimal valid request body for the provider."""
    _, model = ROUTES[provider]
    body: dict[str, Any] = {"messages": [{"role": "user", "content": content}]}
    if model is not None:
        body["model"] = model
    body.update(extra)
    return body


def client(emu: Emulator, key: str | None = KEY) -> httpx2.Client:
    headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
    return httpx2.Client(transport=emu.transport(), base_url=emu.base_url, headers=headers)


def async_client(emu: Emulator, key: str | None = KEY) -> httpx2.AsyncClient:
    headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
    return httpx2.AsyncClient(transport=emu.transport(), base_url=emu.base_url, headers=headers)


def post(provider: str, body: dict[str, Any], emu: Emulator | None = None, key: str | None = KEY) -> httpx2.Response:
    """POST `body` to the provider's endpoint through an in-process emulator."""
    emu = emu or Emulator(provider, api_key=KEY)
    with client(emu, key) as c:
        return c.post(ROUTES[provider][0], json=body)


def sse_data(text: str) -> list[str]:
    """The `data:` payloads of an SSE body, in order (comments and blank lines skipped)."""
    out = []
    for block in text.split("\n\n"):
        lines = [line for line in block.split("\n") if line and not line.startswith(":")]
        data = [line[len("data:") :].lstrip(" ") for line in lines if line.startswith("data:")]
        if data:
            out.append("\n".join(data))
    return out


def sse_chunks(text: str) -> list[dict[str, Any]]:
    """The JSON chunks of an SSE body; asserts it ends with exactly one `[DONE]`."""
    data = sse_data(text)
    assert data[-1] == "[DONE]", data[-3:]
    assert data.count("[DONE]") == 1
    return [json.loads(d) for d in data[:-1]]


def unwrap(provider: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The completion inside Cloudflare's native envelope; other bodies as they are."""
    if provider == "cloudflare":
        assert payload["success"] is True and payload["errors"] == [] and payload["messages"] == []
        result: dict[str, Any] = payload["result"]
        return result
    return payload


def assemble(chunks: list[dict[str, Any]]) -> dict[str, Any]:
    """Fold stream chunks into {reasoning, content, tool_calls, finish_reason, usage}."""
    reasoning, content = "", ""
    calls: dict[int, dict[str, Any]] = {}
    finish, usage = None, None
    for chunk in chunks:
        usage = chunk.get("usage") or usage
        for choice in chunk.get("choices", []):
            delta = choice.get("delta", {})
            reasoning += delta.get("reasoning_content") or delta.get("reasoning") or ""
            content += delta.get("content") or ""
            for tc in delta.get("tool_calls") or []:
                slot = calls.setdefault(tc["index"], {"id": None, "name": "", "arguments": ""})
                slot["id"] = slot["id"] or tc.get("id")
                fn = tc.get("function") or {}
                slot["name"] += fn.get("name") or ""
                arguments = fn.get("arguments") or ""
                if slot["arguments"] and arguments.startswith(slot["arguments"]) and choice.get("finish_reason"):
                    slot["arguments"] = arguments  # vLLM's finish chunk repeats the whole arguments (vllm#42167)
                else:
                    slot["arguments"] += arguments
            finish = choice.get("finish_reason") or finish
    return {
        "reasoning": reasoning,
        "content": content,
        "tool_calls": [calls[i] for i in sorted(calls)],
        "finish_reason": finish,
        "usage": usage,
    }


MAGIC_TOOL = {
    "type": "function",
    "function": {
        "name": "magic_function",
        "description": "Apply a magic function to an input.",
        "parameters": {
            "type": "object",
            "properties": {"input": {"type": "integer", "exclusiveMinimum": -1000, "exclusiveMaximum": 1000}},
            "required": ["input"],
        },
    },
}
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the weather at a location.",
        "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]},
    },
}
