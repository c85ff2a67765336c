"""Both adapters turn the same media into the same canonical parts (one conversion, in glm_core.media)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage
from llama_index.core.base.llms.types import ChatMessage, DocumentBlock, ImageBlock, VideoBlock

from langchain_glm.messages import to_core_messages
from llama_index_glm.messages import to_glm_messages

DATA = Path(__file__).resolve().parents[2] / "examples" / "data"
PNG = (DATA / "screenshot.png").read_bytes()
PDF = (DATA / "invoice.pdf").read_bytes()


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@pytest.mark.parametrize(
    ("langchain_block", "llama_index_block"),
    [
        ({"type": "image", "base64": b64(PNG), "mime_type": "image/png"}, ImageBlock(image=PNG)),
        (
            {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{b64(PNG)}"}},
            ImageBlock(path=DATA / "screenshot.png"),
        ),
        (
            {"type": "image", "url": "https://x.org/a.png", "mime_type": "image/png"},
            ImageBlock(url="https://x.org/a.png"),
        ),
        (
            {"type": "video", "url": "https://x.org/v.mp4", "mime_type": "video/mp4"},
            VideoBlock(url="https://x.org/v.mp4"),
        ),
        (
            {"type": "file", "base64": b64(PDF), "mime_type": "application/pdf", "extras": {"filename": "invoice.pdf"}},
            DocumentBlock(path=DATA / "invoice.pdf"),
        ),
    ],
)
def test_the_same_media_gives_the_same_part(langchain_block: dict[str, object], llama_index_block: object) -> None:
    (from_langchain,) = to_core_messages([HumanMessage([langchain_block])])
    (from_llama_index,) = to_glm_messages([ChatMessage(role="user", blocks=[llama_index_block])])
    assert from_langchain == from_llama_index
