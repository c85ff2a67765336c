"""Property-based: any fragmentation of the same stream assembles to the same message, on every
surface, and messages survive the round trip answer -> history -> wire.

Hypothesis draws an answer (text with any Unicode, optional reasoning, up to three tool calls
with JSON arguments), how the provider splits it into events (characters per delta, pieces per
tool-call argument string) and how the network splits the bytes (any sizes, so an event, a
`data:` line, a JSON string or a multi-byte character may be cut anywhere). The emulator renders
the answer in each provider's wire shape; a re-chunking transport delivers it in the drawn pieces.

- core: the streamed answer (sync and async) equals the non-streamed one, and the drawn answer;
- ChatGLM: the sum of the streamed chunks equals `invoke`'s message;
- GLM: the last streamed response equals `chat`'s message;
- round trip: the message each adapter returns, put back in the history, goes out on the wire
  as the provider sent it (text, reasoning in the field the provider reads, tool calls).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glm_core import AsyncGLMClient, ChatRequest, GLMClient, ToolSpec, UserMessage
from glm_core.testing import Emulator, Reply, ToolCallSpec
from tests.reliability.harness import ACCOUNT, KEY

PROVIDERS = ("zai", "openrouter", "vllm", "cloudflare", "cloudflare_openai")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- the re-chunking transport ---------------------------------------------------------------------


class Pieces(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    def __init__(self, body: bytes, sizes: list[int]) -> None:
        self.body = body
        self.sizes = sizes

    def _split(self) -> Iterator[bytes]:
        position, sizes = 0, self.sizes or [len(self.body) or 1]
        for i in range(len(self.body)):
            if position >= len(self.body):
                return
            size = sizes[i % len(sizes)]
            yield self.body[position : position + size]
            position += size

    def __iter__(self) -> Iterator[bytes]:
        yield from self._split()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self._split():
            yield piece


class Rechunk(httpx2.BaseTransport, httpx2.AsyncBaseTransport):
    """The emulator's answer, delivered in pieces of the drawn sizes."""

    def __init__(self, emulator: Emulator) -> None:
        self.inner = emulator.transport()
        self.sizes: list[int] = [1 << 20]

    def _split(self, response: httpx2.Response, body: bytes, request: httpx2.Request) -> httpx2.Response:
        headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
        return httpx2.Response(response.status_code, headers=headers, stream=Pieces(body, self.sizes), request=request)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        response = self.inner.handle_request(request)
        return self._split(response, response.read(), request)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self.inner.handle_async_request(request)
        return self._split(response, await response.aread(), request)


@dataclass
class Rig:
    """One provider's in-process emulator and re-chunking clients, built once per module."""

    emulator: Emulator
    transport: Rechunk
    http: httpx2.Client
    async_http: httpx2.AsyncClient

    @property
    def settings(self) -> dict[str, Any]:
        return {"api_key": KEY, "account_id": ACCOUNT, "base_url": self.emulator.base_url}


_RIGS: dict[str, Rig] = {}


def rig(provider: str) -> Rig:
    found = _RIGS.get(provider)
    if found is None:
        emulator = Emulator(provider, api_key=KEY, account_id=ACCOUNT, max_recorded=4)
        transport = Rechunk(emulator)
        found = _RIGS[provider] = Rig(emulator, transport, httpx2.Client(transport=transport),
                                      httpx2.AsyncClient(transport=transport))  # fmt: skip
    found.emulator.reset()
    return found


# -- what hypothesis draws -------------------------------------------------------------------------

texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
names = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
values = st.one_of(st.integers(-(10**6), 10**6), texts, st.booleans(), st.none(), st.lists(st.integers(), max_size=3))
arguments = st.dictionaries(st.from_regex(r"[a-z]{1,8}", fullmatch=True), values, max_size=4)
sizes = st.lists(st.integers(1, 64), min_size=1, max_size=6)


