"""What the retrieval fuzz tier sends: a drawn embedding, rerank or tokenizer answer rendered as the
provider would, then made hostile.

The truth is drawn first (vectors, scores, a count); the body renders it; a mutation then either
changes the body in a way that cannot leave a different *valid* answer (a wrong kind of value in a
field, an index repeated or out of range, NaN or an infinity, a vector one number longer, an item
missing, a cut, invalid UTF-8), or in a way that must not change the answer at all (items in
another order, integral numbers written as integers, unknown fields, a BOM). So the oracle is the
chat tier's: a returned answer must equal the truth; anything else must be a typed error.

Floats are drawn as float32 values, so the base64 form (little-endian float32) carries exactly
the same numbers as the JSON form.
"""

from __future__ import annotations

import base64
import json
import struct
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from tests.fuzz.answers import KINDS, paths, replace

__all__ = [
    "BENIGN",
    "Embeddings",
    "Ranking",
    "embedding_cases",
    "render",
    "rerank_cases",
    "tokenizer_cases",
]

BENIGN = "benign"
_F32 = st.floats(-4.0, 4.0, allow_nan=False, width=32)
_SAMPLES: dict[str, Any] = {
    "null": st.none(),
    "bool": st.booleans(),
    "int": st.integers(-(2**40), 2**40),
    "float": st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer()),
    "text": st.text(max_size=8).filter(lambda s: not s.strip().isdigit()),
    "digits": st.integers(0, 99).map(str),
    "list": st.lists(st.one_of(st.integers(), st.text(max_size=3), st.none()), max_size=3),
    "object": st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
}


def _wrong(draw: st.DrawFn, allowed: set[str]) -> Any:
    return draw(_SAMPLES[draw(st.sampled_from([k for k in KINDS if k not in allowed]))])


@dataclass
class Embeddings:
    vectors: list[list[float]]


@dataclass
class Ranking:
    """Scores of `documents` documents; `top_n` asked (None: all)."""

    scores: list[float]
    top_n: int | None

    @property
    def expected(self) -> list[tuple[int, float]]:
        order = sorted(range(len(self.scores)), key=lambda i: (-self.scores[i], i))
        return [(i, self.scores[i]) for i in order[: self.top_n]]


def render(data: Any, draw: st.DrawFn, kind: str) -> tuple[bytes, int, bool]:
    """(the body bytes, the status, whether a length is sent) for `data` made hostile by `kind`
    at the byte level (the JSON-level mutations are already in `data`)."""
    raw = json.dumps(data, ensure_ascii=draw(st.booleans())).encode()
    status, with_length = 200, True
    if kind == BENIGN:
        raw = draw(st.sampled_from([b"", b"\xef\xbb\xbf", b" \n"])) + raw
    elif kind == "cut":
        raw = raw[: draw(st.integers(0, len(raw) - 1))]
        with_length = draw(st.booleans())
    elif kind == "bad_utf8":
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80"])) + raw[at:]
    elif kind == "status":
        status = draw(st.sampled_from([400, 401, 404, 413, 422, 429, 500, 503]))
        raw = draw(st.sampled_from([raw, b"", b"<html>bad gateway</html>", b'{"error": 5}']))
    elif kind == "not_json":
        raw = draw(st.binary(max_size=40))
    elif kind == "literal":
        # A number JSON does not have (NaN, Infinity) or Python reads as one (1e400, a huge int),
        # written over one number of the answer.
        literal = draw(st.sampled_from([b"NaN", b"Infinity", b"-Infinity", b"1e400", b"1" + b"0" * 400]))
        spots = [i for i in range(len(raw)) if raw[i : i + 8] == b"1.23e-05"]
        raw = raw[: spots[0]] + literal + raw[spots[0] + 8 :] if spots else raw + literal
    return raw, status, with_length


# -- embeddings --------------------------------------------------------------------------------------

EMBED_KINDS = [BENIGN, BENIGN, "wrong_type", "wrong_type", "index", "count", "length", "literal", "cut", "bad_utf8",
               "status", "not_json"]  # fmt: skip
# Which kinds each field of an OpenAI-style embeddings body may hold (first match wins; else any).
_EMBED_ALLOWED = [
    ("data", {"list"}),
    ("data.N", {"object"}),
    ("data.N.index", {"int", "digits"}),
    ("data.N.embedding", {"list"}),
    ("data.N.embedding.N", {"int", "float"}),
    ("usage", {"null", "object"}),
    ("usage.prompt_tokens", {"null", "int", "digits"}),
    ("usage.total_tokens", {"null", "int", "digits"}),
]
_CF_ALLOWED = [
    ("result", {"object"}),
    ("result.data", {"list"}),
    ("result.data.N", {"list"}),
    ("result.data.N.N", {"int", "float"}),
    ("result.shape", {"null", "list"}),
    ("result.shape.N", {"int", "digits"}),
    ("success", {"bool"}),  # `false` is the provider's error, a typed one
]


