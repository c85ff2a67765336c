"""Per-call cost of langchain_glm.ChatGLM vs langchain-openai's ChatOpenAI vs the floor, side by side.

Every contender gets the same answer bytes, in-process (no sockets): the emulator's answer to the
benchmark request (Z.ai wire format, reasoning included), served by an `httpx2.MockTransport` for
ChatGLM and the floor, and by an `httpx.MockTransport` for ChatOpenAI (openai 2.x needs an httpx
client). A second run puts ChatGLM and the floor on the emulator's own in-process transport.
So what is measured is each integration's own cost: LangChain's per-call machinery, message
conversion, request encoding, the HTTP client stack, response decoding.

The floor is an empty `BaseChatModel` whose `_generate` does a bare httpx2 post (pre-encoded
body, pre-parsed URL) and `json.loads` of the answer: LangChain's machinery plus the HTTP work no
client can avoid, and nothing else.

Rounds are interleaved (every contender once per round, in turn) so drift on a shared machine hits
all of them alike; per-call times are CPU time of the calling thread (`time.thread_time`), so time
other processes hold the CPU is not counted; figures are medians of per-round medians.

Also measured: import time, each in fresh interpreters (median of several runs).

    /work/venv/bin/python benchmarks/bench_langchain_call.py [--calls 1000] [--rounds 7]

DESIGN.md targets: ChatGLM.invoke at least 3x faster than ChatOpenAI.invoke and within 1.3x of
the floor; `import langchain_glm` at most 100 ms over `import langchain_core.language_models`.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx
import httpx2
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.outputs import ChatGeneration, ChatResult

MODEL = "glm-4.7-flash"
API_KEY = "bench-key"
SYSTEM = "You are a helpful assistant."
USER = "What is the capital of France? Answer in one word."
MESSAGES: list[BaseMessage] = [SystemMessage(SYSTEM), HumanMessage(USER)]
WIRE_BODY = {"model": MODEL, "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": USER}]}


def emulator_answer() -> tuple[str, bytes, dict[str, str], Any]:
    """The emulator's base URL, answer bytes and headers for the benchmark request, and its transport."""
    from glm_core.testing import Emulator

    emulator = Emulator("zai", api_key=API_KEY)
    transport = emulator.transport()
    with httpx2.Client(transport=transport) as client:
        response = client.post(
            emulator.base_url + "/chat/completions", json=WIRE_BODY, headers={"authorization": f"Bearer {API_KEY}"}
        )
        response.read()
    response.raise_for_status()
    return emulator.base_url, response.content, {"content-type": response.headers["content-type"]}, transport


