"""Inserting many new rows of a model at once (daily jobs that write thousands of evaluations, referrals
and audit events).

On PostgreSQL the rows go by COPY with ids reserved from the table's sequence first: `bulk_create`
would send every value through psycopg's client-side quoting of arrays, which for rows carrying JSON
and long texts costs about a millisecond a row. A few rows, or another database (SQLite): `bulk_create`.
"""

import json
from collections.abc import Callable
from typing import TypeVar

from django.db import connection, models

from .pgcopy import copy_sql

M = TypeVar("M", bound=models.Model)

# Below this many rows one INSERT costs less than reserving ids and opening a COPY.
COPY_FROM = 50


def insert(objs: list[M], *, derived: dict[str, Callable] | None = None) -> list[M]:
    """Store new instances of one model and set their ids. `derived`: fields computed from the
    instance once it has its id (e.g. a readable number made from the id)."""
    if not objs:
        return objs
    model, derived = type(objs[0]), derived or {}
    if connection.vendor != "postgresql" or len(objs) < COPY_FROM:
        model._default_manager.bulk_create(objs, batch_size=1000)
        _derive(objs, derived)
        if derived:
            model._default_manager.bulk_update(objs, list(derived), batch_size=1000)
        return objs
    for obj, pk in zip(objs, reserve_ids(model, len(objs)), strict=True):
        obj.pk = pk
    _derive(objs, derived)
    _copy(model, objs)
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
    return objs


def _derive(objs: list[M], derived: dict[str, Callable]) -> None:
    for obj in objs:
        for name, compute in derived.items():
            setattr(obj, name, compute(obj))


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """The next `count` ids of a model's sequence (PostgreSQL), in order: rows about to be COPYed."""
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _copy(model: type[models.Model], objs: list[M]) -> None:
    fields = model._meta.concrete_fields
    sql = copy_sql(connection, model, tuple(f.attname for f in fields))
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.copy(sql) as copy:
        for obj in objs:
            copy.write_row([_value(field, obj) for field in fields])


def _value(field: models.Field, obj: models.Model):
    value = field.pre_save(obj, add=True)
    if isinstance(field, models.JSONField) and value is not None:
        # As JSONField serialises (with its encoder): the JSON the ORM would have stored.
        return json.dumps(value, cls=field.encoder, ensure_ascii=False)
    return field.get_db_prep_save(value, connection)
