"""GLM vision models' `<|begin_of_box|>` / `<think>` markers become clean text and reasoning, whole
and streamed, however the stream cuts them (glm_core.markers)."""

from __future__ import annotations

from typing import Any

import pytest

from glm_core import ChatRequest, UserMessage
from glm_core.markers import MarkerSplitter, split_markers
from tests.core.helpers import Server, json_response, make_client, sse_body, sse_response

RAW = "<think>It is a cat.</think>\n<|begin_of_box|>A cat<|end_of_box|> on a <b>mat</b>"


def test_whole_answer() -> None:
    assert split_markers(RAW) == ("A cat on a <b>mat</b>", "It is a cat.")
    assert split_markers("no markers, 1 < 2") == ("no markers, 1 < 2", "")


@pytest.mark.parametrize("cut", range(1, len(RAW)))
def test_every_cut_of_a_stream_gives_the_same_result(cut: int) -> None:
    splitter = MarkerSplitter()
    pieces = [splitter.feed(RAW[:cut]), splitter.feed(RAW[cut:]), splitter.flush()]
    assert ("".join(p[0] for p in pieces), "".join(p[1] for p in pieces)) == split_markers(RAW)


def test_a_held_back_prefix_that_is_no_marker_comes_out_at_the_end() -> None:
    splitter = MarkerSplitter()
    assert splitter.feed("x <|begin") == ("x ", "")
    assert splitter.flush() == ("<|begin", "")


def completion(content: str, reasoning: str | None = None) -> dict[str, Any]:
    message = {"role": "assistant", "content": content, "reasoning_content": reasoning}
    return {"id": "1", "model": "glm-4.5v", "choices": [{"index": 0, "message": message, "finish_reason": "stop"}]}


def chunk(content: str, finish: str | None = None) -> dict[str, Any]:
    return {"id": "1", "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": finish}]}


def test_the_client_cleans_a_vision_model_answer() -> None:
    server = Server([json_response(completion("<|begin_of_box|>42<|end_of_box|>", reasoning="Count."))])
    answer = make_client("zai", server).chat(ChatRequest("glm-4.5v", [UserMessage("How many?")]))
    assert (answer.content, answer.reasoning) == ("42", "Count.")


def test_a_text_model_answer_is_left_as_it_is() -> None:
    server = Server([json_response(completion("Use <think> tags like <think>this</think>"))])
    answer = make_client("zai", server).chat(ChatRequest("glm-4.7", [UserMessage("Tags?")]))
    assert answer.content == "Use <think> tags like <think>this</think>"


def test_the_client_cleans_a_streamed_vision_answer_cut_inside_markers() -> None:
    pieces = ["<thi", "nk>A cat", ".</think>\n<|begin_of", "_box|>A cat<|end_of_box", "|>"]
    events = [chunk(p) for p in pieces] + [chunk("", finish="stop")]
    server = Server([sse_response(sse_body(*events))])
    with make_client("vllm", server).stream(ChatRequest("glm-4.5v", [UserMessage("What?")])) as stream:
        chunks = list(stream)
    assert "".join(c.content for c in chunks) == "A cat"
    assert "".join(c.reasoning for c in chunks) == "A cat."
    assert (stream.response.content, stream.response.reasoning) == ("A cat", "A cat.")
