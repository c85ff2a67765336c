"""The provider pages are generated from the profiles, and a field the generator does not know yet still shows."""

from __future__ import annotations

import dataclasses

from glm_core.capabilities import capability_table
from glm_core.providers import PROVIDERS, ProviderProfile
from tests.docs.samples import load_generator


def test_every_provider_has_a_page_and_the_index_has_the_capability_table() -> None:
    pages = load_generator().generated_pages()
    assert sorted(pages) == sorted(
        ["providers/index.md", "uncertain-facts.md", *(f"providers/{pid}.md" for pid in PROVIDERS)]
    )
    assert capability_table() in pages["providers/index.md"]
    for pid, profile in PROVIDERS.items():
        page = pages[f"providers/{pid}.md"]
        assert page.startswith(f"# {profile.name} (`{pid}`)")
        for env in profile.api_key_env:
            assert f"`{env}`" in page


def test_the_facts_come_from_the_profile() -> None:
    page = load_generator().provider_page(PROVIDERS["cloudflare"])
    assert "| `glm-4.7-flash` | `@cf/zai-org/glm-4.7-flash` | 131,072 |" in page
    assert "| stop sequences | 4 |" in page
    assert "never retried: `3036`" in page


def test_a_profile_field_the_generator_does_not_know_still_appears() -> None:
    extended = dataclasses.make_dataclass(
        "ExtendedProfile",
        [("embedding_models", tuple[str, ...], dataclasses.field(default=("embedding-3",)))],
        bases=(ProviderProfile,),
        frozen=True,
    )
    base = PROVIDERS["zai"]
    profile = extended(**{f.name: getattr(base, f.name) for f in dataclasses.fields(base)})
    page = load_generator().provider_page(profile)
    assert "## Other profile fields" in page
    assert "| `embedding_models` | `embedding-3` |" in page


def test_the_extractor_reads_markers_and_indented_fences() -> None:
    from tests.docs.samples import samples_in

    page = (
        "Intro\n\n"
        "```python\nx = 1\n```\n\n"
        "<!-- not-run: needs a GPU -->\n```python\ntrain()\n```\n\n"
        "<!-- run-as: pytest -->\n```python\ndef test_x(): pass\n```\n\n"
        '=== "Tab"\n\n    ```python\n    y = 2\n    ```\n\n'
        "```bash\nls\n```\n"
    )
    found = samples_in("page.md", page)
    assert [(s.line, s.code, s.not_run, s.pytest_file) for s in found] == [
        (3, "x = 1\n", None, False),
        (8, "train()\n", "needs a GPU", False),
        (13, "def test_x(): pass\n", None, True),
        (19, "y = 2\n", None, False),
    ]


def test_the_unverified_facts_page_lists_every_uncertain_choice_and_departure() -> None:
    from glm_core.testing.facts import UNCERTAIN_CHOICES
    from tests.conformance.departures import DEPARTURES

    page = load_generator().generated_pages()["uncertain-facts.md"]
    assert page.startswith("# What to check first")
    for choice in UNCERTAIN_CHOICES:
        # Each choice appears, its topic as a heading and the rest as a bullet.
        assert choice.split(": ", 1)[-1] in page, choice[:80]
    for entry in DEPARTURES:
        assert f"| `{entry.provider}` | `{entry.model}` | {entry.fact} |" in page
