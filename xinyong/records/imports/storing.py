"""Storing prepared batches, in file order, each in one transaction with the job's counters.

Storing has two writers with the same outcome:
- `services.store` (ORM; the reference, used on SQLite and for any batch that needs a new version
  of an existing decision, so superseding keeps one implementation);
- on PostgreSQL, for batches that only add records or find duplicates (the bulk of every file),
  COPY of ready-made rows (`copytext`): the helpers write a batch's COPY text whole, subject ids
  (reserved from the sequence) and times included (`CopyBatch`); this process hands it to
  PostgreSQL as it is when nothing in the batch is held yet, and drops lines otherwise.
"""

import contextlib
from collections import Counter
from dataclasses import replace

from django.db import IntegrityError, connection, transaction

from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.catalog.models import Category
from xinyong.core.lookups import json_array, json_values
from xinyong.core.pgcopy import copy_statement

from .. import services
from ..models import Channel, ImportJob, ImportRowError, Record
from .copytext import CopyBatch, CopyTable, lines
from .preparing import Batch, Context, prepare_rows


class Interrupted(Exception):
    """Another runner moved the job on, or it was stopped: leave it as it is."""


_COUNTER_FIELDS = ["created_count", "version_count", "duplicate_count", "error_count"]


def commit_batch(job: ImportJob, rows: list, batch: Batch, ctx: Context) -> None:
    """Store the batch and move the job on, all or nothing."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                current = ImportJob.objects.select_for_update().get(pk=job.pk)
                if current.next_line != job.next_line or current.status != ImportJob.Status.RUNNING:
                    raise Interrupted(f"任务 #{job.pk} 已由其他进程处理或已停止")
                outcomes = store_batch(job, rows, batch, ctx)
                job.created_count += outcomes[services.CREATED]
                job.version_count += outcomes[services.VERSION]
                job.duplicate_count += outcomes[services.DUPLICATE]
                job.error_count += batch.bad_rows
                job.processed_rows += batch.rows
                job.next_line = batch.last_line + 1
                job.save(update_fields=[*_COUNTER_FIELDS, "processed_rows", "next_line"])
            return
        except IntegrityError:
            # The same content or subject arrived at the same moment from elsewhere: reload and
            # retry the batch, which now sees it as a duplicate (or the subject as existing).
            job.refresh_from_db()
            if attempt == 2:
                raise


def store_batch(job: ImportJob, rows: list, batch: Batch, ctx: Context) -> Counter:
    """Store a prepared batch's good rows (in file order) and its errors; returns outcome counts."""
    copy = ctx.tables is not None
    counted: Counter | None = Counter()
    if batch.good_rows:
        counted = _store_copy(job, batch, ctx) if copy else None
        if counted is None:
            good = batch.good
            if copy:  # a batch prepared for COPY holds no Prepared objects: prepare its rows again
                good = prepare_rows(replace(ctx, tables=None), rows).good
            counted = _store_orm(job, good, actor=ctx.actor, category=ctx.category)
    _save_errors(job, batch.errors, copy=copy)
    return counted


def _store_orm(job: ImportJob, batch_good: list, *, actor: Actor, category: Category) -> Counter:
    results = services.store(
        actor=actor, category=category, provider=job.provider, rows=batch_good, channel=Channel.FILE, job=job
    )
    return Counter(outcome for _, outcome in results)


def _store_copy(job: ImportJob, batch: Batch, ctx: Context) -> Counter | None:
    """PostgreSQL: store a batch of new records by COPY. None when a row needs a new version of a
    decision already held (the caller then stores the batch with `services.store`)."""
    rows: CopyBatch = batch.copy
    held_hashes, held_numbers = _held(rows, ctx)
    existing = _existing_subjects(rows.subject_keys)
    if not held_hashes and not held_numbers and not existing and rows.distinct:
        # The common case: only new records about new subjects. The text goes as the helper wrote it.
        _copy_text(ctx.tables.subject, rows.subjects)
        _copy_text(ctx.tables.name, rows.names)
        _copy_text(ctx.tables.record, rows.records)
        _audit_new_subjects(job, ctx, len(rows.subject_keys), rows.subject_verified.count(False))
        return Counter({services.CREATED: len(rows.hashes)})
    # Some rows are duplicates, or some subjects exist already: keep the lines that are new.
    fresh: list[bytes] = []
    used: set[str] = set()  # subjects of the fresh lines
    duplicates = 0
    by_hash, by_decision = set(held_hashes), {n.strip() for n in held_numbers}
    for line, content_hash, number, key in zip(lines(rows.records), rows.hashes, rows.numbers, rows.keys, strict=True):
        if content_hash in by_hash:
            duplicates += 1
            continue
        if number and number.strip() in by_decision:
            return None  # a new version: superseding is services.store's
        by_hash.add(content_hash)
        if number:
            by_decision.add(number.strip())
        held_id = existing.get(key)
        if held_id is None:  # the line names the id reserved for the new subject
            used.add(key)
            fresh.append(line)
        else:
            fresh.append(b"%d\t%s" % (held_id, line.split(b"\t", 1)[1]))
    if fresh:
        wanted = [i for i, key in enumerate(rows.subject_keys) if key in used]
        if wanted:
            subjects, names = lines(rows.subjects), lines(rows.names)
            _copy_text(ctx.tables.subject, b"".join(subjects[i] for i in wanted))
            _copy_text(ctx.tables.name, b"".join(names[i] for i in wanted))
            _audit_new_subjects(job, ctx, len(wanted), sum(1 for i in wanted if not rows.subject_verified[i]))
        _copy_text(ctx.tables.record, b"".join(fresh))
    return Counter({services.CREATED: len(fresh), services.DUPLICATE: duplicates})


