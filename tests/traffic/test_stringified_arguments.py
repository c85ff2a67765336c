"""GLM-5.2 / GLM-5.3 answering nested tool arguments as strings of JSON (user reports #1 and #2:
pydantic-ai#10243, NVIDIA-NeMo/Gym#2868, vllm#46924), through GLMClient, ChatGLM and GLM, sync and
async, streamed and not: `$defs` are inlined before sending, and what still arrives stringified is
parsed back before the user sees it, where the schema says object or array, never string."""

# No `from __future__ import annotations`: LangChain's @tool and LlamaIndex's FunctionTool read
# the real annotations of `record`.
import asyncio
import json
from typing import Any

import pytest
from langchain_core.messages import AIMessageChunk
from langchain_core.tools import tool
from llama_index.core.llms import ChatMessage
from llama_index.core.prompts import PromptTemplate
from llama_index.core.tools import FunctionTool
from pydantic import BaseModel

from glm_core import ChatRequest, ToolSpec, UserMessage
from glm_core.testing import Emulator, Reply, ToolCallSpec
from tests.traffic.helpers import KEY, chat_glm, clients, glm

MODEL = "glm-5.3"


class Address(BaseModel):
    city: str
    country: str


class Person(BaseModel):
    """A person and where they live."""

    name: str
    home: Address
    past: list[Address] = []


def record(person: Person) -> str:
    """Record a person."""
    return person.name


HOME = {"city": "Paris", "country": "FR"}
ADA = {"name": "Ada", "home": HOME, "past": [HOME]}
# The model sends the nested object as a string, and inside it the nested address again.
STRINGIFIED = Reply(
    tool_calls=[ToolCallSpec("record", {"person": json.dumps({**ADA, "home": json.dumps(HOME)})}, id="call_1")],
    tool_stream_fragments=5,
)


class RecordArguments(BaseModel):
    person: Person


RECORD_TOOL = ToolSpec("record", "Record a person.", RecordArguments.model_json_schema())


def _core_calls(emu: Emulator) -> list[dict[str, Any]]:
    """GLMClient and AsyncGLMClient, chat and stream: the arguments each returned."""
    sync, asyn = clients(emu)
    request = lambda: ChatRequest(MODEL, [UserMessage("Record Ada")], tools=[RECORD_TOOL])  # noqa: E731
    got = [json.loads(sync.chat(request()).tool_calls[0].arguments)]
    with sync.stream(request()) as stream:
        pieces = [d.arguments for c in stream for d in c.tool_calls or ()]
    got.append(json.loads("".join(pieces)))
    got.append(json.loads(stream.response.tool_calls[0].arguments))

    async def run() -> None:
        got.append(json.loads((await asyn.chat(request())).tool_calls[0].arguments))
        async with asyn.stream(request()) as astream:
            apieces = [d.arguments async for c in astream for d in c.tool_calls or ()]
        got.append(json.loads("".join(apieces)))

    asyncio.run(run())
    return got


@pytest.mark.parametrize("provider", ["zai", "vllm"])
def test_the_core_parses_stringified_objects_back_streamed_or_not(provider: str) -> None:
    emu = Emulator(provider, api_key=KEY, served_model=MODEL)
    emu.queue(*[STRINGIFIED] * 4)
    for arguments in _core_calls(emu):
        assert arguments == {"person": ADA}


@pytest.mark.parametrize("provider", ["zai", "vllm"])
async def test_langchain_tool_calls_arrive_as_objects_streamed_or_not(provider: str) -> None:
    emu = Emulator(provider, api_key=KEY, served_model=MODEL)
    llm = chat_glm(emu, model=MODEL).bind_tools([tool(record)])
    emu.queue(*[STRINGIFIED] * 4)
    assert llm.invoke("Record Ada").tool_calls[0]["args"] == {"person": ADA}
    assert (await llm.ainvoke("Record Ada")).tool_calls[0]["args"] == {"person": ADA}
    streamed: Any = None
    for chunk in llm.stream("Record Ada"):
        streamed = chunk if streamed is None else streamed + chunk
    assert isinstance(streamed, AIMessageChunk) and streamed.tool_calls[0]["args"] == {"person": ADA}
    assert not streamed.invalid_tool_calls
    astreamed: Any = None
    async for chunk in llm.astream("Record Ada"):
        astreamed = chunk if astreamed is None else astreamed + chunk
    assert astreamed.tool_calls[0]["args"] == {"person": ADA}


@pytest.mark.parametrize("provider", ["zai", "vllm"])
async def test_llama_index_tool_kwargs_arrive_as_objects_streamed_or_not(provider: str) -> None:
    emu = Emulator(provider, api_key=KEY, served_model=MODEL)
    llm = glm(emu, model=MODEL)
    tools = [FunctionTool.from_defaults(record)]
    emu.queue(*[STRINGIFIED] * 4)
    answers = [
        llm.chat_with_tools(tools, user_msg="Record Ada"),
        await llm.achat_with_tools(tools, user_msg="Record Ada"),
        list(llm.stream_chat_with_tools(tools, user_msg="Record Ada"))[-1],
        [r async for r in await llm.astream_chat_with_tools(tools, user_msg="Record Ada")][-1],
    ]
    for answer in answers:
        (selection,) = llm.get_tool_calls_from_response(answer)
        assert selection.tool_kwargs == {"person": ADA}


