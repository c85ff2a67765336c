"""`GLM`: a LlamaIndex `FunctionCallingLLM` for Z.ai's GLM models, on every provider that serves them.

It only translates: LlamaIndex messages and options become a canonical `glm_core.ChatRequest`,
and canonical answers become LlamaIndex responses. Validation, provider quirks (tool_choice
limits, thinking switches, reasoning field names, json_schema emulation), retries and errors are
glm_core's. The core clients are built once per `GLM` object and the HTTP connection pool is
shared, so a call costs little more than the HTTP exchange.

Example:
    >>> from llama_index_glm import GLM
    >>> llm = GLM(model="glm-4.7-flash", provider="zai", api_key="...")   # doctest: +SKIP
    >>> llm.complete("Say hi").text                                         # doctest: +SKIP
    >>> GLM(provider="cloudflare", account_id="...").metadata.context_window  # doctest: +SKIP
    131072
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseAsyncGen,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseAsyncGen,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
)
from llama_index.core.bridge.pydantic import (
    BaseModel,
    Field,
    PrivateAttr,
    SecretStr,
    field_serializer,
    field_validator,
    model_validator,
)
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from llama_index.core.llms.function_calling import FunctionCallingLLM

from glm_core.client import DEFAULT_STREAM_IDLE_TIMEOUT, DEFAULT_TIMEOUT, AsyncGLMClient, GLMClient
from glm_core.construction_errors import RedactedConstructionErrors
from glm_core.models import EffortLevel, ModelProfile
from glm_core.options import option_names, refuse_near_misses, resolve_timeout
from glm_core.pickling import public_model_state
from glm_core.redaction import hide_header_values, redact_headers
from glm_core.retry import DEFAULT_MAX_RETRIES
from glm_core.tokens import estimate_tokens
from glm_core.tool_policy import first_call_only
from glm_core.types import ChatRequest, Message, UserMessage
from glm_core.vision_checks import accepted_inputs
from llama_index_glm.messages import to_glm_messages
from llama_index_glm.request import build_request
from llama_index_glm.responses import chat_response, completion_response
from llama_index_glm.streaming import (
    astream_chat_responses,
    astream_completion_responses,
    stream_chat_responses,
    stream_completion_responses,
)
from llama_index_glm.structured import StructuredCalls, StructuredMethod
from llama_index_glm.tool_calling import ToolCalling
from llama_index_glm.tools import to_tool_specs

if TYPE_CHECKING:
    from llama_index.core.tools.types import BaseTool
    from pydantic import BaseModel

__all__ = ["DEFAULT_MODEL", "DEFAULT_NUM_OUTPUT", "GLM"]

DEFAULT_MODEL = "glm-4.7-flash"
# Tokens reserved for the answer when max_tokens is not set. GLM-4.7 may write up to 128K, but
# reserving that much would leave a RAG prompt no room at all on a 131K-context provider.
DEFAULT_NUM_OUTPUT = 8192

# Changing one of these after construction rebuilds the core clients.
_CONNECTION_FIELDS = frozenset(
    {
        "provider",
        "api_key",
        "base_url",
        "account_id",
        "timeout",
        "stream_idle_timeout",
        "max_retries",
        "default_headers",
        "http_client",
        "async_http_client",
        "model_profile",
    }
)


def _hidden_headers(method: Callable[..., Any]) -> Callable[..., Any]:
    """Per-call `extra_headers` shown redacted to LlamaIndex's events and callbacks (which see the
    call's kwargs before the method runs); the request still sends them (glm_core.redaction)."""

    @functools.wraps(method)
    def call(self: GLM, *args: Any, **kwargs: Any) -> Any:
        hide_header_values(kwargs)
        return method(self, *args, **kwargs)

    return call


