"""GLM token counts for LlamaIndex: the same counter as ChatGLM's (glm_core.tokens).

`glm_tokenizer` fits `Settings.tokenizer` (LlamaIndex counts `len(tokenizer(text))` in memory
buffers, node parsers and TokenCountingHandler): no transformers or tiktoken needed, and Chinese is
counted as GLM counts it, not as GPT-2 or cl100k would. `GLM.count_tokens(messages)` counts a whole
prompt, offline or (with `exact_token_count=True`) by Z.ai's tokenizer endpoint.

Example:
    >>> from llama_index.core import Settings
    >>> Settings.tokenizer = glm_tokenizer
    >>> len(glm_tokenizer("Hello, world"))
    3
"""

from __future__ import annotations

from glm_core.tokens import estimate_text_tokens

__all__ = ["glm_tokenizer"]


def glm_tokenizer(text: str) -> list[int]:
    """Placeholder token ids, as many as GLM's tokenizer would make of `text` (estimated)."""
    return list(range(estimate_text_tokens(text)))
