"""The public surface of glm_core, pinned: adding or removing a name must be a deliberate change."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import glm_core

PUBLIC = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AssistantMessage",
    "AsyncChatStream",
    "AsyncGLMClient",
    "AuthenticationError",
    "BadRequestError",
    "CATALOGUE",
    "ChatChunk",
    "ChatRequest",
    "ChatResponse",
    "ChatStream",
    "ConfigurationError",
    "ContentFilterError",
    "ContextOverflowError",
    "EFFORT_LEVELS",
    "EffortLevel",
    "EmbeddingModel",
    "EmbeddingRequest",
    "EmbeddingResponse",
    "EmbeddingService",
    "EmptyAnswerError",
    "Endpoint",
    "FilePart",
    "GLMClient",
    "GLMError",
    "ImagePart",
    "InvalidRequestError",
    "MODEL_PROFILES",
    "Message",
    "ModelNotFoundError",
    "ModelProfile",
    "NamedToolChoice",
    "NotFoundError",
    "PROVIDERS",
    "PermissionDeniedError",
    "ProviderProfile",
    "QuotaExceededError",
    "RateLimitError",
    "RefusalError",
    "RerankModel",
    "RerankRequest",
    "RerankResponse",
    "RerankResult",
    "RerankService",
    "ResponseDecodeError",
    "RetrievalUsage",
    "RetryPolicy",
    "ServerError",
    "StreamInterruptedError",
    "SystemMessage",
    "TextPart",
    "ToolCall",
    "ToolCallDelta",
    "ToolCallRequiredError",
    "ToolChoice",
    "ToolMessage",
    "ToolSpec",
    "TruncatedEventError",
    "Usage",
    "UserMessage",
    "VideoPart",
    "__version__",
    "get_provider",
    "media_part",
    "model_profile",
]


def test_all_is_pinned() -> None:
    assert sorted(glm_core.__all__) == PUBLIC
    assert len(set(glm_core.__all__)) == len(glm_core.__all__)


def test_every_public_name_exists() -> None:
    for name in glm_core.__all__:
        assert hasattr(glm_core, name), name


def test_every_error_is_public_at_the_top_and_in_errors() -> None:
    import glm_core.errors

    for name in glm_core.errors.__all__:
        assert getattr(glm_core, name) is getattr(glm_core.errors, name)


@pytest.mark.parametrize(
    "module",
    [
        "glm_core.assembly",
        "glm_core.capabilities",
        "glm_core.client",
        "glm_core.client_base",
        "glm_core.dialects",
        "glm_core.dialects.errors",
        "glm_core.dialects.openai_chat",
        "glm_core.dialects.cloudflare_run",
        "glm_core.endpoint",
        "glm_core.errors",
        "glm_core.http",
        "glm_core.models",
        "glm_core.providers",
        "glm_core.retry",
        "glm_core.streams",
        "glm_core.types",
        "glm_core.validation",
    ],
)
def test_each_module_lists_only_names_it_has(module: str) -> None:
    loaded = importlib.import_module(module)
    for name in loaded.__all__:
        assert hasattr(loaded, name), f"{module}.{name}"


def test_version() -> None:
    assert glm_core.__version__ == "0.1.0"


def test_import_pulls_in_no_sdk_and_no_network() -> None:
    # DESIGN: never import openai or litellm; no module-level network.
    code = (
        "import sys, socket\n"
        "def refuse(*a, **k): raise SystemExit('network at import time')\n"
        "socket.socket.connect = refuse\n"
        "import glm_core\n"
        "sdks = ('openai', 'litellm', 'zai', 'zhipuai', 'langchain_core', 'llama_index')\n"
        "bad = [m for m in sdks if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
