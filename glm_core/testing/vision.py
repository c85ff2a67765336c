"""Vision requests as each provider checks them, and what the rules brain says it received.

Independent of the client's profiles and catalogue (the emulator is the oracle): the part types
each provider's schema has, Z.ai's strict part objects (`additionalProperties: false`, bare base64
images, a file part alone), and the emulator's own per-model facts (`model_facts.ServedModel`:
`inputs`, `max_images`, `max_videos`, `file_ids`, `tools`, `json_mode`). Sources: models-2026.md
§1.3, §4.1, §4.2, §5.1, §6-§8. Choices where the sources are silent are in facts.UNCERTAIN_CHOICES.

Example:
    >>> describe_media([{"role": "user", "content": [
    ...     {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]}])
    'received 1 image (image/png)'
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from glm_core.testing.checks import Invalid
from glm_core.testing.errors import WireError, provider_error
from glm_core.testing.facts import ProviderFacts
from glm_core.testing.model_facts import ServedModel

__all__ = ["BOX_CLOSE", "BOX_OPEN", "check_vision_request", "describe_media", "media_of"]

# GLM-4.5V writes its answer between these (observed in its answers; `ServedModel.boxes`).
BOX_OPEN, BOX_CLOSE = "<|begin_of_box|>", "<|end_of_box|>"


# Part types in each provider's user-content schema (text included).
_PART_TYPES: dict[str, frozenset[str]] = {
    "zai": frozenset({"text", "image_url", "video_url", "file", "file_url"}),
    "cloudflare": frozenset({"text", "image_url", "video_url", "input_audio", "file"}),
    "openrouter": frozenset({"text", "image_url", "video_url", "input_audio", "file"}),
    "aimlapi": frozenset({"text", "image_url"}),
    "empiriolabs": frozenset({"text", "image_url", "video_url", "file"}),
    "vllm": frozenset({"text", "image_url", "video_url", "audio_url", "input_audio"}),
    "sglang": frozenset({"text", "image_url", "video_url", "audio_url"}),
}
_KIND = {"image_url": "image", "video_url": "video", "file": "file", "file_url": "file"}
# Z.ai part objects: the keys each may have (additionalProperties: false) and the inner keys.
_ZAI_KEYS = {
    "text": ({"type", "text"}, None),
    "image_url": ({"type", "image_url"}, {"url"}),
    "video_url": ({"type", "video_url"}, {"url"}),
    "file_url": ({"type", "file_url"}, {"url"}),
    "file": ({"type", "file"}, {"file_id", "file_url", "file_data", "filename"}),
}
_MAGIC = (
    (b"\x89PNG", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"%PDF", "application/pdf"),
)
_BY_EXTENSION = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "mp4": "video/mp4",
    "mkv": "video/x-matroska",
    "mov": "video/quicktime",
    "pdf": "application/pdf",
    "txt": "text/plain",
}


def _mime(source: str) -> str:
    """The MIME type a source says: a data: URL's header, a URL's extension, or sniffed base64."""
    if source.startswith("data:"):
        return source[5:].split(";", 1)[0].split(",", 1)[0] or "unknown"
    if source.startswith(("http://", "https://")):
        ext = source.split("?", 1)[0].rsplit(".", 1)[-1].lower()
        return _BY_EXTENSION.get(ext, "unknown")
    try:
        head = base64.b64decode(source[:16] + "=" * (-len(source[:16]) % 4))
    except (binascii.Error, ValueError):
        return "unknown"
    return next((mime for magic, mime in _MAGIC if head.startswith(magic)), "unknown")


def media_of(messages: Any) -> list[tuple[str, str, str]]:
    """(kind, part type, source) for every image / video / file part of the user turns."""
    found: list[tuple[str, str, str]] = []
    for message in messages if isinstance(messages, list) else ():
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, list):
            continue
        for part in content:
            kind = _KIND.get(str(part.get("type"))) if isinstance(part, dict) else None
            if kind is None:
                continue
            inner = part.get(part["type"])
            source = ""
            if isinstance(inner, dict):
                value = inner.get("url") or inner.get("file_data") or inner.get("file_url") or inner.get("file_id")
                source = value if isinstance(value, str) else ""
            found.append((kind, str(part["type"]), source))
    return found


def describe_media(messages: Any) -> str | None:
    """What the rules brain reports: "received 2 images (image/png, image/jpeg) and 1 file (...)"."""
    media = media_of(messages)
    if not media:
        return None
    pieces = []
    for kind in ("image", "video", "file"):
        mimes = [_mime(source) for k, _, source in media if k == kind]
        if mimes:
            pieces.append(f"{len(mimes)} {kind}{'s' if len(mimes) > 1 else ''} ({', '.join(mimes)})")
    return "received " + " and ".join(pieces)


def _zai_part(part: dict[str, Any], i: int) -> None:
    kind = part.get("type")
    keys, inner_keys = _ZAI_KEYS[str(kind)]
    if set(part) - keys:
        raise Invalid(f"content[{i}] ({kind}) has unknown fields {sorted(set(part) - keys)}")
    if inner_keys is None:
        if not isinstance(part.get("text"), str):
            raise Invalid(f"content[{i}].text must be a string")
        return
    inner = part.get(str(kind))
    if not isinstance(inner, dict) or set(inner) - inner_keys:
        raise Invalid(f"content[{i}].{kind} must be an object with only {sorted(inner_keys)}")
    if kind == "file":
        sources = [k for k in ("file_id", "file_url", "file_data") if isinstance(inner.get(k), str)]
        if len(sources) != 1:
            raise Invalid(f"content[{i}].file needs exactly one of file_id, file_url, file_data")
        return
    url = inner.get("url")
    if not isinstance(url, str) or not url:
        raise Invalid(f"content[{i}].{kind}.url is required")
    if kind == "image_url" and url.startswith("data:"):
        # The official SDK strips this prefix before sending (drop_prefix_image_data).
        raise Invalid(f"content[{i}].image_url.url: send the bare base64 string, not a data: URL")


def _refuse(facts: ProviderFacts, detail: str, *, structure: bool = False, status: int = 400) -> WireError:
    if facts.family == "zai":
        return provider_error(facts, code="1214" if structure else "1210", detail=detail)
    if facts.family == "cloudflare":
        return provider_error(facts, code=5006, field=detail, detail=detail)
    if facts.family == "aimlapi":
        return provider_error(facts, 400, message="Body validation error!", detail=detail)
    return provider_error(facts, status, message=detail, param="messages", detail=detail)


def check_vision_request(facts: ProviderFacts, body: dict[str, Any], profile: ServedModel) -> None:
    """Raise the provider's `WireError` for a vision request it refuses (`profile`: the served
    model's facts)."""
    messages = body.get("messages")
    if not isinstance(messages, list):
        return
    allowed = _PART_TYPES[facts.family]
    counts = {"image": 0, "video": 0, "file": 0}
    for m, message in enumerate(messages):
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, list):
            continue
        role = message.get("role")
        for i, part in enumerate(content):
            kind = part.get("type") if isinstance(part, dict) else None
            if kind not in allowed or (role != "user" and kind != "text"):
                raise _refuse(facts, f"messages[{m}].content[{i}].type {kind!r} is not accepted here", structure=True)
            assert isinstance(part, dict)
            if facts.family == "zai":
                try:
                    _zai_part(part, i)
                except Invalid as e:
                    raise _refuse(facts, f"messages[{m}].{e.detail}", structure=kind == "text") from None
                if kind == "file" and "file_id" in part["file"] and not profile.file_ids:
                    raise _refuse(facts, "file_id is supported by the GLM-5.3-Flash series only")
            elif kind == "image_url":
                inner = part.get("image_url")
                url = inner.get("url") if isinstance(inner, dict) else None
                if not isinstance(url, str) or not url.startswith(("http://", "https://", "data:")):
                    raise _refuse(facts, f"messages[{m}].content[{i}].image_url.url must be a URL or a data: URL")
            if kind in _KIND:
                counts[_KIND[kind]] += 1
    if not any(counts.values()):
        if (
            facts.family == "zai"
            and "image" not in profile.inputs
            and any(isinstance(m, dict) and isinstance(m.get("content"), list) for m in messages)
        ):
            raise _refuse(facts, "content arrays are accepted by the vision models only", structure=True)
        _check_vision_model_fields(facts, body, profile)
        return
    for kind in ("image", "video", "file"):
        if counts[kind] and kind not in profile.inputs:
            if facts.family == "openrouter":  # what OpenRouter answers for a text-only model
                raise provider_error(
                    facts,
                    404,
                    message=f"No endpoints found that support {kind} input",
                    detail=f"{kind} input to a text-only model",
                )
            raise _refuse(facts, f"the model does not support {kind} input")
    for kind, limit in (("image", profile.max_images), ("video", profile.max_videos)):
        if limit is not None and counts[kind] > limit:
            raise _refuse(facts, f"{counts[kind]} {kind}s; this model accepts at most {limit}")
    if facts.family == "zai" and counts["file"] and (counts["image"] or counts["video"]):
        raise _refuse(facts, "a file part cannot be combined with image_url or video_url")
    _check_vision_model_fields(facts, body, profile)


def _check_vision_model_fields(facts: ProviderFacts, body: dict[str, Any], profile: ServedModel) -> None:
    """Z.ai's vision schema: tools only where the model has them, no response_format, roles
    system/user/assistant (plus tool results where the model has tools: UNCERTAIN_CHOICES)."""
    if facts.family != "zai" or "image" not in profile.inputs:
        return
    if not profile.tools:
        if body.get("tools"):
            raise _refuse(facts, "tools are not supported by this model")
        if any(isinstance(m, dict) and m.get("role") == "tool" for m in body.get("messages") or ()):
            raise _refuse(facts, "role 'tool' is not accepted by the vision schema", structure=True)
    if any(isinstance(t, dict) and t.get("type") != "function" for t in body.get("tools") or ()):
        raise _refuse(facts, "the vision models take function tools only")
    if body.get("response_format") is not None and not profile.json_mode:
        raise _refuse(facts, "response_format is not supported by the vision models")
