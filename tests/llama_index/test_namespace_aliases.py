"""`llama_index.llms.glm` and `llama_index.embeddings.glm`: the paths LlamaIndex users import from.

They are aliases of `llama_index_glm` inside llama-index-core's namespace packages, which must
keep working (core and every other integration import through the same `llama_index`).
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import llama_index_glm

ROOT = Path(__file__).resolve().parents[2]


def test_llms_glm_is_the_same_class_as_llama_index_glm() -> None:
    from llama_index.llms.glm import GLM

    assert GLM is llama_index_glm.GLM
    assert importlib.import_module("llama_index.llms.glm").__all__ == ["GLM"]


def test_embeddings_glm_re_exports_the_retrieval_classes_that_exist() -> None:
    alias = importlib.import_module("llama_index.embeddings.glm")
    for name in ("GLMEmbedding", "GLMRerank"):
        assert (name in alias.__all__) == hasattr(llama_index_glm, name)
    for name in alias.__all__:
        assert getattr(alias, name) is getattr(llama_index_glm, name)


def test_the_namespace_packages_stay_namespaces() -> None:
    # An __init__.py in llama_index/ or llama_index/llms/ would shadow llama-index-core's.
    for folder in ("llama_index", "llama_index/llms", "llama_index/embeddings"):
        assert not (ROOT / folder / "__init__.py").exists(), folder
    import llama_index

    assert not hasattr(llama_index, "__file__") or llama_index.__file__ is None


def test_llama_index_core_and_the_aliases_import_together_in_a_fresh_interpreter() -> None:
    code = (
        "import llama_index.core, llama_index.core.llms, llama_index.llms.glm, llama_index.embeddings.glm;"
        "from llama_index.llms.glm import GLM; import llama_index_glm; assert GLM is llama_index_glm.GLM;"
        "print(llama_index.core.__version__)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("0.14")