def _hidden_headers_async(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    async def call(self: GLM, *args: Any, **kwargs: Any) -> Any:
        hide_header_values(kwargs)
        return await method(self, *args, **kwargs)

    return call


class GLM(RedactedConstructionErrors, ToolCalling, StructuredCalls, FunctionCallingLLM):
    """GLM-4.7 / GLM-4.7-Flash (and the older GLM-4.6 / 4.5 ids) as a LlamaIndex function-calling LLM.

    Works with FunctionAgent, ReActAgent, AgentWorkflow, query engines and structured prediction.
    Reasoning comes back as a `ThinkingBlock` (streamed as `additional_kwargs["thinking_delta"]`)
    and is sent back on later assistant turns, as interleaved thinking with tools requires.

    Args:
        model: "glm-4.7", "glm-4.7-flash", ... (mapped to the provider's own id), or a provider id.
        provider: "zai" (default), "zai_coding", "bigmodel", "empiriolabs", "cloudflare",
            "cloudflare_openai", "aimlapi", "openrouter", "vllm", "sglang".
        api_key: default from the provider's variable (ZAI_API_KEY, CLOUDFLARE_API_TOKEN, ...).
        account_id: Cloudflare's account id; default from CLOUDFLARE_ACCOUNT_ID.
        thinking: reasoning on/off; None leaves the provider's default. On a model that always
            thinks (GLM-5.3, GLM-5.3-Flash), False means the cheapest level, "low".
        reasoning_effort: "none" | "minimal" | "low" | "medium" | "high" | "xhigh" | "max",
            checked per model (GLM-5.3: low / high / max); None keeps the server default
            ("max" on GLM-5.2 and later, the most expensive).
        preserve_thinking: keep earlier turns' reasoning in context (GLM-4.7 and later).
        web_search: the provider's built-in web search (True, or its options as a dict).
        structured_output_method: how structured_predict asks for an object: "function_calling"
            (default), "json_schema" or "json_mode".

    Example:
        >>> llm = GLM(model="glm-4.7", thinking=True)              # doctest: +SKIP
        >>> response = llm.chat([ChatMessage(role="user", content="Why is the sky blue?")])  # doctest: +SKIP
        >>> response.message.blocks[0].content  # the reasoning            # doctest: +SKIP
    """

    model: str = Field(default=DEFAULT_MODEL, description="The model id, e.g. glm-4.7 or glm-4.7-flash.")
    provider: str = Field(default="zai", description="Who serves the model (zai, cloudflare, vllm, ...).")
    # `str` is accepted (and stored as SecretStr by the validator below) so type checkers take a plain key.
    api_key: SecretStr | str | None = Field(default=None, exclude=True, repr=False, description="The provider key.")
    base_url: str | None = Field(default=None, description="Overrides the provider's URL (needed for vllm/sglang).")
    account_id: str | None = Field(default=None, exclude=True, repr=False, description="Cloudflare account id.")
    temperature: float | None = Field(default=None, description="Sampling temperature (provider's range).")
    top_p: float | None = Field(default=None, description="Nucleus sampling.")
    max_tokens: int | None = Field(default=None, description="Cap on generated tokens (reasoning included).")
    stop: list[str] | None = Field(default=None, description="Stop sequences.")
    seed: int | None = Field(default=None, description="Sampling seed, where the provider supports one.")
    thinking: bool | None = Field(default=None, description="Reasoning on/off; None = provider default.")
    preserve_thinking: bool | None = Field(default=None, description="Keep earlier turns' reasoning.")
    reasoning_effort: EffortLevel | None = Field(
        default=None, description="none|minimal|low|medium|high|xhigh|max, per model; None = server default (max)."
    )
    web_search: bool | dict[str, Any] | None = Field(default=None, description="Built-in web search.")
    logprobs: bool | None = Field(
        default=None,
        description="Token log-probabilities on ChatResponse.logprobs (Cloudflare, vLLM, SGLang, OpenRouter).",
    )
    top_logprobs: int | None = Field(default=None, description="With logprobs: alternatives per token (0-20).")
    tool_choice: str | dict[str, Any] | None = Field(
        default=None, description="Default tool_choice when tools are given: auto, none, required or a name."
    )
    structured_output_method: StructuredMethod = Field(
        default="function_calling", description="function_calling, json_schema or json_mode."
    )
    exact_token_count: bool = Field(
        default=False,
        description="count_tokens: False estimates offline (glm_core.tokens); True asks Z.ai's tokenizer endpoint.",
    )
    context_window: int | None = Field(
        default=None, description="Overrides the model profile's context window (e.g. a vLLM --max-model-len)."
    )
    model_profile: ModelProfile | dict[str, Any] | None = Field(
        default=None,
        description="Facts you know better than the catalogue (glm_core.ModelProfile or a dict of its fields, "
        "e.g. {'inputs': {'text', 'image'}} for a self-hosted vision fine-tune); requests are checked against them.",
    )
    timeout: float | None = Field(
        default=DEFAULT_TIMEOUT,
        description="Wall-clock seconds for one attempt at a whole answer, and for a stream's first event "
        "(None: the default, 600).",
    )
    stream_idle_timeout: float = Field(
        default=DEFAULT_STREAM_IDLE_TIMEOUT,
        description="Wall-clock seconds allowed between two stream events (keep-alive comments do not count).",
    )
    max_retries: int = Field(default=DEFAULT_MAX_RETRIES, ge=0, description="Retries after the first attempt.")
    default_headers: dict[str, str] | None = Field(default=None, description="Headers sent on every request.")
    extra_body: dict[str, Any] | None = Field(default=None, description="Merged last into every JSON body.")
    additional_kwargs: dict[str, Any] = Field(
        default_factory=dict, description="Per-request options applied to every call (like call kwargs)."
    )
    http_client: Any = Field(default=None, exclude=True, description="Your own httpx2.Client.")
    async_http_client: Any = Field(default=None, exclude=True, description="Your own httpx2.AsyncClient.")

    _client: GLMClient = PrivateAttr()
    _aclient: AsyncGLMClient | None = PrivateAttr(default=None)
    _metadata: LLMMetadata | None = PrivateAttr(default=None)
    _payload: dict[str, Any] | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _known_options(cls, values: Any) -> Any:
        """A misspelled option is refused; another unknown name is a body field: moved to
        `extra_body` with a warning (LangChain's ChatGLM moves it to `model_kwargs` the same way;
        pydantic alone would drop it without a word)."""
        if isinstance(values, dict):
            unknown = refuse_near_misses(values, option_names(cls), "GLM")
            if unknown:
                moved = {name: values[name] for name in unknown}
                warnings.warn(
                    f"{', '.join(map(repr, unknown))} {'is not an option' if len(unknown) == 1 else 'are not options'}"
                    " of GLM: moved to extra_body, sent in every request's body. Check it is what you meant.",
                    UserWarning,
                    stacklevel=4,
                )
                values = {key: value for key, value in values.items() if key not in moved}
                values["extra_body"] = {**moved, **(values.get("extra_body") or {})}
        return values

    @field_validator("api_key", mode="after")
    @classmethod
    def _secret_key(cls, value: SecretStr | str | None) -> SecretStr | None:
        return SecretStr(value) if isinstance(value, str) else value

    # A gateway key in default_headers (cf-aig-authorization, x-api-key) is a secret like api_key:
    # repr, to_dict / to_json and model_dump show its name only.
    @field_serializer("default_headers")
    def _serialize_headers(self, headers: dict[str, str] | None) -> dict[str, str] | None:
        return redact_headers(headers)

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            yield name, redact_headers(value) if name == "default_headers" else value

    def model_post_init(self, context: Any, /) -> None:
        self._connect()
        # Fail at construction, not at the first call, for an option the provider refuses.
        self._client.endpoint.prepare(self._request([UserMessage("-")], {}), stream=False)

    def _client_settings(self) -> dict[str, Any]:
        return {
            "api_key": self.api_key,
            "base_url": self.base_url,
            "account_id": self.account_id,
            "timeout": resolve_timeout(self.timeout),
            "stream_idle_timeout": self.stream_idle_timeout,
            "max_retries": self.max_retries,
            "default_headers": self.default_headers,
            "model_profile": self.model_profile,
        }

    def _connect(self) -> None:
        self._client = GLMClient(self.provider, http_client=self.http_client, **self._client_settings())
        self._aclient = None

    # Pydantic serves private attributes through __getattr__, which raises and catches an
    # AttributeError on every read (~5 us each); the per-call paths read __pydantic_private__
    # instead (GLM.chat 526 -> 506 us in-process).
    @property
    def _sync_client(self) -> GLMClient:
        client: GLMClient = self.__pydantic_private__["_client"]
        return client

    @property
    def _async_client(self) -> AsyncGLMClient:
        client: AsyncGLMClient | None = self.__pydantic_private__["_aclient"]
        if client is None:
            client = self._aclient = AsyncGLMClient(
                self.provider, http_client=self.async_http_client, **self._client_settings()
            )
        return client

    # Pickling: never the key nor credential headers (glm_core.pickling); the core clients rebuild
    # themselves with the key from the environment.
    def __getstate__(self) -> dict[Any, Any]:
        return public_model_state(super().__getstate__(), ("http_client", "async_http_client"))

    def __setstate__(self, state: dict[Any, Any]) -> None:
        # pydantic's own restore, not LlamaIndex's (which re-runs __init__ and would build clients
        # that silently lack the credential headers the pickle left out).
        BaseModel.__setstate__(self, state)
        self.__dict__["api_key"] = self.__pydantic_private__["_client"].endpoint.api_key

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "api_key" and isinstance(value, str):
            value = SecretStr(value)
        super().__setattr__(name, value)
        if name.startswith("_"):
            return
        self._metadata = None
        self._payload = None
        if name in _CONNECTION_FIELDS:
            self._connect()

    @classmethod
    def class_name(cls) -> str:
        return "GLM"

    @property
    def metadata(self) -> LLMMetadata:
        metadata = self.__pydantic_private__["_metadata"]
        if metadata is None:
            profile = self._client.endpoint.model_profile(self.model)
            context_window = self.context_window or profile.context_window
            num_output = self.max_tokens or min(DEFAULT_NUM_OUTPUT, profile.max_output_tokens)
            metadata = self._metadata = LLMMetadata(
                context_window=context_window,
                num_output=num_output,
                is_chat_model=True,
                is_function_calling_model=profile.tool_calling,
                model_name=self.model,
                system_role=MessageRole.SYSTEM,
            )
        return metadata

    @property
    def input_modalities(self) -> tuple[str, ...]:
        """What the model takes on this provider: "text", and "image", "video", "file" for the
        vision models (LLMMetadata has no field for it). Example: `GLM(model="glm-4.6v").input_modalities`."""
        profile = self._client.endpoint.model_profile(self.model)
        inputs = accepted_inputs(profile, self._client.endpoint.provider)
        return tuple(kind for kind in ("text", "image", "video", "file") if kind in inputs)

    def to_payload(self) -> dict[str, Any]:
        """What observability events carry: the metadata and the provider, never the key."""
        payload = self.__pydantic_private__["_payload"]
        if payload is None:
            payload = self._payload = {
                "class_name": self.class_name(),
                **self.metadata.model_dump(),
                "provider": self.provider,
                "thinking": self.thinking,
                "reasoning_effort": self.reasoning_effort,
                "temperature": self.temperature,
                "max_tokens": self.max_tokens,
            }
        return dict(payload)

    # ------------------------------------------------------------------ requests

    def _request(self, messages: list[Message], kwargs: dict[str, Any]) -> ChatRequest:
        return build_request(self, messages, kwargs)

    def _chat_request(self, messages: Sequence[ChatMessage], kwargs: dict[str, Any]) -> ChatRequest:
        return build_request(self, to_glm_messages(messages), kwargs)

    # ------------------------------------------------------------------ chat

    @_hidden_headers
    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        return chat_response(self._sync_client.chat(self._chat_request(messages, kwargs)), self.provider)

    @_hidden_headers_async
    @llm_chat_callback()
    async def achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        return chat_response(await self._async_client.chat(self._chat_request(messages, kwargs)), self.provider)

    @_hidden_headers
    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        # Validated and encoded now, so a bad option raises here; connects on iteration.
        request = self._chat_request(messages, kwargs)
        return stream_chat_responses(self._sync_client.stream(request), first_call_only(request), self.provider)

    @_hidden_headers_async
    @llm_chat_callback()
    async def astream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseAsyncGen:
        request = self._chat_request(messages, kwargs)
        return astream_chat_responses(self._async_client.stream(request), first_call_only(request), self.provider)

    # ------------------------------------------------------------------ complete

    @_hidden_headers
    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return completion_response(self._sync_client.chat(self._request([UserMessage(prompt)], kwargs)), self.provider)

    @_hidden_headers_async
    @llm_completion_callback()
    async def acomplete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        request = self._request([UserMessage(prompt)], kwargs)
        return completion_response(await self._async_client.chat(request), self.provider)

    @_hidden_headers
    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        stream = self._sync_client.stream(self._request([UserMessage(prompt)], kwargs))
        return stream_completion_responses(stream)

    @_hidden_headers_async
    @llm_completion_callback()
    async def astream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseAsyncGen:
        stream = self._async_client.stream(self._request([UserMessage(prompt)], kwargs))
        return astream_completion_responses(stream)

    # ------------------------------------------------------------------ token counting

    def count_tokens(self, messages: Sequence[ChatMessage], tools: Sequence[BaseTool] | None = None) -> int:
        """Prompt tokens of `messages` (and `tools`) as GLM counts them, chat template included.

        Offline by default (within 6% of Z.ai's billed count on captured English prompts, see
        `glm_core.tokens`); `exact_token_count=True` asks the provider's tokenizer (Z.ai).

        Example:
            >>> llm.count_tokens([ChatMessage(role="user", content="你好")])   # doctest: +SKIP
        """
        request = self._count_request(messages, tools)
        return self._sync_client.count_tokens(request) if self.exact_token_count else estimate_tokens(request)

    async def acount_tokens(self, messages: Sequence[ChatMessage], tools: Sequence[BaseTool] | None = None) -> int:
        """The async twin of `count_tokens`."""
        request = self._count_request(messages, tools)
        return await self._async_client.count_tokens(request) if self.exact_token_count else estimate_tokens(request)

    def _count_request(self, messages: Sequence[ChatMessage], tools: Sequence[BaseTool] | None) -> ChatRequest:
        return ChatRequest(self.model, to_glm_messages(messages), tools=to_tool_specs(tools))
