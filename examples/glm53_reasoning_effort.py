"""GLM-5.3: a 1M-token model that always thinks, with reasoning_effort on LangChain and LlamaIndex.

Run: python examples/glm53_reasoning_effort.py
With no ZAI_API_KEY it answers from the built-in emulator (and says so); set the key for Z.ai.

GLM-5.3 takes reasoning_effort "low", "high" or "max" on Z.ai; left unset, the server uses "max",
the most expensive. Another level is sent as the nearest one the provider takes ("medium" as
"high"), and `llm.profile["reasoning_effort_levels"]` lists them per provider. thinking=False
cannot switch it off (Z.ai refuses that): it is sent as "low".
"""

from glm_cli.offline import real_or_emulated
from langchain_glm import ChatGLM
from llama_index_glm import GLM

with real_or_emulated("zai") as connection:
    llm = ChatGLM(model="glm-5.3", reasoning_effort="high", **connection)
    profile = llm.profile or {}
    print("context window:", profile.get("max_input_tokens"), "levels:", profile.get("reasoning_effort_levels"))

    answer = llm.invoke("Is 1001 a prime number? Answer in one sentence.")
    print("[thinking]", answer.additional_kwargs.get("reasoning_content", "")[:80])
    print("[answer]", answer.content)

    # Per call: the cheapest level, and thinking=False (which is the same thing on GLM-5.3).
    print("low:", llm.invoke("Name a prime above 100.", reasoning_effort="low").content)
    print("thinking=False:", llm.invoke("Name a prime above 200.", thinking=False).content)

    # A level GLM-5.3 lacks on Z.ai goes as its nearest one ("medium" -> "high"); a name that
    # is no level at all is refused before anything is sent.
    print("medium:", llm.invoke("Name a prime above 150.", reasoning_effort="medium").content)
    try:
        llm.invoke("Hi", reasoning_effort="ultra")
    except ValueError as error:
        print("refused:", error)

    glm = GLM(model="glm-5.3", reasoning_effort="low", **connection)
    print("LlamaIndex:", glm.complete("Name a prime above 300.").text)
