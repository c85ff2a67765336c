"""GLM-4.7-Flash on your own vLLM (or SGLang) server.

Start vLLM with the GLM parsers, e.g.
    vllm serve zai-org/GLM-4.7-Flash --served-model-name glm-4.7-flash \
        --tool-call-parser glm47 --reasoning-parser glm45 --enable-auto-tool-choice
then: GLM_VLLM_BASE_URL=http://localhost:8000/v1 python examples/vllm_self_hosted.py
Without GLM_VLLM_BASE_URL it runs against the built-in emulator of a vLLM server.
"""

from glm_cli.offline import real_or_emulated
from langchain_glm import ChatGLM
from llama_index_glm import GLM

with real_or_emulated("vllm") as connection:
    # Thinking is switched with chat_template_kwargs on vLLM; the option is the same everywhere.
    chat = ChatGLM(model="glm-4.7-flash", thinking=False, **connection)
    print("LangChain:", chat.invoke("Say hello in French.").content)

    llm = GLM(model="glm-4.7-flash", **connection)
    print("LlamaIndex:", llm.complete("Say hello in Italian.").text)
    print("context window:", llm.metadata.context_window)
