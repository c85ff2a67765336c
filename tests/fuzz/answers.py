"""What the fuzz tier sends: a drawn answer rendered as a provider would, then made hostile.

`Answer` is the truth (text, reasoning, tool calls). `body()` / `events()` render it in the
OpenAI chat-completions shape every provider speaks; the mutators then change it in ways that
cannot turn it into a *different valid* answer (a wrong type in a field, a cut, invalid UTF-8, a
broken frame), or in ways that must not change it at all (framing variants). So the oracle is
simple: a returned answer must equal the drawn one; anything else must be a typed error.

`ALLOWED` says which kinds of value each field may hold; a wrong-type mutation draws a value of
any other kind. Fields the client does not read (`object`, `created`, `index` of a choice, ...)
are "any": a mutation there must leave the answer intact.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

__all__ = ["ALLOWED", "Answer", "answers", "body", "events", "kind_of", "paths", "sse_bytes", "wrong_value"]

TOOL_NAMES = ("get_weather", "lookup_city")


@dataclass
class Answer:
    content: str = ""
    reasoning: str = ""
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def finish(self) -> str:
        return "tool_calls" if self.calls else "stop"


_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=24)
_ARGS = st.dictionaries(st.sampled_from(["city", "days", "unit"]), st.one_of(_TEXT, st.integers(-99, 99)), max_size=3)


@st.composite
def answers(draw: st.DrawFn) -> Answer:
    calls = draw(st.lists(st.tuples(st.sampled_from(TOOL_NAMES), _ARGS), max_size=2))
    content = draw(_TEXT)
    if not calls and not content:
        content = "ok"
    return Answer(content, draw(_TEXT), calls)


# -- rendering -------------------------------------------------------------------------------------


def body(answer: Answer) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": answer.content or None}
    if answer.reasoning:
        message["reasoning_content"] = answer.reasoning
    if answer.calls:
        message["tool_calls"] = [
            {"id": f"call_{i}", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
            for i, (name, args) in enumerate(answer.calls)
        ]
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "glm-4.7-flash",
        "choices": [{"index": 0, "message": message, "finish_reason": answer.finish}],
        "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12},
    }


def _pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or []


def events(answer: Answer, size: int) -> list[dict[str, Any]]:
    """The stream's `data:` objects, text split into `size`-character deltas ([DONE] not included)."""

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": "glm-4.7-flash", "choices": [choice]}

    out = [chunk({"role": "assistant", "content": ""})]
    out += [chunk({"reasoning_content": piece}) for piece in _pieces(answer.reasoning, size)]
    out += [chunk({"content": piece}) for piece in _pieces(answer.content, size)]
    for i, (name, args) in enumerate(answer.calls):
        first = {"index": i, "id": f"call_{i}", "type": "function", "function": {"name": name, "arguments": ""}}
        out.append(chunk({"tool_calls": [first]}))
        for piece in _pieces(json.dumps(args), size):
            out.append(chunk({"tool_calls": [{"index": i, "function": {"arguments": piece}}]}))
    out.append(chunk({}, answer.finish))
    out.append({"id": "chatcmpl-1", "object": "chat.completion.chunk", "choices": [], "usage": body(answer)["usage"]})
    return out


def sse_bytes(
    payloads: list[Any], *, newline: bytes = b"\n", space: bool = True, done: bytes | None = b"[DONE]"
) -> bytes:
    lead = b"data: " if space else b"data:"
    out = []
    for payload in payloads:
        data = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
        out.append(lead + data + newline + newline)
    if done is not None:
        out.append(lead + done + newline + newline)
    return b"".join(out)


# -- which kinds each field may hold ----------------------------------------------------------------

KINDS = ("null", "bool", "int", "float", "text", "digits", "list", "object")


def kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "digits" if value.strip().isdigit() else "text"
    return "list" if isinstance(value, list) else "object"


