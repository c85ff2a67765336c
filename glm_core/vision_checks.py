"""Checks on images, videos and documents before a request is sent (called by glm_core.validation).

Each failure is an `InvalidRequestError` (a `ValueError`) that names the provider and model, the
rule, and what to do. The facts come from the model catalogue (`inputs`, `max_images`,
`max_videos`, `tool_calling`, `json_mode`) and the provider profile (`media_parts`, `file_url`,
`file_ids`, `media_rules`, `vision_schema`); sources: docs/providers-facts.md, "Vision".

Tool loops on Z.ai vision models: the vision schema lists only system/user/assistant roles, yet
documents function tools on GLM-4.6V and the GLM-5.3-Flash series. A tool loop cannot work without
tool results, so tool messages are sent as usual to the vision models that have tools (the choice
is in glm_core.testing.facts.UNCERTAIN_CHOICES and needs a live check); on GLM-4.5V, which has no
tools, tools, tool calls and tool results are refused here. Z.ai takes `file_id` documents on the
GLM-5.3-Flash series only (the catalogue's `file_ids`). A model outside every family
(`known=False`) is refused nothing for lack of facts: the provider's answer decides.

Example:
    >>> from glm_core.providers import get_provider
    >>> from glm_core.models import model_profile
    >>> request = ChatRequest("glm-4.7", [UserMessage([ImagePart("https://x.org/a.png")])])
    >>> check_vision(request, get_provider("zai"), model_profile("glm-4.7"))
    Traceback (most recent call last):
    ...
    glm_core.errors.InvalidRequestError: zai: glm-4.7 is a text-only model and cannot take images; ...
"""

from __future__ import annotations

from glm_core.errors import InvalidRequestError
from glm_core.media import extension_of, mime_type_of_name
from glm_core.media_data import inline_media_problem
from glm_core.models import CATALOGUE, ModelProfile
from glm_core.providers import PROVIDERS, MediaRules, ProviderProfile
from glm_core.types import (
    AssistantMessage,
    ChatRequest,
    ContentPart,
    FilePart,
    ImagePart,
    ToolMessage,
    UserMessage,
    VideoPart,
)

__all__ = ["accepted_inputs", "check_vision", "vision_models_on"]

_PLURAL = {"image": "images", "video": "videos", "file": "files (documents)"}


def _fail(provider: ProviderProfile, message: str) -> InvalidRequestError:
    return InvalidRequestError(f"{provider.id}: {message}", provider=provider.id)


def vision_models_on(provider: str, kind: str = "image", *, tools: bool = False) -> list[str]:
    """Catalogue ids `provider` is documented to serve that take `kind` inputs (and tools, if asked).

    Example:
        >>> vision_models_on("cloudflare")
        ['glm-5.3-flash']
    """
    return [
        row.id
        for row in CATALOGUE.values()
        if provider in row.providers and kind in row.inputs and (row.tool_calling or not tools)
    ]


def accepted_inputs(model: ModelProfile, provider: ProviderProfile) -> frozenset[str]:
    """What `model` on `provider` takes: "text" plus the media kinds both the model and the
    provider's wire accept (what LangChain's `.profile` and LlamaIndex's `GLM.input_modalities` say).

    Example:
        >>> from glm_core.models import model_profile
        >>> from glm_core.providers import get_provider
        >>> sorted(accepted_inputs(model_profile("glm-4.6v"), get_provider("vllm")))
        ['image', 'text', 'video']
    """
    return frozenset({"text"} | (set(model.inputs) & set(provider.media_parts)))


def _suggest(provider: ProviderProfile, kind: str, *, tools: bool = False) -> str:
    models = vision_models_on(provider.id, kind, tools=tools)
    if not models:
        return f"no GLM model that {provider.name} is documented to serve takes {_PLURAL[kind]}"
    return f"use a model that does, e.g. {', '.join(models)} on {provider.name}"


