"""Media checked on every provider before sending (issue 24, finding 5): base64 decoded whole,
bytes encoded once, the declared type checked against the bytes, and each provider's formats.

Framework blocks go through `media_part`, which corrects a label of the same kind (the bytes are
the truth) and refuses one of another kind; parts built by hand are checked, not rewritten.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from glm_core import ChatRequest, TextPart, UserMessage
from glm_core.endpoint import Endpoint
from glm_core.errors import InvalidRequestError
from glm_core.media import media_part
from glm_core.media_data import sniff_mime_type
from glm_core.types import ContentPart, FilePart, ImagePart, VideoPart
from tests.core.helpers import client_kwargs

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "data"
PNG = (EXAMPLES / "screenshot.png").read_bytes()
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 40
PDF = (EXAMPLES / "invoice.pdf").read_bytes()
MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(64)
HEIC = b"\x00\x00\x00\x18ftypheic" + bytes(64)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


# Providers whose wire takes images, with a vision model each serves.
VISION = [
    ("zai", "glm-4.6v"),
    ("bigmodel", "glm-4.6v"),
    ("empiriolabs", "glm-4.6v-flash"),
    ("cloudflare", "glm-5.3-flash"),
    ("cloudflare_openai", "glm-5.3-flash"),
    ("aimlapi", "glm-4.6v"),
    ("openrouter", "glm-4.6v"),
    ("vllm", "glm-4.6v"),
    ("sglang", "glm-4.6v"),
]


def prepare(provider: str, model: str, *parts: ContentPart) -> dict[str, Any]:
    kwargs = client_kwargs(provider)
    endpoint = Endpoint(
        provider, api_key=kwargs["api_key"], account_id=kwargs.get("account_id"), base_url=kwargs.get("base_url")
    )
    request = ChatRequest(model, [UserMessage([TextPart("What is this?"), *parts])])
    body: dict[str, Any] = json.loads(endpoint.prepare(request, stream=False).content)
    return body


# -- media_part: what the framework blocks become ---------------------------------------------------


def test_base64_given_as_bytes_is_not_encoded_a_second_time() -> None:
    assert media_part("image", data=b64(PNG).encode()) == ImagePart(data=b64(PNG), mime_type="image/png")
    assert media_part("image", data=PNG) == ImagePart(data=b64(PNG), mime_type="image/png")
    # Text that happens to be valid base64 is still text: its decoded bytes are no known format.
    assert media_part("file", data=b"abcd", mime_type="text/plain") == FilePart(
        data=b64(b"abcd"), mime_type="text/plain"
    )


@pytest.mark.parametrize("source", ["bytes", "base64", "data-url"])
def test_a_jpeg_labelled_png_is_sent_as_jpeg(source: str) -> None:
    given: dict[str, Any] = {
        "bytes": {"data": JPEG, "mime_type": "image/png"},
        "base64": {"data": b64(JPEG), "mime_type": "image/png"},
        "data-url": {"url": f"data:image/png;base64,{b64(JPEG)}"},
    }[source]
    assert media_part("image", **given) == ImagePart(data=b64(JPEG), mime_type="image/jpeg")


@pytest.mark.parametrize(
    ("raw", "mime", "words"),
    [
        (PDF, "image/png", "says image/png, but its bytes are a PDF document (application/pdf)"),
        (PDF, None, "holds a PDF document (application/pdf); send it as a file block"),
        (MP4, "image/jpeg", "its bytes are an MP4 video (video/mp4); send it as a video block"),
        (b"just some notes\n", "text/plain", "holds text/plain; send it as a file block"),
    ],
)
def test_an_image_block_that_is_not_an_image_is_refused(raw: bytes, mime: str | None, words: str) -> None:
    with pytest.raises(InvalidRequestError, match=words.replace("(", r"\(").replace(")", r"\)")):
        media_part("image", data=b64(raw), mime_type=mime)


def test_types_are_read_from_more_formats() -> None:
    assert sniff_mime_type(HEIC) == "image/heic"
    assert sniff_mime_type(SVG) == "image/svg+xml"
    assert sniff_mime_type(b"\x1a\x45\xdf\xa3\x01\x00\x00\x00\x42\x82\x84webm") == "video/webm"
    assert sniff_mime_type(b"RIFF\x00\x00\x00\x00AVI LIST") == "video/x-msvideo"
    assert sniff_mime_type(b"PK\x03\x04rest", "report.docx").endswith("wordprocessingml.document")


# -- before sending, on every provider -----------------------------------------------------------------


@pytest.mark.parametrize(("provider", "model"), VISION)
def test_base64_broken_after_the_first_4_kb_is_refused_before_sending(provider: str, model: str) -> None:
    big = b64(PNG + bytes(range(256)) * 40)  # 10 KB: the break is far past any head that is looked at
    broken = big[:8000] + "!!!!" + big[8004:]
    for part in (
        ImagePart(data=broken, mime_type="image/png"),
        media_part("image", url=f"data:image/png;base64,{broken}"),
    ):
        with pytest.raises(InvalidRequestError, match="base64 data is not valid base64"):
            prepare(provider, model, part)


@pytest.mark.parametrize(("provider", "model"), VISION)
def test_a_part_whose_bytes_disagree_with_its_type_is_refused(provider: str, model: str) -> None:
    with pytest.raises(
        InvalidRequestError, match=r"says image/png, but its bytes are a JPEG image.*mime_type='image/jpeg'"
    ):
        prepare(provider, model, ImagePart(data=b64(JPEG), mime_type="image/png"))
    with pytest.raises(InvalidRequestError, match=r"holds a PDF document.*send it as a file part"):
        prepare(provider, model, ImagePart(data=b64(PDF), mime_type="application/pdf"))


NOT_IMAGES = {
    "svg": (SVG, "image/svg+xml"),
    "heic": (HEIC, "image/heic"),
    "text": (b"plain notes", "text/plain"),
    "pdf": (PDF, "application/pdf"),
    "mp4": (MP4, "video/mp4"),
}


@pytest.mark.parametrize("what", sorted(NOT_IMAGES))
@pytest.mark.parametrize(("provider", "model"), VISION)
def test_no_provider_gets_an_image_part_it_cannot_take(provider: str, model: str, what: str) -> None:
    raw, mime = NOT_IMAGES[what]
    with pytest.raises(InvalidRequestError) as refused:
        prepare(provider, model, ImagePart(data=b64(raw), mime_type=mime))
    message = str(refused.value)
    assert "supported formats:" in message or "send it as a" in message, message


@pytest.mark.parametrize(
    ("provider", "model", "part", "accepted"),
    [
        ("openrouter", "glm-4.6v", ImagePart(data=b64(SVG), mime_type="image/svg+xml"), "gif, jpeg, jpg, png, webp"),
        ("vllm", "glm-4.6v", ImagePart(data=b64(HEIC), mime_type="image/heic"), "bmp, gif, jpeg, jpg, png, tiff, webp"),
        (
            "openrouter",
            "glm-4.6v",
            VideoPart(data=b64(b"\x1a\x45\xdf\xa3" + bytes(40)), mime_type="video/x-matroska"),
            "mov, mp4, mpeg, webm",
        ),
        ("zai", "glm-4.6v", ImagePart(data=b64(b"GIF89a" + bytes(20)), mime_type="image/gif"), "jpeg, jpg, png"),
    ],
)
def test_a_refusal_names_the_formats_the_provider_takes(
    provider: str, model: str, part: ContentPart, accepted: str
) -> None:
    with pytest.raises(InvalidRequestError, match=f"supported formats: {accepted}"):
        prepare(provider, model, part)


@pytest.mark.parametrize(("provider", "model"), VISION)
def test_good_media_still_goes_out(provider: str, model: str) -> None:
    body = prepare(
        provider, model, media_part("image", data=JPEG, mime_type="image/png"), ImagePart("https://x.org/a.png")
    )
    sent = json.dumps(body)
    assert b64(JPEG)[:40] in sent and "https://x.org/a.png" in sent
    assert "image/png;base64" not in sent  # corrected to image/jpeg (or bare base64 on Z.ai)


def test_a_document_part_is_checked_too() -> None:
    with pytest.raises(InvalidRequestError, match="says application/pdf, but its bytes are a PNG image"):
        prepare("openrouter", "glm-4.6v", FilePart(data=b64(PNG), mime_type="application/pdf"))
