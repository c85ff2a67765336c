"""Construction errors of the framework classes without their secrets.

Pydantic puts the input it was validating into every error: `str(error)` shows it as
`input_value={'api_key': 'sk-RELIABILI...7c1e9a0b2d4f6e8a', ...}` (its first and last characters),
and `error.errors()` holds it whole. A `ChatGLM(api_key=..., provider="typo")` would print most
of the key into a log. `RedactedConstructionErrors` is a mixin for the pydantic classes
(`ChatGLM`, `GLM`, the embedding and rerank classes): a `ValidationError` raised while building
one is raised again with the same errors, each input copied with `api_key`, `account_id` and
credential headers masked (`glm_core.redaction`), and without the original in its context.

Example:
    >>> class Model(RedactedConstructionErrors, pydantic.BaseModel):   # doctest: +SKIP
    ...     api_key: str
    ...     port: int
    >>> Model(api_key="sk-secret", port="x")                          # doctest: +SKIP
    ValidationError: ... input_value='x' ...          (and nowhere "sk-secret")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glm_core.redaction import REDACTED, redact_headers

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = ["SECRET_FIELDS", "RedactedConstructionErrors", "redacted_validation_error"]

# Fields whose value is never shown: the key, and Cloudflare's account id (scrubbed from URLs too).
SECRET_FIELDS = frozenset({"api_key", "account_id"})


def _masked(value: Any, field: str | None = None) -> Any:
    if field in SECRET_FIELDS:
        return REDACTED if value is not None else None
    if field == "default_headers" and isinstance(value, dict):
        try:
            return redact_headers(value)
        except (TypeError, AttributeError):  # a header name or value that is not text
            return REDACTED
    if isinstance(value, dict):
        return {key: _masked(item, key if isinstance(key, str) else None) for key, item in value.items()}
    return value


def redacted_validation_error(error: ValidationError) -> ValidationError:
    """The same `ValidationError`, every input with its secrets masked."""
    from pydantic_core import ValidationError as CoreValidationError

    details: list[Any] = []
    for line in error.errors(include_url=False):
        # The field is the first part of the location; a union adds its member's name after it.
        names = [part for part in line["loc"] if isinstance(part, str)]
        field = next((name for name in names if name in SECRET_FIELDS), names[0] if names else None)
        detail: dict[str, Any] = {"type": line["type"], "loc": line["loc"], "input": _masked(line["input"], field)}
        if "ctx" in line:
            detail["ctx"] = line["ctx"]
        details.append(detail)
    return CoreValidationError.from_exception_data(error.title, details)


class RedactedConstructionErrors:
    """Put first among a pydantic class's bases: its construction errors never show a secret."""

    def __init__(self, /, **data: Any) -> None:
        from pydantic import ValidationError

        error: ValidationError | None = None
        try:
            super().__init__(**data)
        except ValidationError as exc:
            error = redacted_validation_error(exc)
        if error is not None:
            raise error  # outside the except block: the original (with the key) is not its context
