"""Per-call (and `bind`) keyword arguments of ChatGLM, applied to a canonical `ChatRequest`.

`llm.invoke(..., temperature=0.2)`, `llm.bind(thinking=False)`, the `tools` / `tool_choice` that
`bind_tools` binds, `response_format` from `with_structured_output`: each lands on the request
field of the same meaning (`glm_core.options.apply_options`, shared with LlamaIndex). Anything
else goes into the request body, as in langchain-openai.

Example:
    >>> request = ChatRequest("glm-4.7-flash", [])
    >>> apply_call_kwargs(request, {"model": "glm-4.7", "user_id": "u-123456"})
    >>> request.model, request.extra_body
    ('glm-4.7', {'user_id': 'u-123456'})
"""

from __future__ import annotations

from typing import Any

from glm_core.options import apply_options
from glm_core.types import ChatRequest
from langchain_glm.tools import tool_specs

__all__ = ["apply_call_kwargs"]


def apply_call_kwargs(request: ChatRequest, kwargs: dict[str, Any]) -> None:
    """Per-call (and `bind`) keyword arguments onto the request; unknown ones go in the body."""
    apply_options(request, kwargs, tool_specs)
