"""Call options both adapters accept, decided once: tool_choice spellings, request fields, timeout.

`parse_tool_choice` turns every tool_choice spelling LangChain or LlamaIndex users write into the
canonical `ToolChoice`; `apply_options` puts a mapping of call options (an LLM's
`additional_kwargs`, `bind(...)`, per-call kwargs) onto a `ChatRequest`; `resolve_timeout` gives
`timeout` its one meaning. Both adapters and the retrieval classes call these; neither has its own.

Example:
    >>> parse_tool_choice({"type": "tool", "name": "get_weather"})
    NamedToolChoice(name='get_weather')
    >>> request = ChatRequest("glm-4.7-flash", [])
    >>> apply_options(request, {"temperature": 0.2, "user_id": "u-1"})
    >>> request.temperature, request.extra_body
    (0.2, {'user_id': 'u-1'})
"""

from __future__ import annotations

import difflib
import threading
import warnings
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

import httpx2

from glm_core.client import DEFAULT_TIMEOUT
from glm_core.errors import InvalidRequestError
from glm_core.types import ChatRequest, NamedToolChoice, ToolChoice, ToolSpec

__all__ = [
    "CALL_OPTIONS",
    "IGNORED_OPTIONS",
    "REQUEST_FIELDS",
    "ToolConverter",
    "apply_options",
    "near_miss",
    "option_names",
    "parse_tool_choice",
    "refuse_near_misses",
    "resolve_timeout",
    "warn_body_option",
]


# Options that set the `ChatRequest` field of the same name, as given.
REQUEST_FIELDS = (
    "temperature",
    "top_p",
    "max_tokens",
    "seed",
    "thinking",
    "preserve_thinking",
    "reasoning_effort",
    "web_search",
    "parallel_tool_calls",
    "response_format",
    "logprobs",
    "top_logprobs",
    "n",
    "stream_usage",
)
# Options the frameworks pass down for their own use (streaming switches, tracing); never sent.
IGNORED_OPTIONS = frozenset({"stream", "ls_structured_output_format", "structured_output_format"})
_SIMPLE = frozenset({"auto", "none", "required"})
# Every option name `apply_options` gives a meaning to.
CALL_OPTIONS = frozenset(
    {*REQUEST_FIELDS, *IGNORED_OPTIONS, "model", "stop", "tools", "tool_choice", "extra_headers", "extra_body"}
)
# How alike a name must be to a known one to count as its misspelling (difflib's ratio):
# "temprature" / "temperature" is 0.95, "max_token" / "max_tokens" 0.95; "top_k" / "top_p"
# (both real sampling options) is 0.8 and must not count.
_NEAR_MISS = 0.85

ToolConverter = Callable[[Any], tuple[list[ToolSpec] | None, dict[str, Any] | None]]
"""A framework's tools to (canonical specs, the settings of a built-in web_search tool, if bound)."""


def parse_tool_choice(value: Any, bound: Sequence[str] | None = None) -> ToolChoice | None:
    """Every tool_choice spelling either framework accepts, as the canonical `ToolChoice`.

    | input                                                   | output                    |
    |---------------------------------------------------------|---------------------------|
    | `None`, `False`                                         | `None` (the model decides) |
    | `"auto"`, `{"type": "auto"}`                            | `"auto"`                  |
    | `"none"`, `{"type": "none"}`                            | `"none"`                  |
    | `True`, `"any"`, `"required"`, `{"type": "any"}`        | `"required"`              |
    | `"get_weather"` (any other string)                      | `NamedToolChoice("get_weather")` |
    | `{"type": "function", "function": {"name": ...}}`       | `NamedToolChoice(name)`   |
    | `{"type": "tool", "name": ...}` (Anthropic style)       | `NamedToolChoice(name)`   |
    | `{"function": {"name": ...}}`, `{"name": ...}`          | `NamedToolChoice(name)`   |
    | a `NamedToolChoice`                                     | itself                    |
    | anything else                                           | `ValueError`              |

    With `bound` (the names of the bound tools), a named choice must be one of them.
    """
    name: Any
    if value is None or value is False:
        return None
    if value is True:
        return "required"
    if isinstance(value, NamedToolChoice):
        name = value.name
    elif isinstance(value, str):
        if value in _SIMPLE:
            return value  # type: ignore[return-value]
        if value == "any":
            return "required"
        name = value
    elif isinstance(value, Mapping):
        kind = value.get("type")
        if kind in ("any", "auto", "none", "required") and "function" not in value and "name" not in value:
            return parse_tool_choice(kind)
        function = value.get("function")
        name = function.get("name") if isinstance(function, Mapping) else value.get("name")
    else:
        name = None
    if not isinstance(name, str) or not name:
        raise ValueError(
            f"tool_choice={value!r} is not understood; use 'auto', 'none', 'any'/'required'/True, "
            "or the name of a tool ({'type': 'function', 'function': {'name': ...}})"
        )
    if bound is not None and name not in bound:
        listed = ", ".join(bound) or "none bound"
        raise ValueError(f"tool_choice names {name!r}, which is not among the bound tools ({listed})")
    return value if isinstance(value, NamedToolChoice) else NamedToolChoice(name)


