"""Fuzz: hostile media input (issue 24, finding 5), from a framework block to the wire.

Each example draws media bytes of a known format (PNG, JPEG, GIF, WebP, PDF, MP4, SVG, HEIC, or
plain text), a block around them (bytes, base64 text, base64 given as bytes, a `data:` URL; a kind
and a declared type right, missing, of the same kind but wrong, of another kind, or not text; a
file name), sometimes made hostile (a character base64 does not have, anywhere; a length base64
cannot have), and sends it, in a user message or a tool result, to a vision model on one of the
providers that take images (`Endpoint.prepare`: nothing goes on the network).

The outcome must be a typed error before sending, or a request whose media part carries exactly
the drawn bytes, with the type those bytes are, in a part of their kind: never bytes encoded
twice or cut, never a PDF or a video as an image, never an untyped exception.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glm_core import ChatRequest, TextPart, UserMessage
from glm_core.endpoint import Endpoint
from glm_core.media import media_part
from glm_core.types import AssistantMessage, Message, ToolCall, ToolMessage
from tests.core.helpers import client_kwargs
from tests.fuzz.outcomes import EXAMPLES, classify_error, record

SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)

# format -> (magic bytes, its type)
FORMATS = {
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    "jpeg": (b"\xff\xd8\xff\xe0", "image/jpeg"),
    "gif": (b"GIF89a", "image/gif"),
    "webp": (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
    "pdf": (b"%PDF-1.7\n", "application/pdf"),
    "mp4": (b"\x00\x00\x00\x18ftypmp42", "video/mp4"),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg">', "image/svg+xml"),
    "heic": (b"\x00\x00\x00\x18ftypheic", "image/heic"),
    "text": (b"", "text/plain"),
}
MIMES = ["image/png", "image/jpeg", "image/jpg", "image/gif", "image/webp", "image/svg+xml", "image/heic",
         "application/pdf", "video/mp4", "text/plain", "application/octet-stream", "image/x-unknown",
         "IMAGE/PNG; q=1", ""]  # fmt: skip
VISION = [
    ("zai", "glm-4.6v"),
    ("empiriolabs", "glm-4.6v-flash"),
    ("cloudflare", "glm-5.3-flash"),
    ("aimlapi", "glm-4.6v"),
    ("openrouter", "glm-4.6v"),
    ("vllm", "glm-4.6v"),
    ("sglang", "glm-4.6v"),
]
RASTER = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/tiff"}
WIRE_KIND = {"image_url": "image/", "video_url": "video/"}


@st.composite
def media_cases(draw: st.DrawFn) -> tuple[dict[str, Any], list[bytes], str, bool]:
    """(media_part's arguments, the bytes that may be sent, their true type, whether the data
    must be refused).

    Bytes given as bytes are either the media or its base64 text, and only a known format's
    first bytes tell which: base64 text as bytes whose decoded start is no known format (a text
    file, or base64 broken by a mutation) may be sent as the bytes it is."""
    name = draw(st.sampled_from(sorted(FORMATS)))
    magic, true_type = FORMATS[name]
    tail = (
        draw(st.binary(min_size=0, max_size=200))
        if name != "text"
        else draw(st.text("abc xyz\n", min_size=1, max_size=60)).encode()
    )
    raw = magic + tail
    # Half the blocks are what a careful user writes (the right type and kind), half anything.
    careful = draw(st.booleans())
    declared = true_type if careful else draw(st.sampled_from([None, true_type, *MIMES]))
    text = base64.b64encode(raw).decode()
    hostile = False
    form = draw(st.sampled_from(["bytes", "base64", "base64-bytes", "data-url"]))
    if form != "bytes" and draw(st.integers(0, 3)) == 0:
        hostile = True
        if draw(st.booleans()):
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(["!", "*", "é", "\u200b", "-", "_"])) + text[at:]
        else:  # cut to a length base64 cannot have (one character past a whole group)
            text = text.rstrip("=")
            text = text[: len(text) - (len(text) - 1) % 4]
    elif form != "bytes" and draw(st.booleans()):
        text = draw(st.sampled_from([text.rstrip("="), "\n".join(text[i : i + 76] for i in range(0, len(text), 76))]))
    own_kind = true_type.split("/")[0] if true_type.split("/")[0] in ("image", "video") else "file"
    args: dict[str, Any] = {"kind": own_kind if careful else draw(st.sampled_from([None, "image", "video", "file"]))}
    sendable = [raw]
    if form == "bytes":
        args["data"] = raw
    elif form == "base64":
        args["data"] = text
    elif form == "base64-bytes" and text.isascii():
        args["data"] = text.encode()
        if hostile or name == "text":
            sendable, hostile = [raw, args["data"]], False
    elif form == "base64-bytes":
        args["data"] = text
    else:
        args["url"] = f"data:{declared or true_type};base64,{text}"
    if form != "data-url" and declared is not None:
        args["mime_type"] = declared
    args["filename"] = draw(st.sampled_from([None, "shot.png", "report.pdf", "notes.txt", 7]))
    return args, sendable, true_type, hostile


def _sent_media(body: dict[str, Any]) -> list[tuple[str, str]]:
    """(part type, inline data or URL) of every media part in the request."""
    found = []
    for message in body["messages"]:
        content = message.get("content")
        for part in content if isinstance(content, list) else ():
            kind = part.get("type")
            if kind in ("image_url", "video_url"):
                found.append((kind, part[kind]["url"]))
            elif kind == "file":
                found.append((kind, part["file"].get("file_data") or ""))
    return found


def _wrong(sent: list[tuple[str, str]], sendable: list[bytes], true_type: str, provider: str) -> str | None:
    """Why what was sent is not the drawn media, or None."""
    if len(sent) != 1:
        return f"{len(sent)} media parts sent"
    kind, value = sent[0]
    mime = None
    if value.startswith("data:"):
        header, _, value = value.partition(",")
        mime = header[5:].split(";", 1)[0]
    try:
        data = base64.b64decode(value, validate=True)
    except ValueError:
        return "the data sent is not base64"
    if data not in sendable:
        return "the bytes sent are not the bytes given"
    if data != sendable[0]:
        true_type = "text/plain"  # sent as the bytes they are: their type is no known format
    if mime is not None and true_type != "text/plain" and mime != true_type:
        return f"sent as {mime} but the bytes are {true_type}"
    if kind in WIRE_KIND and not true_type.startswith(WIRE_KIND[kind]):
        return f"{true_type} sent as {kind}"
    if kind == "image_url" and true_type not in RASTER:
        return f"{true_type} sent as an image"
    if kind == "image_url" and provider == "zai" and true_type not in ("image/png", "image/jpeg"):
        return f"{true_type} sent to Z.ai, which takes jpg/png only"
    return None


@pytest.mark.parametrize("where", ["user", "tool"])
@SETTINGS
@given(case=media_cases(), target=st.sampled_from(VISION))
def test_hostile_media(where: str, case: Any, target: tuple[str, str]) -> None:
    args, sendable, true_type, hostile = case
    provider, model = target
    try:
        part = media_part(**args)
        messages: list[Message]
        if where == "user":
            messages = [UserMessage([TextPart("What is this?"), part])]
        else:
            call = ToolCall("call_1", "fetch", "{}")
            messages = [
                UserMessage("Fetch it."),
                AssistantMessage(tool_calls=[call]),
                ToolMessage("Here.", "call_1", media=[part]),
            ]
        kwargs = client_kwargs(provider)
        endpoint = Endpoint(provider, api_key="k", account_id=kwargs.get("account_id"), base_url=kwargs.get("base_url"))
        body = json.loads(endpoint.prepare(ChatRequest(model, messages), stream=False).content)
    except Exception as exc:
        record(f"media-{where}", classify_error(exc), (args.get("kind"), true_type, hostile, repr(exc)[:300]))
        return
    why = "hostile data was sent" if hostile else _wrong(_sent_media(body), sendable, true_type, provider)
    shown = {k: (v[:60] if isinstance(v, str | bytes) else v) for k, v in args.items()}
    record(f"media-{where}", "silent_wrong" if why else "correct", (provider, shown, true_type, why))