@st.composite
def replies(draw: st.DrawFn) -> Reply:
    calls = [
        ToolCallSpec(draw(names), draw(arguments), id=f"call_{i}_{draw(st.integers(0, 999))}")
        for i in range(draw(st.integers(0, 3)))
    ]
    content, reasoning = draw(texts), draw(st.none() | texts.filter(bool))
    if reasoning and not calls and not content.strip():
        content += "."  # reasoning and no answer is an EmptyAnswerError (tests/traffic/test_empty_answers.py)
    return Reply(
        content=content,
        reasoning=reasoning,
        tool_calls=calls,
        chunk_size=draw(st.integers(1, 25)),
        tool_stream_fragments=draw(st.integers(1, 6)),
    )


def expected_calls(reply: Reply) -> list[tuple[str | None, str, Any]]:
    return [(c.id, c.name, c.arguments) for c in reply.tool_calls]


def tool_specs(reply: Reply) -> list[ToolSpec]:
    unique = sorted({c.name for c in reply.tool_calls})
    return [ToolSpec(name, "a tool", {"type": "object", "properties": {}}) for name in unique]


def summary(content: str | None, reasoning: str | None, calls: list[tuple[str | None, str, Any]]) -> tuple[Any, ...]:
    return (content or "", reasoning or None, calls)


def of_reply(reply: Reply) -> tuple[Any, ...]:
    return summary(reply.content, reply.reasoning, expected_calls(reply))


def model_for(provider: str) -> str:
    return "glm-4.7-flash"


# -- the core ------------------------------------------------------------------------------------


def of_core(response: Any) -> tuple[Any, ...]:
    calls = [(c.id, c.name, json.loads(c.arguments)) for c in response.tool_calls]
    return summary(response.content, response.reasoning, calls)


@SETTINGS
@given(provider=st.sampled_from(PROVIDERS), reply=replies(), pieces=sizes)
def test_core_stream_assembles_to_the_answer(provider: str, reply: Reply, pieces: list[int]) -> None:
    r = rig(provider)
    r.transport.sizes = pieces
    request = ChatRequest(model_for(provider), [UserMessage("Hello")], tools=tool_specs(reply) or None)
    client = GLMClient(provider, http_client=r.http, **r.settings)
    r.emulator.queue(reply, reply, reply)
    whole = client.chat(request)
    with client.stream(request) as stream:
        for _ in stream:
            pass
    streamed = stream.response

    async def astreamed() -> Any:
        aclient = AsyncGLMClient(provider, http_client=r.async_http, **r.settings)
        async with aclient.stream(request) as astream:
            async for _ in astream:
                pass
        return astream.response

    assert of_core(whole) == of_core(streamed) == of_core(asyncio.run(astreamed())) == of_reply(reply)
    assert streamed.finish_reason == whole.finish_reason == ("tool_calls" if reply.tool_calls else "stop")


# -- ChatGLM ---------------------------------------------------------------------------------------


def chatglm(provider: str, r: Rig, reply: Reply) -> Any:
    from langchain_glm import ChatGLM

    llm = ChatGLM(model=model_for(provider), provider=provider, http_client=r.http, **r.settings)
    specs = tool_specs(reply)
    if not specs:
        return llm
    functions = [{"name": t.name, "description": t.description, "parameters": t.parameters} for t in specs]
    return llm.bind_tools([{"type": "function", "function": f} for f in functions])


def of_langchain(message: Any) -> tuple[Any, ...]:
    calls = [(c["id"], c["name"], c["args"]) for c in message.tool_calls]
    return summary(message.text, message.additional_kwargs.get("reasoning_content"), calls)


@SETTINGS
@given(provider=st.sampled_from(PROVIDERS), reply=replies(), pieces=sizes)
def test_chatglm_chunks_add_up_to_the_message(provider: str, reply: Reply, pieces: list[int]) -> None:
    r = rig(provider)
    r.transport.sizes = pieces
    llm = chatglm(provider, r, reply)
    r.emulator.queue(reply, reply)
    whole = llm.invoke("Hello")
    chunks = list(llm.stream("Hello"))
    total = chunks[0]
    for chunk in chunks[1:]:
        total = total + chunk
    assert of_langchain(whole) == of_langchain(total) == of_reply(reply)
    assert sum(1 for c in chunks if c.chunk_position == "last") == 1


