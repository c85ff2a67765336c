"""Fuzz: hostile embedding, rerank and tokenizer answers (issue 24), on the retrieval surfaces.

Each example draws an answer (`tests/fuzz/retrieval_answers.py`), makes it hostile, serves the
bytes from the raw loopback server, and calls one of the six retrieval surfaces (core /
LangChain / LlamaIndex x sync / async, drawn too, so every surface is covered in the CI budget).
The outcome must be the drawn answer, or a typed `GLMError`; benign variants must give the answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.outcomes import EXAMPLES, HANG_SECONDS, classify_error, record
from tests.fuzz.retrieval_answers import BENIGN, embedding_cases, rerank_cases, tokenizer_cases
from tests.reliability.retrieval_surfaces import RSPECS, RSpec, embed, embedder, rerank, reranker
from tests.reliability.wire import Canned, RawServer

pytestmark = pytest.mark.loopback

SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
TEXTS = ["alpha", "beta", "gamma"]
DOCUMENTS = ["d0", "d1", "d2", "d3", "d4"]
# OpenAI-style floats from SGLang (which is not asked for base64, so text is never read as a
# vector), base64 from vLLM (which is), Cloudflare's native envelope with a model the library does
# not know (so no size is expected but the answer's own).
EMBEDDING_WIRES = {
    "openai": ("sglang", {"model": "e"}),
    "base64": ("vllm", {"model": "e"}),
    "cloudflare": ("cloudflare", {"model": "@cf/x/e"}),
}


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()


_OBJECTS: dict[tuple[Any, ...], Any] = {}


def surface(make: Any, spec: RSpec, provider: str, server: RawServer, **options: Any) -> Any:
    key = (make, spec, provider, server.base_url, tuple(sorted(options.items())))
    if key not in _OBJECTS:
        _OBJECTS[key] = make(spec, provider, server.base_url, timeout=10.0, **options)
    return _OBJECTS[key]


def outcome(loop: asyncio.AbstractEventLoop, call: Any) -> Any:
    try:
        return loop.run_until_complete(asyncio.wait_for(call, HANG_SECONDS))
    except TimeoutError:
        return TimeoutError("hang")


def judge(family: str, result: Any, truth: Any, kind: str, detail: Any) -> None:
    if isinstance(result, TimeoutError) and str(result) == "hang":
        record(family, "hang", detail)
    elif isinstance(result, BaseException):
        verdict = classify_error(result)
        record(family, "refused_valid" if verdict == "typed_error" and kind == BENIGN else verdict, (result, detail))
    else:
        record(family, "correct" if result == truth else "silent_wrong", (result, truth, detail))


def canned(body: bytes, status: int, with_length: bool, draw: Any) -> Canned:
    answer = Canned(body=body, status=status, with_length=with_length)
    if not with_length:
        answer.headers = {"content-length": str(len(body) + 7)}  # a body cut short of its length
    return answer


@pytest.mark.parametrize("wire", sorted(EMBEDDING_WIRES))
@SETTINGS
@given(data=st.data())
def test_hostile_embeddings(loop: asyncio.AbstractEventLoop, raw_server: RawServer, wire: str, data: Any) -> None:
    body, status, with_length, truth, kind = data.draw(embedding_cases(wire))
    spec = data.draw(st.sampled_from(RSPECS))
    provider, options = EMBEDDING_WIRES[wire]
    size = len(truth.vectors[0])
    if wire != "cloudflare":
        options = {**options, "dimensions": size}
    raw_server.reset(canned(body, status, with_length, data.draw))
    obj = surface(embedder, spec, provider, raw_server, **options)
    result = outcome(loop, embed(spec, obj, TEXTS[: len(truth.vectors)]))
    judge(f"embeddings-{wire}", result, truth.vectors, kind, (spec.id, kind, body[:300]))


@pytest.mark.parametrize("wire", ["zai", "cloudflare"])
@SETTINGS
@given(data=st.data())
def test_hostile_rankings(loop: asyncio.AbstractEventLoop, raw_server: RawServer, wire: str, data: Any) -> None:
    body, status, with_length, truth, kind = data.draw(rerank_cases(wire))
    spec = data.draw(st.sampled_from(RSPECS))
    raw_server.reset(canned(body, status, with_length, data.draw))
    obj = surface(reranker, spec, wire, raw_server, top_n=truth.top_n)
    result = outcome(loop, rerank(spec, obj, "query", DOCUMENTS[: len(truth.scores)]))
    family = "rerank-bigmodel" if wire == "zai" else "rerank-cloudflare"
    judge(family, result, truth.expected, kind, (spec.id, kind, truth, body[:300]))


@SETTINGS
@given(data=st.data())
def test_hostile_token_counts(loop: asyncio.AbstractEventLoop, raw_server: RawServer, data: Any) -> None:
    from glm_core import AsyncGLMClient, ChatRequest, GLMClient, UserMessage

    body, status, with_length, truth, kind = data.draw(tokenizer_cases())
    is_async = data.draw(st.booleans())
    raw_server.reset(canned(body, status, with_length, data.draw))
    request = ChatRequest("glm-4.6", [UserMessage("How many tokens is this?")])
    settings_ = {"api_key": "sk-fuzz", "base_url": raw_server.base_url, "max_retries": 0, "timeout": 10.0}

    async def call() -> Any:
        try:
            if is_async:
                return await AsyncGLMClient("zai", **settings_).count_tokens(request)
            return await asyncio.to_thread(GLMClient("zai", **settings_).count_tokens, request)
        except Exception as exc:
            return exc

    judge("tokenizer", outcome(loop, call()), truth, kind, (is_async, kind, body[:200]))
