"""ChatGLM on the GLM vision models, against the in-process emulator: every block shape reaches the
wire in the provider's form, vision models keep tools, streaming, reasoning, usage and structured
output, GLM-4.5V's box markers are cleaned, and `.profile` says which inputs a model takes."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import httpx2
import pytest
from langchain_core.messages import AIMessageChunk, HumanMessage
from langchain_core.tools import tool
from pydantic import BaseModel

from glm_core.testing import Emulator
from langchain_glm import ChatGLM

DATA = Path(__file__).resolve().parents[2] / "examples" / "data"
PNG = base64.b64encode((DATA / "screenshot.png").read_bytes()).decode()
PDF = base64.b64encode((DATA / "invoice.pdf").read_bytes()).decode()


def chat(provider: str, model: str, **options: Any) -> tuple[ChatGLM, Emulator]:
    emulator = Emulator(provider, served_model=model)
    extra = {"base_url": emulator.base_url} if provider in ("vllm", "sglang") else {}
    llm = ChatGLM(
        provider=provider,
        model=model,
        api_key="k",
        account_id="0123456789abcdef0123456789abcdef",
        http_client=httpx2.Client(transport=emulator.transport()),
        http_async_client=httpx2.AsyncClient(transport=emulator.transport()),
        max_retries=0,
        **extra,
        **options,
    )
    return llm, emulator


def sent_parts(emulator: Emulator) -> list[dict[str, Any]]:
    content: list[dict[str, Any]] = emulator.requests[-1].body["messages"][-1]["content"]
    return content[1:]


def ask(*blocks: dict[str, Any]) -> list[HumanMessage]:
    return [HumanMessage([{"type": "text", "text": "Look at this."}, *blocks])]


def test_video_and_document_blocks_reach_the_wire() -> None:
    llm, emulator = chat("zai", "glm-4.6v")
    answer = llm.invoke(ask({"type": "video", "url": "https://x.org/clip.mp4"}))
    assert sent_parts(emulator) == [{"type": "video_url", "video_url": {"url": "https://x.org/clip.mp4"}}]
    assert answer.content.startswith("I received 1 video (video/mp4).")

    llm, emulator = chat("zai_coding", "glm-5.3-flash")
    openai_file = {
        "type": "file",
        "file": {"filename": "invoice.pdf", "file_data": f"data:application/pdf;base64,{PDF}"},
    }
    llm.invoke(
        ask(openai_file, {"type": "file", "file_id": "file-123"}, {"type": "file", "url": "https://x.org/a.pdf"})
    )
    assert sent_parts(emulator) == [
        {"type": "file", "file": {"file_data": f"data:application/pdf;base64,{PDF}", "filename": "invoice.pdf"}},
        {"type": "file", "file": {"file_id": "file-123"}},
        {"type": "file", "file": {"file_url": "https://x.org/a.pdf"}},
    ]


def test_a_text_only_model_is_refused_before_sending() -> None:
    llm, emulator = chat("zai", "glm-4.7")
    with pytest.raises(ValueError, match=r"glm-4\.7 is a text-only model and cannot take images; .*glm-4\.6v"):
        llm.invoke(ask({"type": "image", "base64": PNG, "mime_type": "image/png"}))
    assert emulator.requests == []


def test_streaming_a_glm_4_5v_answer_cleans_its_box_markers() -> None:
    llm, _ = chat("bigmodel", "glm-4.5v", thinking=True, stream_usage=True)
    full: AIMessageChunk | None = None
    for piece in llm.stream(ask({"type": "image", "base64": PNG, "mime_type": "image/png"})):
        full = piece if full is None else full + piece
    assert full is not None
    assert full.content == "I received 1 image (image/png). Hello! You said: Look at this."
    assert full.additional_kwargs["reasoning_content"].startswith("The user sent media")
    assert full.usage_metadata is not None and full.usage_metadata["output_tokens"] > 0
    assert llm.invoke(ask({"type": "image", "base64": PNG, "mime_type": "image/png"})).content == full.content


@tool
def zoom(region: str) -> str:
    """Zoom into a named region of the image."""
    return f"zoomed {region}"


def test_tools_on_a_vision_model_that_has_them_and_not_on_glm_4_5v() -> None:
    llm, _ = chat("zai", "glm-4.6v")
    image = {"type": "image", "base64": PNG, "mime_type": "image/png"}
    message = llm.bind_tools([zoom]).invoke(ask(image, {"type": "text", "text": 'zoom into "title bar"'}))
    assert message.tool_calls == [
        {"name": "zoom", "args": {"region": "title bar"}, "id": message.tool_calls[0]["id"], "type": "tool_call"}
    ]
    llm, _ = chat("zai", "glm-4.5v")
    with pytest.raises(ValueError, match=r"glm-4\.5v has no tool calling.*glm-4\.6v"):
        llm.bind_tools([zoom]).invoke(ask({"type": "image", "base64": PNG, "mime_type": "image/png"}))


class Screen(BaseModel):
    title: str


def test_structured_output_on_a_vision_model_goes_through_function_calling() -> None:
    llm, emulator = chat("zai", "glm-4.6v")
    result = llm.with_structured_output(Screen).invoke(
        ask(
            {"type": "image", "base64": PNG, "mime_type": "image/png"}, {"type": "text", "text": 'Screen title "Login"'}
        )
    )
    assert result == Screen(title="Login")
    assert "response_format" not in emulator.requests[-1].body
    with pytest.raises(ValueError, match=r"glm-4\.6v takes no response_format on Z\.ai"):
        llm.with_structured_output(Screen, method="json_mode").invoke(
            ask({"type": "image", "url": "https://x.org/a.png"})
        )


@pytest.mark.parametrize(
    ("provider", "model", "image", "video", "pdf", "tools"),
    [
        ("zai", "glm-4.7", False, False, False, True),
        ("zai", "glm-4.6v", True, True, True, True),
        ("zai", "glm-4.5v", True, True, True, False),  # ZAI-OAS: file_url on GLM-4.5V
        ("aimlapi", "glm-4.6v", True, False, False, True),
        ("vllm", "glm-4.6v", True, True, False, True),
        ("cloudflare", "glm-5.3-flash", True, True, True, True),
    ],
)
def test_profile_says_which_inputs_the_model_takes_on_the_provider(
    provider: str, model: str, image: bool, video: bool, pdf: bool, tools: bool
) -> None:
    profile = chat(provider, model)[0].profile
    assert profile is not None
    assert (profile["image_inputs"], profile["image_url_inputs"], profile["video_inputs"], profile["pdf_inputs"]) == (
        image,
        image,
        video,
        pdf,
    )
    assert profile["tool_calling"] is tools


async def test_astream_cleans_markers_too() -> None:
    llm, _ = chat("zai", "glm-4.5v")
    text = ""
    async for piece in llm.astream(ask({"type": "image", "url": "https://x.org/a.png"})):
        assert "<|" not in str(piece.content)
        text += str(piece.content)
    assert text == "I received 1 image (image/png). Hello! You said: Look at this."
