"""Unknown options (issue 24, finding 9): a misspelling of a known option is refused with the name
it probably meant; any other unknown name follows the framework's convention, never silently.

- LangChain (as ChatOpenAI): an unknown constructor argument is moved to `model_kwargs` with a
  warning; per call, an unknown keyword goes into the body with a warning.
- LlamaIndex: pydantic alone drops an unknown constructor argument without a word (OpenAILike
  does); `GLM` moves it to `extra_body` with a warning instead, and per call does as LangChain.
- The embedding and rerank classes send no free-form body: an unknown option is refused.
"""

from __future__ import annotations

import warnings
from typing import Any

import httpx2
import pytest
from pydantic import ValidationError

from glm_core import ChatRequest, InvalidRequestError
from glm_core.options import apply_options
from glm_core.testing import Emulator

KEY = "unknown-options-key"


def emulated() -> tuple[Emulator, httpx2.Client]:
    emulator = Emulator("zai", api_key=KEY)
    return emulator, httpx2.Client(transport=emulator.transport())


@pytest.mark.parametrize(
    ("name", "meant"),
    [("temprature", "temperature"), ("max_token", "max_tokens"), ("Temperature", "temperature"), ("tool", "tools")],
)
def test_a_misspelled_call_option_is_refused_with_what_was_meant(name: str, meant: str) -> None:
    with pytest.raises(InvalidRequestError, match=f"no option '{name}'; did you mean '{meant}'"):
        apply_options(ChatRequest("glm-4.7", []), {name: 0.2})


def test_an_unknown_call_option_goes_in_the_body_with_a_warning_once() -> None:
    request = ChatRequest("glm-4.7", [])
    with pytest.warns(UserWarning, match="'x_trace_tag' is not a GLM option: it is sent in the request body"):
        apply_options(request, {"x_trace_tag": "t-1"})
    assert request.extra_body == {"x_trace_tag": "t-1"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        apply_options(ChatRequest("glm-4.7", []), {"x_trace_tag": "t-2"})  # once per name
        apply_options(ChatRequest("glm-4.7", []), {"extra_body": {"x_other_tag": 1}})  # said explicitly


@pytest.mark.parametrize("name", ["top_k", "min_p", "user_id", "do_sample"])
def test_real_provider_fields_are_not_taken_for_misspellings(name: str) -> None:
    request = ChatRequest("glm-4.7", [])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        apply_options(request, {name: 1})
    assert request.extra_body == {name: 1}


# -- LangChain -----------------------------------------------------------------------------------------


def test_chatglm_refuses_a_misspelled_constructor_option() -> None:
    from langchain_glm import ChatGLM

    with pytest.raises(ValidationError, match="did you mean 'temperature'"):
        ChatGLM(api_key=KEY, temprature=0.2)


def test_chatglm_moves_an_unknown_constructor_option_to_model_kwargs_with_a_warning() -> None:
    from langchain_glm import ChatGLM

    emulator, http = emulated()
    with pytest.warns(UserWarning, match="x_routing_tag was transferred to model_kwargs"):
        llm = ChatGLM(api_key=KEY, http_client=http, x_routing_tag="blue")
    llm.invoke("Hi")
    assert emulator.requests[0].body["x_routing_tag"] == "blue"


def test_chatglm_refuses_a_misspelled_call_option_before_sending() -> None:
    from langchain_glm import ChatGLM

    emulator, http = emulated()
    with pytest.raises(InvalidRequestError, match="did you mean 'temperature'"):
        ChatGLM(api_key=KEY, http_client=http).invoke("Hi", temprature=0.2)
    assert emulator.requests == []


# -- LlamaIndex ----------------------------------------------------------------------------------------


def test_glm_refuses_a_misspelled_constructor_option() -> None:
    from llama_index_glm import GLM

    with pytest.raises(ValidationError, match="did you mean 'temperature'"):
        GLM(api_key=KEY, temprature=0.2)


def test_glm_moves_an_unknown_constructor_option_to_extra_body_with_a_warning() -> None:
    from llama_index.core.llms import ChatMessage

    from llama_index_glm import GLM

    emulator, http = emulated()
    with pytest.warns(UserWarning, match="'x_routing_tag' is not an option of GLM: moved to extra_body"):
        llm = GLM(api_key=KEY, http_client=http, x_routing_tag="blue")
    llm.chat([ChatMessage(role="user", content="Hi")])
    assert emulator.requests[-1].body["x_routing_tag"] == "blue"


def test_glm_refuses_a_misspelled_call_option_before_sending() -> None:
    from llama_index.core.llms import ChatMessage

    from llama_index_glm import GLM

    emulator, http = emulated()
    llm = GLM(api_key=KEY, http_client=http)
    sent = len(emulator.requests)
    with pytest.raises(InvalidRequestError, match="did you mean 'max_tokens'"):
        llm.chat([ChatMessage(role="user", content="Hi")], max_token=10)
    assert len(emulator.requests) == sent


# -- embeddings and rerank -----------------------------------------------------------------------------


def _retrieval_classes() -> list[Any]:
    from langchain_glm import GLMEmbeddings, GLMRerank
    from llama_index_glm import GLMEmbedding
    from llama_index_glm import GLMRerank as LlamaRerank

    return [GLMEmbeddings, GLMRerank, GLMEmbedding, LlamaRerank]


@pytest.mark.parametrize("index", range(4), ids=["lc-embeddings", "lc-rerank", "li-embedding", "li-rerank"])
def test_retrieval_classes_refuse_an_option_they_do_not_take(index: int) -> None:
    cls = _retrieval_classes()[index]
    with pytest.raises(ValidationError, match=f"{cls.__name__} takes no option 'foo'"):
        cls(api_key=KEY, foo=1)
    if "Embedding" in cls.__name__:
        with pytest.raises(ValidationError, match="no option 'dimension'; did you mean 'dimensions'"):
            cls(api_key=KEY, dimension=256)
