"""Per-provider request validation: what each provider rejects, and with which status and body
(providers.md §1.3-§1.6, §2.2, §3, §4, §5, §6).

`validate(...)` returns the model id the answer echoes, or raises `WireError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from glm_core.testing.checks import (
    Invalid,
    check_bool,
    check_int,
    check_messages,
    check_number,
    check_response_format,
    check_stop,
    check_tool_choice,
    check_tools,
)
from glm_core.testing.errors import WireError, provider_error
from glm_core.testing.facts import ProviderFacts
from glm_core.testing.model_facts import ServedModel
from glm_core.testing.model_facts import served_model as facts_of_model
from glm_core.testing.model_rules import check_model_rules
from glm_core.testing.published import schema_error
from glm_core.testing.vision import check_vision_request

__all__ = ["validate"]

_ZAI_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_ZAI_ROLES = ("system", "user", "assistant", "tool")
_OPENAI_ROLES = ("system", "developer", "user", "assistant", "tool")
_ALL_CHOICES = ("none", "auto", "required", "named")
_RECENCY = ("oneDay", "oneWeek", "oneMonth", "oneYear", "noLimit")
# Z.ai documents one engine; BigModel lists its own (providers.md §9.8).
_ENGINES = {
    "zai": ("search_pro_jina",),
    "zai_coding": ("search_pro_jina",),
    "bigmodel": ("search_std", "search_pro", "search_pro_sogou", "search_pro_quark", "search_pro_jina"),
}


def _zai_web_search(facts: ProviderFacts, body: dict[str, Any]) -> None:
    for tool in body.get("tools") or ():
        if tool.get("type") != "web_search":
            continue
        ws = tool.get("web_search")
        if not isinstance(ws, dict):
            raise Invalid("tools[].web_search must be an object", param="tools")
        engine = ws.get("search_engine")
        if engine not in _ENGINES.get(facts.id, _ENGINES["zai"]):
            raise Invalid(f"web_search.search_engine {engine!r} is not supported", param="tools")
        check_int(ws, "count", 1, 50)
        if ws.get("search_recency_filter") not in (None, *_RECENCY):
            raise Invalid("web_search.search_recency_filter is invalid", param="tools")
        if ws.get("content_size") not in (None, "medium", "high"):
            raise Invalid("web_search.content_size must be medium or high", param="tools")
        for key in ("enable", "search_result", "require_search"):
            check_bool(ws, key)


def _zai(facts: ProviderFacts, body: dict[str, Any], **_: Any) -> str:
    model = body.get("model")
    if model is None:
        raise provider_error(facts, code="1213", field="model", detail="model is required")
    if model not in facts.models:
        raise provider_error(facts, code="1211", detail=f"unknown model {model!r}")
    try:
        messages = check_messages(body, _ZAI_ROLES)
    except Invalid as e:
        code = "1213" if e.kind == "missing" else "1214"
        raise provider_error(facts, code=code, field="messages", detail=e.detail) from None
    first = next((m["role"] for m in messages if m["role"] != "system"), None)
    if first is None:
        raise provider_error(
            facts, code="1214", field="messages", detail="messages must not consist only of system messages"
        )
    if first != "user":
        raise provider_error(
            facts,
            code="1214",
            message="Incorrect role information",
            detail=f"the first non-system message is {first!r}, not 'user'",
        )
    try:
        check_number(body, "temperature", 0.0, 1.0)
        check_number(body, "top_p", 0.01, 1.0)
        check_int(body, "max_tokens", 1, 131072)
        for key in ("stream", "do_sample", "tool_stream"):
            check_bool(body, key)
        check_stop(body, 1, array_only=True)
        names = check_tools(body, max_tools=128, name_pattern=_ZAI_NAME, types=("function", "retrieval", "web_search"))
        _zai_web_search(facts, body)
        check_tool_choice(body, ("auto",), names)
        check_response_format(body, ("text", "json_object"))
        thinking = body.get("thinking")
        if thinking is not None:
            if not isinstance(thinking, dict) or thinking.get("type", "enabled") not in ("enabled", "disabled"):
                raise Invalid("thinking.type must be 'enabled' or 'disabled'", param="thinking")
            check_bool(thinking, "clear_thinking")
        user_id = body.get("user_id")
        if user_id is not None and not (isinstance(user_id, str) and 6 <= len(user_id) <= 128):
            raise Invalid("user_id must be a string of 6-128 characters", param="user_id")
        if body.get("request_id") is not None and not isinstance(body.get("request_id"), str):
            raise Invalid("request_id must be a string", param="request_id")
    except Invalid as e:
        raise provider_error(facts, code="1210", detail=e.detail) from None
    return str(model)


def _cloudflare(facts: ProviderFacts, body: dict[str, Any], *, path_model: str | None, **_: Any) -> str:
    model = path_model if path_model is not None else body.get("model")  # native: the path names it
    if not isinstance(model, str):
        raise provider_error(
            facts, code=5006, field="required properties at '/' are 'model'", detail="model is required on /ai/v1"
        )
    if model not in facts.models:
        if model.startswith(("@cf/", "@hf/")):
            raise provider_error(facts, code=5007, field=model, detail=f"unknown model {model!r}")
        raise provider_error(facts, code=3042, detail=f"invalid model name {model!r}")
    try:
        has_prompt, has_messages = "prompt" in body, "messages" in body
        if path_model is not None and has_prompt == has_messages:
            raise Invalid(
                "required properties at '/' are 'prompt', required properties at '/' are 'messages'"
                if not has_prompt
                else "exactly one of prompt or messages is allowed"
            )
        if has_prompt and not (isinstance(body["prompt"], str) and body["prompt"]):
            raise Invalid("at '/prompt' must be a string of at least 1 character")
        if not has_prompt or has_messages:
            check_messages(body, _OPENAI_ROLES)
        check_number(body, "temperature", 0.0, 2.0)
        check_number(body, "top_p", 0.0, 1.0)
        check_number(body, "frequency_penalty", -2.0, 2.0)
        check_number(body, "presence_penalty", -2.0, 2.0)
        check_int(body, "max_completion_tokens", 1, None)
        check_int(body, "max_tokens", 1, None)
        check_int(body, "n", 1, 128)
        check_int(body, "top_logprobs", 0, 20)
        check_bool(body, "stream")
        check_stop(body, 4)
        names = check_tools(body, types=("function", "custom"))
        check_tool_choice(body, _ALL_CHOICES, names)
        check_response_format(body, ("text", "json_object", "json_schema"))
        kwargs = body.get("chat_template_kwargs")
        if kwargs is not None:
            if not isinstance(kwargs, dict):
                raise Invalid("at '/chat_template_kwargs' must be object")
            check_bool(kwargs, "enable_thinking")
            check_bool(kwargs, "clear_thinking")
    except Invalid as e:
        raise provider_error(facts, code=5006, field=e.detail, detail=e.detail) from None
    return model


def _openai_like(
    facts: ProviderFacts,
    body: dict[str, Any],
    *,
    roles: tuple[str, ...],
    rules: Callable[[dict[str, Any], list[str]], None],
    model_error: Callable[[str], WireError],
    served_model: str,
    path: str,
) -> str:
    models = facts.models or (served_model,)
    model = body.get("model")
    if not isinstance(model, str) or model not in models:
        raise model_error(str(model))
    try:
        check_messages(body, roles)
        check_bool(body, "stream")
        names = check_tools(body)
        rules(body, names)
    except Invalid as e:
        message = "Body validation error!" if facts.family == "aimlapi" else e.detail
        raise provider_error(facts, 400, message=message, param=e.param, path=path, detail=e.detail) from None
    # AI/ML echoes the upstream Z.ai id (its example shows "glm-4.7").
    return model.removeprefix("zhipu/") if facts.family == "aimlapi" else model


def _aimlapi_rules(body: dict[str, Any], names: list[str]) -> None:
    check_number(body, "temperature", 0.0, 2.0)  # its zhipu/glm-5-3 and glm-5.2 schemas (AIML)
    check_number(body, "top_p", 0.01, 1.0)
    check_number(body, "frequency_penalty", -2.0, 2.0)
    check_number(body, "presence_penalty", -2.0, 2.0)
    check_int(body, "max_completion_tokens", 1, None)
    check_int(body, "max_tokens", 1, None)
    check_int(body, "n", 1, None)
    check_stop(body, 4)  # OpenAI's schema, which AI/ML API follows (providers.md §6)
    check_tool_choice(body, _ALL_CHOICES, names)
    check_response_format(body, ("text", "json_object", "json_schema"))


def _empiriolabs_rules(body: dict[str, Any], names: list[str]) -> None:
    check_number(body, "temperature", 0.0, 1.0)
    check_number(body, "top_p", 0.01, 1.0)
    check_int(body, "max_tokens", 1, 131072)
    check_stop(body, 4)
    check_tool_choice(body, ("auto",), names)
    check_response_format(body, ("text", "json_object"))
    for key in ("enable_thinking", "tool_web_search", "search_result", "do_sample", "tool_stream"):
        check_bool(body, key)
    check_int(body, "count", 1, 50)
    if body.get("search_recency_filter") not in (None, *_RECENCY):
        raise Invalid("search_recency_filter is invalid", param="search_recency_filter")
    thinking = body.get("thinking")
    if thinking is not None and not (isinstance(thinking, dict) and thinking.get("type") in ("enabled", "disabled")):
        raise Invalid("thinking.type must be 'enabled' or 'disabled'", param="thinking")


def _openrouter_rules(body: dict[str, Any], names: list[str]) -> None:
    for key in ("temperature", "top_p", "frequency_penalty", "presence_penalty"):
        check_number(body, key, None, None)
    check_int(body, "max_tokens", 1, None)
    check_int(body, "max_completion_tokens", 1, None)
    check_stop(body, None)
    # The emulated upstream is Z.AI ("provider": "Z.AI"), which refuses a forced choice
    # (real-traffic.md: "Tool choice must be auto", vectorize-io/hindsight#4246).
    if body.get("tool_choice") not in (None, "auto"):
        raise Invalid("Tool choice must be auto", param="tool_choice")
    check_response_format(body, ("text", "json_object", "json_schema"))
    reasoning = body.get("reasoning")
    if reasoning is not None and not isinstance(reasoning, dict):
        raise Invalid("reasoning must be an object", param="reasoning")


def _selfhosted_rules(body: dict[str, Any], names: list[str]) -> None:
    check_number(body, "temperature", 0.0, None)
    check_number(body, "top_p", 0.0, 1.0, lo_open=True)
    check_int(body, "max_tokens", 1, None)
    check_int(body, "max_completion_tokens", 1, None)
    check_int(body, "n", 1, None)
    check_stop(body, None)
    check_tool_choice(body, _ALL_CHOICES, names)
    check_response_format(body, ("text", "json_object", "json_schema", "structural_tag"))
    kwargs = body.get("chat_template_kwargs")
    if kwargs is not None and not isinstance(kwargs, dict):
        raise Invalid("chat_template_kwargs must be an object", param="chat_template_kwargs")


_RULES: dict[str, Callable[[dict[str, Any], list[str]], None]] = {
    "aimlapi": _aimlapi_rules,
    "empiriolabs": _empiriolabs_rules,
    "openrouter": _openrouter_rules,
    "vllm": _selfhosted_rules,
    "sglang": _selfhosted_rules,
}


def _model_error(facts: ProviderFacts, path: str) -> Callable[[str], WireError]:
    def make(model: str) -> WireError:
        detail = f"unknown model {model!r}"
        family = facts.family
        if family == "aimlapi":
            return provider_error(facts, 400, path=path, detail=detail)
        if family == "openrouter":
            return provider_error(facts, 400, message=f"{model} is not a valid model ID", detail=detail)
        if family == "empiriolabs":
            return provider_error(
                facts,
                404,
                message=f"The model {model} does not exist",
                param="model",
                openai_code="model_not_found",
                detail=detail,
            )
        return provider_error(facts, 404, message=f"The model `{model}` does not exist.", param="model", detail=detail)

    return make


def validate(
    facts: ProviderFacts,
    body: dict[str, Any],
    *,
    path_model: str | None = None,
    served_model: str = "",
    path: str = "",
) -> str:
    """Check a parsed request body the way `facts.id` does; return the model id to echo."""
    if facts.family == "zai":
        model = _zai(facts, body)
    elif facts.family == "cloudflare":
        model = _cloudflare(facts, body, path_model=path_model)
    else:
        roles = ("system", "user", "assistant", "tool") if facts.family == "aimlapi" else _OPENAI_ROLES
        model = _openai_like(
            facts,
            body,
            roles=roles,
            rules=_RULES[facts.family],
            model_error=_model_error(facts, path),
            served_model=served_model,
            path=path,
        )
    # Images, videos and files: part shapes per provider, counts and input kinds per model.
    served = facts_of_model(facts, path_model or str(body.get("model")))
    check_vision_request(facts, body, served)
    # The provider's published request schema (schemas/*.json), where one is vendored.
    _check_published(facts, body, path_model or str(body.get("model")), served, path)
    # What the model itself refuses (always-on thinking, effort levels, limits): model_facts.py.
    check_model_rules(facts, body, path_model or str(body.get("model")), path=path)
    return model


def _check_published(facts: ProviderFacts, body: dict[str, Any], model: str, served: ServedModel, path: str) -> None:
    vision = "image" in served.inputs and served.known
    checked = body
    if facts.family == "zai" and vision and served.tools:
        # The vision schema lists system/user/assistant only, yet documents function tools on these
        # models; tool results are accepted there (UNCERTAIN_CHOICES), so they are not checked.
        checked = {**body, "messages": [_without_tool_turns(m) for m in body.get("messages") or () if _not_tool(m)]}
    detail = schema_error(facts, checked, model, vision=vision)
    if detail is None:
        return
    if facts.family == "zai":
        raise provider_error(facts, code="1210", detail=detail)
    if facts.family == "cloudflare":
        raise provider_error(facts, code=5006, field=detail, detail=detail)
    message = "Body validation error!" if facts.family == "aimlapi" else detail
    raise provider_error(facts, 400, message=message, path=path, detail=detail)


def _not_tool(message: Any) -> bool:
    return not (isinstance(message, dict) and message.get("role") == "tool")


def _without_tool_turns(message: Any) -> Any:
    if isinstance(message, dict) and "tool_calls" in message:
        return {k: v for k, v in message.items() if k != "tool_calls"}
    return message
