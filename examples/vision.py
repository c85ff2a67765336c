"""Images and documents on the GLM vision models, from LangChain and LlamaIndex.

GLM-4.6V-Flash is free on Z.ai; GLM-5.3-Flash reads images, video and documents and calls tools.
Images go as LangChain `image` blocks (a URL, or base64 + mime_type) or LlamaIndex `ImageBlock`s
(a path, a URL or bytes); documents as `file` blocks / `DocumentBlock`s. ChatGLM and GLM write
them the way the provider wants (bare base64 on Z.ai, data: URLs elsewhere) and refuse, before
sending, what the model cannot take.

Run: python examples/vision.py   (no key: the built-in emulator answers, saying what it received)
"""

import base64
from pathlib import Path

from langchain_core.messages import HumanMessage
from llama_index.core.base.llms.types import ChatMessage, DocumentBlock, ImageBlock, TextBlock

from glm_cli.offline import real_or_emulated
from langchain_glm import ChatGLM
from llama_index_glm import GLM

DATA = Path(__file__).parent / "data"
screenshot = base64.b64encode((DATA / "screenshot.png").read_bytes()).decode()

with real_or_emulated("zai") as connection:
    # LangChain: a screenshot as a standard image block.
    llm = ChatGLM(model="glm-4.6v-flash", **connection)
    print("inputs:", {k: v for k, v in llm.profile.items() if k in ("image_inputs", "video_inputs", "pdf_inputs")})
    message = HumanMessage(
        [
            {"type": "text", "text": "What does this screenshot show?"},
            {"type": "image", "base64": screenshot, "mime_type": "image/png"},
        ]
    )
    print("LangChain:", llm.invoke([message]).content)

    # LlamaIndex: a document read from a local path.
    glm = GLM(model="glm-4.6v-flash", **connection)
    invoice = DocumentBlock(path=DATA / "invoice.pdf")
    document = ChatMessage(role="user", blocks=[TextBlock(text="Summarise this invoice."), invoice])
    print("LlamaIndex:", glm.chat([document]).message.content)

    # A text-only model is refused before anything is sent, naming the vision models.
    try:
        ChatGLM(model="glm-4.7", **connection).invoke([message])
    except ValueError as exc:
        print("refused:", exc)

with real_or_emulated("cloudflare") as connection:
    glm = GLM(model="glm-5.3-flash", **connection)
    photo = ChatMessage(role="user", blocks=[TextBlock(text="Describe it."), ImageBlock(path=DATA / "screenshot.png")])
    for response in glm.stream_chat([photo]):
        print(response.delta or "", end="")
    print()
