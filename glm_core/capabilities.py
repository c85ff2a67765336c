"""The provider feature table and the model catalogue table, generated so they cannot drift.

`glm providers` and `glm models` print them and the README embeds both (a test checks the
README's copies are current).

Example:
    >>> print(capability_table())          # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable

from glm_core.models import CATALOGUE, EFFORT_LEVELS, ModelProfile, model_profile
from glm_core.providers import PROVIDERS, ProviderProfile

__all__ = ["capability_rows", "capability_table", "catalogue_rows", "catalogue_table", "provider_models"]

_COLUMNS = (
    "provider",
    "models",
    "key",
    "thinking switch",
    "reasoning effort",
    "preserved thinking",
    "tool_choice",
    "structured output",
    "web search",
    "max stop",
    "temperature",
)

_THINKING = {
    "thinking_type": "`thinking.type`",
    "chat_template_kwargs": "`chat_template_kwargs`",
    "enable_thinking": "`enable_thinking`",
    "reasoning_enabled": "`reasoning.enabled`",
    "none": "not switchable",
}


_EFFORT_FIELDS = {
    "reasoning_effort": "`reasoning_effort`",
    "reasoning.effort": "`reasoning.effort`",
    "chat_template_kwargs": "`chat_template_kwargs`",
}


def _models(profile: ProviderProfile) -> str:
    # No closed list: every id is sent, spelled by the provider's naming rule (`glm models` lists
    # the catalogue of known ids).
    if not profile.naming:
        return "any: the served name"
    forms = []
    for rule in profile.naming:
        form = f"`{rule.prefix}glm-X-Y`" if rule.hyphen_version else f"`{rule.prefix}<id>`"
        forms.append(f"{form} ({rule.label})" if rule.label else form)
    return "any id, as " + ", ".join(forms)


def _preserved(profile: ProviderProfile) -> str:
    if not profile.supports_preserve_thinking:
        return "no"
    return "yes (on by default)" if profile.preserve_thinking_default else "yes"


def _tool_choice(profile: ProviderProfile) -> str:
    if profile.tool_choices == frozenset({"auto"}):
        return "auto (others emulated and verified)"
    order = ("auto", "none", "required", "named")
    return ", ".join(c for c in order if c in profile.tool_choices)


def _structured(profile: ProviderProfile) -> str:
    if "json_schema" in profile.response_formats:
        return "tools, JSON mode, native JSON schema"
    return "tools, JSON mode, JSON schema (emulated)"


def _key(profile: ProviderProfile) -> str:
    names = " + ".join(profile.api_key_env + ((profile.account_id_env,) if profile.account_id_env else ()))
    return names if profile.api_key_required else f"{names} (optional)"


def capability_rows() -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for profile in PROVIDERS.values():
        low_high = profile.temperature_range
        rows.append(
            (
                f"`{profile.id}`",
                _models(profile),
                _key(profile),
                _THINKING[profile.thinking_switch],
                _EFFORT_FIELDS[profile.effort_field],
                _preserved(profile),
                _tool_choice(profile),
                _structured(profile),
                "yes" if profile.web_search != "none" else "no",
                str(profile.max_stop) if profile.max_stop is not None else "any",
                f"{low_high[0]:g}-{low_high[1]:g}" if low_high else "not sent",
            )
        )
    return rows


def capability_table() -> str:
    """The table as Markdown."""
    lines = ["| " + " | ".join(_COLUMNS) + " |", "|" + "---|" * len(_COLUMNS)]
    lines += ["| " + " | ".join(row) + " |" for row in capability_rows()]
    return "\n".join(lines)


# ---------------------------------------------------------------------------- the model catalogue

_CATALOGUE_COLUMNS = (
    "model",
    "context / max output",
    "input",
    "thinking",
    "reasoning_effort",
    "tools",
    "JSON mode",
    "temperature / top_p default",
    "served by (documented)",
)
_THINKING_MODES = {
    "always": "always (`thinking=False` -> the cheapest level)",
    "on": "on by default, switchable",
    "auto": "model decides, switchable",
    "none": "none",
}


def _tokens(n: int) -> str:
    return f"{n:,}"


def _window(model: ModelProfile) -> str:
    text = f"{_tokens(model.context_window)} / {_tokens(model.max_output_tokens)}"
    # One entry per distinct value, naming the providers (cloudflare and cloudflare_openai agree).
    others: dict[int, list[str]] = {}
    for provider, window in model.context_by_provider.items():
        if window != model.context_window and not provider.endswith("_openai"):
            others.setdefault(window, []).append(provider)
    notes = [f"{', '.join(ids)}: {_tokens(window)}" for window, ids in others.items()]
    return f"{text} ({'; '.join(notes)})" if notes else text


def _levels(levels: tuple[str, ...]) -> str:
    if not levels:
        return "none"
    return "all 7" if levels == EFFORT_LEVELS else "/".join(levels)


def _effort(model: ModelProfile) -> str:
    """Z.ai's levels, then each provider that takes others (one entry per distinct list)."""
    if not model.effort_levels:
        return "-"
    text = f"{_levels(model.effort_levels)} (default {model.effort_default})"
    others: dict[tuple[str, ...], list[str]] = {}
    for provider, levels in model.effort_by_provider.items():
        if levels != model.effort_levels and not provider.endswith("_openai"):
            others.setdefault(levels, []).append(provider)
    notes = [f"{', '.join(ids)}: {_levels(levels)}" for levels, ids in others.items()]
    return f"{text}; {'; '.join(notes)}" if notes else text


def catalogue_rows(models: Iterable[ModelProfile] | None = None) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for model in models if models is not None else CATALOGUE.values():
        rows.append(
            (
                f"`{model.id}`",
                _window(model),
                ", ".join(m for m in ("text", "image", "video", "file") if m in model.inputs),
                _THINKING_MODES[model.thinking],
                _effort(model),
                "yes" if model.tool_calling else "no",
                "yes" if model.json_mode else "no",
                f"{model.default_temperature:g} / {model.default_top_p:g}",
                ", ".join(model.providers),
            )
        )
    return rows


def catalogue_table() -> str:
    """The model catalogue as Markdown (`glm models`; embedded in the README).

    Example:
        >>> catalogue_table().splitlines()[2].startswith("| `glm-5.3` | 1,000,000 / 131,072")
        True
    """
    lines = ["| " + " | ".join(_CATALOGUE_COLUMNS) + " |", "|" + "---|" * len(_CATALOGUE_COLUMNS)]
    lines += ["| " + " | ".join(row) + " |" for row in catalogue_rows()]
    return "\n".join(lines)


def provider_models(provider: ProviderProfile) -> list[tuple[str, str, str, str]]:
    """(catalogue id, wire id, context window, effort levels) of the models `provider` is documented
    to serve, as that provider takes them."""
    rows = []
    for row in CATALOGUE.values():
        if provider.id in row.providers:
            model = model_profile(row.id, provider=provider.id)
            levels = "/".join(model.effort_levels) or "-"
            rows.append((model.id, provider.wire_model(model.id), _tokens(model.context_window), levels))
    return rows
