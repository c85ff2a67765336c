"""langchain-tests' standard unit suite for ChatGLM (construction, tools, structured output, params)."""

from __future__ import annotations

from typing import Any

from langchain_tests.unit_tests import ChatModelUnitTests

from langchain_glm import ChatGLM


class TestChatGLMUnit(ChatModelUnitTests):
    @property
    def chat_model_class(self) -> type[ChatGLM]:
        return ChatGLM

    @property
    def chat_model_params(self) -> dict[str, Any]:
        # The standard params add temperature=0, max_tokens=100, stop=[] and api_key="test";
        # nothing is sent in the unit suite, so Z.ai's defaults are fine here.
        return {"model": "glm-4.7-flash", "provider": "zai", "api_key": "test"}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return ({"ZAI_API_KEY": "env-key"}, {"provider": "zai"}, {"api_key": "env-key"})

    @property
    def supports_model_override(self) -> bool:
        return True

    @property
    def model_override_value(self) -> str:
        return "glm-4.7"


class TestChatGLMUnitGLM53(TestChatGLMUnit):
    """The same suite on GLM-5.3 (1M context, always thinking, effort levels)."""

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": "glm-5.3", "provider": "zai", "api_key": "test", "reasoning_effort": "high"}

    @property
    def model_override_value(self) -> str:
        return "glm-5.2"