def near_miss(name: str, known: Iterable[str]) -> str | None:
    """The known name `name` is most likely a misspelling of, or None.

    Example:
        >>> near_miss("temprature", CALL_OPTIONS), near_miss("top_k", CALL_OPTIONS)
        ('temperature', None)
    """
    if len(name) < 3:
        return None
    found = difflib.get_close_matches(name, list(known), n=1, cutoff=_NEAR_MISS)
    return found[0] if found else None


def refuse_near_misses(names: Iterable[str], known: Collection[str], owner: str, *, body: bool = True) -> list[str]:
    """The names in `names` that `known` does not hold; raises `InvalidRequestError` for one that
    is a misspelling of a known name (it would never do what was meant: `temprature=0.2` leaves
    the temperature at its default). `body`: the owner can send other names in the request body."""
    unknown = [name for name in names if name not in known]
    for name in unknown:
        meant = near_miss(name, known)
        if meant is not None:
            hint = (
                f" (A field the provider's body takes as it is goes in extra_body={{{name!r}: ...}}.)" if body else ""
            )
            raise InvalidRequestError(f"{owner} has no option {name!r}; did you mean {meant!r}?{hint}")
    return unknown


_OPTION_NAMES: dict[type, frozenset[str]] = {}


def option_names(cls: type) -> frozenset[str]:
    """The keyword arguments a pydantic class takes: its fields and their aliases (cached)."""
    names = _OPTION_NAMES.get(cls)
    if names is None:
        fields = getattr(cls, "model_fields", {})
        aliases = {f.alias for f in fields.values() if f.alias} | {
            f.validation_alias for f in fields.values() if isinstance(f.validation_alias, str)
        }
        names = _OPTION_NAMES[cls] = frozenset(fields) | frozenset(aliases)
    return names


_warned_lock = threading.Lock()
_warned: set[str] = set()


def warn_body_option(name: str) -> None:
    """Warn, once per name and process, that option `name` is sent in the request body as given."""
    with _warned_lock:
        if name in _warned:
            return
        _warned.add(name)
    warnings.warn(
        f"{name!r} is not a GLM option: it is sent in the request body as given. Pass it as "
        f"extra_body={{{name!r}: ...}} to say so (and not see this warning).",
        UserWarning,
        stacklevel=4,
    )


def apply_options(request: ChatRequest, options: Mapping[str, Any], tools: ToolConverter | None = None) -> None:
    """Put call options onto `request`; options that are no request field go into the JSON body.

    | option                                | effect                                              |
    |---------------------------------------|-----------------------------------------------------|
    | `model`                               | `request.model` (when not empty)                    |
    | `stop` (a string, tuple or list)      | `request.stop` as a list (other types: validated)   |
    | a name in `REQUEST_FIELDS`            | the field of that name                              |
    | `tools`                               | `request.tools` via the `tools` converter (*)       |
    | `tool_choice`                         | `parse_tool_choice(value)`                          |
    | `extra_headers`                       | `request.extra_headers`                             |
    | a name in `IGNORED_OPTIONS`           | dropped                                             |
    | `extra_body`                          | merged into `request.extra_body`                    |
    | a misspelling of one of these         | `InvalidRequestError` ("did you mean ...?")         |
    | anything else                         | merged into `request.extra_body`, with a warning    |

    (*) the framework's converter; a bound built-in web_search tool also turns `web_search` on.
    The extra_body rule: the request's body first, then the loose options, then `extra_body`
    (an explicit `extra_body` wins over a loose option of the same name); a new dict each time,
    so an LLM's own `extra_body` is never written to.
    """
    loose: dict[str, Any] | None = None
    extra_body: Any = None
    for key, value in options.items():
        if key in REQUEST_FIELDS:
            setattr(request, key, value)
        elif key == "model":
            if value:
                request.model = value
        elif key == "stop":
            if value is not None:
                # "END" is one sequence; anything else that is not a list is left to the core's check.
                request.stop = [value] if isinstance(value, str) else list(value) if isinstance(value, tuple) else value
        elif key == "tools":
            if tools is None:
                raise TypeError("tools given but no tool converter")
            specs, web_search = tools(value) if value else (None, None)
            request.tools = specs or None
            if web_search is not None and not request.web_search:
                request.web_search = web_search or True
        elif key == "tool_choice":
            if value is not None:
                request.tool_choice = parse_tool_choice(value)
        elif key == "extra_headers":
            if value:
                # A RedactedHeaders (a dict that shows no values) is kept as is: the endpoint sends
                # its unredacted() values.
                request.extra_headers = value if isinstance(value, dict) else dict(value)
        elif key == "extra_body":
            extra_body = value
        elif key not in IGNORED_OPTIONS:
            refuse_near_misses((key,), CALL_OPTIONS, "a GLM call")
            warn_body_option(key)
            if loose is None:
                loose = {}
            loose[key] = value
    if loose or extra_body:
        request.extra_body = {**(request.extra_body or {}), **(loose or {}), **(extra_body or {})}


def resolve_timeout(timeout: float | httpx2.Timeout | None) -> float | httpx2.Timeout:
    """`timeout`'s one meaning in every class: `None` is the default (600 s), not "wait forever".

    For no limit at all, pass `httpx2.Timeout(None)`.
    """
    return DEFAULT_TIMEOUT if timeout is None else timeout
