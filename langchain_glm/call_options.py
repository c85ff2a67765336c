"""Per-call (and `bind`) keyword arguments of ChatGLM, applied to a canonical `ChatRequest`.

`llm.invoke(..., temperature=0.2)`, `llm.bind(thinking=False)`, the `tools` / `tool_choice` that
`bind_tools` binds, `response_format` from `with_structured_output`: each lands on the request
field of the same meaning. Anything else goes into the request body, as in langchain-openai.

Example:
    >>> request = ChatRequest("glm-4.7-flash", [])
    >>> apply_call_kwargs(request, {"model": "glm-4.7", "user_id": "u-123456"})
    >>> request.model, request.extra_body
    ('glm-4.7', {'user_id': 'u-123456'})
"""

from __future__ import annotations

from typing import Any

from glm_core.types import ChatRequest
from langchain_glm.tools import core_tool_choice, tool_specs

__all__ = ["apply_call_kwargs"]

# Per-call keyword arguments that map onto ChatRequest fields of the same name.
_REQUEST_FIELDS = (
    "temperature",
    "top_p",
    "max_tokens",
    "seed",
    "thinking",
    "preserve_thinking",
    "reasoning_effort",
    "web_search",
    "parallel_tool_calls",
    "response_format",
    "logprobs",
    "top_logprobs",
    "n",
)
# Keyword arguments LangChain itself may pass down; never sent.
_IGNORED_KWARGS = frozenset({"stream", "stream_usage", "ls_structured_output_format", "structured_output_format"})


def apply_call_kwargs(request: ChatRequest, kwargs: dict[str, Any]) -> None:
    """Per-call (and `bind`) keyword arguments onto the request; unknown ones go in the body."""
    kwargs = dict(kwargs)
    model = kwargs.pop("model", None)
    if model:
        request.model = model
    stop = kwargs.pop("stop", None)
    if stop is not None:
        # "END" is one sequence; anything else that is not a list is left to the core's check.
        request.stop = [stop] if isinstance(stop, str) else list(stop) if isinstance(stop, tuple) else stop
    for name in _REQUEST_FIELDS:
        if name in kwargs:
            setattr(request, name, kwargs.pop(name))
    tools = kwargs.pop("tools", None)
    if tools:
        specs, web_search = tool_specs(tools)
        request.tools = specs or None
        if web_search is not None and not request.web_search:
            request.web_search = web_search or True
    choice = kwargs.pop("tool_choice", None)
    if choice is not None:
        request.tool_choice = core_tool_choice(choice)
    extra_headers = kwargs.pop("extra_headers", None)
    if extra_headers:
        request.extra_headers = dict(extra_headers)
    extra_body = kwargs.pop("extra_body", None)
    for name in _IGNORED_KWARGS:
        kwargs.pop(name, None)
    if extra_body or kwargs:
        request.extra_body = {**(request.extra_body or {}), **kwargs, **(extra_body or {})}