def _kind(part: ContentPart) -> str | None:
    if isinstance(part, ImagePart):
        return "image"
    if isinstance(part, VideoPart):
        return "video"
    if isinstance(part, FilePart):
        return "file"
    return None


def check_vision(request: ChatRequest, provider: ProviderProfile, model: ModelProfile) -> None:
    """Raise `InvalidRequestError` for media, tools or JSON mode that `model` on `provider` refuses."""
    counts = {"image": 0, "video": 0, "file": 0}
    for message in request.messages:
        if isinstance(message, UserMessage) and not isinstance(message.content, str):
            parts = message.content
        elif isinstance(message, ToolMessage) and message.media:
            parts = message.media  # a tool's images reach the model as images: the same checks
        else:
            continue
        for part in parts:
            kind = _kind(part)
            if kind is None:
                continue
            _check_part(provider, model, kind, part)
            counts[kind] += 1
    _check_counts(provider, model, counts)
    _check_tools(request, provider, model)
    _check_vision_schema(request, provider, model)


def _check_part(provider: ProviderProfile, model: ModelProfile, kind: str, part: ContentPart) -> None:
    if kind not in model.inputs:
        what = "is a text-only model and cannot take" if model.inputs == {"text"} else f"takes {_inputs(model)} but not"
        raise _fail(provider, f"{model.id} {what} {_PLURAL[kind]}; {_suggest(provider, kind)}")
    if kind not in provider.media_parts:
        others = ", ".join(p.id for p in PROVIDERS.values() if kind in p.media_parts)
        raise _fail(
            provider,
            f"{provider.name} documents no {kind} content parts (it takes {_kinds(provider)}); "
            f"send {_PLURAL[kind]} through a provider that does ({others})",
        )
    assert isinstance(part, ImagePart | VideoPart | FilePart)
    if isinstance(part, FilePart):
        if part.file_id is not None and not provider.file_ids:
            raise _fail(provider, f"{provider.name} takes no file ids; pass the document's bytes (base64) instead")
        if part.file_id is not None and model.known and not model.file_ids:
            with_ids = ", ".join(row.id for row in CATALOGUE.values() if row.file_ids and provider.id in row.providers)
            raise _fail(
                provider,
                f"{model.id} takes no file ids (ZAI-OAS: the GLM-5.3-Flash series only"
                + (f": {with_ids} on {provider.name}" if with_ids else "")
                + "); pass the document's bytes (base64) or its URL instead",
            )
        if part.file_id is None and part.data is None and provider.file_url == "none":
            raise _fail(
                provider,
                f"{provider.name} takes documents as inline data only, not by URL; download it and pass the "
                "bytes (base64 with mime_type) or a local path",
            )
    size = _check_inline_data(provider, kind, part)
    rules = provider.media_rules
    if rules is not None:
        _check_format(provider, rules, kind, part, size)


def _check_inline_data(provider: ProviderProfile, kind: str, part: ImagePart | VideoPart | FilePart) -> int:
    """The decoded size of an inline part, its base64 decoded whole and its bytes checked against
    its type (glm_core.media_data); 0 for a part given by URL or id."""
    if part.data is None:
        return 0
    problem, size = inline_media_problem(kind, part.data, part.mime_type)
    if problem is not None:
        raise _fail(provider, problem)
    return size


def _inputs(model: ModelProfile) -> str:
    return " and ".join(_PLURAL[k].split(" ")[0] for k in ("image", "video", "file") if k in model.inputs)


def _kinds(provider: ProviderProfile) -> str:
    return ", ".join(sorted(provider.media_parts)) + " parts"