def test_structured_output_of_a_nested_model_in_both_frameworks() -> None:
    # Structured output is one tool named for the schema: its nested models come back parsed too.
    emu = Emulator("zai", api_key=KEY, shape={"stringified_arguments": "all"})
    structured = chat_glm(emu, model=MODEL).with_structured_output(Person)
    sent_args = {**ADA, "home": json.dumps(HOME), "past": json.dumps([HOME])}
    emu.queue(*[Reply(tool_calls=[ToolCallSpec("Person", sent_args)])] * 2)
    assert structured.invoke("Ada lives in Paris") == Person.model_validate(ADA)
    assert list(structured.stream("Ada lives in Paris"))[-1] == Person.model_validate(ADA)
    emu.queue(*[Reply(tool_calls=[ToolCallSpec("Person", sent_args)])] * 2)
    llm = glm(emu, model=MODEL)
    prompt = PromptTemplate("{text}")
    assert llm.structured_predict(Person, prompt, text="Ada lives in Paris") == Person.model_validate(ADA)
    assert asyncio.run(llm.astructured_predict(Person, prompt, text="Ada")) == Person.model_validate(ADA)
    sent = emu.requests[-1].body["tools"][0]["function"]["parameters"]
    assert "$defs" not in sent and "$ref" not in json.dumps(sent)


def test_what_is_sent_has_its_defs_inlined_so_the_model_has_no_ref_to_stringify() -> None:
    # The default Z.ai shape stringifies only arguments whose schema is a $ref, as reported: with
    # the schema inlined, the answer comes back whole without any fixing.
    emu = Emulator("zai", api_key=KEY)
    emu.queue(Reply(tool_calls=[ToolCallSpec("record", {"person": ADA})]))
    answer = chat_glm(emu, model=MODEL).bind_tools([tool(record)]).invoke("Record Ada")
    assert answer.tool_calls[0]["args"] == {"person": ADA}
    assert '"$ref"' not in emu.requests[-1].raw.decode()


# A recursive schema cannot be inlined: sent as it is, its bare-$ref argument comes back as a
# string (the emulator's default for GLM-5.3 on Z.ai, "refs"), and is parsed back.
CODE_SCHEMA = {
    "$defs": {
        "Code": {
            "type": "object",
            "properties": {
                "code": {"type": "integer"},
                "next": {"anyOf": [{"$ref": "#/$defs/Code"}, {"type": "null"}]},
            },
        }
    },
    "type": "object",
    "properties": {"request": {"$ref": "#/$defs/Code"}},
    "required": ["request"],
}
REQUEST = {"code": 1, "next": {"code": 2, "next": None}}


def test_a_recursive_schema_is_sent_as_it_is_and_its_stringified_argument_parsed_back() -> None:
    emu = Emulator("zai", api_key=KEY)
    spec = {"type": "function", "function": {"name": "submit", "description": "Submit.", "parameters": CODE_SCHEMA}}
    emu.queue(*[Reply(tool_calls=[ToolCallSpec("submit", {"request": REQUEST})])] * 3)
    llm = chat_glm(emu, model=MODEL).bind_tools([spec])
    assert llm.invoke("submit").tool_calls[0]["args"] == {"request": REQUEST}
    assert emu.requests[-1].body["tools"][0]["function"]["parameters"] == CODE_SCHEMA
    streamed: Any = None
    for chunk in llm.stream("submit"):
        streamed = chunk if streamed is None else streamed + chunk
    assert streamed.tool_calls[0]["args"] == {"request": REQUEST}
    li = glm(emu, model=MODEL)
    answer = li.chat([ChatMessage(role="user", content="submit")], tools=[spec])
    assert li.get_tool_calls_from_response(answer)[0].tool_kwargs == {"request": REQUEST}


def test_a_string_argument_holding_json_is_never_decoded() -> None:
    def run_code(code: str, options: dict[str, int]) -> str:
        """Run some code."""
        return code

    code = json.dumps({"print": "hello"})
    emu = Emulator("zai", api_key=KEY, shape={"stringified_arguments": "all"})
    emu.queue(*[Reply(tool_calls=[ToolCallSpec("run_code", {"code": code, "options": {"n": 1}})])] * 3)
    llm = chat_glm(emu, model=MODEL).bind_tools([tool(run_code)])
    assert llm.invoke("run").tool_calls[0]["args"] == {"code": code, "options": {"n": 1}}
    streamed: Any = None
    for chunk in llm.stream("run"):
        streamed = chunk if streamed is None else streamed + chunk
    assert streamed.tool_calls[0]["args"] == {"code": code, "options": {"n": 1}}
    li = glm(emu, model=MODEL)
    answer = li.chat_with_tools([FunctionTool.from_defaults(run_code)], user_msg="run")
    assert li.get_tool_calls_from_response(answer)[0].tool_kwargs == {"code": code, "options": {"n": 1}}


def test_streamed_structured_output_stays_progressive_and_never_shows_the_string() -> None:
    # Only the stringified value waits for its end; everything else streams as it comes.
    emu = Emulator("vllm", api_key=KEY, served_model=MODEL, shape={"stringified_arguments": "all"})
    reply = Reply(tool_calls=[ToolCallSpec("Person", {**ADA, "home": json.dumps(HOME)})], tool_stream_fragments=12)
    emu.queue(reply, reply)
    chunks = list(chat_glm(emu, model=MODEL).bind_tools([Person]).stream("Ada"))
    pieces = [c.tool_call_chunks[0]["args"] for c in chunks if c.tool_call_chunks and c.tool_call_chunks[0]["args"]]
    assert len(pieces) > 3 and not any('\\"' in p for p in pieces)
    partials = list(glm(emu, model=MODEL).stream_structured_predict(Person, PromptTemplate("{text}"), text="Ada"))
    assert partials[-1] == Person.model_validate(ADA)
    assert any(getattr(p, "name", None) == "Ada" and getattr(p, "home", None) is None for p in partials)