def _allowed(path: str, table: list[tuple[str, set[str]]]) -> set[str] | None:
    pattern = ".".join("N" if part.isdigit() else part for part in path.split("."))
    return next((kinds for name, kinds in table if name == pattern), None)


@st.composite
def embedding_cases(draw: st.DrawFn, wire: str) -> tuple[bytes, int, bool, Embeddings, str]:
    """(body, status, with_length, truth, kind) for `wire`: "openai", "base64" or "cloudflare"."""
    count, size = draw(st.integers(1, 3)), draw(st.integers(1, 5))
    vectors = [[draw(_F32) for _ in range(size)] for _ in range(count)]
    truth = Embeddings(vectors)
    kind = draw(st.sampled_from(EMBED_KINDS))
    if kind == "literal" and wire == "base64":
        kind = "wrong_type"  # base64 floats are bytes: a literal has nowhere to go
    if kind == "literal":  # one number the mutation can find and overwrite
        truth.vectors[draw(st.integers(0, count - 1))][draw(st.integers(0, size - 1))] = 1.23e-05
    data: Any
    if wire == "cloudflare":
        data = {"result": {"shape": [count, size], "data": [list(v) for v in vectors]}, "success": True,
                "errors": [], "messages": []}  # fmt: skip
        table = _CF_ALLOWED
    else:
        items = [{"object": "embedding", "index": i, "embedding": _wire_vector(v, wire)} for i, v in enumerate(vectors)]
        data = {"object": "list", "data": items, "model": "m", "usage": {"prompt_tokens": count, "total_tokens": count}}
        table = _EMBED_ALLOWED
    vector_paths = "result.data" if wire == "cloudflare" else "data"
    if kind == BENIGN:
        data = _benign_embeddings(draw, data, wire)
    elif kind == "wrong_type":
        path = draw(st.sampled_from(paths(data)))
        allowed = _allowed(path, table)
        if wire == "base64" and path.endswith(".embedding"):
            allowed = {"text", "list"}  # base64 asked; a list of numbers is read too
        if allowed is None:
            data = replace(data, path, draw(st.sampled_from(list(_SAMPLES.values())).flatmap(lambda s: s)))
            kind = BENIGN  # a field nobody reads: the answer must survive it
        else:
            data = replace(data, path, _wrong(draw, allowed))
    elif kind == "index":
        if wire == "cloudflare":
            kind = "count"
        else:
            at = draw(st.integers(0, count - 1))
            new = draw(st.integers(-2, count + 1).filter(lambda i: i != at) | st.booleans())
            data["data"][at]["index"] = new
    if kind == "count":
        items = _get(data, vector_paths)
        if draw(st.booleans()) or count == 1:
            items.append(items[draw(st.integers(0, count - 1))])
        else:
            del items[draw(st.integers(0, count - 1))]
    elif kind == "length":
        at = draw(st.integers(0, count - 1))
        vector = vectors[at] + [0.5] if draw(st.booleans()) or size == 1 else vectors[at][:-1]
        if wire == "cloudflare":
            data["result"]["data"][at] = vector
        else:
            data["data"][at]["embedding"] = _wire_vector(vector, wire)
    raw, status, with_length = render(data, draw, kind)
    return raw, status, with_length, truth, kind


def _wire_vector(vector: list[float], wire: str) -> Any:
    if wire == "base64":
        return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
    return [int(x) if x.is_integer() and abs(x) < 2**53 else x for x in vector]


