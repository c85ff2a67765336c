"""`llama_index.llms.glm`: the import path LlamaIndex users expect, an alias of `llama_index_glm`.

`llama_index` and `llama_index.llms` are namespace packages shared with llama-index-core and the
other integrations (no `__init__.py` there); only this leaf is ours.

Example:
    >>> from llama_index.llms.glm import GLM
    >>> GLM is __import__("llama_index_glm").GLM
    True
"""

from llama_index_glm import GLM

__all__ = ["GLM"]
