"""Length limits of text, with the column that stores it as their one home.

A client's text longer than its column is refused (422, naming the field in Chinese), never cut:
`within`. A note the platform composes for a history column — a status change quoting an objection's
reason, a record's content made of an order's reason and requirements — may quote text that is kept
whole in its own row; such a note is shortened visibly, ending in "…": `abbreviate`.
"""

from django.db import models

from .errors import InvalidInput

ELLIPSIS = "…"


def _column(model: type[models.Model], column: str) -> models.Field:
    """The concrete field `model.column`: a relation or a generic key has no length to check."""
    field = model._meta.get_field(column)
    if not isinstance(field, models.Field):
        raise ValueError(f"{model.__name__}.{column} is not a column")
    return field


def column_length(model: type[models.Model], column: str) -> int:
    length = _column(model, column).max_length
    if not length:
        raise ValueError(f"{model.__name__}.{column} has no max_length")
    return length


def within(value: str, model: type[models.Model], column: str, *, field: str | None = None) -> str:
    """`value`, if `model.column` can hold it; else InvalidInput naming the column's Chinese name.
    `field`: the client's name for the value, when it is not the column's (e.g. `reason`)."""
    limit = column_length(model, column)
    if len(value) <= limit:
        return value
    label = _column(model, column).verbose_name
    raise InvalidInput(
        f"{label}过长：最多{limit}个字符，实际{len(value)}个",
        code="too_long",
        details=[{"field": field or column, "max_length": limit, "length": len(value)}],
    )


def abbreviate(note: str, limit: int) -> str:
    """A composed note fitted to `limit` characters, visibly: the cut ends in "…"."""
    return note if len(note) <= limit else note[: limit - len(ELLIPSIS)] + ELLIPSIS
