"""`ChatGLM`: Z.ai's GLM-4.7 family as a LangChain chat model, on every provider that serves it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Self

import httpx2
from langchain_core.language_models import BaseChatModel, LangSmithParams, LanguageModelInput, ModelProfile
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.utils import _build_model_kwargs, get_pydantic_field_names
from pydantic import ConfigDict, Field, PrivateAttr, SecretStr, field_serializer, field_validator, model_validator

from glm_core.client import DEFAULT_STREAM_IDLE_TIMEOUT, AsyncGLMClient, GLMClient
from glm_core.construction_errors import RedactedConstructionErrors
from glm_core.models import EffortLevel, with_facts
from glm_core.models import ModelProfile as GLMModelFacts
from glm_core.models import model_profile as catalogue_facts
from glm_core.options import refuse_near_misses, resolve_timeout
from glm_core.pickling import public_model_state
from glm_core.providers import ProviderProfile, get_provider
from glm_core.redaction import redact_headers, redact_options
from glm_core.thinking import with_default_effort
from glm_core.types import ChatRequest
from langchain_glm.call_options import apply_call_kwargs
from langchain_glm.calls import ChatCalls
from langchain_glm.content_blocks import register
from langchain_glm.messages import (
    to_core_messages,
)
from langchain_glm.profiles import model_profile_for
from langchain_glm.tools import bound_names, convert_tools, normalize_tool_choice

if TYPE_CHECKING:
    from langchain_glm.structured import StructuredMethod

__all__ = ["ChatGLM"]

register()

# Names other LangChain chat models use for the same options (accepted, as plain names type-check).
_OTHER_NAMES = {"model_name": "model", "request_timeout": "timeout", "stop_sequences": "stop"}


class ChatGLM(RedactedConstructionErrors, ChatCalls, BaseChatModel):
    """Z.ai's GLM models (GLM-4.7, GLM-4.7-Flash, ...) on Z.ai, BigModel, Cloudflare and more.

    One class for every provider that serves GLM: `provider=` picks the wire protocol, URL, key
    variable and the provider's limits; the options below mean the same everywhere.

    Setup:
        `pip install "glm-integrations[langchain]"` and set the provider's key variable
        (`ZAI_API_KEY`, `ZHIPUAI_API_KEY`, `CLOUDFLARE_API_TOKEN` + `CLOUDFLARE_ACCOUNT_ID`,
        `EMPIRIOLABS_API_KEY`, `AIMLAPI_API_KEY`, `OPENROUTER_API_KEY`; `GLM_API_KEY` for vLLM /
        SGLang, where `base_url` is required).

    Key options:
        model: "glm-4.7-flash" (default), "glm-4.7", ...; mapped to the provider's own id.
        provider: "zai" (default), "zai_coding", "bigmodel", "empiriolabs", "cloudflare",
            "cloudflare_openai", "aimlapi", "openrouter", "vllm", "sglang".
        thinking: reasoning on/off; None keeps the provider default (on for GLM-4.7). On a model
            that always thinks (GLM-5.3, GLM-5.3-Flash), False means the cheapest level, "low".
        reasoning_effort: "none" | "minimal" | "low" | "medium" | "high" | "xhigh" | "max",
            checked per model (GLM-5.3: low / high / max); None keeps the server default
            ("max" on GLM-5.2 and later, the most expensive).
        preserve_thinking: keep earlier turns' reasoning in context (GLM-4.7 and later).
        web_search: built-in web search (Z.ai family, EmpirioLabs); results in
            `response_metadata["web_search"]`.
        temperature, top_p, max_tokens, stop, seed: checked against the provider's ranges
            before anything is sent.

    Reasoning comes back in `additional_kwargs["reasoning_content"]` and as a standard
    `reasoning` content block, and is sent back on later assistant turns in the field the
    provider reads, so tool loops keep their interleaved thinking.

    Example:
        .. code-block:: python

            from langchain_glm import ChatGLM

            llm = ChatGLM(model="glm-4.7-flash", provider="zai")
            answer = llm.invoke("What is 2 + 2?")
            answer.additional_kwargs["reasoning_content"], answer.content

            # Tools: tool_choice "auto" / "none" / "any" / a tool name, on every provider.
            llm.bind_tools([get_weather], tool_choice="get_weather").invoke("Weather in Rome?")

            # Structured output, validated against the schema.
            llm.with_structured_output(Person, method="json_schema").invoke("Ada, 36")
    """

    model_config = ConfigDict(populate_by_name=True, arbitrary_types_allowed=True, protected_namespaces=())

    model: str = "glm-4.7-flash"
    """The user-facing model id ("glm-4.7-flash"), or the provider's own id."""
    provider: str = "zai"
    """Which provider serves the model (see `glm_core.PROVIDERS`)."""
    # `str` is accepted so type checkers take a plain key; it is always stored as a SecretStr.
    api_key: SecretStr | str | None = None
    """The key; default from the provider's environment variable (e.g. `ZAI_API_KEY`)."""
    base_url: str | None = None
    """Overrides the provider's URL; required for vllm and sglang."""
    account_id: str | None = None
    """Cloudflare's account id; default from `CLOUDFLARE_ACCOUNT_ID`."""
    timeout: float | httpx2.Timeout | None = None
    """Wall-clock seconds for one attempt at a whole non-streamed answer, and for a stream's first
    event (default 600); a body trickled a byte at a time does not extend it. Connecting has 5 s."""
    stream_idle_timeout: float = DEFAULT_STREAM_IDLE_TIMEOUT
    """Wall-clock seconds allowed between two stream events (keep-alive comments and partial
    events do not reset it) before the stream counts as stalled."""
    max_retries: int = 2
    """Retries after the first attempt (429, 5xx, connection errors; never no-balance errors)."""
    streaming: bool = False
    """Use the streaming API for `invoke` too."""
    stream_usage: bool = True
    """Put token usage on the last streamed chunk; False does not ask the provider for it either."""
    default_headers: dict[str, str] | None = None
    """Headers sent with every request."""
    extra_body: dict[str, Any] | None = None
    """Fields merged last into every request body (provider-specific parameters)."""
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Other request-body fields; unknown constructor arguments are moved here with a warning."""
    http_client: httpx2.Client | None = Field(default=None, exclude=True)
    """Your own httpx2 client (proxies, transports); by default one shared client per process."""
    http_async_client: httpx2.AsyncClient | None = Field(default=None, exclude=True)
    """Your own httpx2 async client; by default one shared client per event loop."""

    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    stop: list[str] | None = None
    seed: int | None = None
    thinking: bool | None = None
    """Reasoning on/off; None keeps the provider's default (GLM-4.7 thinks by default)."""
    preserve_thinking: bool | None = None
    """Keep earlier turns' reasoning in context (GLM-4.7 and later: preserved thinking)."""
    reasoning_effort: EffortLevel | None = None
    """How hard the model thinks (GLM-5.2 and later); None keeps the server default, "max"."""
    model_profile: GLMModelFacts | dict[str, Any] | None = None
    """Facts you know better than the catalogue: a `glm_core.ModelProfile` or a dict of its fields
    (`{"inputs": {"text", "image"}}` for a self-hosted vision fine-tune); requests are checked
    against them, and `.profile` shows them."""
    web_search: bool | dict[str, Any] | None = None
    """Built-in web search: True, or the provider's settings as a dict."""
    logprobs: bool | None = None
    """Return the output tokens' log-probabilities in `response_metadata["logprobs"]` (streamed
    too), where the provider has them (Cloudflare, vLLM, SGLang, OpenRouter); a ValueError elsewhere."""
    top_logprobs: int | None = None
    """With logprobs: how many likeliest alternatives per token (0-20)."""
    n: int | None = None
    """Answers per prompt (`generate` returns them all; Cloudflare, vLLM, SGLang, AI/ML API)."""
    exact_token_count: bool = False
    """`get_num_tokens*` / `trim_messages(token_counter=llm)`: False counts offline with a GLM-aware
    estimate (no package, no request; see `glm_core.tokens`); True asks the provider's tokenizer
    endpoint for the exact count (Z.ai), one request per count."""

    # Pydantic serves private attributes through __getattr__, which raises and catches an
    # AttributeError on every read (~5 us each); the per-call paths below read them from
    # __pydantic_private__ instead (ChatGLM.invoke 581 -> 563 us in-process).
    _client: GLMClient = PrivateAttr()
    _async_client: AsyncGLMClient = PrivateAttr()
    _extra_body: dict[str, Any] | None = PrivateAttr(default=None)

    # ------------------------------------------------------------------ setup

    @model_validator(mode="before")
    @classmethod
    def _glm_collect_model_kwargs(cls, values: Any) -> Any:
        """Unknown constructor arguments go to `model_kwargs`, with a warning (as in langchain-openai)."""
        if isinstance(values, dict):
            for other, name in _OTHER_NAMES.items():
                if other in values and name not in values:
                    values = {**values, name: values[other]}
                    del values[other]
            names = _field_names(cls)
            # A misspelled option is refused (it would never do what was meant); other unknown
            # names are body fields, moved to model_kwargs with LangChain's warning.
            refuse_near_misses(values, names, "ChatGLM")
            if any(key not in names for key in values) or values.get("model_kwargs"):
                values = _build_model_kwargs(dict(values), names)
        return values

    @field_validator("api_key", mode="after")
    @classmethod
    def _glm_secret_key(cls, value: SecretStr | str | None) -> SecretStr | None:
        return SecretStr(value) if isinstance(value, str) else value

    # A gateway key in default_headers (cf-aig-authorization, x-api-key) is a secret like api_key:
    # repr, dumpd (which embeds the repr) and model_dump show its name only.
    @field_serializer("default_headers")
    def _glm_serialize_headers(self, headers: dict[str, str] | None) -> dict[str, str] | None:
        return redact_headers(headers)

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            yield name, redact_headers(value) if name == "default_headers" else value

    def _get_invocation_params(self, stop: list[str] | None = None, **kwargs: Any) -> dict[str, Any]:
        # What on_chat_model_start hands every tracer (and its `options`): per-call
        # extra_headers shown redacted, by the one rule of glm_core.redaction.
        return redact_options(super()._get_invocation_params(stop=stop, **kwargs))

    # Pickling: never the key nor credential headers (glm_core.pickling); the core clients rebuild
    # themselves with the key from the environment.
    def __getstate__(self) -> dict[Any, Any]:
        return public_model_state(super().__getstate__(), ("http_client", "http_async_client"))

    def __setstate__(self, state: dict[Any, Any]) -> None:
        super().__setstate__(state)
        self.__dict__["api_key"] = self.__pydantic_private__["_client"].endpoint.api_key

    @model_validator(mode="after")
    def _glm_build_clients(self) -> Self:
        """Resolve provider, key, URL and account once; calls reuse these clients."""
        common: dict[str, Any] = {
            "api_key": self.api_key,
            "base_url": self.base_url,
            "account_id": self.account_id,
            "timeout": resolve_timeout(self.timeout),
            "stream_idle_timeout": self.stream_idle_timeout,
            "max_retries": self.max_retries,
            "default_headers": self.default_headers,
            "model_profile": self.model_profile,
        }
        profile = get_provider(self.provider)
        self._client = GLMClient(profile, http_client=self.http_client, **common)
        self._async_client = AsyncGLMClient(profile, http_client=self.http_async_client, **common)
        if self.api_key is None and self._client.endpoint.api_key is not None:
            self.api_key = self._client.endpoint.api_key
        if self.stop == []:
            self.stop = None
        extra = {**self.model_kwargs, **(self.extra_body or {})}
        self._extra_body = extra or None
        return self

    def _resolve_model_profile(self) -> ModelProfile | None:
        # Runs before the clients exist (langchain-core's validator): the same core facts the
        # endpoint uses, the catalogue's with the user's model_profile= applied.
        provider = get_provider(self.provider)
        facts = with_facts(catalogue_facts(self.model, provider=provider.id), self.model_profile)
        return model_profile_for(self.model, provider, facts)

    @property
    def _provider_profile(self) -> ProviderProfile:
        return self._client.provider

    @property
    def _llm_type(self) -> str:
        return "glm-chat"

    @property
    def lc_secrets(self) -> dict[str, str]:
        env = get_provider(self.provider).api_key_env
        return {"api_key": env[0]} if env else {}

    @classmethod
    def is_lc_serializable(cls) -> bool:
        # langchain-core's load() only revives classes in its own allow-list, so a serializable
        # out-of-tree class fails to round-trip (langchain-empiriolabs and -cloudflare agree).
        return False

    @property
    def _identifying_params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"model": self.model, "provider": self.provider}
        for name in (
            "temperature",
            "top_p",
            "max_tokens",
            "stop",
            "seed",
            "thinking",
            "preserve_thinking",
            "reasoning_effort",
            "logprobs",
            "top_logprobs",
            "n",
        ):
            value = getattr(self, name)
            if value is not None:
                params[name] = value
        if self.web_search:
            params["web_search"] = self.web_search
        return params

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        params = LangSmithParams(
            ls_provider=self.provider,
            ls_model_name=kwargs.get("model") or self.model,
            ls_model_type="chat",
        )
        temperature = kwargs.get("temperature", self.temperature)
        if temperature is not None:
            params["ls_temperature"] = temperature
        max_tokens = kwargs.get("max_tokens", self.max_tokens)
        if max_tokens is not None:
            params["ls_max_tokens"] = max_tokens
        stop = stop or kwargs.get("stop") or self.stop
        if stop:
            params["ls_stop"] = stop
        return params

    # ------------------------------------------------------------------ requests

    def _request(self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]) -> ChatRequest:
        request = ChatRequest(
            self.model,
            to_core_messages(messages),
            temperature=self.temperature,
            top_p=self.top_p,
            max_tokens=self.max_tokens,
            stop=self.stop if stop is None else stop,  # a falsy wrong value is checked, not dropped
            seed=self.seed,
            thinking=self.thinking,
            preserve_thinking=self.preserve_thinking,
            web_search=self.web_search,
            extra_body=self.__pydantic_private__["_extra_body"],
            extra_headers=None,
            logprobs=self.logprobs,
            top_logprobs=self.top_logprobs,
            n=self.n,
            stream_usage=self.stream_usage,
        )
        if kwargs:
            apply_call_kwargs(request, kwargs)
        # The constructor's level is a default: a call's own level or thinking=False wins.
        return with_default_effort(request, self.reasoning_effort)

    # ------------------------------------------------------------------ tools and structured output

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | dict[str, Any] | bool | None = None,
        parallel_tool_calls: bool | None = None,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Offer tools to the model.

        Args:
            tools: pydantic models, functions, `BaseTool`s, runnables (`.as_tool()`), or dicts in
                OpenAI function format; `{"type": "web_search", "web_search": {...}}` switches on
                the provider's built-in web search.
            tool_choice: "auto"; "none"; "any" / "required" / True (some tool must be called); or a
                tool's name. Providers that only accept "auto" (the Z.ai family) are never sent
                anything else: "none" sends no tools, a named tool is the only tool offered, and a
                required call that does not come back raises `GLMToolCallRequiredError`.
            parallel_tool_calls: allow several calls in one answer. False is sent where the
                provider has the switch; elsewhere (the Z.ai family, EmpirioLabs) the answer keeps
                its first call, streamed or not (as langgraph-supervisor relies on).
            strict: ask the provider to hold the arguments to the schema (OpenAI `strict`).

        Example:
            >>> llm.bind_tools([get_weather], tool_choice="any").invoke("Weather in Paris?")  # doctest: +SKIP
        """
        formatted = convert_tools(tools, strict=strict)
        choice = normalize_tool_choice(tool_choice, bound_names(formatted))
        if choice not in (None, "none", "auto") and not bound_names(formatted):
            raise ValueError(f"tool_choice={tool_choice!r} needs at least one function tool; none was given")
        if choice is not None:
            kwargs["tool_choice"] = choice
        if parallel_tool_calls is not None:
            kwargs["parallel_tool_calls"] = parallel_tool_calls
        return super().bind(tools=formatted, **kwargs)

    def with_structured_output(
        self,
        schema: dict[str, Any] | type | None = None,
        *,
        method: StructuredMethod = "function_calling",
        include_raw: bool = False,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, dict[str, Any] | Any]:
        """A runnable that answers with objects of `schema`, validated against it.

        Args:
            schema: a pydantic model (v2 or v1), a TypedDict, or a JSON schema / OpenAI function
                dict. Optional only with method="json_mode".
            method: "function_calling" (the schema as the one forced tool), "json_schema"
                (response_format json_schema: native on Cloudflare, vLLM, SGLang, OpenRouter;
                JSON mode plus the schema as an instruction on the Z.ai family), or "json_mode"
                (JSON mode; describe the wanted JSON in the prompt).
            include_raw: return `{"raw": AIMessage, "parsed": ..., "parsing_error": ...}`.
            strict: ask the provider to hold the answer to the schema where it can.

        Example:
            >>> class Person(BaseModel):                                   # doctest: +SKIP
            ...     name: str
            ...     age: int
            >>> llm.with_structured_output(Person).invoke("Ada Lovelace, 36")
            Person(name='Ada Lovelace', age=36)
        """
        if kwargs:
            raise ValueError(f"Received unsupported arguments {kwargs}")
        # Imported here: the output parsers cost import time nobody needs until this is used.
        from langchain_glm.structured import structured_output

        return structured_output(self, schema, method=method, include_raw=include_raw, strict=strict)


_FIELD_NAMES: dict[type, set[str]] = {}


def _field_names(cls: type) -> set[str]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = get_pydantic_field_names(cls)
    return names
