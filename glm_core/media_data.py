"""What inline media bytes are: strict base64, the type their first bytes say, and whether that
agrees with the type they were given.

Used twice, with one rule: `glm_core.media.media_part` (the framework blocks' way in) reads the
type from the first bytes and corrects a label of the same kind ("image/png" on JPEG bytes: the
bytes are the truth, and providers decode by content or refuse a data URI whose type lies); the
validator (`check_inline_data`, called for every inline part before sending, on every provider)
decodes the base64 whole, strictly, once per request, and refuses a part whose bytes are not
what its type says: a part built by hand is not rewritten behind its author's back.

Example:
    >>> sniff_mime_type(b"\\xff\\xd8\\xff\\xe0...")
    'image/jpeg'
    >>> same_media_type("video/mp4", "video/quicktime")  # one container family (ISO BMFF)
    True
"""

from __future__ import annotations

import binascii
import mimetypes
from pathlib import Path

__all__ = [
    "MAGIC_TYPES",
    "base64_head",
    "canonical_mime",
    "decode_base64",
    "describe_mime",
    "inline_media_problem",
    "mime_type_of_name",
    "same_media_type",
    "sniff_mime_type",
    "unconfirmed_label",
]

# The formats documents use most, for files whose name or bytes say nothing the stdlib knows.
EXTRA_TYPES = {
    ".jsonl": "application/jsonl",
    ".mkv": "video/x-matroska",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".webp": "image/webp",
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".avif": "image/avif",
    ".webm": "video/webm",
}

# ISO BMFF brands (bytes 8-12 after "ftyp") that are still images.
_IMAGE_BRANDS = {b"heic": "image/heic", b"heix": "image/heic", b"heim": "image/heic", b"heis": "image/heic",
                 b"hevc": "image/heic", b"mif1": "image/heif", b"msf1": "image/heif", b"avif": "image/avif",
                 b"avis": "image/avif"}  # fmt: skip
# Spellings of one type, to the one this module returns.
_ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/x-png": "image/png",
    "image/svg": "image/svg+xml",
    "image/x-ms-bmp": "image/bmp",
    "image/tif": "image/tiff",
    "video/mov": "video/quicktime",
    "video/x-quicktime": "video/quicktime",
    "video/matroska": "video/x-matroska",
    "video/avi": "video/x-msvideo",
    "application/x-pdf": "application/pdf",
}
# Types whose magic bytes other types share: such a sniff confirms nothing about the label.
_CONTAINERS = {"application/zip", "application/x-ole-storage"}
# Types every file of starts with its magic bytes: a part labelled so whose bytes show none is not
# one (text labelled "image/png"). Not SVG (text, any prologue) nor QuickTime (older files open
# with other boxes than "ftyp").
MAGIC_TYPES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/tiff", "image/heic", "image/heif",
     "image/avif", "application/pdf", "video/mp4", "video/webm", "video/x-matroska", "video/x-msvideo"}
)  # fmt: skip
# Labels within one container family are the same media to every decoder we know of.
_FAMILIES = (
    frozenset({"video/mp4", "video/quicktime", "video/x-m4v", "video/3gpp", "video/3gpp2"}),
    frozenset({"video/x-matroska", "video/webm"}),
    frozenset({"image/heic", "image/heif"}),
)
_NAMES = {
    "image/jpeg": "a JPEG image",
    "image/png": "a PNG image",
    "image/gif": "a GIF image",
    "image/webp": "a WebP image",
    "image/bmp": "a BMP image",
    "image/tiff": "a TIFF image",
    "image/heic": "a HEIC image",
    "image/heif": "a HEIF image",
    "image/avif": "an AVIF image",
    "image/svg+xml": "an SVG drawing",
    "application/pdf": "a PDF document",
    "video/mp4": "an MP4 video",
    "video/quicktime": "a QuickTime (MOV) video",
    "video/webm": "a WebM video",
    "video/x-matroska": "a Matroska (MKV) video",
    "video/x-msvideo": "an AVI video",
    "video/mpeg": "an MPEG video",
}


def canonical_mime(mime_type: str | None) -> str | None:
    """The type without parameters, lower case, in its usual spelling; None for none or
    `application/octet-stream` (which says nothing)."""
    if not mime_type:
        return None
    base = mime_type.split(";", 1)[0].strip().lower()
    if not base or base in ("application/octet-stream", "binary/octet-stream"):
        return None
    return _ALIASES.get(base, base)


def describe_mime(mime_type: str) -> str:
    """ "a JPEG image (image/jpeg)", for messages."""
    name = _NAMES.get(mime_type)
    return f"{name} ({mime_type})" if name else mime_type


def unconfirmed_label(given: str | None, sniffed: str | None) -> bool:
    """Whether the bytes show none of the magic every file of the type `given` starts with."""
    return sniffed is None and given in MAGIC_TYPES


