"""langchain-tests' standard image and PDF tests for ChatGLM on a GLM vision model, on every provider
that serves one, replayed from cassettes like test_standard_integration.py.

Only the media tests run here (`test_image_inputs`, `test_pdf_inputs`); the rest of the standard
suite runs on the text models in test_standard_integration.py, so every other inherited test is
set to None (pytest collects only callables). The flags come from the same facts ChatGLM's
`.profile` reads: PDFs where the provider's wire and the model take `file` parts.

Offline: the standard tests download their image and PDF with `httpx.get` (an image on
raw.githubusercontent.com, a PDF on w3.org). That call is replaced by the files in examples/data
(a PNG screenshot, a one-page PDF), so the request bodies are the same on every run and nothing
leaves the machine. The URL variant of `test_image_inputs` still sends the original URL: the
emulator (like the real providers, server-side) does not need to fetch it to check the request.
Re-record with `GLM_RECORD=1 pytest tests/langchain/test_standard_vision.py --record-mode=rewrite`.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from langchain_tests.integration_tests import ChatModelIntegrationTests
from langchain_tests.integration_tests import chat_models as standard_suite

from glm_core.models import model_profile
from glm_core.providers import get_provider
from glm_core.vision_checks import accepted_inputs
from tests.langchain.test_standard_integration import _GLMStandard
from tests.targets import EMULATOR_ACCOUNT_ID, EMULATOR_API_KEY, live_targets, target_kwargs

pytestmark = pytest.mark.vcr

DATA = Path(__file__).resolve().parents[2] / "examples" / "data"
_MEDIA_TESTS = {"test_image_inputs", "test_pdf_inputs", "test_image_tool_message"}

_lock = threading.Lock()
_served: dict[tuple[str, str], str] = {}
_stack = contextlib.ExitStack()


def _offline_get(url: str, **_: Any) -> httpx.Response:
    name = "invoice.pdf" if url.endswith(".pdf") else "screenshot.png"
    return httpx.Response(200, content=(DATA / name).read_bytes(), request=httpx.Request("GET", url))


@pytest.fixture(autouse=True)
def _media_from_examples(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(standard_suite.httpx, "get", _offline_get)


def _self_hosted_vision(provider: str, model: str) -> dict[str, Any]:
    """A vLLM / SGLang emulator serving the vision model (the shared one serves GLM-4.7-Flash)."""
    from glm_core.testing import Emulator

    with _lock:
        url = _served.get((provider, model))
        if url is None:
            emulator = Emulator(provider, api_key=EMULATOR_API_KEY, served_model=model)
            url = _served[(provider, model)] = _stack.enter_context(emulator.serve())
    return {"provider": provider, "base_url": url, "api_key": EMULATOR_API_KEY, "account_id": EMULATOR_ACCOUNT_ID}


class _VisionStandard(_GLMStandard):
    model_id = "glm-4.6v"
    override = None

    @property
    def chat_model_params(self) -> dict[str, Any]:
        if self.provider in ("vllm", "sglang") and not live_targets():
            target = _self_hosted_vision(self.provider, self.model_id)
        else:
            target = target_kwargs(self.provider)
        return {**target, "model": self.model_id, "max_tokens": 2048}

    def _inputs(self) -> frozenset[str]:
        provider = get_provider(self.provider)
        return accepted_inputs(model_profile(self.model_id, provider=self.provider), provider)

    @property
    def supports_image_inputs(self) -> bool:
        return "image" in self._inputs()

    @property
    def supports_image_urls(self) -> bool:
        return "image" in self._inputs()

    @property
    def supports_pdf_inputs(self) -> bool:
        return "file" in self._inputs()

    @property
    def supports_video_inputs(self) -> bool:
        return "video" in self._inputs()

    @property
    def supports_image_tool_message(self) -> bool:
        # A tool's image reaches the model as an image (after the results, ProviderProfile.tool_result_media).
        return "image" in self._inputs() and model_profile(self.model_id, provider=self.provider).tool_calling


for _name in dir(ChatModelIntegrationTests):
    if _name.startswith("test_") and _name not in _MEDIA_TESTS:
        setattr(_VisionStandard, _name, None)


class TestZaiVision(_VisionStandard):
    provider = "zai"
    model_id = "glm-4.6v-flash"  # free on Z.ai (§1.4)


class TestZaiCodingVision(_VisionStandard):
    provider = "zai_coding"
    model_id = "glm-5.3-flash"  # a Coding Plan model (§1.1)


class TestBigModelVision(_VisionStandard):
    provider = "bigmodel"


class TestEmpirioLabsVision(_VisionStandard):
    provider = "empiriolabs"
    model_id = "glm-4.6v-flash"  # glm-4-6v-flash on the wire (§8)


class TestCloudflareVision(_VisionStandard):
    provider = "cloudflare"
    model_id = "glm-5.3-flash"  # the Workers AI model with the `vision` property (§5.1)


class TestCloudflareOpenAIVision(_VisionStandard):
    provider = "cloudflare_openai"
    model_id = "glm-5.3-flash"


class TestAimlapiVision(_VisionStandard):
    provider = "aimlapi"  # z-ai/glm-4.6v; images only (§7)


class TestOpenRouterVision(_VisionStandard):
    provider = "openrouter"


class TestVLLMVision(_VisionStandard):
    provider = "vllm"


class TestSGLangVision(_VisionStandard):
    provider = "sglang"
