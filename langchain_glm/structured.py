"""`with_structured_output` for ChatGLM: function calling, JSON mode or JSON schema.

- function_calling: the schema becomes the one tool, and tool_choice names it. Providers that
  accept a named tool_choice enforce it; on the Z.ai family (only "auto") glm_core offers just that
  tool, asks for the call and raises `GLMToolCallRequiredError` if none comes back.
- json_schema: `response_format` json_schema; native on Cloudflare / vLLM / SGLang / OpenRouter,
  JSON mode plus the schema as an instruction elsewhere (done by glm_core).
- json_mode: `response_format` json_object; as in LangChain generally, the prompt must describe
  the JSON wanted (the schema only parses and validates the answer).

Every answer is validated against the schema, whatever the method and provider: pydantic
models validate themselves, TypedDicts and JSON schemas are checked by `schema_validation`.
Streaming yields partial objects as they arrive, and checks the last one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

from langchain_core.exceptions import OutputParserException
from langchain_core.messages import AIMessage
from langchain_core.output_parsers import JsonOutputParser, PydanticOutputParser
from langchain_core.output_parsers.openai_tools import JsonOutputKeyToolsParser, PydanticToolsParser
from langchain_core.runnables import Runnable, RunnableConfig, RunnableGenerator, RunnableLambda, RunnablePassthrough
from langchain_core.utils.function_calling import convert_to_json_schema, convert_to_openai_tool
from langchain_core.utils.pydantic import is_basemodel_subclass

from glm_core.structured import StructuredMethod, check_method, response_format_for, schema_name
from langchain_glm.errors import GLMRefusalError, GLMToolCallRequiredError
from langchain_glm.schema_validation import schema_errors

if TYPE_CHECKING:
    from langchain_core.language_models import LanguageModelInput

    from langchain_glm.chat_models import ChatGLM

__all__ = ["StructuredMethod", "structured_output"]


class _SchemaCheck:
    """Passes parsed objects through and checks the last one: present (when a tool call was
    required) and valid for the JSON schema (when one is given)."""

    __slots__ = ("required", "schema")

    def __init__(self, schema: dict[str, Any] | None, required: str | None) -> None:
        self.schema = schema
        self.required = required

    def _check(self, value: Any) -> None:
        if value is None:
            if self.required is not None:
                raise OutputParserException(f"the model answered without calling the {self.required!r} tool")
            return
        errors = schema_errors(self.schema, value) if self.schema is not None else []
        if errors:
            raise OutputParserException(
                "the model's answer does not match the schema: " + "; ".join(errors),
                llm_output=repr(value)[:2000],
            )

    def stream(self, values: Iterator[Any]) -> Iterator[Any]:
        last: Any = None
        for value in values:
            last = value
            yield value
        self._check(last)

    async def astream(self, values: AsyncIterator[Any]) -> AsyncIterator[Any]:
        last: Any = None
        async for value in values:
            last = value
            yield value
        self._check(last)


def _json_schema(schema: Any) -> dict[str, Any]:
    if isinstance(schema, dict) and "function" in schema and schema.get("type") == "function":
        return dict(schema["function"].get("parameters") or {})
    if isinstance(schema, dict) and "name" in schema and "parameters" in schema:
        return dict(schema["parameters"])
    return convert_to_json_schema(schema)


def _checked(parser: Runnable[Any, Any], schema: Any, is_pydantic: bool, required: str | None) -> Runnable[Any, Any]:
    json_schema = None if is_pydantic or schema is None else _json_schema(schema)
    if json_schema is None and required is None:
        return parser
    check = _SchemaCheck(json_schema, required)
    return parser | RunnableGenerator(check.stream, check.astream, name="SchemaCheck")


def _with_raw(bound: Runnable[Any, Any], parser: Runnable[Any, Any], llm: ChatGLM) -> Runnable[Any, Any]:
    """`{"raw", "parsed", "parsing_error"}`; a tool call that was required but did not come back
    (checked, not forced, on the Z.ai family) is a parsing error too, with the answer as `raw`."""

    def raw(value: Any, config: RunnableConfig) -> dict[str, Any]:
        try:
            return {"raw": bound.invoke(value, config)}
        except GLMToolCallRequiredError as error:
            return _missing_call(error, llm)

    async def araw(value: Any, config: RunnableConfig) -> dict[str, Any]:
        try:
            return {"raw": await bound.ainvoke(value, config)}
        except GLMToolCallRequiredError as error:
            return _missing_call(error, llm)

    def parse(values: dict[str, Any], config: RunnableConfig) -> Any:
        if "error" in values:
            raise values["error"]
        return parser.invoke(values["raw"], config)

    async def aparse(values: dict[str, Any], config: RunnableConfig) -> Any:
        if "error" in values:
            raise values["error"]
        return await parser.ainvoke(values["raw"], config)

    parsed = RunnablePassthrough.assign(parsed=RunnableLambda(parse, aparse), parsing_error=lambda _: None)
    on_error = RunnablePassthrough.assign(parsed=lambda _: None)
    return (
        RunnableLambda(raw, araw, name="raw")
        | parsed.with_fallbacks([on_error], exception_key="parsing_error")
        | RunnableLambda(_public_keys)
    )


def _missing_call(error: GLMToolCallRequiredError, llm: ChatGLM) -> dict[str, Any]:
    from langchain_glm.messages import to_ai_message

    message = to_ai_message(error.response, llm.model, llm.provider) if error.response else AIMessage("")
    return {"raw": message, "error": error}


def _refused(message: Any) -> None:
    text = getattr(message, "additional_kwargs", {}).get("refusal")
    if isinstance(text, str):
        error = GLMRefusalError(f"{text}; nothing to parse. Rephrase the request.")
        error.raw_message = message
        raise error


def _refusals(messages: Iterator[Any]) -> Iterator[Any]:
    """Passes the answer (or its chunks) on; a refused answer raises `GLMRefusalError` (also
    langchain-core's `ModelRefusalError`) instead of a JSON parsing error."""
    for message in messages:
        _refused(message)
        yield message


async def _arefusals(messages: AsyncIterator[Any]) -> AsyncIterator[Any]:
    async for message in messages:
        _refused(message)
        yield message


def _public_keys(values: dict[str, Any]) -> dict[str, Any]:
    return {"raw": values["raw"], "parsed": values["parsed"], "parsing_error": values["parsing_error"]}


def structured_output(
    llm: ChatGLM,
    schema: Any,
    *,
    method: str,
    include_raw: bool,
    strict: bool | None,
) -> Runnable[LanguageModelInput, Any]:
    """The runnable behind `ChatGLM.with_structured_output` (see its docstring)."""
    check_method(method)
    is_pydantic = isinstance(schema, type) and is_basemodel_subclass(schema)
    parser: Runnable[Any, Any]
    name: str | None = None
    if method == "function_calling":
        if schema is None:
            raise ValueError("method='function_calling' needs a schema (a pydantic model, TypedDict or JSON schema)")
        tool = convert_to_openai_tool(schema, strict=strict)
        title = tool["function"]["name"]
        # The tool name is ours to choose: a title like "Person Info" or "人物" is made valid.
        name = schema_name(title)
        if name != title:
            tool = {**tool, "function": {**tool["function"], "name": name}}
        bind_kwargs: dict[str, Any] = {"parallel_tool_calls": False}
        bound = llm.bind_tools(
            [schema if name == title else tool],
            tool_choice=name,
            strict=strict,
            ls_structured_output_format={"kwargs": {"method": method, "strict": strict}, "schema": tool},
            **bind_kwargs,
        )
        if is_pydantic and name == title:
            parser = PydanticToolsParser(tools=[schema], first_tool_only=True)
        elif is_pydantic:
            parser = JsonOutputKeyToolsParser(key_name=name, first_tool_only=True) | _pydantic(schema)
        else:
            parser = JsonOutputKeyToolsParser(key_name=name, first_tool_only=True)
    else:
        json_schema = None if method == "json_mode" or schema is None else _json_schema(schema)
        bind_kwargs = {"response_format": response_format_for(method, json_schema, _title(schema), strict)}
        if schema is not None:
            ls_kwargs = {"method": method, "strict": strict} if method == "json_schema" else {"method": method}
            bind_kwargs["ls_structured_output_format"] = {"kwargs": ls_kwargs, "schema": schema}
        bound = llm.bind(**bind_kwargs)
        parser = PydanticOutputParser(pydantic_object=schema) if is_pydantic else JsonOutputParser()
    parser = _checked(parser, schema, is_pydantic, name if method == "function_calling" else None)
    parser = RunnableGenerator(_refusals, _arefusals, name="RefusalCheck") | parser
    if not include_raw:
        return bound | parser
    return _with_raw(bound, parser, llm)


def _pydantic(schema: Any) -> Runnable[Any, Any]:
    """Validates the (first) tool call's arguments into `schema`; a partial object while streaming."""

    def validate(value: Any) -> Any:
        if value is None:
            return None
        try:
            return schema.model_validate(value) if hasattr(schema, "model_validate") else schema.parse_obj(value)
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            raise OutputParserException(str(exc), llm_output=repr(value)[:2000]) from exc

    return RunnableLambda(validate, name="ValidateSchema")


def _title(schema: Any) -> str | None:
    if isinstance(schema, type):
        return schema.__name__
    if isinstance(schema, dict):
        function = schema.get("function") if schema.get("type") == "function" else schema
        if isinstance(function, dict):
            name = function.get("name") or function.get("title")
            if isinstance(name, str) and name:
                return name
    return None