_COUNT = {"null", "int", "digits"}
ALLOWED: list[tuple[str, set[str]]] = [
    # (a regex over the path, the kinds allowed there); first match wins; unlisted: any kind.
    (r"^id$", {"null", "text", "digits", "int"}),
    (r"^model$", {"null", "text", "digits"}),
    (r"^choices$", {"list"}),
    (r"^choices\.0$", {"object"}),
    (r"^choices\.0\.(message|delta)$", {"object"}),
    (r"\.content$", {"null", "text", "digits", "list"}),  # a list of text parts is allowed
    (r"\.reasoning_content$", {"null", "text", "digits", "list"}),
    (r"\.tool_calls$", {"null", "list"}),
    (r"\.tool_calls\.\d+$", {"object"}),
    (r"\.tool_calls\.\d+\.id$", {"null", "text", "digits", "int"}),
    (r"\.tool_calls\.\d+\.type$", {"null", "text", "digits"}),
    (r"\.tool_calls\.\d+\.function$", {"object"}),
    (r"\.function\.name$", {"null", "text", "digits"}),
    (r"\.function\.arguments$", {"null", "text", "digits", "object", "list"}),  # an object is serialized
    (r"\.tool_calls\.\d+\.index$", {"int", "digits", "null"}),
    (r"^choices\.0\.finish_reason$", {"null", "text", "digits"}),
    (r"^usage$", {"null", "object"}),
    (r"^usage\.\w+_tokens$", _COUNT),
    (r"^usage\.\w+_details$", {"null", "object"}),
    (r"^usage\.\w+_details\.\w+_tokens$", _COUNT),
]


# In a stream, an event without choices or without a delta is legitimate (the usage event).
STREAM_ALLOWED: list[tuple[str, set[str]]] = [
    (r"^choices$", {"list", "null"}),
    (r"^choices\.0\.delta$", {"object", "null"}),
    *ALLOWED,
]


def allowed(path: str, stream: bool = False) -> set[str] | None:
    for pattern, kinds in STREAM_ALLOWED if stream else ALLOWED:
        if re.search(pattern, path):
            return kinds
    return None


def paths(value: Any, prefix: str = "") -> list[str]:
    """Every path (dot-joined keys and list positions) to a node of `value`."""
    found = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, item in items:
        path = f"{prefix}.{key}" if prefix else str(key)
        found.append(path)
        found += paths(item, path)
    return found


def replace(value: Any, path: str, new: Any) -> Any:
    """A copy of `value` with the node at `path` replaced by `new`."""
    head, _, rest = path.partition(".")
    if isinstance(value, list):
        copy_list = list(value)
        copy_list[int(head)] = replace(copy_list[int(head)], rest, new) if rest else new
        return copy_list
    copy_dict = dict(value)
    copy_dict[head] = replace(copy_dict[head], rest, new) if rest else new
    return copy_dict


_SAMPLES: dict[str, Any] = {
    "null": st.none(),
    "bool": st.booleans(),
    "int": st.integers(-(2**40), 2**40),
    "float": st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer()),
    "text": _TEXT.filter(lambda s: not s.strip().isdigit()),
    "digits": st.integers(0, 999).map(str),
    "list": st.lists(
        st.one_of(st.integers(), _TEXT, st.none(), st.dictionaries(_TEXT, st.integers(), max_size=2)), max_size=3
    ),
    "object": st.dictionaries(_TEXT, st.one_of(st.integers(), _TEXT, st.none()), max_size=3),
}


def wrong_value(draw: st.DrawFn, path: str, stream: bool = False) -> tuple[Any, bool]:
    """(a value for `path`, whether it is of a kind the field does not allow)."""
    kinds = allowed(path, stream)
    if kinds is None:
        return draw(st.sampled_from(list(_SAMPLES.values())).flatmap(lambda s: s)), False
    wrong = [k for k in KINDS if k not in kinds]
    kind = draw(st.sampled_from(wrong))
    return draw(_SAMPLES[kind]), True
