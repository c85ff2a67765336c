"""GLM's function calling: tools and tool_choice into a call, tool calls out of the answer.

A mixin of `GLM` (kept apart so the LLM class holds settings and the chat calls): LlamaIndex's
`FunctionCallingLLM` hooks (`chat_with_tools`, `predict_and_call` and the agents go through them).
The policy itself is glm_core's: tool-name sanitising and the first-call rule (`tool_policy`),
tool_choice spellings (`options.parse_tool_choice`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from llama_index.core.base.llms.types import ChatMessage, ChatResponse, MessageRole, ToolCallBlock

from glm_core.tool_policy import restore_tool_name, safe_tool_name
from glm_core.types import NamedToolChoice
from llama_index_glm.structured import raise_if_refused
from llama_index_glm.tools import resolve_tool_choice, to_tool_specs, tool_selections

if TYPE_CHECKING:
    from llama_index.core.llms.llm import ToolSelection
    from llama_index.core.tools.types import BaseTool

__all__ = ["ToolCalling"]


class ToolCalling:
    """The function-calling hooks of `GLM` (see there)."""

    __slots__ = ()

    def _prepare_chat_with_tools(
        self,
        tools: Sequence[BaseTool],
        user_msg: str | ChatMessage | None = None,
        chat_history: list[ChatMessage] | None = None,
        verbose: bool = False,
        allow_parallel_tool_calls: bool = False,
        tool_required: bool = False,
        tool_choice: str | dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """The kwargs for `chat`: the messages (the caller's list is not mutated), tools, tool_choice.

        `tool_required` / a named `tool_choice` follow the provider's rules in glm_core: sent
        where accepted; elsewhere asked for and verified (a missing call raises
        `glm_core.ToolCallRequiredError`). `allow_parallel_tool_calls=False` is sent where the
        provider has the switch, and enforced on the answer otherwise.
        """
        messages = list(chat_history or ())
        if user_msg is not None:
            messages.append(
                ChatMessage(role=MessageRole.USER, content=user_msg) if isinstance(user_msg, str) else user_msg
            )
        chat_kwargs: dict[str, Any] = {"messages": messages, **kwargs}
        specs = to_tool_specs(tools)
        if specs:
            # A name no provider accepts ("Person Info", "人物": structured_predict names the tool
            # after the class) is sent made valid, and mapped back in the answer.
            chat_kwargs["tools"] = [replace(s, name=safe_tool_name(s.name)) for s in specs]
            # Without a choice here, the LLM's own tool_choice applies (in build_request).
            choice = resolve_tool_choice(tool_choice, tool_required)
            if isinstance(choice, NamedToolChoice):
                choice = NamedToolChoice(safe_tool_name(choice.name))
            if choice is not None:
                chat_kwargs["tool_choice"] = choice
            if not allow_parallel_tool_calls:
                # Sent where the provider has the switch; elsewhere glm_core keeps the first call.
                chat_kwargs["parallel_tool_calls"] = False
        return chat_kwargs

    def _validate_chat_with_tools_response(
        self,
        response: ChatResponse,
        tools: Sequence[BaseTool],
        allow_parallel_tool_calls: bool = False,
        **kwargs: Any,
    ) -> ChatResponse:
        if not allow_parallel_tool_calls:
            _keep_first_tool_call(response.message)
        _restore_tool_names(response.message, [t.metadata.get_name() for t in tools])
        return response

    def get_tool_calls_from_response(
        self,
        response: ChatResponse,
        error_on_no_tool_call: bool = True,
        **kwargs: Any,
    ) -> list[ToolSelection]:
        """Every tool call of the response; partial arguments (mid-stream) parse as far as they go."""
        selections = tool_selections(response.message)
        if not selections and error_on_no_tool_call:
            raise_if_refused(response)  # a refusal says so, rather than "0 tool calls"
            raise ValueError("Expected at least one tool call, but got 0 tool calls.")
        return selections


def _restore_tool_names(message: ChatMessage, names: list[str]) -> None:
    """Calls come back under the valid name that was sent; give them the tool's own name."""
    for block in message.blocks:
        if isinstance(block, ToolCallBlock):
            block.tool_name = restore_tool_name(block.tool_name, names)
    for call in message.additional_kwargs.get("tool_calls") or ():
        function = call.get("function") if isinstance(call, dict) else None
        if isinstance(function, dict) and isinstance(function.get("name"), str):
            function["name"] = restore_tool_name(function["name"], names)


def _keep_first_tool_call(message: ChatMessage) -> None:
    """Parallel calls not allowed: keep the first (what OpenAI's integration does)."""
    calls = [b for b in message.blocks if isinstance(b, ToolCallBlock)]
    if len(calls) <= 1:
        return
    first = calls[0]
    message.blocks = [b for b in message.blocks if not isinstance(b, ToolCallBlock) or b is first]
    listed = message.additional_kwargs.get("tool_calls")
    if isinstance(listed, list) and listed:
        message.additional_kwargs["tool_calls"] = listed[:1]
