"""The public surface of llama_index_glm, pinned."""

from __future__ import annotations

from llama_index.core.base.llms.base import BaseLLM
from llama_index.core.llms.function_calling import FunctionCallingLLM

import llama_index_glm
from llama_index_glm import GLM


def test_all_is_pinned() -> None:
    assert llama_index_glm.__all__ == ["GLM", "GLMEmbedding", "GLMRerank", "glm_tokenizer"]


def test_glm_is_a_function_calling_llm() -> None:
    names = [cls.__name__ for cls in GLM.__mro__]
    assert BaseLLM.__name__ in names
    assert issubclass(GLM, FunctionCallingLLM)
    assert GLM.class_name() == "GLM"


def test_tool_required_is_declared() -> None:
    # llama-index-core drops tool_required (with a warning) unless the signature declares it.
    from llama_index.core.llms.function_calling import _supports_tool_required

    assert _supports_tool_required(GLM, True)


def test_importing_does_not_import_sdks() -> None:
    import subprocess
    import sys

    code = "import sys, llama_index_glm; print(any(m in sys.modules for m in ('openai', 'litellm', 'zhipuai')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
