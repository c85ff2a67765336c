"""Images, videos and documents as canonical content parts: one helper for both adapters.

LangChain blocks and LlamaIndex blocks give the same few things (a URL, base64 data with or
without a MIME type, a local path, a provider file id); `media_part` turns any of them into an
`ImagePart`, `VideoPart` or `FilePart`. A `data:` URL is split into data + MIME type, a local path
is read (a missing one is an `InvalidRequestError` naming it), and a missing MIME type is sniffed
from the bytes or the file name. What each provider accepts (formats, sizes, counts) is checked
later, per provider and model, in `glm_core.validation`; how each part is written on the wire is
the dialect's job.

Example:
    >>> media_part("image", url="data:image/png;base64,iVBORw0KGgo=")
    ImagePart(url=None, data='iVBORw0KGgo=', mime_type='image/png')
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
from pathlib import Path
from typing import Literal

from glm_core.errors import InvalidRequestError
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

# The formats documents use most, for files whose name or bytes say nothing the stdlib knows.
_EXTRA_TYPES = {
    ".jsonl": "application/jsonl",
    ".mkv": "video/x-matroska",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".webp": "image/webp",
}
# MIME type -> the extension format rules are written in (Z.ai lists extensions).
_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/jpg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "video/mp4": "mp4",
    "video/x-matroska": "mkv",
    "video/matroska": "mkv",
    "video/quicktime": "mov",
    "application/pdf": "pdf",
    "text/plain": "txt",
    "application/msword": "doc",
    "application/jsonl": "jsonl",
    "application/x-ndjson": "jsonl",
    **{mime: ext.lstrip(".") for ext, mime in _EXTRA_TYPES.items()},
}


def sniff_mime_type(raw: bytes, filename: str | None = None) -> str | None:
    """The MIME type of `raw` from its first bytes, else from `filename`'s extension, else None.

    Example:
        >>> sniff_mime_type(b"\\x89PNG\\r\\n\\x1a\\n...")
        'image/png'
    """
    head = raw[:16]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF"):
        return "application/pdf"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/x-matroska"
    if head[4:8] == b"ftyp":
        return "video/quicktime" if head[8:10] == b"qt" else "video/mp4"
    if filename:
        return mime_type_of_name(filename)
    return None


def mime_type_of_name(filename: str) -> str | None:
    """The MIME type a file name or URL's extension says, or None."""
    suffix = Path(filename.split("?", 1)[0]).suffix.lower()
    return _EXTRA_TYPES.get(suffix) or mimetypes.guess_type(f"x{suffix}")[0]


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


def _check_base64(kind: str, data: str) -> str:
    data = "".join(data.split())
    head = data[: 4096 - 4096 % 4] if len(data) > 4096 else data + "=" * (-len(data) % 4)
    try:
        base64.b64decode(head, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidRequestError(
            f"the {kind}'s base64 data is not valid base64; pass the raw base64 text (no 'data:' prefix "
            "needed) or a URL"
        ) from None
    return data


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
    `data` is base64 text, or raw bytes (encoded here). Exactly one source should be given; the
    first of path, data, url, file_id wins. `detail` (images) is OpenAI's resolution hint.

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
        mime_type = mime_type or sniff_mime_type(raw, filename)
        text = base64.b64encode(raw).decode("ascii")
    elif isinstance(data, str) and data:
        if data.startswith("data:"):
            parsed_mime, text = _split_data_url(data)
            mime_type = mime_type or parsed_mime
        else:
            text = _check_base64(kind or "file", data)
        if mime_type is None:
            mime_type = sniff_mime_type(base64.b64decode(text[:24] + "=" * (-len(text[:24]) % 4)), filename)
    elif url:
        if url.startswith("data:"):
            mime_type_from_url, text = _split_data_url(url)
            mime_type = mime_type or mime_type_from_url
        elif url.startswith("file://"):
            return media_part(kind, path=url[len("file://") :], mime_type=mime_type, filename=filename, detail=detail)
    elif not file_id:
        raise InvalidRequestError(
            f"{_a(kind)} block has no source; give a url, base64 data with mime_type, a local path, or a file_id"
        )
    final_kind: MediaKind = kind or media_kind_of(mime_type)
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