def same_media_type(declared: str, sniffed: str) -> bool:
    """Whether bytes sniffed as `sniffed` may carry the label `declared`."""
    if declared == sniffed or sniffed in _CONTAINERS:
        return True
    return any(declared in family and sniffed in family for family in _FAMILIES)


def mime_type_of_name(filename: str) -> str | None:
    """The MIME type a file name or URL's extension says, or None."""
    suffix = Path(filename.split("?", 1)[0]).suffix.lower()
    return EXTRA_TYPES.get(suffix) or mimetypes.guess_type(f"x{suffix}")[0]


def _ftyp(head: bytes) -> str:
    brand = head[8:12]
    if brand in _IMAGE_BRANDS:
        return _IMAGE_BRANDS[brand]
    if brand == b"qt  ":
        return "video/quicktime"
    if brand.startswith(b"3g2"):
        return "video/3gpp2"
    if brand.startswith(b"3gp"):
        return "video/3gpp"
    return "video/mp4"


def _is_svg(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in head)


def sniff_mime_type(raw: bytes, filename: str | None = None) -> str | None:
    """The MIME type of `raw` from its first bytes, else from `filename`'s extension, else None.

    Example:
        >>> sniff_mime_type(b"\\x89PNG\\r\\n\\x1a\\n...")
        'image/png'
    """
    head = raw[:512]
    found: str | None = None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = "image/png"
    elif head.startswith(b"\xff\xd8\xff"):
        found = "image/jpeg"
    elif head.startswith((b"GIF87a", b"GIF89a")):
        found = "image/gif"
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        found = "image/webp"
    elif head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        found = "video/x-msvideo"
    elif head.startswith((b"II*\x00", b"MM\x00*")):
        found = "image/tiff"
    elif head.startswith(b"BM") and len(head) >= 14 and head[6:10] == b"\x00\x00\x00\x00":
        found = "image/bmp"
    elif b"%PDF-" in raw[:1024]:  # the header may follow up to 1 KB of anything (PDF 1.7, 7.5.2)
        found = "application/pdf"
    elif head.startswith(b"\x1a\x45\xdf\xa3"):
        found = "video/webm" if b"webm" in head[:64] else "video/x-matroska"
    elif head[4:8] == b"ftyp":
        found = _ftyp(head)
    elif head.startswith((b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3")):
        found = "video/mpeg"
    elif head.startswith(b"PK\x03\x04"):
        found = "application/zip"  # docx, xlsx, pptx, ... too: the name says which
    elif head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        found = "application/x-ole-storage"  # doc, xls, ppt
    elif _is_svg(head):
        found = "image/svg+xml"
    if (found is None or found in _CONTAINERS) and filename:
        return mime_type_of_name(filename) or found
    return found


def base64_head(data: str, size: int = 48) -> bytes:
    """The first `size` bytes (or fewer) `data` (base64 text) decodes to, without decoding it all;
    b"" if it is not base64 there (the whole text is checked later, by `decode_base64`)."""
    head = data if len(data) <= size * 4 // 3 + 4 else data[: (size + 2) // 3 * 4]
    try:
        return binascii.a2b_base64(head, strict_mode=True)
    except (binascii.Error, ValueError):
        return b""


def decode_base64(data: str) -> bytes | None:
    """The bytes of base64 `data`, checked whole and strictly (alphabet, padding), or None."""
    try:
        return binascii.a2b_base64(data, strict_mode=True)
    except (binascii.Error, ValueError):
        return None


def _kind(mime_type: str) -> str:
    major = mime_type.split("/", 1)[0]
    return major if major in ("image", "video") else "file"


def inline_media_problem(kind: str, data: str, mime_type: str | None) -> tuple[str | None, int]:
    """(what is wrong with inline `data` for a `kind` part labelled `mime_type`, or None; the
    number of bytes it decodes to). The base64 is decoded whole, strictly: once per request."""
    raw = decode_base64(data)
    if raw is None:
        why = "is not padded to a multiple of 4 characters" if data.isascii() and len(data) % 4 else "is not valid"
        return f"the {kind}'s base64 data {why} base64 (strict: the standard alphabet, no spaces)", 0
    sniffed = sniff_mime_type(raw)
    given = canonical_mime(mime_type)
    if sniffed is not None and given is not None and not same_media_type(given, sniffed):
        move = "" if _kind(sniffed) == kind else f" and send it as a {_kind(sniffed)} part"
        says = f"the {kind} part says {given}, but its bytes are {describe_mime(sniffed)}"
        return f"{says}; set mime_type={sniffed!r}{move}", len(raw)
    if given is not None and unconfirmed_label(given, sniffed):
        return f"the {kind} part says {given}, but its bytes are not {describe_mime(given)}", len(raw)
    actual = sniffed or given
    if actual is not None and kind != "file" and _kind(actual) != kind:
        return f"the {kind} part holds {describe_mime(actual)}; send it as a {_kind(actual)} part", len(raw)
    return None, len(raw)
