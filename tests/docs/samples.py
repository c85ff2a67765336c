"""Find the Python samples in the docs and run them against the emulator, with no real key.

A sample is a fenced ```python block in README.md, docs/**/*.md, or a page generated at build
time (docs/hooks/gen_pages.py). The blocks of one page run in order in one namespace, as a reader runs
them one after the other. A block preceded by `<!-- run-as: pytest -->` is a test file of the
reader's own: it runs, on its own, under pytest. A block preceded by `<!-- not-run: <reason> -->`
is not run; the test pins the list of those.

Offline: every provider's key variable holds a placeholder, and every request to a provider's
real URL (or to the self-hosted URLs the docs use) is answered in-process by
`glm_core.testing.Emulator` for that provider, through a patch of httpx2's default transports.
Loopback URLs (an emulator a sample serves itself) go through; a request to any other URL
fails, so a sample cannot quietly reach the network.
"""

from __future__ import annotations

import ast
import asyncio
import importlib.util
import inspect
import re
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx2
import pytest

from glm_core.providers import PROVIDERS
from glm_core.testing import Emulator, EmulatorTransport

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

# What the docs tell users to set; the emulators accept any non-empty key.
PLACEHOLDER_ENV = {
    "ZAI_API_KEY": "your-zai-key",
    "ZHIPUAI_API_KEY": "your-bigmodel-key",
    "EMPIRIOLABS_API_KEY": "your-empiriolabs-key",
    "CLOUDFLARE_API_TOKEN": "your-cloudflare-token",
    "CLOUDFLARE_ACCOUNT_ID": "your-account-id",
    "AIMLAPI_API_KEY": "your-aimlapi-key",
    "OPENROUTER_API_KEY": "your-openrouter-key",
}
# The self-hosted servers the docs point at (vLLM's and SGLang's default ports).
SELF_HOSTED_URLS = {"vllm": "http://localhost:8000/v1", "sglang": "http://localhost:30000/v1"}

_FENCE = re.compile(r"^(?P<indent>[ ]*)```(?P<lang>[\w-]*)[^\n]*\n(?P<code>.*?)^(?P=indent)```[ ]*$", re.M | re.S)
_NOT_RUN = re.compile(r"<!--\s*not-run:\s*(?P<reason>.*?)\s*-->\s*$")
_RUN_AS_PYTEST = re.compile(r"<!--\s*run-as:\s*pytest\s*-->\s*$")


@dataclass(frozen=True)
class Sample:
    page: str  # relative to the repository root (generated pages: docs/<their path>)
    line: int
    code: str
    not_run: str | None  # the reason given in <!-- not-run: ... -->, if any
    pytest_file: bool = False  # <!-- run-as: pytest -->: a test module of its own


def samples_in(page: str, text: str) -> list[Sample]:
    found = []
    for match in _FENCE.finditer(text):
        if match["lang"] != "python":
            continue
        line = text.count("\n", 0, match.start()) + 1
        before = text[: match.start()].rstrip().rsplit("\n", 1)[-1]
        marker = _NOT_RUN.search(before)
        code = textwrap.dedent(match["code"])
        found.append(
            Sample(page, line, code, marker["reason"] if marker else None, bool(_RUN_AS_PYTEST.search(before)))
        )
    return found


def load_generator() -> ModuleType:
    """docs/hooks/gen_pages.py, the MkDocs hook, as a module."""
    spec = importlib.util.spec_from_file_location("docs_gen_pages", DOCS / "hooks" / "gen_pages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def all_pages() -> dict[str, str]:
    pages = {"README.md": (ROOT / "README.md").read_text()}
    for path in sorted(DOCS.rglob("*.md")):
        pages[str(path.relative_to(ROOT))] = path.read_text()
    for path, text in load_generator().generated_pages().items():
        pages[f"docs/{path}"] = text
    return pages


def all_samples() -> list[Sample]:
    return [s for page, text in all_pages().items() for s in samples_in(page, text)]


class _Router:
    """Sends each request to the emulator whose base URL is the longest prefix of its URL."""

    def __init__(self) -> None:
        emulators = [
            Emulator(
                pid,
                account_id=PLACEHOLDER_ENV["CLOUDFLARE_ACCOUNT_ID"],
                base_url=SELF_HOSTED_URLS.get(pid),
            )
            for pid in PROVIDERS
        ]
        self.routes = sorted(((e.base_url, e.transport()) for e in emulators), key=lambda r: -len(r[0]))

    def transport(self, request: httpx2.Request) -> EmulatorTransport | None:
        """The emulator for this URL; None for loopback (an emulator a sample serves itself)."""
        url = str(request.url)
        for base, transport in self.routes:
            if url.startswith(base + "/"):
                return transport
        if request.url.host in ("127.0.0.1", "localhost", "::1"):
            return None
        raise httpx2.ConnectError(f"docs samples run offline: no emulator serves {url}", request=request)


@contextmanager
def offline_providers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    router = _Router()
    real_sync = httpx2.HTTPTransport.handle_request
    real_async = httpx2.AsyncHTTPTransport.handle_async_request

    def handle_request(self: httpx2.HTTPTransport, request: httpx2.Request) -> httpx2.Response:
        emulator = router.transport(request)
        return real_sync(self, request) if emulator is None else emulator.handle_request(request)

    async def handle_async_request(self: httpx2.AsyncHTTPTransport, request: httpx2.Request) -> httpx2.Response:
        emulator = router.transport(request)
        if emulator is None:
            return await real_async(self, request)
        return await emulator.handle_async_request(request)

    for name, value in PLACEHOLDER_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(httpx2.HTTPTransport, "handle_request", handle_request)
    monkeypatch.setattr(httpx2.AsyncHTTPTransport, "handle_async_request", handle_async_request)
    # Pages set LlamaIndex's global Settings (Settings.llm = ...): restore them afterwards.
    from llama_index.core import Settings

    saved = dict(vars(Settings))
    try:
        yield
    finally:
        vars(Settings).clear()
        vars(Settings).update(saved)


def run_sample(sample: Sample, namespace: dict[str, Any]) -> None:
    """Run one block in the page's namespace; top-level `await` works, as in a notebook."""
    filename = f"{sample.page}:{sample.line}"
    code = compile(sample.code, filename, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
    if code.co_flags & inspect.CO_COROUTINE:
        asyncio.run(eval(code, namespace))
    else:
        exec(code, namespace)
