"""Per-call overhead of llama_index_glm.GLM vs OpenAILike vs an empty CustomLLM, side by side.

Every contender gets the same answer bytes from an in-process transport (no sockets), so what is
measured is the integration's own cost: LlamaIndex callbacks and instrumentation, message
conversion, request encoding, the HTTP client stack, response decoding. The answer is what the
emulator returns for the same request when glm_core.testing is available (else a hand-written
GLM answer of the same shape). Rounds are interleaved so drift hits every contender alike;
reported numbers are medians of per-round medians.

    /work/venv/bin/python benchmarks/bench_llama_index_call.py [--calls 2000] [--rounds 7]

DESIGN.md target: GLM.chat at least 2x faster than OpenAILike.chat. Also measured: achat, and a
whole stream_chat (every event through LlamaIndex's per-chunk callbacks) on the emulator's SSE.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx
import httpx2
from llama_index.core.base.llms.types import (
    ChatMessage,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
)
from llama_index.core.llms.callbacks import llm_completion_callback
from llama_index.core.llms.custom import CustomLLM

MESSAGES = [
    ChatMessage(role="system", content="You are a helpful assistant."),
    ChatMessage(role="user", content="What is the capital of France? Answer in one word."),
]

_FALLBACK_ANSWER = {
    "id": "chatcmpl-bench",
    "object": "chat.completion",
    "created": 1760000000,
    "model": "glm-4.7-flash",
    "choices": [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": "Paris.",
                "reasoning_content": "The user asks for the capital of France. It is Paris.",
            },
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 24, "completion_tokens": 18, "total_tokens": 42},
}


def answer_bytes(stream: bool = False) -> tuple[bytes, str]:
    """The emulator's answer to MESSAGES (Z.ai wire format), or the fallback."""
    try:
        from glm_core.testing import Emulator
    except ImportError:
        if stream:
            raise SystemExit("the streaming comparison needs glm_core.testing") from None
        return json.dumps(_FALLBACK_ANSWER).encode(), "hand-written GLM answer (emulator not available)"
    emulator = Emulator(provider="zai", api_key="bench-key")
    client = httpx2.Client(transport=emulator.transport())
    body: dict[str, Any] = {
        "model": "glm-4.7-flash",
        "messages": [{"role": m.role.value, "content": m.content} for m in MESSAGES],
    }
    if stream:
        body["stream"] = True
    response = client.post(
        emulator.base_url + "/chat/completions", json=body, headers={"authorization": "Bearer bench-key"}
    )
    response.raise_for_status()
    return response.content, "the emulator's answer (zai, glm-4.7-flash, thinking on by default)"


class EmptyLLM(CustomLLM):
    """The floor: LlamaIndex's own per-call machinery and nothing else."""

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(is_chat_model=True, model_name="empty")

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return CompletionResponse(text="Paris.")

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        yield CompletionResponse(text="Paris.", delta="Paris.")


def build(body: bytes, stream_body: bytes | None = None) -> dict[str, Any]:
    from llama_index.llms.openai_like import OpenAILike

    from llama_index_glm import GLM

    headers = {"content-type": "application/json"}
    sse = {"content-type": "text/event-stream"}

    def glm_handler(request: httpx2.Request) -> httpx2.Response:
        if stream_body is not None and b'"stream":true' in request.content:
            return httpx2.Response(200, content=stream_body, headers=sse)
        return httpx2.Response(200, content=body, headers=headers)

    def openai_handler(request: httpx.Request) -> httpx.Response:
        if stream_body is not None and b'"stream":true' in request.content.replace(b" ", b""):
            return httpx.Response(200, content=stream_body, headers=sse)
        return httpx.Response(200, content=body, headers=headers)

    glm = GLM(
        model="glm-4.7-flash",
        provider="zai",
        api_key="bench-key",
        http_client=httpx2.Client(transport=httpx2.MockTransport(glm_handler)),
        async_http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(glm_handler)),
    )
    openai_like = OpenAILike(
        model="glm-4.7-flash",
        api_base="https://api.z.ai/api/paas/v4",
        api_key="bench-key",
        is_chat_model=True,
        is_function_calling_model=True,
        context_window=200_000,
        max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(openai_handler)),
        async_http_client=httpx.AsyncClient(transport=httpx.MockTransport(openai_handler)),
    )
    return {"GLM": glm, "OpenAILike": openai_like, "empty CustomLLM": EmptyLLM()}


def per_call_us(fn: Callable[[], Any], calls: int) -> float:
    times = []
    for _ in range(calls):
        start = time.perf_counter_ns()
        fn()
        times.append(time.perf_counter_ns() - start)
    return statistics.median(times) / 1000


def per_call_us_async(fn: Callable[[], Any], calls: int) -> float:
    async def run() -> float:
        times = []
        for _ in range(calls):
            start = time.perf_counter_ns()
            await fn()
            times.append(time.perf_counter_ns() - start)
        return statistics.median(times) / 1000

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    body, origin = answer_bytes()
    stream_body, _ = answer_bytes(stream=True)
    events = stream_body.count(b"data: ")
    llms = build(body, stream_body)
    # Same answer through each: a sanity check that every contender parses it.
    answers = {name: llm.chat(MESSAGES).message.content for name, llm in llms.items()}
    streamed = {name: list(llm.stream_chat(MESSAGES))[-1].message.content for name, llm in llms.items()}
    assert answers["GLM"] == answers["OpenAILike"] == streamed["GLM"] == streamed["OpenAILike"], (answers, streamed)

    results: dict[str, list[float]] = {f"{name}.chat": [] for name in llms}
    results.update({f"{name}.achat": [] for name in llms})
    results.update({f"{name}.stream_chat": [] for name in llms})
    gc.collect()
    for _ in range(args.rounds):
        for name, llm in llms.items():
            results[f"{name}.chat"].append(per_call_us(lambda llm=llm: llm.chat(MESSAGES), args.calls))
        for name, llm in llms.items():
            results[f"{name}.achat"].append(per_call_us_async(lambda llm=llm: llm.achat(MESSAGES), args.calls // 2))
        for name, llm in llms.items():
            results[f"{name}.stream_chat"].append(
                per_call_us(lambda llm=llm: list(llm.stream_chat(MESSAGES)), args.calls // 4)
            )

    print(
        f"answer: {origin}, {len(body)} bytes (stream: {events} events, {len(stream_body)} bytes); "
        f"{args.rounds} rounds x {args.calls} calls (achat /2, stream_chat /4); median per call"
    )
    medians = {key: statistics.median(values) for key, values in results.items()}
    for key, value in medians.items():
        print(f"  {key:<24} {value:9.1f} us")
    for mode in ("chat", "achat", "stream_chat"):
        glm, openai_like, empty = (medians[f"{n}.{mode}"] for n in ("GLM", "OpenAILike", "empty CustomLLM"))
        print(
            f"{mode}: OpenAILike / GLM = {openai_like / glm:.2f}x (target >= 2x); "
            f"GLM / empty CustomLLM = {glm / empty:.2f}x; GLM overhead over the floor = {glm - empty:.1f} us"
        )


if __name__ == "__main__":
    main()
