"""Images, videos and documents as canonical content parts: one helper for both adapters.

LangChain blocks and LlamaIndex blocks give the same few things (a URL, base64 data with or
without a MIME type, bytes, a local path, a provider file id); `media_part` turns any of them into
an `ImagePart`, `VideoPart` or `FilePart`. A `data:` URL is split into data + MIME type, a local
path is read (a missing one is an `InvalidRequestError` naming it), bytes are encoded once (base64
text given as bytes is recognised, not encoded a second time), and the MIME type is read from the
first bytes (`glm_core.media_data`): a missing one is filled in, a wrong one of the same kind
("image/png" on JPEG bytes) corrected, one of another kind (an "image" that is a PDF) refused.
What each provider accepts (formats, sizes, counts) is checked later, per provider and model, in
`glm_core.validation`, which also decodes the base64 whole; how each part is written on the wire
is the dialect's job.

Example:
    >>> media_part("image", url="data:image/png;base64,iVBORw0KGgo=")
    ImagePart(url=None, data='iVBORw0KGgo=', mime_type='image/png')
"""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path
from typing import Literal

from glm_core.errors import InvalidRequestError
from glm_core.media_data import (
    EXTRA_TYPES,
    base64_head,
    canonical_mime,
    describe_mime,
    mime_type_of_name,
    same_media_type,
    sniff_mime_type,
    unconfirmed_label,
)
from glm_core.types import ContentPart, FilePart, ImagePart, VideoPart

__all__ = [
    "MediaKind",
    "data_uri",
    "decoded_size",
    "extension_of",
    "media_kind_of",
    "media_part",
    "mime_type_of_name",
    "sniff_mime_type",
]

MediaKind = Literal["image", "video", "file"]

# MIME type -> the extension format rules are written in (Z.ai lists extensions).
_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/jpg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/bmp": "bmp",
    "image/tiff": "tiff",
    "image/heic": "heic",
    "image/heif": "heif",
    "image/avif": "avif",
    "image/svg+xml": "svg",
    "video/mp4": "mp4",
    "video/x-matroska": "mkv",
    "video/matroska": "mkv",
    "video/quicktime": "mov",
    "video/webm": "webm",
    "video/x-msvideo": "avi",
    "video/mpeg": "mpeg",
    "application/pdf": "pdf",
    "text/plain": "txt",
    "application/msword": "doc",
    "application/jsonl": "jsonl",
    "application/x-ndjson": "jsonl",
    **{mime: ext.lstrip(".") for ext, mime in EXTRA_TYPES.items()},
}


def extension_of(mime_type: str | None, name: str | None = None) -> str | None:
    """The format name rules are written in ("png", "mp4", "pdf", "docx"), from a MIME type or a name.

    Example:
        >>> extension_of("image/jpeg"), extension_of(None, "https://x.org/a.MOV")
        ('jpg', 'mov')
    """
    if mime_type:
        known = _EXTENSIONS.get(mime_type.lower())
        if known:
            return known
        guessed = mimetypes.guess_extension(mime_type)
        if guessed:
            return guessed.lstrip(".")
    if name:
        suffix = Path(name.split("?", 1)[0]).suffix.lower().lstrip(".")
        if suffix:
            return "jpg" if suffix == "jpeg" else suffix
    return None


def media_kind_of(mime_type: str | None) -> MediaKind:
    """Which part a MIME type makes: image/* -> image, video/* -> video, anything else -> file."""
    if mime_type and mime_type.startswith("image/"):
        return "image"
    if mime_type and mime_type.startswith("video/"):
        return "video"
    return "file"


def data_uri(mime_type: str | None, data: str) -> str:
    """`data:<mime>;base64,<data>` (the form OpenAI-style APIs take inline)."""
    return f"data:{mime_type or 'application/octet-stream'};base64,{data}"


def decoded_size(data: str) -> int:
    """Bytes that base64 `data` decodes to, without decoding it."""
    length = len(data.rstrip("="))
    return length * 3 // 4


def _split_data_url(url: str) -> tuple[str | None, str]:
    header, _, payload = url.partition(",")
    mime = header[5:].split(";", 1)[0] or None
    if ";base64" not in header:
        # A percent-encoded data URL: re-encode as base64, the only form the providers take.
        from urllib.parse import unquote_to_bytes

        payload = base64.b64encode(unquote_to_bytes(payload)).decode("ascii")
    return mime, payload


def _read(path: str | Path) -> bytes:
    file = Path(path).expanduser()
    if not file.is_file():
        raise InvalidRequestError(
            f"no such file: {str(path)!r} (a local image, video or document path must exist); "
            "check the path, or pass a URL or base64 data instead"
        )
    return file.read_bytes()


def _base64_text(kind: MediaKind | None, data: str) -> tuple[str, bytes]:
    """(`data` without whitespace and with its padding, its first 1 KB decoded); refused if it does
    not start as base64 (the whole text is decoded, strictly, by the validator before sending)."""
    text = "".join(data.split())
    text += "=" * (-len(text) % 4)
    head = base64_head(text[:1368], 1024) if text.isascii() else b""
    if not head:
        raise InvalidRequestError(
            f"{_a(kind)} block's base64 data is not valid base64; pass the raw base64 text (no 'data:' "
            "prefix needed), the bytes, or a URL"
        )
    return text, head