# -- GLM -------------------------------------------------------------------------------------------


def of_llama(message: Any) -> tuple[Any, ...]:
    from llama_index.core.base.llms.types import ThinkingBlock, ToolCallBlock

    thinking = "".join(b.content or "" for b in message.blocks if isinstance(b, ThinkingBlock))
    calls = [(b.tool_call_id, b.tool_name, b.tool_kwargs) for b in message.blocks if isinstance(b, ToolCallBlock)]
    return summary(message.content, thinking or None, calls)


@SETTINGS
@given(provider=st.sampled_from(PROVIDERS), reply=replies(), pieces=sizes)
def test_glm_last_stream_response_is_the_message(provider: str, reply: Reply, pieces: list[int]) -> None:
    from llama_index.core.llms import ChatMessage

    from llama_index_glm import GLM

    r = rig(provider)
    r.transport.sizes = pieces
    llm = GLM(model=model_for(provider), provider=provider, http_client=r.http, **r.settings)
    messages = [ChatMessage(role="user", content="Hello")]
    kwargs: dict[str, Any] = {"tools": tool_specs(reply)} if reply.tool_calls else {}
    r.emulator.queue(reply, reply)
    whole = llm.chat(messages, **kwargs)
    last = None
    for response in llm.stream_chat(messages, **kwargs):
        last = response
    assert last is not None
    assert of_llama(whole.message) == of_llama(last.message) == of_reply(reply)


# -- round trip: answer -> history -> wire ---------------------------------------------------------


def wire_assistant(r: Rig) -> tuple[Any, ...]:
    """The assistant turn of the last request, as the provider reads it."""
    body = r.emulator.requests[-1].body
    turn = next(m for m in body["messages"] if m["role"] == "assistant")
    reasoning = turn.get("reasoning_content") or turn.get("reasoning")
    if not reasoning and turn.get("reasoning_details"):
        reasoning = "".join(d.get("text") or "" for d in turn["reasoning_details"])
    calls = [
        (c["id"], c["function"]["name"], json.loads(c["function"]["arguments"])) for c in turn.get("tool_calls") or []
    ]
    return summary(turn.get("content"), reasoning, calls)


@SETTINGS
@given(provider=st.sampled_from(PROVIDERS), reply=replies())
def test_chatglm_history_round_trip(provider: str, reply: Reply) -> None:
    from langchain_core.messages import HumanMessage, ToolMessage

    r = rig(provider)
    r.transport.sizes = [1 << 20]
    llm = chatglm(provider, r, reply)
    r.emulator.queue(reply, Reply(content="ok"))
    answer = llm.invoke([HumanMessage("Hello")])
    results = [ToolMessage("42", tool_call_id=c["id"]) for c in answer.tool_calls]
    llm.invoke([HumanMessage("Hello"), answer, *results, HumanMessage("Thanks")])
    assert wire_assistant(r) == of_reply(reply)


@SETTINGS
@given(provider=st.sampled_from(PROVIDERS), reply=replies())
def test_glm_history_round_trip(provider: str, reply: Reply) -> None:
    from llama_index.core.llms import ChatMessage

    from llama_index_glm import GLM

    r = rig(provider)
    r.transport.sizes = [1 << 20]
    llm = GLM(model=model_for(provider), provider=provider, http_client=r.http, **r.settings)
    kwargs: dict[str, Any] = {"tools": tool_specs(reply)} if reply.tool_calls else {}
    r.emulator.queue(reply, Reply(content="ok"))
    answer = llm.chat([ChatMessage(role="user", content="Hello")], **kwargs).message
    results = [ChatMessage(role="tool", content="42", additional_kwargs={"tool_call_id": c[0]})
               for c in of_llama(answer)[2]]  # fmt: skip
    history = [ChatMessage(role="user", content="Hello"), answer, *results, ChatMessage(role="user", content="Thanks")]
    llm.chat(history, **kwargs)
    assert wire_assistant(r) == of_reply(reply)
