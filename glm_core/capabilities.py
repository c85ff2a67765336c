"""The provider feature table, generated from the provider profiles so it cannot drift.

`glm providers` prints it and the README embeds it (a test checks the README's copy is current).

Example:
    >>> print(capability_table())          # doctest: +SKIP
"""

from __future__ import annotations

from glm_core.providers import PROVIDERS, ProviderProfile

__all__ = ["capability_rows", "capability_table"]

_COLUMNS = (
    "provider",
    "models",
    "key",
    "thinking switch",
    "preserved thinking",
    "tool_choice",
    "structured output",
    "web search",
    "max stop",
    "temperature",
)

_THINKING = {
    "zai": "`thinking.type`",
    "chat_template_kwargs": "`chat_template_kwargs`",
    "enable_thinking": "`enable_thinking`",
    "openrouter": "`reasoning.enabled`",
    "none": "not switchable",
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
