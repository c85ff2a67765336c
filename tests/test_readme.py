"""README.md stays true: its provider table is the generated one."""

from __future__ import annotations

from pathlib import Path

from glm_core.capabilities import capability_table

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_provider_table_is_generated_from_the_profiles() -> None:
    text = README.read_text()
    start = text.index("<!-- capability-table:start -->\n") + len("<!-- capability-table:start -->\n")
    end = text.index("\n<!-- capability-table:end -->")
    assert text[start:end] == capability_table(), "run: glm providers, and paste the table into README.md"


def test_readme_model_catalogue_table_is_generated_from_the_catalogue() -> None:
    from glm_core.capabilities import catalogue_table

    text = README.read_text()
    start = text.index("<!-- catalogue-table:start -->\n") + len("<!-- catalogue-table:start -->\n")
    end = text.index("\n<!-- catalogue-table:end -->")
    assert text[start:end] == catalogue_table(), "run: glm models, and paste the table into README.md"
