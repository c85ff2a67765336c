"""Every example runs offline against the emulator, as a user would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# What each example must print: evidence that it did its job, not just that it exited.
EXPECTED = {
    "langchain_chain.py": ["[thinking]", "[answer]", "answer:"],
    "langgraph_agent.py": ["[tool call] get_weather", "[tool call] convert_to_fahrenheit", "71.6"],
    "langchain_structured_output.py": ["zai: Person(name='Ada', age=36", "cloudflare: Person(name='Ada', age=36"],
    "llama_index_rag.py": ["answer:", "streamed:", "sources: glm.txt"],
    "langchain_rag.py": ["best source: glm.txt", "answer: Hello! You said: Context: GLM-4.7"],
    "llama_index_agent.py": ["[tool] multiply", "-> 42", "final:"],
    "vllm_self_hosted.py": ["LangChain:", "LlamaIndex:", "context window: 200000"],
    "glm53_reasoning_effort.py": [
        "context window: 1000000 levels: ['low', 'high', 'max']",
        "[answer]",
        "thinking=False:",
        "medium: Hello!",
        "refused: zai: reasoning_effort='ultra' is not a level",
        "LlamaIndex:",
    ],
    "vision.py": [
        "'image_inputs': True",
        "LangChain: I received 1 image (image/png)",
        "LlamaIndex: I received 1 file (application/pdf)",
        "refused: zai: glm-4.7 is a text-only model",
        "I received 1 image (image/png). Hello! You said: Describe it.",
    ],
}


def test_every_example_is_exercised() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in EXAMPLES.glob("*.py"))


@pytest.mark.loopback
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_runs_offline(name: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_API_TOKEN", "_BASE_URL"))}
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name)], capture_output=True, text=True, timeout=120, env=env, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "built-in emulator" in result.stderr
    for expected in EXPECTED[name]:
        assert expected in result.stdout, result.stdout
