"""The README's "Why this and not the generic wrappers" table, checked by running the peers.

Each test runs a peer against the emulator served on loopback and pins what the table says about
it, so a peer release that changes the behaviour fails here and the table gets updated. ChatZhipuAI
and llama-index-llms-zhipuai are not in the dev extra (zhipuai pins pyjwt<2.9, which zai-sdk
cannot use); their tests run where they are installed and are skipped otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool

from glm_core.testing import Emulator, Fault, Reply

pytestmark = pytest.mark.loopback


@tool
def get_weather(city: str) -> str:
    """Get the weather in a city."""
    return "sunny"


# An assistant turn that called a tool, with its reasoning: what a tool loop sends back.
ASSISTANT_TURN = AIMessage(
    content="",
    additional_kwargs={"reasoning_content": "I need the weather."},
    tool_calls=[{"name": "get_weather", "args": {"city": "Paris"}, "id": "call_1"}],
)
TOOL_LOOP = [HumanMessage("weather in Paris?"), ASSISTANT_TURN, ToolMessage("sunny", tool_call_id="call_1")]


@pytest.fixture
def zai() -> Iterator[tuple[Emulator, str]]:
    emulator = Emulator("zai")
    with emulator.serve() as base_url:
        yield emulator, base_url


def _sent_assistant(emulator: Emulator) -> dict[str, Any]:
    messages: list[dict[str, Any]] = emulator.requests[-1].body["messages"]
    return next(m for m in messages if m["role"] == "assistant")


def test_chat_openai_drops_reasoning_and_does_not_send_it_back(zai: tuple[Emulator, str]) -> None:
    from langchain_openai import ChatOpenAI

    emulator, base_url = zai
    llm = ChatOpenAI(model="glm-4.7", base_url=base_url, api_key="k", max_retries=0)
    message = llm.invoke("Hi")
    assert "reasoning_content" not in message.additional_kwargs
    assert [b["type"] for b in message.content_blocks] == ["text"]
    assert not any(c.additional_kwargs.get("reasoning_content") for c in llm.stream("Hi"))
    llm.bind_tools([get_weather]).invoke(TOOL_LOOP)
    sent = _sent_assistant(emulator)
    assert sent["tool_calls"] and "reasoning_content" not in sent


def test_chat_openai_sends_a_named_tool_choice_that_zai_refuses(zai: tuple[Emulator, str]) -> None:
    import openai
    from langchain_openai import ChatOpenAI

    emulator, base_url = zai
    llm = ChatOpenAI(model="glm-4.7", base_url=base_url, api_key="k", max_retries=0)
    with pytest.raises(openai.BadRequestError) as raised:
        llm.bind_tools([get_weather], tool_choice="get_weather").invoke("weather in Paris?")
    assert raised.value.status_code == 400
    llm.bind_tools([get_weather]).invoke("weather in Paris?")
    assert "tool_stream" not in emulator.requests[-1].body  # so Z.ai streams each call whole


def test_chat_openai_retries_zai_no_balance(zai: tuple[Emulator, str]) -> None:
    from langchain_openai import ChatOpenAI

    emulator, base_url = zai
    emulator.queue(Fault(code="1113"), Reply(content="answered anyway"))
    llm = ChatOpenAI(model="glm-4.7", base_url=base_url, api_key="k", max_retries=1)
    assert llm.invoke("Hi").content == "answered anyway"
    assert len(emulator.requests) == 2  # 1113 ("no balance", sent as 429) was retried


def test_openai_like_returns_reasoning_but_does_not_send_it_back(zai: tuple[Emulator, str]) -> None:
    from llama_index.core.base.llms.types import ThinkingBlock
    from llama_index.core.llms import ChatMessage
    from llama_index.llms.openai_like import OpenAILike

    emulator, base_url = zai
    llm = OpenAILike(model="glm-4.7", api_base=base_url, api_key="k", is_chat_model=True, max_retries=0)
    response = llm.chat([ChatMessage(role="user", content="Hi")])
    assert any(isinstance(b, ThinkingBlock) and b.content for b in response.message.blocks)
    llm.chat([ChatMessage(role="user", content="Hi"), response.message, ChatMessage(role="user", content="again")])
    sent = _sent_assistant(emulator)
    assert not {"reasoning_content", "reasoning"} & set(sent)
    assert OpenAILike(model="glm-4.7", api_base=base_url, api_key="k").metadata.context_window == 3900


def test_chat_zhipuai_does_not_send_assistant_tool_calls_back(
    zai: tuple[Emulator, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    zhipuai_module = pytest.importorskip("langchain_community.chat_models.zhipuai")
    emulator, base_url = zai
    # ChatZhipuAI sends its JWT without "Bearer"; the emulator, like Z.ai's docs, wants Bearer.
    jwt = zhipuai_module._get_jwt_token
    monkeypatch.setattr(zhipuai_module, "_get_jwt_token", lambda key: "Bearer " + jwt(key))
    url = f"{base_url}/chat/completions"
    llm = zhipuai_module.ChatZhipuAI(model="glm-4.7", api_key="id.a-secret-of-at-least-thirty-two-bytes", api_base=url)
    assert "reasoning_content" not in llm.invoke("Hi").additional_kwargs
    llm.bind_tools([get_weather]).invoke(TOOL_LOOP)
    assert _sent_assistant(emulator) == {"role": "assistant", "content": ""}
    with pytest.raises(ValueError, match="auto"):
        llm.bind_tools([get_weather], tool_choice="get_weather")


def test_llama_index_zhipuai_metadata_raises_for_glm_4_7() -> None:
    zhipuai_llm = pytest.importorskip("llama_index.llms.zhipuai")
    with pytest.raises(ValueError, match=r"glm-4\.7 not found"):
        _ = zhipuai_llm.ZhipuAI(model="glm-4.7", api_key="k").metadata
