"""MkDocs hook: the provider pages, generated from `glm_core.providers.PROVIDERS` at build time.

One page per provider (keys, model ids, limits, quirks) plus the index with the capability table,
so the docs cannot drift from the profiles. Fields the generator does not know yet (a profile
gains one) still appear, in "Other profile fields", with the docstring under them in the source.
tests/docs/ runs the samples on these pages too (`generated_pages()`).
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import itertools
import textwrap
from typing import Any

from glm_core.capabilities import capability_table
from glm_core.providers import PROVIDERS, ProviderProfile

SECTION = "Providers"  # the nav section in mkdocs.yml the provider pages go under
SELF_HOSTED_URLS = {"vllm": "http://localhost:8000/v1", "sglang": "http://localhost:30000/v1"}

# Fields shown in a section of their own; every other field goes to "Other profile fields".
_SHOWN = {
    "id", "name", "dialect", "base_url", "path", "api_key_env", "api_key_required", "account_id_env",
    "model_ids", "any_model", "context_window_overrides", "temperature_range", "top_p_range",
    "max_tokens_field", "max_stop", "tool_choices", "max_tools", "tool_name_pattern", "response_formats",
    "supports_parallel_tool_calls", "thinking_switch", "supports_preserve_thinking",
    "preserve_thinking_default", "reasoning_input_field", "web_search", "tool_stream_param",
    "stream_usage_needs_option", "first_message_must_be_user", "error_shape", "error_codes", "naming",
}  # fmt: skip

_THINKING = {
    "thinking_type": "`thinking: {type: enabled | disabled}`",
    "chat_template_kwargs": "`chat_template_kwargs: {enable_thinking: ...}`",
    "enable_thinking": "top-level `enable_thinking`",
    "reasoning_enabled": "`reasoning: {enabled: ...}`",
    "none": "none: the provider does not document a switch, so `thinking=` is refused there",
}


def _field_comments() -> dict[str, str]:
    """The docstring under each field of ProviderProfile, keyed by field name (one line each)."""
    comments: dict[str, str] = {}
    tree = ast.parse(textwrap.dedent(inspect.getsource(ProviderProfile)))
    body = tree.body[0].body  # type: ignore[attr-defined]
    for node, after in itertools.pairwise(body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            comments[node.target.id] = " ".join(after.value.value.split())
    return comments


def _value(value: Any) -> str:
    if isinstance(value, frozenset | set):
        value = sorted(value)
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple) and not value:
        return "none"
    if isinstance(value, list | tuple):
        return ", ".join(f"`{v}`" for v in value)
    if isinstance(value, dict) and not value:
        return "none"
    return f"`{value}`"


def _range(value: tuple[float, float] | None) -> str:
    return f"{value[0]:g} to {value[1]:g}" if value else "not sent (not in the provider's schema)"


def _documented_models(profile: ProviderProfile) -> list[str]:
    """Catalogue ids documented as served by this provider (informative: no id is refused)."""
    from glm_core.models import CATALOGUE

    return sorted(m.id for m in CATALOGUE.values() if profile.id in m.providers)


def _sample_model(profile: ProviderProfile) -> str:
    served = _documented_models(profile)
    return next((m for m in ("glm-4.7-flash", "glm-4.7") if m in served), served[0] if served else "glm-4.7-flash")


def _connect_sample(profile: ProviderProfile) -> str:
    args = [f'provider="{profile.id}"', f'model="{_sample_model(profile)}"']
    if profile.base_url is None:
        args.append(f'base_url="{SELF_HOSTED_URLS.get(profile.id, "http://localhost:8000/v1")}"')
    joined = ", ".join(args)
    return (
        "```python\n"
        "from langchain_glm import ChatGLM\n"
        "from llama_index_glm import GLM\n\n"
        f"chat_model = ChatGLM({joined})  # LangChain\n"
        f"llm = GLM({joined})  # LlamaIndex\n\n"
        'print(chat_model.invoke("Hello").content)\n'
        'print(llm.complete("Hello").text)\n'
        "```\n"
    )


def _models(profile: ProviderProfile) -> list[str]:
    from glm_core.models import model_profile

    lines = ["## Models", ""]
    if not profile.naming:
        lines += [
            "Whatever name the server was started with (`--served-model-name`) is sent as is. The model",
            "facts (context window, output limit, thinking) come from the catalogue entry of the id you",
            "pass (or its family's), or GLM-4.7-Flash's for a name the catalogue does not know (LlamaIndex's",
            "`GLM` takes `context_window=` to match your deployment).",
            "",
        ]
        return lines
    lines += [
        "No id is refused: any id goes to the wire by this provider's naming rule, and a provider-native id",
        "is accepted as is. The ids below are the ones documented as served here.",
        "",
        "| model | id on the wire | context window | max output tokens |",
        "|---|---|---|---|",
    ]
    for model in _documented_models(profile):
        facts = model_profile(model, provider=profile.id)
        lines.append(
            f"| `{model}` | `{profile.wire_model(model)}` | {facts.context_window:,} | {facts.max_output_tokens:,} |"
        )
    lines.append("")
    return lines


def provider_page(profile: ProviderProfile) -> str:
    comments = _field_comments()
    keys = " or ".join(f"`{k}`" for k in profile.api_key_env)
    key_line = f"{keys} ({'required' if profile.api_key_required else 'optional: only if your server asks for one'})"
    lines = [
        f"# {profile.name} (`{profile.id}`)",
        "",
        f'!!! info "Generated from `glm_core.providers.PROVIDERS["{profile.id}"]` when these docs are built"',
        "    Every fact on this page is read from the provider profile the library uses, so it cannot",
        "    drift from the code. The sources behind each fact are cited in `glm_core/providers.py`.",
        "",
        "## Connect",
        "",
        f"- **Key:** {key_line}, or `api_key=`.",
    ]
    if profile.account_id_env:
        lines.append(f"- **Account id:** `{profile.account_id_env}`, or `account_id=`.")
    if profile.base_url is None:
        lines.append("- **URL:** your server's OpenAI-compatible base URL, as `base_url=` (required).")
    else:
        lines.append(f"- **URL:** `{profile.base_url}{profile.path}` (override with `base_url=`).")
    lines += [f"- **Wire format:** `{profile.dialect}`.", "", _connect_sample(profile), *_models(profile)]

    tool_choices = ", ".join(f"`{c}`" for c in ("auto", "none", "required", "named") if c in profile.tool_choices)
    emulated = profile.tool_choices == frozenset({"auto"})
    lines += [
        "## Limits checked before sending",
        "",
        "A value outside these is an `InvalidRequestError` (a `ValueError`) naming the limit, raised",
        "before any request is sent.",
        "",
        "| | |",
        "|---|---|",
        f"| temperature | {_range(profile.temperature_range)} |",
        f"| top_p | {_range(profile.top_p_range)} |",
        f"| stop sequences | {profile.max_stop if profile.max_stop is not None else 'any number'} |",
        f"| tools per request | {profile.max_tools if profile.max_tools is not None else 'no limit'} |",
        f"| tool name | `{profile.tool_name_pattern}` |",
        f"| output limit sent as | `{profile.max_tokens_field}` |",
        "",
        "## Features and quirks",
        "",
        "| | |",
        "|---|---|",
        f"| `tool_choice` sent | {tool_choices}"
        + (" (others are emulated: see [Tools](../guides/tools.md))" if emulated else "")
        + " |",
        f"| parallel tool calls | {_value(profile.supports_parallel_tool_calls)} |",
        f"| `response_format` kinds | {_value(profile.response_formats)} |",
        f"| thinking switch | {_THINKING.get(profile.thinking_switch, f'`{profile.thinking_switch}`')} |",
        f"| preserved thinking | {_value(profile.supports_preserve_thinking)}"
        + (" (on by default)" if profile.preserve_thinking_default else "")
        + " |",
        f"| reasoning sent back in | `{profile.reasoning_input_field}` |",
        f"| built-in web search | {'no' if profile.web_search == 'none' else f'yes (`{profile.web_search}`)'} |",
        f"| `tool_stream` sent for streamed tool arguments | {_value(profile.tool_stream_param)} |",
        f"| streamed usage needs `stream_options` | {_value(profile.stream_usage_needs_option)} |",
        f"| first message must be the user's | {_value(profile.first_message_must_be_user)} |",
        "",
        "## Errors",
        "",
        f"Error bodies are read in the `{profile.error_shape}` shape. Business codes, whatever the HTTP status:",
        "",
        f"- retried: {_value(profile.error_codes.retryable)}",
        f"- never retried: {_value(profile.error_codes.final)}",
        f"- reported as `QuotaExceededError`: {_value(profile.error_codes.quota)}"
        + (
            f" (and HTTP {', '.join(str(s) for s in sorted(profile.error_codes.quota_statuses))})"
            if profile.error_codes.quota_statuses
            else ""
        ),
        f"- reported as `ModelNotFoundError`: {_value(profile.error_codes.model_not_found)}",
        "",
    ]
    other = [f for f in dataclasses.fields(profile) if f.name not in _SHOWN]
    if other:
        lines += ["## Other profile fields", "", "| field | value | meaning |", "|---|---|---|"]
        for f in other:
            meaning = comments.get(f.name, "").replace("|", "\\|")
            value = _value(getattr(profile, f.name)).replace("|", "\\|")
            lines.append(f"| `{f.name}` | {value} | {meaning} |")
        lines.append("")
    return "\n".join(lines)


def index_page() -> str:
    links = "\n".join(f'- [{p.name}]({p.id}.md) (`provider="{p.id}"`)' for p in PROVIDERS.values())
    return (
        "# Providers\n\n"
        "The same models on every provider that serves them: pick one with `provider=` (default `zai`).\n"
        "This page and the one for each provider are generated from the provider profiles when the docs\n"
        "are built; `glm providers` prints the same table.\n\n"
        f"{capability_table()}\n\n{links}\n"
    )


def generated_pages() -> dict[str, str]:
    """Path under docs/ -> Markdown, for every generated page."""
    pages = {"providers/index.md": index_page(), "uncertain-facts.md": _uncertain_page()}
    for profile in PROVIDERS.values():
        pages[f"providers/{profile.id}.md"] = provider_page(profile)
    return pages


def _uncertain_page() -> str:
    # docs/hooks/uncertain.py, loaded by path: MkDocs loads hooks as files, not as a package.
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("glm_docs_uncertain", Path(__file__).with_name("uncertain.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    page: str = module.uncertain_page()
    return page


# -- the MkDocs hook -------------------------------------------------------------------------------


def on_config(config: Any) -> Any:
    """Fill the Providers section of the nav with the generated pages."""
    for entry in config.nav or []:
        if isinstance(entry, dict) and SECTION in entry:
            entry[SECTION] = [{"Overview": "providers/index.md"}] + [
                {p.name: f"providers/{p.id}.md"} for p in PROVIDERS.values()
            ]
    return config


def on_files(files: Any, config: Any) -> Any:
    from mkdocs.structure.files import File

    for path, text in generated_pages().items():
        files.append(File.generated(config, path, content=text))
    return files
