"""The GLM user reports of 2026 (shared/reference/user-reports-2026.md) that a client can handle,
each written as the report describes it, through ChatGLM and GLM (and the core where it decides).

Covered elsewhere: #1 and #2 (tests/traffic/test_stringified_arguments.py), #4 and #6
(tests/traffic/test_captured_bytes.py), #8 (test_traffic_errors.py), #14 (test_empty_answers.py).
Not a client's to fix: #10 (the Anthropic endpoint: a later issue), the server-side halves of #3
and #13; see the CHANGELOG entry of issue 23.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from llama_index.core.llms import ChatMessage
from llama_index.core.tools import FunctionTool

from glm_core.testing import Emulator, Fault, Reply, ToolCallSpec
from tests.traffic.helpers import KEY, chat_glm, glm, ways


def _streamed(llm: Any, prompt: Any) -> Any:
    total = None
    for chunk in llm.stream(prompt):
        total = chunk if total is None else total + chunk
    return total


def now() -> str:
    """A zero-argument tool."""
    return "12:00"


def move(path: str, steps: int, flags: list[str]) -> str:
    """Move along a path."""
    return path


# -- #3: zero-argument calls, streamed by vLLM's GLM parser ----------------------------------------


@pytest.mark.parametrize("arguments", ["", "{}"])
def test_3_a_zero_argument_call_is_kept_in_both_frameworks(arguments: str) -> None:
    # vllm#44326: zero-argument calls were dropped; they come with "" or {} as arguments.
    emu = Emulator("vllm", api_key=KEY)
    call = Reply(tool_calls=[ToolCallSpec("now", arguments, id="call_now")])
    emu.queue(call, call, call, call)
    from langchain_core.tools import tool

    lc = chat_glm(emu).bind_tools([tool(now)])
    assert [(c["name"], c["args"]) for c in lc.invoke("time?").tool_calls] == [("now", {})]
    assert [(c["name"], c["args"]) for c in _streamed(lc, "time?").tool_calls] == [("now", {})]
    li = glm(emu)
    tools = [FunctionTool.from_defaults(now)]
    for answer in (li.chat_with_tools(tools, user_msg="time?"), list(li.stream_chat_with_tools(tools, "time?"))[-1]):
        assert [(s.tool_name, s.tool_kwargs) for s in li.get_tool_calls_from_response(answer)] == [("now", {})]


# -- #5: arguments in many fragments are finalised at the end of the stream only ------------------


def test_5_arguments_in_many_fragments_are_whole_every_way() -> None:
    # crush#3153 / fantasy PR #289 (GLM 5.2 on Fireworks): a client that finalised on the first
    # JSON prefix that parsed cut the arguments short.
    arguments = {"path": "src/a/b.py", "steps": 12, "flags": ["-r", "{x}"]}
    emu = Emulator("vllm", api_key=KEY)
    reply = Reply(tool_calls=[ToolCallSpec("move", arguments, id="call_m")], tool_stream_fragments=40)
    for way, call in ways(emu).items():
        emu.queue(reply)
        assert call().calls == [("move", arguments)], way


# -- #7: 1302 "Rate limit reached for requests" is retried with backoff ---------------------------


@pytest.mark.parametrize(
    "body",
    [
        None,  # the emulator's 1302 body
        {"error": {"code": "1302", "message": "Rate limit reached for requests"}, "request_id": "20260212064144579f"},
    ],
    ids=["paas body", "Anthropic-route body with request_id (kaitranntt/ccs#536)"],
)
def test_7_a_1302_is_retried_and_the_answer_arrives_every_way(body: dict[str, Any] | None) -> None:
    emu = Emulator("zai", api_key=KEY)
    fault = Fault(code="1302") if body is None else Fault(status=429, body=body)
    for way, call in ways(emu, retries=1).items():
        emu.queue(fault, Reply(content="Hi!"))
        assert call().content == "Hi!", way
    assert emu.pending == 0


# -- #9: GLM-5.3 always thinks: "off" must not be sent as thinking.type disabled ------------------


def test_9_thinking_off_on_glm_5_3_is_sent_as_low_effort_in_both_frameworks() -> None:
    # csglite#194, OpenMAIC#1400, pi#8706: 400 / 1210 for thinking disabled on glm-5.3.
    emu = Emulator("zai", api_key=KEY)
    assert chat_glm(emu, model="glm-5.3", thinking=False).invoke("Hi").text
    assert glm(emu, model="glm-5.3", thinking=False).chat([ChatMessage(role="user", content="Hi")]).message.content
    for request in emu.requests:
        assert request.body["reasoning_effort"] == "low" and "thinking" not in request.body


# -- #11: Z.ai's own thinking switch, never OpenRouter's `reasoning` ------------------------------


def test_11_zai_gets_its_own_thinking_switch_and_the_reasoning_comes_back() -> None:
    # hermes-agent#16533: OpenRouter-style `reasoning` sent to Z.ai was silently ignored.
    emu = Emulator("zai", api_key=KEY)
    message = chat_glm(emu, model="glm-4.7", thinking=True).invoke("Hi")
    answer = glm(emu, model="glm-4.7", thinking=True).chat([ChatMessage(role="user", content="Hi")])
    assert message.additional_kwargs["reasoning_content"] and answer.message.blocks[0].content  # type: ignore[attr-defined]
    for request in emu.requests:
        assert request.body["thinking"] == {"type": "enabled"} and "reasoning" not in request.body


# -- #12: preserved thinking: the earlier reasoning goes back with clear_thinking false -----------


def test_12_preserved_thinking_sends_the_reasoning_back_in_both_frameworks() -> None:
    # codex-router PR #315: a bridge dropped the reasoning items and broke preserved thinking.
    emu = Emulator("zai", api_key=KEY)
    history = [
        HumanMessage("Pick a number."),
        AIMessage("7", additional_kwargs={"reasoning_content": "Seven is a fine choice."}),
        HumanMessage("Why?"),
    ]
    chat_glm(emu, model="glm-4.7", preserve_thinking=True).invoke(history)
    li_history = [
        ChatMessage(role="user", content="Pick a number."),
        glm(emu, model="glm-4.7").chat([ChatMessage(role="user", content="Pick a number.")]).message,
        ChatMessage(role="user", content="Why?"),
    ]
    glm(emu, model="glm-4.7", preserve_thinking=True).chat(li_history)
    for request in (emu.requests[0], emu.requests[2]):
        assert request.body["thinking"] == {"type": "enabled", "clear_thinking": False}
        assistant = [m for m in request.body["messages"] if m["role"] == "assistant"]
        assert assistant and assistant[0]["reasoning_content"]


# -- #13: the cached prefix is reported, so a drop to 0 can be seen ------------------------------


def test_13_cached_tokens_reach_both_frameworks() -> None:
    # opencode#31348 / #33998: the cache dropping to 0 is the provider's; the count must be seen.
    usage = {
        "prompt_tokens": 900,
        "completion_tokens": 10,
        "total_tokens": 910,
        "prompt_tokens_details": {"cached_tokens": 768},
        "completion_tokens_details": {"reasoning_tokens": 4},
    }
    emu = Emulator("zai", api_key=KEY)
    emu.queue(Reply(content="ok", usage=usage), Reply(content="ok", usage=usage))
    message = chat_glm(emu).invoke("Hi")
    assert message.usage_metadata is not None
    assert message.usage_metadata["input_token_details"] == {"cache_read": 768}
    answer = glm(emu).chat([ChatMessage(role="user", content="Hi")])
    assert answer.raw is not None and answer.raw["usage"]["prompt_tokens_details"]["cached_tokens"] == 768


# -- #15: reasoning_content is not dropped ----------------------------------------------------------


def test_15_reasoning_content_is_kept_whole_and_streamed() -> None:
    # langchain#35411: ChatOpenAI drops reasoning_content; a provider package must keep it.
    emu = Emulator("bigmodel", api_key=KEY)
    reply = Reply(content="4", reasoning="2 + 2 是 4。")
    emu.queue(reply, reply)
    assert chat_glm(emu).invoke("2+2").additional_kwargs["reasoning_content"] == "2 + 2 是 4。"
    assert _streamed(chat_glm(emu), "2+2").additional_kwargs["reasoning_content"] == "2 + 2 是 4。"
