"""Structured prediction with a nested pydantic model on Z.ai and Cloudflare, replayed from cassettes.

Through function calling (the default; Z.ai cannot be told to force the call, so glm_core asks
for it and checks the answer) and through JSON schema (native on Cloudflare, JSON mode plus the
schema on Z.ai), sync, async and streamed.
"""

from __future__ import annotations

import pytest
from llama_index.core.prompts import PromptTemplate
from pydantic import BaseModel, Field

from llama_index_glm import GLM
from tests.targets import target_kwargs

pytestmark = pytest.mark.vcr


class Location(BaseModel):
    """Where the city is."""

    country: str
    region: str


class City(BaseModel):
    """A city profile: its name, population and location."""

    name: str = Field(description="The city's name.")
    population: int
    location: Location
    landmarks: list[str]


PROMPT = PromptTemplate('Build the city profile for "Lyon", population 522250, in France.')


def _check(city: City) -> None:
    assert isinstance(city, City)
    assert isinstance(city.location, Location)
    assert city.population == 522250


class _StructuredCases:
    def _llm(self, provider: str, **kwargs: object) -> GLM:
        return GLM(**target_kwargs(provider), model="glm-4.7-flash", **kwargs)

    def test_function_calling(self, glm_provider: str) -> None:
        _check(self._llm(glm_provider).structured_predict(City, PROMPT))

    async def test_function_calling_async(self, glm_provider: str) -> None:
        _check(await self._llm(glm_provider).astructured_predict(City, PROMPT))

    def test_function_calling_streamed(self, glm_provider: str) -> None:
        partials = list(self._llm(glm_provider).stream_structured_predict(City, PROMPT))
        _check(partials[-1])

    def test_json_schema(self, glm_provider: str) -> None:
        _check(self._llm(glm_provider, structured_output_method="json_schema").structured_predict(City, PROMPT))

    async def test_json_schema_streamed(self, glm_provider: str) -> None:
        llm = self._llm(glm_provider, structured_output_method="json_schema")
        partials = [p async for p in await llm.astream_structured_predict(City, PROMPT)]
        _check(partials[-1])

    def test_json_mode(self, glm_provider: str) -> None:
        _check(self._llm(glm_provider, structured_output_method="json_mode").structured_predict(City, PROMPT))


class TestStructuredZai(_StructuredCases):
    @pytest.fixture
    def glm_provider(self) -> str:
        return "zai"


class TestStructuredCloudflare(_StructuredCases):
    @pytest.fixture
    def glm_provider(self) -> str:
        return "cloudflare"
