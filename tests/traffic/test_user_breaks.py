"""The six breaks a LangChain / LangGraph / LlamaIndex user hit (issue 16), written as they wrote them."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage
from langchain_core.tools import tool
from llama_index.core.llms import ChatMessage
from llama_index.core.prompts import PromptTemplate
from llama_index.core.tools import FunctionTool
from pydantic import BaseModel, ConfigDict

from glm_core import ContentFilterError, RefusalError
from glm_core.testing import Emulator, Fault, Reply, ToolCallSpec
from langchain_glm import GLMRefusalError, GLMToolCallRequiredError
from langchain_glm.content_blocks import _HAS_REFUSAL_BLOCK
from tests.traffic.helpers import KEY, chat_glm, glm

try:  # langchain-core >= 1.7.5
    from langchain_core.exceptions import ModelRefusalError
except ImportError:  # older: GLMRefusalError is an OutputParserException there, and the class to catch
    ModelRefusalError = GLMRefusalError  # type: ignore[misc, assignment]

needs_refusal_blocks = pytest.mark.skipif(not _HAS_REFUSAL_BLOCK, reason="langchain-core < 1.7.5 has no refusal block")

TWO_CALLS = Reply(tool_calls=[ToolCallSpec("add", {"a": 1, "b": 2}), ToolCallSpec("multiply", {"a": 3, "b": 4})])


@tool
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@tool
def multiply(a: int, b: int) -> int:
    """Multiply two integers."""
    return a * b


# -- 1. parallel_tool_calls=False on zai / empiriolabs ------------------------------------------


@pytest.mark.parametrize("provider", ["zai", "empiriolabs"])
def test_bind_tools_without_parallel_calls_keeps_the_first_call(provider: str) -> None:
    emu = Emulator(provider, api_key=KEY)
    llm = chat_glm(emu).bind_tools([add, multiply], parallel_tool_calls=False)
    emu.queue(TWO_CALLS, TWO_CALLS)
    assert [c["name"] for c in llm.invoke("add and multiply").tool_calls] == ["add"]
    streamed = None
    for chunk in llm.stream("add and multiply"):
        streamed = chunk if streamed is None else streamed + chunk
    assert streamed is not None and [c["name"] for c in streamed.tool_calls] == ["add"]
    assert all("parallel_tool_calls" not in r.body for r in emu.requests)


@pytest.mark.parametrize("provider", ["zai", "empiriolabs"])
async def test_bind_tools_without_parallel_calls_keeps_the_first_call_async(provider: str) -> None:
    emu = Emulator(provider, api_key=KEY)
    llm = chat_glm(emu).bind_tools([add, multiply], parallel_tool_calls=False)
    emu.queue(TWO_CALLS, TWO_CALLS)
    assert [c["name"] for c in (await llm.ainvoke("add and multiply")).tool_calls] == ["add"]
    streamed = None
    async for chunk in llm.astream("add and multiply"):
        streamed = chunk if streamed is None else streamed + chunk
    assert streamed is not None and [c["name"] for c in streamed.tool_calls] == ["add"]


@pytest.mark.parametrize("provider", ["zai", "empiriolabs"])
def test_llama_index_keeps_the_first_call_streamed_too(provider: str) -> None:
    emu = Emulator(provider, api_key=KEY)
    llm = glm(emu)
    tools = [FunctionTool.from_defaults(add.func), FunctionTool.from_defaults(multiply.func)]
    emu.queue(TWO_CALLS, TWO_CALLS)
    answer = llm.chat_with_tools(tools, user_msg="add and multiply")
    assert [s.tool_name for s in llm.get_tool_calls_from_response(answer)] == ["add"]
    last = list(llm.stream_chat_with_tools(tools, user_msg="add and multiply"))[-1]
    assert [s.tool_name for s in llm.get_tool_calls_from_response(last)] == ["add"]


def test_langgraph_supervisor_runs_on_zai() -> None:
    from langchain.agents import create_agent
    from langgraph_supervisor import create_supervisor

    emu = Emulator("zai", api_key=KEY)
    model = chat_glm(emu)
    math_agent = create_agent(
        model=model, tools=[add, multiply], name="math_expert", system_prompt="You are a math expert."
    )
    supervisor = create_supervisor(
        [math_agent], model=model, prompt="You manage a math expert. Hand math questions to math_expert."
    ).compile()
    emu.queue(
        Reply(tool_calls=[ToolCallSpec("transfer_to_math_expert", {}), ToolCallSpec("transfer_to_math_expert", {})]),
        Reply(tool_calls=[ToolCallSpec("add", {"a": 2, "b": 3})]),
        Reply(content="2 + 3 = 5."),
        Reply(content="The math expert says 2 + 3 = 5."),
    )
    result = supervisor.invoke({"messages": [HumanMessage("What is 2 + 3?")]})
    assert result["messages"][-1].content == "The math expert says 2 + 3 = 5."
    assert emu.pending == 0
    assert all("parallel_tool_calls" not in r.body for r in emu.requests)


# -- 2. Z.ai's content filter (finish_reason "sensitive", code 1301) is a refusal ---------------

SENSITIVE = Reply(content="", finish_reason="sensitive")


class Person(BaseModel):
    name: str
    age: int


@needs_refusal_blocks
def test_a_filtered_answer_is_a_refusal_not_an_empty_message() -> None:
    emu = Emulator("zai", api_key=KEY)
    llm = chat_glm(emu)
    emu.queue(SENSITIVE, SENSITIVE)
    message = llm.invoke("something the filter stops")
    assert [b["type"] for b in message.content_blocks] == ["refusal"]
    streamed = None
    for chunk in llm.stream("something the filter stops"):
        streamed = chunk if streamed is None else streamed + chunk
    assert streamed is not None and [b["type"] for b in streamed.content_blocks] == ["refusal"]


@pytest.mark.parametrize("method", ["function_calling", "json_schema", "json_mode"])
async def test_structured_output_raises_model_refusal_error(method: str) -> None:
    emu = Emulator("zai", api_key=KEY)
    structured = chat_glm(emu).with_structured_output(Person, method=method)
    emu.queue(SENSITIVE, SENSITIVE, SENSITIVE)
    with pytest.raises(ModelRefusalError):
        structured.invoke("Ada, 36")
    with pytest.raises(ModelRefusalError):
        await structured.ainvoke("Ada, 36")
    with pytest.raises(ModelRefusalError):
        list(structured.stream("Ada, 36"))


def test_structured_output_with_raw_returns_the_refusal_as_the_parsing_error() -> None:
    emu = Emulator("zai", api_key=KEY)
    emu.queue(SENSITIVE)
    result = chat_glm(emu).with_structured_output(Person, include_raw=True).invoke("Ada, 36")
    assert isinstance(result["parsing_error"], ModelRefusalError)
    assert result["parsed"] is None
    assert result["raw"].additional_kwargs["refusal"]


def test_an_input_blocked_with_1301_is_a_refusal_too() -> None:
    emu = Emulator("zai", api_key=KEY)
    emu.queue(Fault(code="1301"))
    with pytest.raises(ContentFilterError) as caught:
        chat_glm(emu).invoke("x")
    assert not caught.value.is_retryable  # type: ignore[attr-defined]
    if _HAS_REFUSAL_BLOCK:
        assert isinstance(caught.value, ModelRefusalError)


def test_without_refusal_blocks_in_langchain_core_the_flag_and_the_error_remain(monkeypatch) -> None:
    # langchain-core < 1.7.5 has no refusal block: the message keeps the flag, structured output
    # still raises GLMRefusalError (there an OutputParserException) instead of "Invalid json output".
    from langchain_glm import GLMRefusalError, content_blocks

    monkeypatch.setattr(content_blocks, "_HAS_REFUSAL_BLOCK", False)
    emu = Emulator("zai", api_key=KEY)
    llm = chat_glm(emu)
    emu.queue(SENSITIVE, SENSITIVE)
    message = llm.invoke("x")
    assert message.content_blocks == [] and message.additional_kwargs["refusal"]
    with pytest.raises(GLMRefusalError):
        llm.with_structured_output(Person, method="json_mode").invoke("x")


@pytest.mark.parametrize("method", ["function_calling", "json_schema", "json_mode"])
async def test_llama_index_flags_the_refusal_and_structured_predict_raises(method: str) -> None:
    emu = Emulator("zai", api_key=KEY)
    llm = glm(emu, structured_output_method=method)
    emu.queue(SENSITIVE, SENSITIVE, SENSITIVE, SENSITIVE)
    answer = llm.chat([ChatMessage(role="user", content="x")])
    assert answer.additional_kwargs["refusal"] and answer.message.additional_kwargs["refusal"]
    last = [r async for r in await llm.astream_chat([ChatMessage(role="user", content="x")])][-1]
    assert last.additional_kwargs["refusal"]
    with pytest.raises(RefusalError):
        llm.structured_predict(Person, PromptTemplate("{text}"), text="Ada, 36")
    with pytest.raises(RefusalError):
        await llm.astructured_predict(Person, PromptTemplate("{text}"), text="Ada, 36")


# -- 3. structured output under a name no provider accepts --------------------------------------


class 人物(BaseModel):
    """A person: name and age."""

    姓名: str
    年龄: int


class PersonInfo(BaseModel):
    """A person: name and age."""

    model_config = ConfigDict(title="Person Info")
    name: str
    age: int


@pytest.mark.parametrize("provider", ["zai", "vllm", "openrouter"])
@pytest.mark.parametrize("schema", [人物, PersonInfo])
def test_with_structured_output_accepts_any_schema_title(provider: str, schema: type[BaseModel]) -> None:
    emu = Emulator(provider, api_key=KEY)
    structured = chat_glm(emu).with_structured_output(schema)
    answer = structured.invoke("Describe this person: Ada Lovelace, 36")
    assert isinstance(answer, schema)
    sent = emu.requests[-1].body["tools"][0]["function"]["name"]
    assert sent in ("structured_output", "Person_Info")
    streamed = list(structured.stream("Describe this person: Ada Lovelace, 36"))
    assert isinstance(streamed[-1], schema)


@pytest.mark.parametrize("schema", [人物, PersonInfo])
async def test_llama_index_structured_predict_accepts_any_schema_title(schema: type[BaseModel]) -> None:
    emu = Emulator("zai", api_key=KEY)
    llm = glm(emu)
    prompt = PromptTemplate("Describe this person: {text}")
    assert isinstance(llm.structured_predict(schema, prompt, text="Ada Lovelace, 36"), schema)
    assert isinstance(await llm.astructured_predict(schema, prompt, text="Ada Lovelace, 36"), schema)
    assert {r.body["tools"][0]["function"]["name"] for r in emu.requests} <= {"structured_output", "Person_Info"}


# -- 5. a chat history that opens with the assistant's greeting, on the Z.ai family ------------


@pytest.mark.parametrize("provider", ["zai", "zai_coding", "bigmodel"])
def test_a_history_opening_with_an_assistant_greeting_works(provider: str) -> None:
    from langchain_core.messages import AIMessage, SystemMessage

    emu = Emulator(provider, api_key=KEY)
    history = [
        SystemMessage("You are a helpful assistant."),
        AIMessage("Hi! How can I help?"),
        HumanMessage("What is GLM?"),
    ]
    answer = chat_glm(emu).invoke(history)
    assert answer.text == "Hello! You said: What is GLM?"
    sent = emu.requests[-1].body["messages"]
    # Everything the user wrote is there, in order; a user turn opens the conversation.
    assert [(m["role"], m["content"]) for m in sent] == [
        ("system", "You are a helpful assistant."),
        ("user", "(The conversation starts.)"),
        ("assistant", "Hi! How can I help?"),
        ("user", "What is GLM?"),
    ]


async def test_llama_index_history_opening_with_an_assistant_greeting_works() -> None:
    emu = Emulator("zai", api_key=KEY)
    llm = glm(emu)
    history = [
        ChatMessage(role="system", content="Be brief."),
        ChatMessage(role="assistant", content="Hi!"),
        ChatMessage(role="user", content="What is GLM?"),
    ]
    assert (await llm.achat(history)).message.content == "Hello! You said: What is GLM?"
    last = list(llm.stream_chat(history))[-1]
    assert last.message.content == "Hello! You said: What is GLM?"
    assert [m["role"] for m in emu.requests[-1].body["messages"]] == ["system", "user", "assistant", "user"]


# -- OpenRouter's Z.AI upstream refuses a forced tool choice: degrade and verify ----------------


def test_openrouter_forced_tool_choice_is_asked_for_and_verified() -> None:
    emu = Emulator("openrouter", api_key=KEY)
    llm = chat_glm(emu)
    answer = llm.bind_tools([add, multiply], tool_choice="multiply").invoke("multiply 3 by 4")
    assert [c["name"] for c in answer.tool_calls] == ["multiply"]
    sent = emu.requests[-1].body
    assert "tool_choice" not in sent and [t["function"]["name"] for t in sent["tools"]] == ["multiply"]
    emu.queue(Reply(content="I would rather chat."))
    with pytest.raises(GLMToolCallRequiredError):
        llm.bind_tools([add, multiply], tool_choice="any").invoke("Hello!")


def test_openrouter_structured_output_works_both_adapters() -> None:
    emu = Emulator("openrouter", api_key=KEY)
    assert isinstance(
        chat_glm(emu).with_structured_output(PersonInfo).invoke("Describe this person: Ada, 36"), PersonInfo
    )
    prompt = PromptTemplate("Describe this person: {text}")
    assert isinstance(glm(emu).structured_predict(PersonInfo, prompt, text="Ada, 36"), PersonInfo)
    assert all(r.body.get("tool_choice") in (None, "auto") for r in emu.requests)


# -- log-probabilities and several answers ------------------------------------------------------

LOGPROB_PROVIDERS = ["cloudflare", "cloudflare_openai", "vllm", "sglang", "openrouter"]


@pytest.mark.parametrize("provider", LOGPROB_PROVIDERS)
async def test_langchain_logprobs_land_in_response_metadata_streamed_too(provider: str) -> None:
    emu = Emulator(provider, api_key=KEY)
    llm = chat_glm(emu, logprobs=True, top_logprobs=3)
    whole = llm.invoke("Hi there")
    tokens = whole.response_metadata["logprobs"]["content"]
    assert "".join(t["token"] for t in tokens) == whole.text
    assert all(len(t["top_logprobs"]) == 3 for t in tokens)
    streamed = None
    async for chunk in llm.astream("Hi there"):
        streamed = chunk if streamed is None else streamed + chunk
    assert streamed is not None
    assert "".join(t["token"] for t in streamed.response_metadata["logprobs"]["content"]) == streamed.text
    assert emu.requests[-1].body["top_logprobs"] == 3


@pytest.mark.parametrize("provider", ["cloudflare", "vllm", "sglang", "aimlapi"])
def test_n_gives_several_generations(provider: str) -> None:
    emu = Emulator(provider, api_key=KEY)
    result = chat_glm(emu, n=3).generate([[HumanMessage("Hi")]])
    assert len(result.generations[0]) == 3
    assert emu.requests[-1].body["n"] == 3


@pytest.mark.parametrize("provider", ["zai", "zai_coding", "bigmodel", "empiriolabs", "aimlapi"])
def test_logprobs_where_the_provider_has_none_is_a_value_error_before_sending(provider: str) -> None:
    emu = Emulator(provider, api_key=KEY)
    with pytest.raises(ValueError, match="logprobs are not available"):
        chat_glm(emu, logprobs=True).invoke("Hi")
    with pytest.raises(ValueError, match="logprobs are not available"):
        glm(emu, logprobs=True).chat([ChatMessage(role="user", content="Hi")])
    assert emu.requests == []


def test_n_beyond_the_provider_is_refused_and_n_cannot_be_streamed() -> None:
    with pytest.raises(ValueError, match="one answer per request"):
        chat_glm(Emulator("zai", api_key=KEY), n=2).invoke("Hi")
    with pytest.raises(ValueError, match="1 to 128"):
        chat_glm(Emulator("cloudflare", api_key=KEY), n=129).invoke("Hi")
    with pytest.raises(ValueError, match="cannot be streamed"):
        list(chat_glm(Emulator("vllm", api_key=KEY), n=2).stream("Hi"))


@pytest.mark.parametrize("provider", LOGPROB_PROVIDERS)
async def test_llama_index_exposes_chat_response_logprobs(provider: str) -> None:
    emu = Emulator(provider, api_key=KEY)
    llm = glm(emu, logprobs=True, top_logprobs=2)
    answer = await llm.achat([ChatMessage(role="user", content="Hi there")])
    assert answer.logprobs is not None
    assert "".join(alternatives[0].token for alternatives in answer.logprobs) == answer.message.content
    assert all(len(alternatives) == 2 for alternatives in answer.logprobs)
    pieces = [r.logprobs for r in llm.stream_chat([ChatMessage(role="user", content="Hi there")]) if r.logprobs]
    assert "".join(a[0].token for piece in pieces for a in piece) == answer.message.content


# -- README: recovering from a missing required call in an agent --------------------------------


def test_model_retry_middleware_recovers_a_missing_required_call_in_an_agent() -> None:
    from langchain.agents import create_agent
    from langchain.agents.middleware import ModelRetryMiddleware
    from langchain.agents.structured_output import ToolStrategy

    emu = Emulator("zai", api_key=KEY)
    agent = create_agent(
        model=chat_glm(emu),
        tools=[add],
        response_format=ToolStrategy(PersonInfo),
        middleware=[ModelRetryMiddleware(retry_on=(GLMToolCallRequiredError,), initial_delay=0, jitter=False)],
    )
    emu.queue(
        Reply(content="Ada is 36."),  # no call although one was required: GLMToolCallRequiredError
        Reply(tool_calls=[ToolCallSpec("PersonInfo", {"name": "Ada", "age": 36})]),  # the retry
    )
    result = agent.invoke({"messages": [HumanMessage("Ada Lovelace is 36.")]})
    assert result["structured_response"] == PersonInfo(name="Ada", age=36)
    assert emu.pending == 0