def _held(rows: CopyBatch, ctx: Context) -> tuple[list[str], list[str]]:
    """Content hashes and decision numbers of the batch already held among current records."""
    table = connection.ops.quote_name(Record._meta.db_table)
    category, provider = ctx.category, ctx.provider
    with connection.cursor() as cursor:
        # One index look-up per value (content hash; provider + category + decision number). An OR of
        # both, or a plan made on stale statistics, would filter every record of the provider instead;
        # OFFSET 0 keeps each lateral subquery a parameterised index scan.
        cursor.execute(
            f"SELECT r.content_hash, r.decision_number FROM {_EACH} AS h(value) CROSS JOIN LATERAL"
            f" (SELECT content_hash, decision_number, category_id, provider_id FROM {table}"
            f"  WHERE content_hash = h.value AND is_current OFFSET 0) r"
            f" WHERE r.category_id = %s AND r.provider_id = %s"
            f" UNION ALL"
            f" SELECT r.content_hash, r.decision_number FROM {_EACH} AS d(value) CROSS JOIN LATERAL"
            f" (SELECT content_hash, decision_number FROM {table}"
            f"  WHERE provider_id = %s AND category_id = %s AND decision_number = d.value AND is_current OFFSET 0) r",
            [
                json_array(rows.hashes),
                category.pk,
                provider.pk,
                json_array({n.strip() for n in rows.numbers if n}),
                provider.pk,
                category.pk,
            ],
        )
        found = cursor.fetchall()
    return [h for h, _ in found], [n for _, n in found if n]


def _existing_subjects(keys: list[str]) -> dict[str, int]:
    from xinyong.subjects.models import Subject

    return dict(Subject.objects.filter(key__among=keys).values_list("key", "id"))


def _audit_new_subjects(job: ImportJob, ctx: Context, count: int, unverified: int) -> None:
    """`subjects.services.ensure_subjects` audits the subjects a batch creates once, so does COPY."""
    audit(
        actor=ctx.actor,
        action="subject.bulk_create",
        object_type="subject",
        object_id=f"job:{job.pk}",
        after={"count": count, "unverified": unverified},
    )


def _copy_text(table: CopyTable, text: bytes) -> None:
    # A concurrent import creating the same subject or record makes this COPY fail: the batch is retried.
    with connection.cursor() as cursor, _copy(cursor, table.sql()) as copy:
        copy.write(text)


# A batch's values as one query parameter (`core.lookups.json_array`, as `__among` sends them): psycopg
# adapts a list value by value, about 4 µs each in this process, which stores every batch.
_EACH = json_values()


@contextlib.contextmanager
def _copy(cursor, sql: str):
    """psycopg's COPY, with its errors as Django's (a unique violation is an IntegrityError)."""
    with connection.wrap_database_errors, cursor.copy(sql) as copy:
        yield copy


def _save_errors(job: ImportJob, errors: list[tuple[int, str, str]], *, copy: bool) -> None:
    if not errors:
        return
    if copy:
        with connection.cursor() as cursor:
            sql = copy_statement(connection, ImportRowError._meta.db_table, ["job_id", "line", "column", "reason"])
            with _copy(cursor, sql) as writer:
                for line, column, reason in errors:
                    writer.write_row((job.pk, line, column[:100], reason[:500]))
        return
    ImportRowError.objects.bulk_create(
        [
            ImportRowError(job=job, line=line, column=column[:100], reason=reason[:500])
            for line, column, reason in errors
        ],
        batch_size=2000,
    )
