"""GLM (LlamaIndex) on the GLM vision models, against the in-process emulator: ImageBlock,
VideoBlock and DocumentBlock reach the wire in the provider's form; metadata and
`input_modalities` say what a model takes; structured prediction and streaming keep working."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import httpx2
import pytest
from llama_index.core.base.llms.types import ChatMessage, DocumentBlock, ImageBlock, TextBlock, VideoBlock
from llama_index.core.prompts import PromptTemplate
from pydantic import BaseModel

from glm_core.testing import Emulator
from llama_index_glm import GLM

DATA = Path(__file__).resolve().parents[2] / "examples" / "data"
PNG_BYTES = (DATA / "screenshot.png").read_bytes()
PNG = base64.b64encode(PNG_BYTES).decode()
PDF = base64.b64encode((DATA / "invoice.pdf").read_bytes()).decode()


def glm(provider: str, model: str, **options: Any) -> tuple[GLM, Emulator]:
    emulator = Emulator(provider, served_model=model)
    extra = {"base_url": emulator.base_url} if provider in ("vllm", "sglang") else {}
    llm = GLM(
        provider=provider,
        model=model,
        api_key="k",
        account_id="0123456789abcdef0123456789abcdef",
        http_client=httpx2.Client(transport=emulator.transport()),
        async_http_client=httpx2.AsyncClient(transport=emulator.transport()),
        max_retries=0,
        **extra,
        **options,
    )
    return llm, emulator


def user(*blocks: Any) -> list[ChatMessage]:
    return [ChatMessage(role="user", blocks=[TextBlock(text="Look at this screen."), *blocks])]


def sent_parts(emulator: Emulator) -> list[dict[str, Any]]:
    content: list[dict[str, Any]] = emulator.requests[-1].body["messages"][-1]["content"]
    return content[1:]


def test_image_video_and_document_blocks_reach_the_wire() -> None:
    llm, emulator = glm("openrouter", "glm-4.6v")
    blocks = [
        ImageBlock(image=PNG_BYTES),
        VideoBlock(url="https://x.org/clip.mov"),
        DocumentBlock(data=(DATA / "invoice.pdf").read_bytes(), title="invoice.pdf"),
    ]
    answer = llm.chat(user(*blocks))
    assert sent_parts(emulator) == [
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
        {"type": "video_url", "video_url": {"url": "https://x.org/clip.mov"}},
        {"type": "file", "file": {"file_data": f"data:application/pdf;base64,{PDF}", "filename": "invoice.pdf"}},
    ]
    assert answer.message.content.startswith("I received 1 image (image/png) and 1 video (video/quicktime) and 1 file")


def test_a_document_block_holding_an_image_is_sent_as_an_image() -> None:
    llm, emulator = glm("zai", "glm-4.6v")
    llm.chat(user(DocumentBlock(data=PNG_BYTES, document_mimetype="image/png")))
    assert sent_parts(emulator) == [{"type": "image_url", "image_url": {"url": PNG}}]


def test_refusals_name_what_to_do() -> None:
    llm, emulator = glm("zai", "glm-4.6v")
    with pytest.raises(ValueError, match=r"does not take a document .* together with images"):
        llm.chat(user(ImageBlock(image=PNG_BYTES), DocumentBlock(data=b"%PDF-1.4 x")))
    llm, _ = glm("vllm", "glm-4.6v")
    with pytest.raises(ValueError, match=r"vLLM .* documents no file content parts"):
        llm.chat(user(DocumentBlock(data=b"%PDF-1.4 x")))
    assert emulator.requests == []


def test_metadata_and_input_modalities() -> None:
    text, _ = glm("zai", "glm-4.7")
    assert text.input_modalities == ("text",) and text.metadata.is_function_calling_model
    no_tools, _ = glm("zai", "glm-4.5v")
    assert no_tools.input_modalities == ("text", "image", "video", "file")  # ZAI-OAS: file_url on GLM-4.5V
    assert not no_tools.metadata.is_function_calling_model
    images_only, _ = glm("aimlapi", "glm-4.6v")
    assert images_only.input_modalities == ("text", "image")


class Screen(BaseModel):
    title: str


def test_structured_predict_on_a_vision_model() -> None:
    llm, _ = glm("zai", "glm-4.6v")
    result = llm.structured_predict(Screen, PromptTemplate('Screen title "{title}"'), title="Login")
    assert result == Screen(title="Login")


def test_streamed_glm_4_5v_answer_is_cleaned() -> None:
    llm, _ = glm("zai", "glm-4.5v", thinking=True)
    responses = list(llm.stream_chat(user(ImageBlock(image=PNG_BYTES))))
    text = "".join(r.delta or "" for r in responses)
    assert text == "I received 1 image (image/png). Hello! You said: Look at this screen."
    assert responses[-1].message.content == text
    assert any(r.additional_kwargs.get("thinking_delta") for r in responses)
