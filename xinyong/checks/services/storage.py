"""Storing checks and batches behind their answers (R12; docs/design/writers.md): the rows the writers
queue, how they are written (COPY, server-side binding), what is set aside when the database refuses one,
and reading a check back once this process's queues are written."""

import datetime as dt
import logging
from typing import NamedTuple

import lz4.frame
import orjson
import psycopg
from django.conf import settings
from django.db import connection, transaction

from xinyong.accounts.models import Department
from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.core.errors import Forbidden, NotFound
from xinyong.core.pgcopy import copy_line, copy_sql

from ..models import Check, CheckBatch
from ..selectors import find_check
from ..signing import CANONICAL, digest, payload
from ..writer import make_writer

logger = logging.getLogger("xinyong.checks")
UNSTORED_FILE = "unstored-checks.jsonl"


class CheckRow(NamedTuple):
    """A check as queued for the writer: the columns of its row (attribute names of `Check`) but the
    digest. Serialising and signing the answer is left to the writer, off the path of the response."""

    number: str
    implementer_id: int
    checked_by: str
    subject_id: int | None
    subject_code: str
    matter: str
    checked_at: dt.datetime
    result: str
    measure_count: int
    answer: dict


# The columns of a stored check row, in order.
STORED_COLUMNS = (*CheckRow._fields, "digest")


def _signed(row: CheckRow) -> tuple:
    """A queued row as stored: the answer as canonical JSON text, then its keyed digest."""
    text = payload(row.answer)
    return (*row[:-1], text, digest(text))


@transaction.atomic
def store_checks(rows: list[CheckRow]) -> None:
    """Store queued check rows. On PostgreSQL as one COPY text (bulk_create would send the JSON answers
    through psycopg's client-side quoting, ~50× slower: bench/checks.py)."""
    if connection.vendor != "postgresql":
        checks = []
        for row in rows:
            signed = dict(zip(STORED_COLUMNS, _signed(row), strict=True))
            checks.append(Check(**{**signed, "answer": row.answer}))  # the model holds the answer, not its text
        Check.objects.bulk_create(checks, batch_size=2000)
        return
    # COPY's errors raised as Django's, as a Django cursor's are: the writer tells refusals apart by them.
    copy_rows = copy_sql(connection, Check, STORED_COLUMNS)
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.copy(copy_rows) as copy:
        copy.write("".join(copy_line(_signed(row)) + "\n" for row in rows))


def set_aside_check(row: CheckRow, refused: Exception) -> None:
    _keep_unstored(row.number, orjson.dumps(row._asdict(), default=CANONICAL.default), refused)


def _keep_unstored(number: str, content: bytes, refused: Exception) -> None:
    """A check or batch the database refused (`writer.py`): an error in the log, and what was answered kept
    as a line of `unstored-checks.jsonl` in the data directory, to be looked into and stored by hand."""
    path = settings.DATA_DIR / UNSTORED_FILE
    logger.error("核查记录 %s 未能保存（%s），已另存于 %s", number, refused, path)
    with open(path, "ab") as kept:
        kept.write(
            b'{"number":%s,"refused":%s,"content":%s}\n' % (orjson.dumps(number), orjson.dumps(str(refused)), content)
        )


WRITER = make_writer(store_checks, set_aside_check)


class BatchItem(NamedTuple):
    """A batch as queued for its writer: the record, its answers as returned, who checked, how many codes
    were invalid (for the audit event)."""

    record: CheckBatch
    document: bytes
    actor: Actor
    invalid: int


@transaction.atomic
def store_batches(items: list[BatchItem]) -> None:
    """Each batch compressed, signed, inserted and audited."""
    for item in items:
        record = item.record
        record.document = lz4.frame.compress(item.document)
        record.digest = digest(record.document)
        _insert_batch(record)
        audit(
            actor=item.actor,
            action="check.batch",
            object_type="check_batch",
            object_id=record.number,
            after={"matter": record.matter, "count": record.checks, "invalid": item.invalid},
        )


def set_aside_batch(item: BatchItem, refused: Exception) -> None:
    record = item.record
    fields = {name: getattr(record, name) for name in ("implementer_id", "checked_by", "matter", "checked_at")}
    content = orjson.dumps(fields, default=CANONICAL.default)[:-1] + b',"answers":' + item.document + b"}"
    _keep_unstored(record.number, content, refused)


BATCH_WRITER = make_writer(store_batches, set_aside_batch, max_pending=1, max_backlog=4)


def _insert_batch(batch: CheckBatch) -> None:
    """Insert a batch row. On PostgreSQL with psycopg's server-side binding: Django's cursor binds on the
    client, writing the ~0.3 MB compressed document into the SQL text as hex (3 ms of this process's time
    against 1 ms)."""
    if connection.vendor != "postgresql":
        batch.save()
        return
    columns = [f for f in CheckBatch._meta.concrete_fields if not f.primary_key]
    names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
    sql = f"INSERT INTO {CheckBatch._meta.db_table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
    values = [f.get_db_prep_save(getattr(batch, f.attname), connection) for f in columns]
    connection.ensure_connection()
    # Django's connections make client-binding cursors; this one sends the values apart from the SQL (its
    # errors raised as Django's, as a Django cursor's are: the batch writer tells refusals apart by them).
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, values)


def get_check(number: str, department: Department | None, *, any_department: bool = False) -> Check:
    """A check by its number (`selectors.find_check`), once what this process answered a moment ago and
    still queues is written; only the department's own unless `any_department`."""
    WRITER.flush()
    BATCH_WRITER.flush()
    found = find_check(number)
    if found is None:
        raise NotFound("核查记录不存在", code="check_not_found")
    if not any_department and (department is None or found.implementer_id != department.pk):
        raise Forbidden("只能查看本部门的核查记录", code="not_own_check")
    return found
