"""An LCEL chain: prompt | ChatGLM | output parser, with the model's reasoning streamed first.

Run: python examples/langchain_chain.py
With no ZAI_API_KEY it answers from the built-in emulator (and says so); set the key for Z.ai.
"""

from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from glm_cli.offline import real_or_emulated
from langchain_glm import ChatGLM

prompt = ChatPromptTemplate.from_messages(
    [
        ("system", "You are a concise assistant. Answer in one sentence."),
        ("human", "Explain {topic} to a ten-year-old."),
    ]
)

with real_or_emulated("zai") as connection:
    llm = ChatGLM(model="glm-4.7-flash", thinking=True, **connection)

    # Streaming the model directly shows the reasoning as it arrives.
    print("[thinking] ", end="")
    answering = False
    for chunk in (prompt | llm).stream({"topic": "rainbows"}):
        reasoning = chunk.additional_kwargs.get("reasoning_content")
        if reasoning:
            print(reasoning, end="", flush=True)
        if chunk.content:
            if not answering:
                print("\n[answer] ", end="")
                answering = True
            print(chunk.content, end="", flush=True)
    print()

    # The same model in a chain that ends in a parser: a plain string comes out.
    chain = prompt | llm | StrOutputParser()
    print("answer:", chain.invoke({"topic": "tides"}))