def _get(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data[part]
    return data


def _benign_embeddings(draw: st.DrawFn, data: Any, wire: str) -> Any:
    if wire == "cloudflare":
        if draw(st.booleans()):
            data["result"]["pooling"] = "mean"
        if draw(st.booleans()):
            del data["result"]["shape"]
        return data
    items = data["data"]
    if draw(st.booleans()):
        items.reverse()  # indexes say where each goes
    elif draw(st.booleans()):
        for item in items:
            del item["index"]  # in input order, as OpenAI-style servers send them
    if draw(st.booleans()):
        data["usage"] = None
    return data


# -- rerank ------------------------------------------------------------------------------------------

RERANK_KINDS = [BENIGN, BENIGN, "wrong_type", "wrong_type", "index", "count", "literal", "cut", "bad_utf8", "status",
                "not_json"]  # fmt: skip
_ZAI_RANK_ALLOWED = [
    ("results", {"list"}),
    ("results.N", {"object"}),
    ("results.N.index", {"int", "digits"}),
    ("results.N.relevance_score", {"int", "float"}),
    ("usage", {"null", "object"}),
    ("usage.prompt_tokens", {"null", "int", "digits"}),
    ("usage.total_tokens", {"null", "int", "digits"}),
]
_CF_RANK_ALLOWED = [
    ("result", {"object"}),
    ("result.response", {"list"}),
    ("result.response.N", {"object"}),
    ("result.response.N.id", {"int", "digits"}),
    ("result.response.N.score", {"int", "float"}),
    ("success", {"bool"}),
]


@st.composite
def rerank_cases(draw: st.DrawFn, wire: str) -> tuple[bytes, int, bool, Ranking, str]:
    """(body, status, with_length, truth, kind) for `wire`: "zai" or "cloudflare"."""
    count = draw(st.integers(1, 5))
    truth = Ranking([draw(_F32) for _ in range(count)], draw(st.none() | st.integers(1, count + 1)))
    kind = draw(st.sampled_from(RERANK_KINDS))
    if kind == "literal":
        truth.scores[draw(st.integers(0, count - 1))] = 1.23e-05
    # The server answers the best `top_n` (all of them when asked for none), in its own order.
    shown = [i for i, _ in truth.expected]
    if kind == BENIGN and truth.top_n is not None and draw(st.booleans()):
        shown = list(range(count))  # a server that ignores top_n: the client keeps the best
    shown = draw(st.permutations(shown))
    index_key, score_key = ("id", "score") if wire == "cloudflare" else ("index", "relevance_score")
    items = [{index_key: i, score_key: _number(truth.scores[i])} for i in shown]
    data: Any
    if wire == "cloudflare":
        data, table, where = (
            {"result": {"response": items}, "success": True, "errors": []},
            _CF_RANK_ALLOWED,
            "result.response",
        )
    else:
        data, table, where = (
            {"results": items, "usage": {"prompt_tokens": 3, "total_tokens": 3}},
            _ZAI_RANK_ALLOWED,
            "results",
        )
    if kind == BENIGN and draw(st.booleans()):
        for item in items:
            item["document"] = {"text": "..."}
    elif kind == "wrong_type":
        path = draw(st.sampled_from(paths(data)))
        allowed = _allowed(path, table)
        if allowed is None:
            data = replace(data, path, draw(st.sampled_from(list(_SAMPLES.values())).flatmap(lambda s: s)))
            kind = BENIGN
        else:
            data = replace(data, path, _wrong(draw, allowed))
    elif kind == "index":
        at = draw(st.integers(0, len(items) - 1))
        taken = {item[index_key] for item in items}
        items[at][index_key] = draw(
            st.sampled_from(sorted(taken - {items[at][index_key]}) or [count]) | st.integers(count, count + 3)
            | st.integers(-3, -1) | st.booleans()
        )  # fmt: skip
    elif kind == "count":
        listed = _get(data, where)
        if draw(st.booleans()):
            listed.append(dict(listed[draw(st.integers(0, len(listed) - 1))]))  # a document twice
        else:
            del listed[draw(st.integers(0, len(listed) - 1))]  # a document lost
    raw, status, with_length = render(data, draw, kind)
    return raw, status, with_length, truth, kind


def _number(x: float) -> Any:
    return int(x) if x.is_integer() else x


# -- tokenizer ---------------------------------------------------------------------------------------


@st.composite
def tokenizer_cases(draw: st.DrawFn) -> tuple[bytes, int, bool, int, str]:
    """(body, status, with_length, the count, kind)."""
    count = draw(st.integers(0, 10**6))
    kind = draw(st.sampled_from([BENIGN, BENIGN, "wrong_type", "wrong_type", "cut", "bad_utf8", "status", "not_json"]))
    value: Any = count
    if kind == BENIGN:
        value = draw(st.sampled_from([count, float(count), str(count)]))
    elif kind == "wrong_type":
        value = draw(
            st.none() | st.booleans() | st.integers(max_value=-1) | st.floats().filter(lambda f: not f.is_integer())
            | st.text(max_size=5).filter(lambda s: not s.strip().isdigit()) | st.lists(st.integers(), max_size=2)
        )  # fmt: skip
    # NaN and the infinities are written as Python reads them back (NaN, Infinity): not JSON either.
    raw, status, with_length = render(
        {"usage": {"prompt_tokens": value, "total_tokens": value}, "id": "t-1"}, draw, kind
    )
    return raw, status, with_length, count, kind
