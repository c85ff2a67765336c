"""Structured output into a nested pydantic model, on Z.ai and on Cloudflare.

Z.ai has no native JSON-schema mode and accepts only tool_choice="auto": ChatGLM asks for the
tool call, checks that it came, and validates the answer against the schema. Cloudflare does
JSON schema natively. The code is the same for both.

Run: python examples/langchain_structured_output.py
"""

from pydantic import BaseModel, Field

from glm_cli.offline import real_or_emulated
from langchain_glm import ChatGLM


class Address(BaseModel):
    city: str = Field(description="City name")
    country: str = Field(description="Country name")


class Person(BaseModel):
    name: str = Field(description="The person's name")
    age: int = Field(description="Age in years")
    address: Address


for provider in ("zai", "cloudflare"):
    with real_or_emulated(provider) as connection:
        llm = ChatGLM(model="glm-4.7-flash", **connection)
        extractor = llm.with_structured_output(Person)
        person = extractor.invoke('Extract the person: "Ada", 36, lives in "London", "UK".')
        print(f"{provider}: {person!r}")
