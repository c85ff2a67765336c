"""Structured output, decided once for both frameworks: what each method sends.

| method             | sends                                                                    |
|--------------------|--------------------------------------------------------------------------|
| `function_calling` | the schema as the one tool (`schema_name`), tool_choice naming it (1), and |
|                    | `parallel_tool_calls=False` where the provider has the switch            |
| `json_schema`      | `response_format` json_schema: name, schema, strict (2)                  |
| `json_mode`        | `response_format` json_object; the schema, when known, in an instruction (3) |

(1) where a named tool_choice is refused (the Z.ai family) the dialect offers only that tool, asks
for the call and checks the answer. (2) where json_schema is not native the dialect sends
json_object plus `json_instruction(schema)`. (3) LlamaIndex programs always carry a class, so its
JSON mode states the schema; a LangChain `json_mode` call relies on the prompt, as in
langchain-openai (left as it was: changing it would change what existing callers send).
Every answer is validated against the schema by the adapter.

Example:
    >>> response_format_for("json_schema", {"type": "object"}, "Person Info")
    {'type': 'json_schema', 'json_schema': {'name': 'Person_Info', 'schema': {'type': 'object'}}}
"""

from __future__ import annotations

import json
from typing import Any, Literal

from glm_core.tool_policy import safe_tool_name

__all__ = [
    "STRUCTURED_METHODS",
    "StructuredMethod",
    "check_method",
    "json_instruction",
    "response_format_for",
    "schema_name",
]

StructuredMethod = Literal["function_calling", "json_schema", "json_mode"]
STRUCTURED_METHODS: tuple[StructuredMethod, ...] = ("function_calling", "json_mode", "json_schema")


def check_method(method: str) -> StructuredMethod:
    """`method` when it is a structured-output method; a ValueError listing them otherwise."""
    if method not in STRUCTURED_METHODS:
        raise ValueError(f"method={method!r} is not supported; use one of {', '.join(STRUCTURED_METHODS)}")
    return method


def schema_name(title: str | None) -> str:
    """The tool / json_schema name for a schema title: valid on every provider, "output" for none."""
    return safe_tool_name(title) if title else "output"


def json_instruction(schema: dict[str, Any]) -> str:
    """The system instruction that states a JSON schema (JSON mode, or json_schema where not native)."""
    return "Respond only with a JSON object that conforms to this JSON schema:\n" + json.dumps(
        schema, ensure_ascii=False, sort_keys=True
    )


def response_format_for(
    method: StructuredMethod, schema: dict[str, Any] | None, title: str | None = None, strict: bool | None = None
) -> dict[str, Any]:
    """The `response_format` of a JSON method (`json_mode` never puts the schema in it)."""
    if method == "json_mode":
        return {"type": "json_object"}
    if method != "json_schema" or schema is None:
        raise ValueError(f"method={method!r} needs a schema (a pydantic model, TypedDict or JSON schema)")
    spec: dict[str, Any] = {"name": schema_name(title), "schema": schema}
    if strict is not None:
        spec["strict"] = strict
    return {"type": "json_schema", "json_schema": spec}