def _check_format(
    provider: ProviderProfile, rules: MediaRules, kind: str, part: ImagePart | VideoPart | FilePart, size: int
) -> None:
    name = part.filename if isinstance(part, FilePart) else None
    fmt: str | None = None
    if part.data is not None or part.mime_type is not None:
        fmt = extension_of(part.mime_type, name)
        if fmt is None and part.mime_type:
            fmt = part.mime_type.split(";", 1)[0].split("/")[-1].strip().lower()  # a type no table knows
    elif part.url is not None and kind != "file":
        # By URL, only an extension that names another image (video) format says something: a CDN
        # link or "render.php?id=7" may well serve a PNG, and then the provider decides.
        guessed = mime_type_of_name(part.url)
        if guessed is not None and guessed.startswith(f"{kind}/"):
            fmt = extension_of(guessed, part.url)
    allowed = {"image": rules.image_formats, "video": rules.video_formats, "file": rules.file_formats}[kind]
    accepted = ", ".join(sorted(allowed)) if allowed else "none"
    if fmt is not None and fmt not in allowed:
        raise _fail(
            provider,
            f"{provider.name} does not take {fmt} {_PLURAL[kind]}; supported formats: {accepted}. Convert it first",
        )
    if fmt is None and part.data is not None:
        # Inline bytes of no format their first bytes show, and no type given: none of the formats
        # the provider takes (each of those is recognised), or a type the user must name.
        raise _fail(
            provider,
            f"the {kind}'s type is unknown (no mime_type, and its bytes are no format recognised); "
            f"{provider.name} takes {accepted}: pass mime_type=... if it is one of them",
        )
    if part.data is not None:
        limit = {"image": rules.max_image_bytes, "video": rules.max_video_bytes, "file": rules.max_file_bytes}[kind]
        if limit is not None and size > limit:
            raise _fail(
                provider,
                f"a{'n' if kind == 'image' else ''} {kind} of {size / 1048576:.1f} MB is over {provider.name}'s "
                f"limit of {limit // 1048576} MB per {kind}; resize or compress it, or pass a URL",
            )


def _check_counts(provider: ProviderProfile, model: ModelProfile, counts: dict[str, int]) -> None:
    for kind, limit in (("image", model.max_images), ("video", model.max_videos)):
        if limit is not None and counts[kind] > limit:
            raise _fail(
                provider,
                f"{counts[kind]} {_PLURAL[kind]} in one request; {model.id} takes at most {limit}. "
                "Send fewer (or split the work over several requests)",
            )
    rules = provider.media_rules
    if rules is None:
        return
    if rules.max_files is not None and counts["file"] > rules.max_files:
        raise _fail(provider, f"{counts['file']} files in one request; {provider.name} takes at most {rules.max_files}")
    if rules.file_alone and counts["file"] and (counts["image"] or counts["video"]):
        raise _fail(
            provider,
            f"{provider.name} does not take a document (file part) together with images or videos in one "
            "request; send the document and the images in separate requests",
        )


def _check_tools(request: ChatRequest, provider: ProviderProfile, model: ModelProfile) -> None:
    if model.tool_calling:
        return
    uses_tools = bool(request.tools) or any(
        isinstance(m, ToolMessage) or (isinstance(m, AssistantMessage) and m.tool_calls) for m in request.messages
    )
    if uses_tools:
        models = vision_models_on(provider.id, tools=True)
        hint = f"; vision models with tools on {provider.name}: {', '.join(models)}" if models else ""
        raise _fail(
            provider,
            f"{model.id} has no tool calling (tools, tool calls and tool results are refused){hint}",
        )


def _check_vision_schema(request: ChatRequest, provider: ProviderProfile, model: ModelProfile) -> None:
    if not provider.vision_schema or "image" not in model.inputs:
        return
    if request.web_search:
        raise _fail(
            provider,
            f"web_search is not available on {model.id}: {provider.name}'s vision models take function tools "
            "only; search with a text model, or give the model a search function tool",
        )
    response_format = request.response_format
    if response_format is None or response_format.get("type") == "text" or model.json_mode:
        return
    raise _fail(
        provider,
        f"{model.id} takes no response_format on {provider.name} (no JSON mode); for structured output "
        "use function calling (method='function_calling')"
        + ("" if model.tool_calling else ", on a model with tools, or a text model"),
    )
