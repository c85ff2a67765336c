"""GLM-5.2 / GLM-5.3 sending an object or array argument as a string of JSON.

Reported on Z.ai with GLM-5.3 (pydantic-ai#10243) and on vLLM's `glm47` tool parser with GLM-5.2
(NVIDIA-NeMo/Gym#2868, vllm#46924: a bare-`$ref` property came back as `{"request": "{\\"code\\":
...}"}`): when a property's schema is a `$ref` into `$defs`, the model writes that argument as a
JSON string. `Shape.stringified_arguments` picks the behaviour:
- "refs": top-level arguments whose property schema is a `$ref` are sent as strings (what the
  reports show; the default for Z.ai and vLLM on GLM-5.2 / GLM-5.3);
- "all": every top-level object or array argument is (a harsher variant for tests);
- "off": arguments are sent as they are.
"""

from __future__ import annotations

import json
from typing import Any, Literal

__all__ = ["StringifiedArguments", "stringifies", "stringify_arguments"]

StringifiedArguments = Literal["provider", "refs", "all", "off"]


def stringifies(model: str) -> bool:
    """The models the reports name: GLM-5.2 and GLM-5.3 (any provider spelling of the id)."""
    name = model.rsplit("/", 1)[-1].replace("glm-5-", "glm-5.")
    return name.startswith(("glm-5.2", "glm-5.3"))


def _tool_parameters(body: dict[str, Any], name: str) -> dict[str, Any] | None:
    for tool in body.get("tools") or ():
        function = tool.get("function") if isinstance(tool, dict) else None
        if isinstance(function, dict) and function.get("name") == name:
            parameters = function.get("parameters")
            return parameters if isinstance(parameters, dict) else None
    return None


def _container(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    kind = schema.get("type")
    kinds = {kind} if isinstance(kind, str) else set(kind) if isinstance(kind, list) else set()
    return bool(kinds & {"object", "array"}) or "properties" in schema or "items" in schema


def stringify_arguments(arguments: str, body: dict[str, Any], name: str, mode: str) -> str:
    """`arguments` (JSON text) with the chosen top-level values turned into JSON strings."""
    parameters = _tool_parameters(body, name)
    properties = parameters.get("properties") if parameters else None
    try:
        value = json.loads(arguments)
    except ValueError:
        return arguments
    if not isinstance(properties, dict) or not isinstance(value, dict):
        return arguments
    changed = False
    for key, item in value.items():
        schema = properties.get(key)
        chosen = isinstance(schema, dict) and "$ref" in schema if mode == "refs" else _container(schema)
        if chosen and isinstance(item, dict | list):
            value[key] = json.dumps(item, ensure_ascii=False)
            changed = True
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) if changed else arguments
