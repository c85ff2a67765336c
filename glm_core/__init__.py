"""glm_core: a framework-free, provider-aware client for Z.ai's GLM models.

One vocabulary (`ChatRequest`) for every provider that serves GLM-4.7 — Z.ai, BigModel, the Z.ai
coding plan, EmpirioLabs, Cloudflare Workers AI, AI/ML API, OpenRouter, vLLM, SGLang — with
reasoning, tools, structured output, web search, retries and typed errors done once, here.

Example:
    >>> from glm_core import GLMClient, ChatRequest, UserMessage
    >>> client = GLMClient("zai")                                      # doctest: +SKIP
    >>> answer = client.chat(ChatRequest("glm-4.7-flash", [UserMessage("Hi")]))
"""

from glm_core.client import AsyncGLMClient, GLMClient
from glm_core.embeddings import (
    EmbeddingRequest,
    EmbeddingResponse,
    RerankRequest,
    RerankResponse,
    RerankResult,
    RetrievalUsage,
)
from glm_core.endpoint import Endpoint
from glm_core.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ContentFilterError,
    ContextOverflowError,
    EmptyAnswerError,
    GLMError,
    InvalidRequestError,
    ModelNotFoundError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitError,
    RefusalError,
    ResponseDecodeError,
    ServerError,
    StreamInterruptedError,
    ToolCallRequiredError,
    TruncatedEventError,
)
from glm_core.media import media_part
from glm_core.models import CATALOGUE, EFFORT_LEVELS, MODEL_PROFILES, EffortLevel, ModelProfile, model_profile
from glm_core.providers import PROVIDERS, ProviderProfile, get_provider
from glm_core.retry import RetryPolicy
from glm_core.services import EmbeddingModel, EmbeddingService, RerankModel, RerankService
from glm_core.streams import AsyncChatStream, ChatStream
from glm_core.types import (
    AssistantMessage,
    ChatChunk,
    ChatRequest,
    ChatResponse,
    FilePart,
    ImagePart,
    Message,
    NamedToolChoice,
    SystemMessage,
    TextPart,
    ToolCall,
    ToolCallDelta,
    ToolChoice,
    ToolMessage,
    ToolSpec,
    Usage,
    UserMessage,
    VideoPart,
)

__version__ = "0.1.0"

__all__ = [
    "CATALOGUE",
    "EFFORT_LEVELS",
    "MODEL_PROFILES",
    "PROVIDERS",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AssistantMessage",
    "AsyncChatStream",
    "AsyncGLMClient",
    "AuthenticationError",
    "BadRequestError",
    "ChatChunk",
    "ChatRequest",
    "ChatResponse",
    "ChatStream",
    "ConfigurationError",
    "ContentFilterError",
    "ContextOverflowError",
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
    "Message",
    "ModelNotFoundError",
    "ModelProfile",
    "NamedToolChoice",
    "NotFoundError",
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