class FloorChatModel(BaseChatModel):
    """An empty BaseChatModel whose call is a bare httpx2 post plus json.loads."""

    client: Any
    url: Any
    body: bytes
    headers: dict[str, str]

    @property
    def _llm_type(self) -> str:
        return "floor"

    def _generate(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> ChatResult:
        data = json.loads(self.client.post(self.url, content=self.body, headers=self.headers).content)
        message = AIMessage(content=data["choices"][0]["message"]["content"])
        return ChatResult(generations=[ChatGeneration(message=message)])

    async def _agenerate(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> ChatResult:
        raise NotImplementedError


def interleaved(contenders: dict[str, Callable[[], Any]], calls: int, rounds: int) -> dict[str, float]:
    results: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            gc.collect()
            for _ in range(20):
                fn()
            times = []
            for _ in range(calls):
                start = time.thread_time()
                fn()
                times.append(time.thread_time() - start)
            results[name].append(statistics.median(times))
    return {name: statistics.median(values) for name, values in results.items()}


def build(
    base_url: str, answer: bytes, headers: dict[str, str], emulator_transport: Any
) -> dict[str, Callable[[], Any]]:
    from langchain_openai import ChatOpenAI

    from langchain_glm import ChatGLM

    def httpx2_mock(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers=headers, content=answer)

    def httpx_mock(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers, content=answer)

    mock2 = httpx2.Client(transport=httpx2.MockTransport(httpx2_mock))
    emulated = httpx2.Client(transport=emulator_transport)
    request_headers = {"content-type": "application/json", "authorization": f"Bearer {API_KEY}"}
    body = json.dumps(WIRE_BODY).encode()
    url = httpx2.URL(base_url + "/chat/completions")

    chat_glm = ChatGLM(model=MODEL, provider="zai", api_key=API_KEY, base_url=base_url, http_client=mock2)
    openai_http = httpx.Client(transport=httpx.MockTransport(httpx_mock))
    chat_openai = ChatOpenAI(model=MODEL, api_key=API_KEY, base_url=base_url, http_client=openai_http)
    floor = FloorChatModel(client=mock2, url=url, body=body, headers=request_headers)
    glm_on_emulator = ChatGLM(model=MODEL, provider="zai", api_key=API_KEY, base_url=base_url, http_client=emulated)
    floor_on_emulator = FloorChatModel(client=emulated, url=url, body=body, headers=request_headers)

    contenders: dict[str, Callable[[], Any]] = {
        "floor: empty BaseChatModel + bare httpx2 post": lambda: floor.invoke(MESSAGES),
        "ChatGLM.invoke": lambda: chat_glm.invoke(MESSAGES),
        "ChatOpenAI.invoke": lambda: chat_openai.invoke(MESSAGES),
        "floor on the emulator transport": lambda: floor_on_emulator.invoke(MESSAGES),
        "ChatGLM.invoke on the emulator transport": lambda: glm_on_emulator.invoke(MESSAGES),
    }
    expected = json.loads(answer)["choices"][0]["message"]["content"]
    for name, call in contenders.items():
        text = call().content
        if text != expected:
            raise AssertionError(f"{name} did not parse the answer: {text!r}")
    return contenders


def async_contenders(base_url: str, answer: bytes, headers: dict[str, str]) -> dict[str, Callable[[], Any]]:
    from langchain_openai import ChatOpenAI

    from langchain_glm import ChatGLM

    async def httpx2_mock(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers=headers, content=answer)

    async def httpx_mock(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers, content=answer)

    chat_glm = ChatGLM(
        model=MODEL,
        api_key=API_KEY,
        base_url=base_url,
        http_async_client=httpx2.AsyncClient(transport=httpx2.MockTransport(httpx2_mock)),
    )
    chat_openai = ChatOpenAI(
        model=MODEL,
        api_key=API_KEY,
        base_url=base_url,
        http_async_client=httpx.AsyncClient(transport=httpx.MockTransport(httpx_mock)),
    )
    loop = asyncio.new_event_loop()
    return {
        "ChatGLM.ainvoke": lambda: loop.run_until_complete(chat_glm.ainvoke(MESSAGES)),
        "ChatOpenAI.ainvoke": lambda: loop.run_until_complete(chat_openai.ainvoke(MESSAGES)),
    }


IMPORTS = {
    "import langchain_core.language_models": "import langchain_core.language_models",
    "import langchain_glm": "import langchain_glm",
    "from langchain_core.language_models import BaseChatModel": (
        "from langchain_core.language_models import BaseChatModel"
    ),
    "from langchain_glm import ChatGLM": "from langchain_glm import ChatGLM",
    "from langchain_openai import ChatOpenAI": "from langchain_openai import ChatOpenAI",
}


def _import_once(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def import_times(repeats: int) -> dict[str, float]:
    """Median seconds per statement; the statements take turns, so load drift hits all alike."""
    runs: dict[str, list[float]] = {name: [] for name in IMPORTS}
    for _ in range(repeats):
        for name, statement in IMPORTS.items():
            runs[name].append(_import_once(statement))
    return {name: statistics.median(values) for name, values in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--import-repeats", type=int, default=7)
    args = parser.parse_args()

    base_url, answer, headers, transport = emulator_answer()
    timed = interleaved(build(base_url, answer, headers, transport), args.calls, args.rounds)
    timed.update(interleaved(async_contenders(base_url, answer, headers), max(args.calls // 2, 1), args.rounds))

    print(f"Per non-streaming call, {len(answer)}-byte answer, CPU time, median of {args.rounds} x {args.calls}")
    for name, seconds in timed.items():
        _row(name, f"{seconds * 1e6:9.1f} us")
    floor = timed["floor: empty BaseChatModel + bare httpx2 post"]
    glm = timed["ChatGLM.invoke"]
    _row("ChatOpenAI.invoke / ChatGLM.invoke", f"{timed['ChatOpenAI.invoke'] / glm:9.2f}x", "target >= 3")
    _row("ChatGLM.invoke / floor", f"{glm / floor:9.2f}x", "target <= 1.3")
    on_emulator = timed["ChatGLM.invoke on the emulator transport"] / timed["floor on the emulator transport"]
    _row("same, on the emulator's transport", f"{on_emulator:9.2f}x")
    _row("ChatOpenAI.ainvoke / ChatGLM.ainvoke", f"{timed['ChatOpenAI.ainvoke'] / timed['ChatGLM.ainvoke']:9.2f}x")

    print(f"\nImport time, fresh interpreters, median of {args.import_repeats}")
    imports = import_times(args.import_repeats)
    for name, seconds in imports.items():
        _row(name, f"{seconds * 1e3:9.1f} ms")
    added = imports["import langchain_glm"] - imports["import langchain_core.language_models"]
    _row("import langchain_glm - import langchain_core.language_models", f"{added * 1e3:9.1f} ms", "target <= 100")
    base_class = imports["from langchain_core.language_models import BaseChatModel"]
    added_class = imports["from langchain_glm import ChatGLM"] - base_class
    _row("ChatGLM - BaseChatModel (from ... import)", f"{added_class * 1e3:9.1f} ms")


def _row(label: str, value: str, note: str = "") -> None:
    print(f"  {label:62s} {value}  {note}".rstrip())


if __name__ == "__main__":
    main()
