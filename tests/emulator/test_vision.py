"""The emulator checks vision requests as each provider does (part shapes, which part kinds,
counts per model, Z.ai's strict part objects) and says what it received, so tests can assert on it."""

from __future__ import annotations

from typing import Any

import pytest

from glm_core.testing import Emulator
from tests.emulator.emulator_helpers import KEY, client, post, unwrap

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
JPG = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQ=="
# provider -> the wire id of a vision model it serves
VISION = {
    "zai": "glm-4.6v",
    "zai_coding": "glm-5.3-flash",
    "bigmodel": "glm-4.5v",
    "empiriolabs": "glm-4-6v-flash",
    "cloudflare_openai": "@cf/zai-org/glm-5.3-flash",
    "aimlapi": "z-ai/glm-4.6v",
    "openrouter": "z-ai/glm-4.6v",
    "vllm": "glm-4.6v",
    "sglang": "glm-4.6v",
}


def image(url: str) -> dict[str, Any]:
    return {"type": "image_url", "image_url": {"url": url}}


def ask(provider: str, parts: list[dict[str, Any]], model: str | None = None, **extra: Any) -> Any:
    model = model or VISION[provider]
    emulator = Emulator(provider, api_key=KEY, served_model=model)
    content = [{"type": "text", "text": "What is this?"}, *parts]
    return post(provider, {"model": model, "messages": [{"role": "user", "content": content}], **extra}, emulator)


def inline(provider: str, data: str, mime: str) -> str:
    return data if provider in ("zai", "zai_coding", "bigmodel") else f"data:{mime};base64,{data}"


@pytest.mark.parametrize("provider", sorted(VISION))
def test_the_answer_says_how_many_images_and_which_types_arrived(provider: str) -> None:
    parts = [image(inline(provider, PNG, "image/png")), image(inline(provider, JPG, "image/jpeg"))]
    response = ask(provider, parts)
    assert response.status_code == 200, response.text
    content = unwrap(provider, response.json())["choices"][0]["message"]["content"]
    said = "I received 2 images (image/png, image/jpeg). Hello! You said: What is this?"
    # GLM-4.5V (bigmodel here) boxes its answer, as the real model does.
    assert content == (f"<|begin_of_box|>{said}<|end_of_box|>" if provider == "bigmodel" else said)


def test_cloudflare_native_takes_parts_with_the_model_in_the_path() -> None:
    emulator = Emulator("cloudflare", api_key=KEY)
    body = {"messages": [{"role": "user", "content": [image(f"data:image/png;base64,{PNG}")]}]}
    with client(emulator) as http:
        vision = http.post("/run/@cf/zai-org/glm-5.3-flash", json=body)
        text_only = http.post("/run/@cf/zai-org/glm-4.7-flash", json=body)
    assert vision.status_code == 200
    assert vision.json()["result"]["choices"][0]["message"]["content"].startswith("I received 1 image (image/png)")
    assert text_only.status_code == 400 and "image input" in text_only.headers["x-emulator-detail"]


def test_zai_refuses_a_data_url_image_and_extra_fields() -> None:
    response = ask("zai", [image(f"data:image/png;base64,{PNG}")])
    assert response.status_code == 400 and response.json()["error"]["code"] == "1210"
    assert "bare base64" in response.headers["x-emulator-detail"]
    response = ask("zai", [{"type": "image_url", "image_url": {"url": PNG, "detail": "high"}}])
    assert response.status_code == 400 and "only ['url']" in response.headers["x-emulator-detail"]


def test_openai_style_providers_refuse_bare_base64() -> None:
    response = ask("openrouter", [image(PNG)])
    assert response.status_code == 400 and "data: URL" in response.headers["x-emulator-detail"]


def test_counts_follow_the_model() -> None:
    assert ask("zai", [image("https://x.org/a.png")] * 51, model="glm-4.5v").status_code == 400
    assert ask("zai", [image("https://x.org/a.png")] * 51, model="glm-4.6v").status_code == 200
    videos = [{"type": "video_url", "video_url": {"url": "https://x.org/v.mp4"}}] * 3
    assert ask("vllm", videos).status_code == 400


def test_part_kinds_per_provider_and_zai_file_alone() -> None:
    document = {"type": "file", "file": {"file_url": "https://x.org/r.pdf"}}
    assert ask("zai", [document]).status_code == 200
    assert ask("zai", [document, image("https://x.org/a.png")]).status_code == 400
    assert ask("aimlapi", [{"type": "video_url", "video_url": {"url": "https://x.org/v.mp4"}}]).status_code == 400
    assert (
        ask("vllm", [{"type": "file", "file": {"file_data": f"data:application/pdf;base64,{PNG}"}}]).status_code == 400
    )


def test_text_models_refuse_media_in_the_provider_shape() -> None:
    response = ask("openrouter", [image("https://x.org/a.png")], model="z-ai/glm-4.7")
    assert response.status_code == 404 and "support image input" in response.json()["error"]["message"]
    response = ask("zai", [image("https://x.org/a.png")], model="glm-4.7")
    assert response.status_code == 400


def test_zai_vision_schema_tools_and_tool_results() -> None:
    # ZAI-OAS FunctionObject: name, description and parameters are required.
    tool = {"type": "function", "function": {"name": "weather", "description": "", "parameters": {"type": "object"}}}
    history = [
        {"role": "user", "content": [{"type": "text", "text": "Weather?"}, image("https://x.org/a.png")]},
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{}"}}],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "sunny"},
    ]
    emulator = Emulator("zai", api_key=KEY)
    ok = post("zai", {"model": "glm-4.6v", "messages": history, "tools": [tool]}, emulator)
    assert ok.status_code == 200 and ok.json()["choices"][0]["message"]["content"] == "The result is sunny."
    no_tools = post("zai", {"model": "glm-4.5v", "messages": history}, emulator)
    assert no_tools.status_code == 400 and no_tools.json()["error"]["code"] == "1214"
    json_mode = ask("zai", [image("https://x.org/a.png")], response_format={"type": "json_object"})
    assert json_mode.status_code == 400


def test_zai_vision_models_take_function_tools_only() -> None:
    search = {"type": "web_search", "web_search": {"search_engine": "search_pro_jina"}}
    response = ask("zai", [image("https://x.org/a.png")], tools=[search])
    assert response.status_code == 400 and "function tools only" in response.headers["x-emulator-detail"]


def test_zai_file_ids_only_on_the_glm_5_3_flash_series() -> None:
    by_id = {"type": "file", "file": {"file_id": "file-1"}}
    assert ask("zai", [by_id], model="glm-5.3-flash").status_code == 200
    response = ask("zai", [by_id], model="glm-4.6v")
    assert response.status_code == 400 and "GLM-5.3-Flash series only" in response.headers["x-emulator-detail"]
