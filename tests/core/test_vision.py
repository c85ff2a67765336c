"""Images, videos and documents: the shared media helper, each provider's wire form, and the checks
made before sending (models-2026.md §1.3, §4, §5.1, §6-§8)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from glm_core import ChatRequest, TextPart, ToolCall, ToolMessage, ToolSpec, UserMessage
from glm_core.endpoint import Endpoint
from glm_core.errors import InvalidRequestError
from glm_core.media import data_uri, decoded_size, extension_of, media_part, sniff_mime_type
from glm_core.types import AssistantMessage, ContentPart, FilePart, ImagePart, VideoPart
from glm_core.vision_checks import vision_models_on
from tests.core.helpers import client_kwargs

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "data"
PNG = (EXAMPLES / "screenshot.png").read_bytes()
PNG_B64 = base64.b64encode(PNG).decode()
PDF_B64 = base64.b64encode((EXAMPLES / "invoice.pdf").read_bytes()).decode()


def prepare(provider: str, model: str, parts: list[ContentPart], **options: Any) -> dict[str, Any]:
    kwargs = client_kwargs(provider)
    endpoint = Endpoint(
        provider, api_key=kwargs["api_key"], account_id=kwargs.get("account_id"), base_url=kwargs.get("base_url")
    )
    request = ChatRequest(model, [UserMessage([TextPart("Look"), *parts])], **options)
    body: dict[str, Any] = json.loads(endpoint.prepare(request, stream=False).content)
    return body


def wire_parts(provider: str, model: str, parts: list[ContentPart]) -> list[dict[str, Any]]:
    content: list[dict[str, Any]] = prepare(provider, model, parts)["messages"][-1]["content"]
    return content[1:]


# ---------------------------------------------------------------- the shared helper


def test_a_data_url_becomes_data_and_mime_type() -> None:
    assert media_part("image", url=f"data:image/png;base64,{PNG_B64}") == ImagePart(data=PNG_B64, mime_type="image/png")


def test_a_local_path_is_read_and_its_type_sniffed(tmp_path: Path) -> None:
    file = tmp_path / "noext"
    file.write_bytes(PNG)
    assert media_part("image", path=file) == ImagePart(data=PNG_B64, mime_type="image/png")
    document = media_part(None, path=EXAMPLES / "invoice.pdf")
    assert document == FilePart(data=PDF_B64, mime_type="application/pdf", filename="invoice.pdf")


def test_a_missing_path_names_the_path() -> None:
    with pytest.raises(InvalidRequestError, match=r"no such file: '/nowhere/shot.png'"):
        media_part("image", path="/nowhere/shot.png")
    with pytest.raises(InvalidRequestError, match="no such file"):
        media_part("image", url="file:///nowhere/shot.png")


def test_bytes_are_encoded_and_bad_base64_is_refused() -> None:
    assert media_part("image", data=PNG) == ImagePart(data=PNG_B64, mime_type="image/png")
    with pytest.raises(InvalidRequestError, match="not valid base64"):
        media_part("image", data="this is not base64!", mime_type="image/png")


def test_images_and_videos_cannot_come_by_file_id() -> None:
    with pytest.raises(InvalidRequestError, match="images cannot be given by file id"):
        media_part("image", file_id="file-1")
    assert media_part("file", file_id="file-1") == FilePart(file_id="file-1")


def test_mime_types_and_formats() -> None:
    assert sniff_mime_type(b"\x00\x00\x00\x18ftypmp42") == "video/mp4"
    assert sniff_mime_type(b"\x00\x00\x00\x14ftypqt  ") == "video/quicktime"
    assert sniff_mime_type(b"????", "report.docx").endswith("wordprocessingml.document")
    assert extension_of("image/jpeg") == "jpg" and extension_of(None, "https://x.org/clip.MKV?x=1") == "mkv"
    assert data_uri("image/png", "AAAA") == "data:image/png;base64,AAAA"
    assert decoded_size(base64.b64encode(b"x" * 1000).decode()) == 1000


# ---------------------------------------------------------------- wire forms


INLINE = ImagePart(data=PNG_B64, mime_type="image/png")


def test_zai_sends_bare_base64_images_video_urls_and_file_parts() -> None:
    parts = wire_parts("zai", "glm-4.6v", [INLINE, ImagePart("https://x.org/a.jpg"), VideoPart("https://x.org/v.mp4")])
    assert parts == [
        {"type": "image_url", "image_url": {"url": PNG_B64}},
        {"type": "image_url", "image_url": {"url": "https://x.org/a.jpg"}},
        {"type": "video_url", "video_url": {"url": "https://x.org/v.mp4"}},
    ]
    files = [FilePart(url="https://x.org/r.pdf"), FilePart(data=PDF_B64, mime_type="application/pdf", filename="r.pdf")]
    assert wire_parts("zai", "glm-5.3-flash", [*files, FilePart(file_id="file-9")]) == [
        {"type": "file", "file": {"file_url": "https://x.org/r.pdf"}},
        {"type": "file", "file": {"file_data": f"data:application/pdf;base64,{PDF_B64}", "filename": "r.pdf"}},
        {"type": "file", "file": {"file_id": "file-9"}},
    ]


def test_a_data_url_given_directly_is_stripped_for_zai() -> None:
    assert wire_parts("bigmodel", "glm-4.6v", [ImagePart(f"data:image/png;base64,{PNG_B64}")]) == [
        {"type": "image_url", "image_url": {"url": PNG_B64}}
    ]


@pytest.mark.parametrize(
    ("provider", "model"),
    [
        ("openrouter", "glm-4.6v"),
        ("cloudflare", "glm-5.3-flash"),
        ("cloudflare_openai", "glm-5.3-flash"),
        ("vllm", "glm-4.6v"),
        ("sglang", "glm-4.6v"),
        ("empiriolabs", "glm-4.6v-flash"),
        ("aimlapi", "glm-4.6v"),
    ],
)
def test_openai_style_providers_send_data_urls(provider: str, model: str) -> None:
    assert wire_parts(provider, model, [INLINE]) == [
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG_B64}"}}
    ]


def test_cloudflare_native_body_carries_the_parts_without_model() -> None:
    mp4 = base64.b64encode(b"\x00\x00\x00\x18ftypmp42" + bytes(12)).decode()
    body = prepare("cloudflare", "glm-5.3-flash", [VideoPart(data=mp4, mime_type="video/mp4")])
    assert "model" not in body
    assert body["messages"][0]["content"][1] == {
        "type": "video_url",
        "video_url": {"url": f"data:video/mp4;base64,{mp4}"},
    }


def test_openrouter_takes_a_document_url_in_file_data() -> None:
    assert wire_parts("openrouter", "glm-4.6v", [FilePart(url="https://x.org/r.pdf", filename="r.pdf")]) == [
        {"type": "file", "file": {"file_data": "https://x.org/r.pdf", "filename": "r.pdf"}}
    ]


# ---------------------------------------------------------------- checks before sending


def refused(provider: str, model: str, parts: list[ContentPart], match: str, **options: Any) -> None:
    with pytest.raises(InvalidRequestError, match=match):
        prepare(provider, model, parts, **options)


def test_a_text_only_model_is_refused_naming_the_vision_models_the_provider_serves() -> None:
    refused("zai", "glm-4.7", [INLINE], r"glm-4.7 is a text-only model and cannot take images; .*glm-4\.6v-flash")
    refused("cloudflare", "glm-4.7-flash", [INLINE], r"e\.g\. glm-5\.3-flash on Cloudflare")
    assert vision_models_on("empiriolabs") == ["glm-4.6v-flash"]


def test_a_model_without_documents_is_refused_them() -> None:
    refused("zai", "glm-4.7", [FilePart(url="https://x.org/r.pdf")], "glm-4.7 is a text-only model")


def test_too_many_images_or_videos_for_the_model() -> None:
    refused(
        "zai",
        "glm-4.5v",
        [ImagePart("https://x.org/a.png")] * 51,
        "51 images in one request; glm-4.5v takes at most 50",
    )
    prepare("zai", "glm-4.6v", [ImagePart("https://x.org/a.png")] * 150)
    refused("openrouter", "glm-4.6v", [VideoPart("https://x.org/v.mp4")] * 3, "glm-4.6v takes at most 2")
    refused("zai", "glm-4.5v", [VideoPart("https://x.org/v.mp4")] * 2, "takes at most 1")


def test_zai_takes_a_document_alone_other_providers_with_images() -> None:
    mixed: list[ContentPart] = [INLINE, FilePart(data=PDF_B64, mime_type="application/pdf")]
    refused("zai", "glm-4.6v", mixed, "does not take a document .* together with images")
    prepare("openrouter", "glm-4.6v", mixed)


def test_formats_are_checked_where_documented() -> None:
    gif = ImagePart(data=base64.b64encode(b"GIF89a....").decode(), mime_type="image/gif")
    refused("zai", "glm-4.6v", [gif], "Z.ai does not take gif images; supported formats: jpeg, jpg, png")
    refused("zai", "glm-4.6v", [VideoPart("https://x.org/clip.avi")], "does not take avi videos")
    refused("zai", "glm-4.6v", [FilePart(data="UEsDBA==", mime_type="application/zip")], "does not take zip files")
    refused("zai", "glm-4.6v", [ImagePart("https://x.org/anim.gif")], "does not take gif images")
    # A link that names no image format: the provider decides.
    prepare("zai", "glm-4.6v", [ImagePart("https://cdn.example.com/image?id=7"), ImagePart("https://x.org/r.php?id=7")])
    prepare("openrouter", "glm-4.6v", [gif])  # not documented there: not checked


def test_sizes_are_checked_where_the_bytes_are_local() -> None:
    big = ImagePart(data=base64.b64encode(b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024)).decode(), mime_type="image/jpeg")
    refused("zai", "glm-4.6v", [big], "an image of 5.0 MB is over Z.ai's limit of 5 MB per image")


def test_document_sources_per_provider() -> None:
    refused("cloudflare", "glm-5.3-flash", [FilePart(url="https://x.org/r.pdf")], "inline data only, not by URL")
    refused("openrouter", "glm-4.6v", [FilePart(file_id="file-1")], "takes no file ids")
    refused(
        "vllm", "glm-4.6v", [FilePart(data=PDF_B64, mime_type="application/pdf")], "documents no file content parts"
    )
    refused("aimlapi", "glm-4.6v", [VideoPart("https://x.org/v.mp4")], "documents no video content parts")


def test_a_model_without_tools_is_refused_tools_and_tool_results() -> None:
    weather = ToolSpec("weather", "Get weather")
    refused("zai", "glm-4.5v", [INLINE], r"glm-4\.5v has no tool calling.*glm-4\.6v", tools=[weather])
    history = [
        UserMessage([TextPart("Weather?"), INLINE]),
        AssistantMessage(tool_calls=[ToolCall("c1", "weather", "{}")]),
        ToolMessage("sunny", tool_call_id="c1"),
    ]
    with pytest.raises(InvalidRequestError, match="no tool calling"):
        Endpoint("zai", api_key="k").prepare(ChatRequest("glm-4.5v", history), stream=False)
    body = Endpoint("zai", api_key="k").prepare(ChatRequest("glm-4.6v", history, tools=[weather]), stream=False).body
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "tool"]


def test_json_mode_is_refused_where_the_model_has_none() -> None:
    refused(
        "zai",
        "glm-4.6v",
        [INLINE],
        "glm-4.6v takes no response_format on Z.ai",
        response_format={"type": "json_object"},
    )
    body = prepare("vllm", "glm-4.6v", [INLINE], response_format={"type": "json_object"})
    assert body["response_format"] == {"type": "json_object"}


def test_zai_vision_models_take_function_tools_only() -> None:
    refused("zai", "glm-4.6v", [INLINE], "web_search is not available on glm-4.6v", web_search=True)
    prepare("openrouter", "glm-4.6v", [INLINE], response_format={"type": "json_object"})


def test_the_detail_hint_goes_where_the_schema_has_it() -> None:
    hinted = ImagePart("https://x.org/a.png", detail="high")
    assert wire_parts("vllm", "glm-4.6v", [hinted]) == [
        {"type": "image_url", "image_url": {"url": "https://x.org/a.png", "detail": "high"}}
    ]
    # Z.ai's part objects have additionalProperties: false.
    assert wire_parts("zai", "glm-4.6v", [hinted]) == [
        {"type": "image_url", "image_url": {"url": "https://x.org/a.png"}}
    ]


def test_text_only_part_lists_go_as_a_string() -> None:
    request = ChatRequest("glm-4.7", [UserMessage([TextPart("Hello"), TextPart("there")])])
    body = Endpoint("zai", api_key="k").prepare(request, stream=False).body
    assert body["messages"] == [{"role": "user", "content": "Hello\nthere"}]
