"""The pieces every reliability test shares: one way to call each surface, and socket counting.

A *surface* is one way a user reaches a provider: the core clients (`GLMClient`,
`AsyncGLMClient`), LangChain's `ChatGLM` and LlamaIndex's `GLM`, each sync or async, each streamed
or not: 12 combinations, all driven through `Surface.call()`, so one test body covers a matrix row
on every one of them. Sync surfaces run in a worker thread (`asyncio.to_thread`), so every test
can be an async function whatever it drives.

Retry waits are recorded, not slept: every surface gets a `SleepRecorder` in place of
`time.sleep` / `asyncio.sleep`, so a test asserts the exact delay the client asked for (a 60 s
Retry-After included) and runs in milliseconds. The load tests use real sleeps instead.

Sockets are counted from /proc (no psutil): `client_sockets(port)` lists the TCP states of this
process's sockets connected *to* the emulator's port, so a test sees exactly the connections the
client side holds, whatever other tests left in the shared pools.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from glm_core import AsyncGLMClient, ChatRequest, GLMClient, UserMessage
from glm_core.testing import Emulator

__all__ = [
    "ACCOUNT",
    "COUNTS_SOCKETS",
    "GREETING",
    "KEY",
    "SPECS",
    "Answer",
    "Served",
    "SleepRecorder",
    "Spec",
    "Surface",
    "client_sockets",
    "closed_port",
    "eventually",
    "model_for",
    "process_sockets",
]

# Looks like a real key, so a leak is easy to spot anywhere.
KEY = "sk-RELIABILITY-5ecret-7c1e9a0b2d4f6e8a"
ACCOUNT = "reliability-account"
GREETING = "Hello! You said: Hello"

Kind = Literal["core", "langchain", "llama_index"]


@dataclass
class Served:
    """An emulator served on loopback: the emulator, its base URL and port."""

    emulator: Emulator
    base_url: str
    # Client sockets to this port before the test began (a stale pooled connection from an earlier
    # server that had the same port number): not counted as the test's own.
    baseline: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        if not self.baseline:
            self.baseline = Counter(client_sockets(self.port))

    @property
    def port(self) -> int:
        port = urlsplit(self.base_url).port
        assert port is not None
        return port

    @property
    def provider(self) -> str:
        return self.emulator.provider

    @property
    def requests(self) -> int:
        return len(self.emulator.requests)


@dataclass
class SleepRecorder:
    """Stands in for time.sleep / asyncio.sleep: records each delay, returns at once."""

    delays: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.delays.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


@dataclass
class Answer:
    text: str
    reasoning: str | None = None


@dataclass(frozen=True)
class Spec:
    """Which surface: kind x sync/async x streamed/not."""

    kind: Kind
    is_async: bool
    stream: bool

    @property
    def id(self) -> str:
        return f"{self.kind}-{'async' if self.is_async else 'sync'}-{'stream' if self.stream else 'invoke'}"

    def build(self, served: Served | str, provider: str | None = None, **options: Any) -> Surface:
        return Surface(self, served, provider, **options)


SPECS = [Spec(kind, is_async, stream) for kind in ("core", "langchain", "llama_index")
         for is_async in (False, True) for stream in (False, True)]  # fmt: skip


def model_for(provider: str) -> str:
    return "glm-4.7" if provider == "aimlapi" else "glm-4.7-flash"


class Surface:
    """One client object of one kind, called the way the spec says.

    `received` holds the text of every streamed piece that reached the caller in the last call,
    so a test can compare it with the `partial` of a `StreamInterruptedError`.
    """

    def __init__(
        self,
        spec: Spec,
        served: Served | str,
        provider: str | None = None,
        *,
        max_retries: int = 2,
        timeout: float = 10.0,
        stream_idle_timeout: float = 10.0,
        sleep: SleepRecorder | None = None,
        api_key: str = KEY,
    ) -> None:
        self.spec = spec
        base_url = served.base_url if isinstance(served, Served) else served
        self.provider = provider or (served.provider if isinstance(served, Served) else "zai")
        self.model = model_for(self.provider)
        self.recorder = sleep if sleep is not None else SleepRecorder()
        self.received: list[str] = []
        settings: dict[str, Any] = {
            "provider": self.provider,
            "api_key": api_key,
            "base_url": base_url,
            "account_id": ACCOUNT,
            "max_retries": max_retries,
            "timeout": timeout,
            "stream_idle_timeout": stream_idle_timeout,
        }
        if spec.kind == "core":
            cls = AsyncGLMClient if spec.is_async else GLMClient
            sleeper: Any = self.recorder.asleep if spec.is_async else self.recorder.sleep
            self.obj: Any = cls(settings.pop("provider"), sleep=sleeper, **settings)
            self.client: Any = self.obj
        elif spec.kind == "langchain":
            from langchain_glm import ChatGLM

            self.obj = ChatGLM(model=self.model, **settings)
            self.client = self.obj._async_client if spec.is_async else self.obj._client
        else:
            from llama_index_glm import GLM

            self.obj = GLM(model=self.model, **settings)
            self.client = self.obj._async_client if spec.is_async else self.obj._client
        # The adapters build their core clients themselves: swap the sleep in (a test seam only).
        self.client.sleep = self.recorder.asleep if spec.is_async else self.recorder.sleep

    @property
    def delays(self) -> list[float]:
        return self.recorder.delays

    async def call(self, prompt: str = "Hello") -> Answer:
        """One call; raises what the surface raises."""
        self.received = []
        if self.spec.is_async:
            return await self._acall(prompt)
        return await asyncio.to_thread(self._call, prompt)

    # -- sync ----------------------------------------------------------------------------------

    def _call(self, prompt: str) -> Answer:
        kind, stream, obj = self.spec.kind, self.spec.stream, self.obj
        if kind == "core":
            request = ChatRequest(self.model, [UserMessage(prompt)])
            if not stream:
                response = obj.chat(request)
                return Answer(response.content, response.reasoning)
            with obj.stream(request) as chat_stream:
                for chunk in chat_stream:
                    self.received.append(chunk.content)
                final = chat_stream.response
            return Answer(final.content, final.reasoning)
        if kind == "langchain":
            if not stream:
                message = obj.invoke(prompt)
                return Answer(message.text, message.additional_kwargs.get("reasoning_content"))
            reasoning = []
            for piece in obj.stream(prompt):
                self.received.append(piece.text)
                reasoning.append(piece.additional_kwargs.get("reasoning_content", ""))
            return Answer("".join(self.received), "".join(reasoning) or None)
        from llama_index.core.llms import ChatMessage

        messages = [ChatMessage(role="user", content=prompt)]
        if not stream:
            return _llama_answer(obj.chat(messages))
        last = None
        for last in obj.stream_chat(messages):
            self.received.append(last.delta or "")
        assert last is not None
        return _llama_answer(last)

    # -- async ---------------------------------------------------------------------------------

    async def _acall(self, prompt: str) -> Answer:
        kind, stream, obj = self.spec.kind, self.spec.stream, self.obj
        if kind == "core":
            request = ChatRequest(self.model, [UserMessage(prompt)])
            if not stream:
                response = await obj.chat(request)
                return Answer(response.content, response.reasoning)
            async with obj.stream(request) as chat_stream:
                async for chunk in chat_stream:
                    self.received.append(chunk.content)
                final = chat_stream.response
            return Answer(final.content, final.reasoning)
        if kind == "langchain":
            if not stream:
                message = await obj.ainvoke(prompt)
                return Answer(message.text, message.additional_kwargs.get("reasoning_content"))
            reasoning = []
            async for piece in obj.astream(prompt):
                self.received.append(piece.text)
                reasoning.append(piece.additional_kwargs.get("reasoning_content", ""))
            return Answer("".join(self.received), "".join(reasoning) or None)
        from llama_index.core.llms import ChatMessage

        messages = [ChatMessage(role="user", content=prompt)]
        if not stream:
            return _llama_answer(await obj.achat(messages))
        last = None
        async for last in await obj.astream_chat(messages):
            self.received.append(last.delta or "")
        assert last is not None
        return _llama_answer(last)


def _llama_answer(response: Any) -> Answer:
    from llama_index.core.base.llms.types import ThinkingBlock

    thinking = "".join(b.content or "" for b in response.message.blocks if isinstance(b, ThinkingBlock))
    return Answer(response.message.content or "", thinking or None)


# -- sockets ----------------------------------------------------------------------------------

_TCP_STATES = {
    "01": "ESTABLISHED",
    "02": "SYN_SENT",
    "03": "SYN_RECV",
    "04": "FIN_WAIT1",
    "05": "FIN_WAIT2",
    "06": "TIME_WAIT",
    "07": "CLOSE",
    "08": "CLOSE_WAIT",
    "09": "LAST_ACK",
    "0A": "LISTEN",
    "0B": "CLOSING",
}


# Sockets are counted from /proc (Linux). Elsewhere the counts are empty and the checks that
# exist only to count sockets skip themselves (see `COUNTS_SOCKETS`).
COUNTS_SOCKETS = os.path.isdir("/proc/self/fd") and os.path.exists("/proc/net/tcp")


def _socket_inodes() -> set[str]:
    inodes: set[str] = set()
    if not COUNTS_SOCKETS:
        return inodes
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def process_sockets() -> int:
    """How many sockets this process has open (any kind)."""
    return len(_socket_inodes())


def client_sockets(port: int) -> list[str]:
    """TCP states of this process's sockets whose remote end is 127.0.0.1:`port` (client side)."""
    inodes = _socket_inodes()
    states = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                lines = f.readlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            remote_port = int(parts[2].rsplit(":", 1)[1], 16)
            if remote_port == port and parts[9] in inodes:
                states.append(_TCP_STATES.get(parts[3], parts[3]))
    return states


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released): connecting is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


async def eventually(check: Callable[[], bool], timeout: float = 2.0) -> bool:
    """Poll `check` until it holds (a closed socket leaves /proc a moment later)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True