def _encoded_once(raw: bytes) -> tuple[str, bytes]:
    """(base64 text, the first bytes of the media) for bytes that are either the media itself or
    its base64 text already (LlamaIndex keeps block bytes base64-encoded; so may a user): text
    whose decoded start is a known format is taken as the base64 it is, not encoded again."""
    if raw.isascii() and sniff_mime_type(raw) is None:
        text = "".join(raw.decode("ascii").split())
        text += "=" * (-len(text) % 4)
        head = base64_head(text[:1368], 1024)
        if sniff_mime_type(head) is not None:
            return text, head
    return base64.b64encode(raw).decode("ascii"), raw[:1024]


def _mime_for(kind: MediaKind | None, declared: str | None, head: bytes, filename: str | None) -> str | None:
    """The MIME type to send: what the first bytes say when they say it; a label of the same
    kind that disagrees is corrected, one of another kind refused."""
    given = canonical_mime(declared)
    sniffed = sniff_mime_type(head) if head else None
    if unconfirmed_label(given, sniffed):
        assert given is not None
        raise InvalidRequestError(
            f"{_a(kind)} block says {given}, but its bytes are not {describe_mime(given)}; "
            "check the data (or its mime_type)"
        )
    if sniffed is not None and given is not None and not same_media_type(given, sniffed):
        if media_kind_of(given) != media_kind_of(sniffed) or kind not in (None, media_kind_of(sniffed), "file"):
            raise InvalidRequestError(
                f"{_a(kind)} block says {given}, but its bytes are {describe_mime(sniffed)}; "
                f"send it as {_a(media_kind_of(sniffed))} block with its own type"
            )
        return sniffed  # the same kind, mislabelled ("image/png" on a JPEG): the bytes win
    return sniffed or given or (mime_type_of_name(filename) if filename else None)


def _a(kind: MediaKind | None) -> str:
    name = kind or "file"
    return f"a{'n' if name[0] in 'aeiou' else ''} {name}"


def _check_types(kind: MediaKind | None, **values: object) -> None:
    """Each of a block's text fields is text or absent: anything else is a mistake in the block
    (a number as a file name), refused here rather than failing somewhere deeper."""
    for name, value in values.items():
        if value is not None and not isinstance(value, str):
            raise InvalidRequestError(
                f"{_a(kind)} block's {name} must be text, not {type(value).__name__} ({value!r:.40})"
            )


def media_part(
    kind: MediaKind | None,
    *,
    url: str | None = None,
    data: str | bytes | None = None,
    mime_type: str | None = None,
    path: str | Path | None = None,
    file_id: str | None = None,
    filename: str | None = None,
    detail: str | None = None,
) -> ContentPart:
    """A canonical image, video or file part from whichever source the framework block had.

    `kind` None means "decide from the MIME type" (LlamaIndex documents, generic file blocks).
    `data` is base64 text, or bytes (the media, encoded here once, or its base64 text). Exactly
    one source should be given; the first of path, data, url, file_id wins. `detail` (images) is
    OpenAI's resolution hint.

    Example:
        >>> media_part("video", url="https://x.org/clip.mp4")
        VideoPart(url='https://x.org/clip.mp4', data=None, mime_type=None)
    """
    _check_types(kind, url=url, mime_type=mime_type, file_id=file_id, filename=filename, detail=detail)
    if data is not None and not isinstance(data, str | bytes | bytearray):
        raise InvalidRequestError(f"{_a(kind)} block's data must be base64 text or bytes, not {type(data).__name__}")
    if path is not None and not isinstance(path, str | Path):
        raise InvalidRequestError(f"{_a(kind)} block's path must be text or a Path, not {type(path).__name__}")
    raw: bytes | None = None
    if path is not None:
        raw = _read(path)
        filename = filename or Path(path).name
    elif isinstance(data, bytes | bytearray):
        raw = bytes(data)
    text: str | None = None
    if raw is not None:
        text, head = _encoded_once(raw)
        mime_type = _mime_for(kind, mime_type, head, filename)
    else:
        inline = data if isinstance(data, str) and data else url if url and url.startswith("data:") else None
        if inline is not None:
            if inline.startswith("data:"):
                parsed_mime, inline = _split_data_url(inline)
                mime_type = mime_type or parsed_mime
            text, head = _base64_text(kind, inline)
            mime_type = _mime_for(kind, mime_type, head, filename)
        elif url and url.startswith("file://"):
            return media_part(kind, path=url[len("file://") :], mime_type=mime_type, filename=filename, detail=detail)
        elif not url and not file_id:
            raise InvalidRequestError(
                f"{_a(kind)} block has no source; give a url, base64 data with mime_type, a local path, or a file_id"
            )
    final_kind: MediaKind = kind or media_kind_of(mime_type)
    if text is not None and kind in ("image", "video") and mime_type and media_kind_of(mime_type) != kind:
        raise InvalidRequestError(
            f"{_a(kind)} block holds {describe_mime(mime_type)}; send it as {_a(media_kind_of(mime_type))} block"
        )
    if final_kind != "file" and text is None and not url:
        raise InvalidRequestError(
            f"{final_kind}s cannot be given by file id (only documents can, on Z.ai and Cloudflare); "
            "pass a url or base64 data"
        )
    if final_kind == "image":
        return ImagePart(url=None if text else url, data=text, mime_type=mime_type, detail=detail)
    if final_kind == "video":
        return VideoPart(url=None if text else url, data=text, mime_type=mime_type)
    return FilePart(
        url=None if text or file_id else url, data=text, mime_type=mime_type, file_id=file_id, filename=filename
    )
