"""The call options both adapters share: tool_choice spellings, the extra_body rule, timeout, structured."""

from __future__ import annotations

from typing import Any

import pytest

from glm_core.options import apply_options, parse_tool_choice, resolve_timeout
from glm_core.structured import check_method, json_instruction, response_format_for
from glm_core.types import ChatRequest, NamedToolChoice, ToolSpec


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (False, None),
        (True, "required"),
        ("any", "required"),
        ({"type": "any"}, "required"),
        ("required", "required"),
        ("auto", "auto"),
        ({"type": "none"}, "none"),
        ("add", NamedToolChoice("add")),
        ({"type": "function", "function": {"name": "add"}}, NamedToolChoice("add")),
        ({"type": "tool", "name": "add"}, NamedToolChoice("add")),
        ({"name": "add"}, NamedToolChoice("add")),
        (NamedToolChoice("add"), NamedToolChoice("add")),
    ],
)
def test_every_tool_choice_spelling(value: Any, expected: Any) -> None:
    assert parse_tool_choice(value) == expected


@pytest.mark.parametrize("value", [{"type": "function"}, 3, "", {"function": {"name": ""}}])
def test_a_tool_choice_naming_nothing_is_refused(value: Any) -> None:
    with pytest.raises(ValueError, match="not understood"):
        parse_tool_choice(value)


def test_a_named_choice_must_be_bound_when_the_bound_tools_are_known() -> None:
    with pytest.raises(ValueError, match=r"'mul', which is not among the bound tools \(add\)"):
        parse_tool_choice("mul", ["add"])


def _specs(tools: Any) -> tuple[list[ToolSpec] | None, dict[str, Any] | None]:
    return [ToolSpec(name=t, description="", parameters={}) for t in tools], None


def test_options_set_fields_and_the_rest_goes_to_the_body_explicit_extra_body_winning() -> None:
    shared = {"a": 1}
    request = ChatRequest("glm-4.7-flash", [], extra_body=shared)
    apply_options(
        request,
        {"extra_body": {"b": "explicit"}, "b": "loose", "temperature": 0.3, "stop": "END", "stream": True},
    )
    assert request.extra_body == {"a": 1, "b": "explicit"}
    assert shared == {"a": 1}  # an LLM's own extra_body is never written to
    assert (request.temperature, request.stop) == (0.3, ["END"])


def test_tools_go_through_the_framework_converter_and_tool_choice_through_the_parser() -> None:
    request = ChatRequest("glm-4.7-flash", [])
    apply_options(request, {"tools": ["add"], "tool_choice": "any", "model": "glm-4.7"}, _specs)
    assert [t.name for t in request.tools or []] == ["add"]
    assert (request.tool_choice, request.model) == ("required", "glm-4.7")


def test_timeout_none_is_the_default_everywhere() -> None:
    assert resolve_timeout(None) == 600.0
    assert resolve_timeout(5) == 5


def test_structured_methods_and_their_response_formats() -> None:
    assert check_method("json_mode") == "json_mode"
    with pytest.raises(ValueError, match="use one of function_calling, json_mode, json_schema"):
        check_method("xml")
    assert response_format_for("json_mode", {"type": "object"}) == {"type": "json_object"}
    spec = response_format_for("json_schema", {"type": "object"}, "人物 Info", strict=True)["json_schema"]
    assert spec["strict"] is True and spec["name"] and " " not in spec["name"]
    assert json_instruction({"b": 1, "a": 2}).endswith('{"a": 2, "b": 1}')
