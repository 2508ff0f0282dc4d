"""Bulk import of credit records from files (批量导入, R3).

A provider delivers a CSV or XLSX file in the national exchange format (`CF_*`, `XK_*` headers, or
the Chinese column titles). The file is kept in `<XINYONG_DATA_DIR>/imports/<sha256>.<ext>` (with the
row's line number it is the record's raw payload) and processed in batches:

    read a batch of rows → prepare each (same rules as the API) → store the good ones, keep the
    errors (line, column, reason) → move the job's counters and `next_line` forward

all of one batch in one transaction, so a crash leaves the job exactly at the end of its last
committed batch and `run_job` continues from there; rows already stored are never stored twice
(and a re-run of the whole file only finds duplicates, by content hash).

Memory stays flat whatever the file size: the file is streamed, and only a few batches are held at a
time (the one being stored and those being prepared). Large files are prepared by helper processes
(`XINYONG_IMPORT_WORKERS`, default: up to 2) while this process stores, in file order.

Settings: `XINYONG_IMPORT_MAX_BYTES` (uploads; default 200 MB, env `XINYONG_IMPORT_MAX_MB`),
`XINYONG_IMPORT_BATCH_ROWS` (default 5,000), `XINYONG_IMPORT_WORKERS` (also from the environment).
"""

import contextlib
import csv
import datetime as dt
import gc
import hashlib
import io
import logging
import multiprocessing
import os
import signal
import tempfile
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from asgiref.local import Local
from django.conf import settings
from django.db import IntegrityError, connection, connections, transaction
from django_tasks import task

from xinyong.accounts.models import Department
from xinyong.accounts.selectors import rows_visible_to
from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.catalog.models import Category
from xinyong.catalog.schema import CompiledSchema
from xinyong.catalog.selectors import get_category, schema_of
from xinyong.core import bulk, clock
from xinyong.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from xinyong.core.lengths import within
from xinyong.core.lookups import json_array, json_values
from xinyong.core.memory import collector_paused
from xinyong.core.pgcopy import NULL, copy_line, copy_statement, copy_value, encode_json

from . import services
from .models import Channel, ImportJob, ImportRowError, Record
from .preparation import Prepared, prepare
from .readers import CSV, FileProblem, encoding_label, open_table, sniff_encoding, sniff_format

logger = logging.getLogger("xinyong.imports")


class TooLarge(DomainError):
    status = 413
    code = "file_too_large"


def max_upload_bytes() -> int:
    return settings.XINYONG_IMPORT_MAX_BYTES


def batch_rows() -> int:
    return settings.XINYONG_IMPORT_BATCH_ROWS


def import_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- the header -----------------------------------------------------------------------------------


@dataclass
class Columns:
    """Which file column feeds which field, and what was left out."""

    fields: list[tuple[int, str]]  # (column index, field name), in file order
    titles: dict[str, str]  # field name → the title the file uses for it
    unknown: list[str]
    width: int


class HeaderProblem(Exception):
    def __init__(self, message: str, details: list[dict]):
        super().__init__(message)
        self.message = message
        self.details = details


def map_header(schema: CompiledSchema, header: list[str]) -> Columns:
    """Exchange names (CF_WSH), Chinese titles (行政处罚决定书文号) and aliases are all accepted;
    unknown titles are ignored (and listed); a required field without a column stops the job."""
    fields: list[tuple[int, str]] = []
    titles: dict[str, str] = {}
    unknown: list[str] = []
    problems: list[dict] = []
    for index, title in enumerate(header):
        if not title:
            continue
        name = schema.field_for_title(title)
        if name is None:
            unknown.append(title)
        elif name in titles:
            problems.append(
                {"column": title, "message": f"列“{title}”与列“{titles[name]}”对应同一字段 {name}，请删去其一"}
            )
        else:
            titles[name] = title
            fields.append((index, name))
    for spec in schema.fields:
        if spec.required and spec.name not in titles:
            problems.append({"column": spec.name, "message": f"缺少必填列：{spec.name}（{spec.label}）"})
    if problems:
        raise HeaderProblem("表头有误：" + "；".join(p["message"] for p in problems), problems)
    return Columns(fields=fields, titles=titles, unknown=unknown, width=len(header))


# --- receiving the file ---------------------------------------------------------------------------


@dataclass
class StoredFile:
    path: Path
    sha256: str
    size: int
    format: str
    encoding: str  # the Python codec for a CSV ("utf-8-sig" or "gb18030"), "" for XLSX
    encoding_label: str  # what the job shows: utf-8, utf-8-bom, gb18030
    header: list[str]
    estimated_rows: int | None


def store_file(chunks: Iterable[bytes], file_name: str, *, limit: int | None = None) -> StoredFile:
    """Copy the delivered bytes into the import store under their sha256, once it is known that
    they can be read (format, encoding, a header row); otherwise keep nothing and say why.
    `limit`: the most bytes accepted (uploads); None for files imported on the server (CLI)."""
    digest = hashlib.sha256()
    size = 0
    directory = import_dir()
    handle = tempfile.NamedTemporaryFile(dir=directory, prefix=".upload-", delete=False)  # noqa: SIM115
    temp = Path(handle.name)
    try:
        with handle:
            for chunk in chunks:
                size += len(chunk)
                if limit is not None and size > limit:
                    raise TooLarge(
                        f"文件超过大小上限 {limit // (1024 * 1024)} MB；请拆分后分批导入",
                        details=[{"limit_bytes": limit}],
                    )
                digest.update(chunk)
                handle.write(chunk)
        try:
            file_format = sniff_format(temp, file_name)
            encoding = sniff_encoding(temp) if file_format == CSV else ""
            label = encoding_label(temp, encoding) if encoding else ""
            with open_table(temp, file_format, encoding=encoding) as table:
                header, estimated = table.header, table.estimated_rows
        except FileProblem as problem:
            raise InvalidInput(problem.message, code=problem.code) from None
        sha256 = digest.hexdigest()
        final = directory / f"{sha256}.{file_format}"
        if not final.exists():
            os.replace(temp, final)
        return StoredFile(final, sha256, size, file_format, encoding, label, header, estimated)
    finally:
        temp.unlink(missing_ok=True)


def _file_chunks(path: Path, size: int = 1 << 20) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while chunk := handle.read(size):
            yield chunk


def _job_fail(job: ImportJob, message: str, *, actor: Actor) -> ImportJob:
    job.status = ImportJob.Status.FAILED
    job.message = message
    job.finished_at = clock.now()
    job.save(update_fields=["status", "message", "finished_at"])
    audit(actor=actor, action="import.finish", object_type="import_job", object_id=job.pk, after=_summary(job))
    return job


def _summary(job: ImportJob) -> dict:
    return {
        "status": job.status,
        "category": job.category.code,
        "file_sha256": job.file_sha256,
        "processed": job.processed_rows,
        "created": job.created_count,
        "version": job.version_count,
        "duplicate": job.duplicate_count,
        "error": job.error_count,
        "message": job.message[:500],
    }


def start_import(
    *,
    actor: Actor,
    provider: Department,
    category_code: str,
    chunks: Iterable[bytes],
    file_name: str,
    limit: int | None = None,
) -> ImportJob:
    """Receive a file and create its job: pending, or failed at once when its header is unusable
    (a required column missing). Processing is separate: `run_job`, or the `process_import` task."""
    category = get_category(category_code)
    services.check_provider(category, provider)
    file_name = within(Path(file_name or "upload").name, ImportJob, "file_name")
    stored = store_file(chunks, file_name, limit=limit)
    with transaction.atomic():
        job = ImportJob.objects.create(
            category=category,
            provider=provider,
            created_by=actor.name,
            file_name=file_name,
            file_path=str(stored.path),
            file_sha256=stored.sha256,
            file_format=stored.format,
            encoding=stored.encoding_label,
            total_rows=stored.estimated_rows,
            created_at=clock.now(),
        )
        audit(
            actor=actor,
            action="import.start",
            object_type="import_job",
            object_id=job.pk,
            after={
                "category": category.code,
                "file_name": file_name,
                "file_sha256": stored.sha256,
                "size": stored.size,
                "format": stored.format,
                "encoding": stored.encoding_label,
            },
        )
        try:
            columns = map_header(schema_of(category), stored.header)
        except HeaderProblem as problem:
            return _job_fail(job, problem.message, actor=actor)
        if columns.unknown:
            job.message = _unknown_note(columns)
            job.save(update_fields=["message"])
    return job


def import_local_file(*, actor: Actor, provider_code: str, category_code: str, path: Path) -> ImportJob:
    """The CLI's entry: the same as an upload, from a file on this machine, without the upload size
    limit (the way to import files too large to upload)."""
    provider = Department.objects.filter(code=provider_code).first()
    if provider is None:
        raise NotFound(f"部门“{provider_code}”不存在", code="department_not_found")
    if not path.is_file():
        raise InvalidInput(f"文件不存在：{path}", code="file_not_found")
    return start_import(
        actor=actor, provider=provider, category_code=category_code, chunks=_file_chunks(path), file_name=path.name
    )


def _unknown_note(columns: Columns) -> str:
    if not columns.unknown:
        return ""
    return "以下列不属于该类别，已忽略：" + "、".join(columns.unknown)


# --- processing -----------------------------------------------------------------------------------
#
# Per batch: rows are *prepared* (validated, subject identified, hashed, personal data encrypted:
# the CPU-heavy part, in helper processes for large files) and then *stored* by this process, in
# file order, in one transaction with the job's counters.
#
# Storing has two writers with the same outcome:
# - `services.store` (ORM; the reference, used on SQLite and for any batch that needs a new version
#   of an existing decision, so superseding keeps one implementation);
# - on PostgreSQL, for batches that only add records or find duplicates (the bulk of every file),
#   COPY of ready-made rows: a record's columns come from `services.CONTENT_COLUMNS` and
#   `services.provenance_columns` (as in `services._new_record`), a subject's from
#   `subjects.services.identity_columns` (as in `_subject_from_ref`), so both writers fill the same
#   columns the same way (tests compare them column by column). The helpers write a batch's COPY text
#   whole, subject ids (reserved from the sequence) and times included (`_CopyBatch`); this process
#   hands it to PostgreSQL as it is when nothing in the batch is held yet, and drops lines otherwise.


@dataclass(frozen=True)
class _CopyTable:
    """New rows of one model for COPY. The `leading` columns (ids, times) are written by the storing
    process; the `varying` ones are formatted where the row is prepared; all the others are the same
    on every row (the template instance's values: model defaults, the job's provenance)."""

    table: str
    columns: tuple[str, ...]
    leading: tuple[str, ...]
    varying: tuple[str, ...]
    json: frozenset[str]
    defaults: dict
    constant: str

    @classmethod
    def of(cls, template, *, leading: tuple[str, ...], varying: tuple[str, ...] | None = None) -> "_CopyTable":
        # A primary key not written here is assigned by the database (identity column).
        fields = [f for f in template._meta.concrete_fields if not f.primary_key or f.attname in leading]
        others = [f.attname for f in fields if f.attname not in leading]
        varying = tuple(others) if varying is None else varying
        fixed = [name for name in others if name not in varying]
        json_columns = frozenset(f.attname for f in fields if f.get_internal_type() == "JSONField")
        defaults = {f.attname: getattr(template, f.attname) for f in fields}
        return cls(
            table=template._meta.db_table,
            columns=(*leading, *varying, *fixed),
            leading=leading,
            varying=varying,
            json=json_columns,
            defaults=defaults,
            constant="".join("\t" + copy_value(defaults[name], name in json_columns) for name in fixed),
        )

    def text(self, values: dict) -> str:
        """The row's columns after the leading ones, from `values` over the template's."""
        defaults = self.defaults
        return self.text_of([values.get(name, defaults[name]) for name in self.varying])

    def text_of(self, cells: list) -> str:
        """The same from the values of the `varying` columns, in their order."""
        for i in self.json_at:
            if cells[i] is not None:
                cells[i] = encode_json(cells[i])
        return copy_line(cells) + self.constant

    @cached_property
    def json_at(self) -> tuple[int, ...]:
        return tuple(i for i, name in enumerate(self.varying) if name in self.json)

    def sql(self) -> str:
        return copy_statement(connection, self.table, self.columns)


@dataclass(frozen=True)
class _CopyTables:
    record: _CopyTable
    subject: _CopyTable
    name: _CopyTable


def _copy_tables(*, category: Category, provider: Department, actor: Actor, job: ImportJob) -> _CopyTables:
    from xinyong.subjects.models import Subject, SubjectName

    provenance = services.provenance_columns(
        category=category, provider=provider, actor=actor, channel=Channel.FILE, job=job
    )
    return _CopyTables(
        record=_CopyTable.of(
            Record(**provenance),
            leading=("subject_id", "received_at", "published_at"),
            varying=(*services.CONTENT_COLUMNS, "source_line"),
        ),
        subject=_CopyTable.of(Subject(), leading=("id", "created_at", "updated_at")),
        name=_CopyTable.of(SubjectName(), leading=("subject_id", "valid_from"), varying=("name", "search_name")),
    )


@dataclass
class _Context:
    """What preparing a row needs; sent once to each helper process."""

    category: Category
    schema: CompiledSchema
    columns: Columns
    provider: Department
    job: ImportJob
    actor: Actor
    today: dt.date
    tables: _CopyTables | None  # PostgreSQL: rows come back as COPY text for these tables


@dataclass
class _Batch:
    first_line: int = 0
    last_line: int = 0
    rows: int = 0
    good: list = field(default_factory=list)  # ORM: (line, prepared, None)
    copy: "_CopyBatch | None" = None  # COPY: the good rows as COPY text
    errors: list = field(default_factory=list)  # (line, column, reason)
    bad_rows: int = 0
    warnings: int = 0

    @property
    def good_rows(self) -> int:
        return len(self.copy.hashes) if self.copy is not None else len(self.good)


@dataclass
class _CopyBatch:
    """A batch's good rows as COPY text, complete with ids and times, so that storing a batch of new
    records about new subjects (the bulk of every file) is three writes of ready text, with no work per
    row in the storing process. One record line per good row, in file order; one subject line and one
    name line per distinct subject of the batch, with an id reserved from the subjects' sequence (an id
    not used, because the subject turns out to exist, is a gap in the sequence, nothing more).
    The lists give each record line's content hash, decision number and subject key, and each subject
    line's key and whether its code was verified: enough to drop lines when some already exist."""

    hashes: list[str]
    numbers: list[str]
    keys: list[str]
    records: bytes  # UTF-8, as PostgreSQL receives it (encoded where the batch is prepared)
    subject_keys: list[str]
    subject_verified: list[bool]
    subjects: bytes
    names: bytes

    @property
    def distinct(self) -> bool:
        """No content hash, and no decision number, twice in the batch."""
        numbers = [n.strip() for n in self.numbers if n]
        return len(set(self.hashes)) == len(self.hashes) and len(set(numbers)) == len(numbers)


class _Interrupted(Exception):
    """Another runner moved the job on, or it was stopped: leave it as it is."""


def job_actor(job: ImportJob) -> Actor:
    return Actor(name=job.created_by, department=job.provider.code, channel="import")


def _row_values(columns: Columns, cells: list[str]) -> dict[str, str]:
    count = len(cells)
    return {name: cells[index] for index, name in columns.fields if index < count and cells[index]}


def _copy_batch(ctx: _Context, good: list[tuple[int, Prepared]]) -> _CopyBatch:
    """The good rows of a batch as COPY text (see `_CopyBatch`)."""
    from xinyong.subjects.models import Subject
    from xinyong.subjects.services import identity_columns

    tables, category = ctx.tables, ctx.category
    now = clock.now()
    stamp, today = copy_value(now), copy_value(now.date())
    first: dict[str, Prepared] = {}
    for _, prepared in good:
        first.setdefault(prepared.subject.key, prepared)
    ids = dict(zip(first, bulk.reserve_ids(Subject, len(first)), strict=True))
    subjects, names = [], []
    for key, prepared in first.items():
        identity = identity_columns(prepared.subject)
        subjects.append(f"{ids[key]}\t{stamp}\t{stamp}\t{tables.subject.text(identity)}\n")
        names.append(f"{ids[key]}\t{today}\t{tables.name.text(identity)}\n")
    record, content = tables.record, services.content_getter()
    records = [
        f"{ids[p.subject.key]}\t{stamp}\t{stamp if services.published_on_receipt(p, category, publish=True) else NULL}"
        f"\t{record.text_of([*content(p), line])}\n"
        for line, p in good
    ]
    return _CopyBatch(
        hashes=[p.content_hash for _, p in good],
        numbers=[p.decision_number for _, p in good],
        keys=[p.subject.key for _, p in good],
        records="".join(records).encode(),
        subject_keys=list(first),
        subject_verified=[p.subject.verified for p in first.values()],
        subjects="".join(subjects).encode(),
        names="".join(names).encode(),
    )


def _prepare_rows(ctx: _Context, rows: list[tuple[int, list[str]]]) -> _Batch:
    """Validate and prepare one batch of rows; pure computation, runs in a helper process or here.
    The cyclic garbage collector waits until the batch is done: a batch makes a few hundred thousand
    objects that live until its COPY text is written (the collector would walk them again and again,
    finding nothing, since rows hold no reference cycles); reference counting frees them as always."""
    with collector_paused():
        return _prepare_batch(ctx, rows)


def _prepare_batch(ctx: _Context, rows: list[tuple[int, list[str]]]) -> _Batch:
    batch = _Batch(first_line=rows[0][0], last_line=rows[-1][0], rows=len(rows))
    columns = ctx.columns
    titles, width = columns.titles, columns.width
    category, schema, code = ctx.category, ctx.schema, ctx.provider.code
    for line, cells in rows:
        values = _row_values(columns, cells)
        result = prepare(category, schema, values, provider_code=code, today=ctx.today, allow_unverified=True)
        if isinstance(result, list):
            batch.bad_rows += 1
            batch.errors.extend((line, titles.get(e.column, e.column), e.reason) for e in result)
            continue
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            batch.bad_rows += 1
            batch.errors.append((line, "", f"该行有{len(cells)}列，多于表头的{width}列（可能含未转义的逗号）"))
            continue
        if result.warnings:
            batch.warnings += 1
        batch.good.append((line, result, None))
    if ctx.tables is not None and batch.good:
        batch.copy = _copy_batch(ctx, [(line, prepared) for line, prepared, _ in batch.good])
        batch.good = []
    return batch


# Helper processes: the context is installed once per process by the pool's initializer.
_helper_context: _Context | None = None


_inherited_connections: list = []


def _helper_init(ctx: _Context) -> None:
    global _helper_context
    _helper_context = ctx
    # The forked helper must never use, nor close, the parent's database connections (closing would
    # end the parent's session on the shared socket): keep them referenced, unused, and let the helper
    # open its own if it needs one (e.g. to read the working-day calendar).
    _inherited_connections.extend(connections.all(initialized_only=True))
    connections._connections = Local(connections.thread_critical)
    # The parent decides when to stop (Ctrl-C in the CLI, the task worker's shutdown); a helper
    # only ends when its pool is terminated, whatever handlers the parent had installed.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # Everything inherited (Django, the context) lives as long as the helper: keep it out of the
    # collector, which would otherwise walk it again and again as rows are prepared (a third of the
    # helper's time) and copy every page it touches. (The parent froze what it had before forking.)
    gc.freeze()


def _helper_prepare(rows: list[tuple[int, list[str]]]) -> _Batch:
    assert _helper_context is not None
    return _prepare_rows(_helper_context, rows)


def prepare_workers() -> int:
    """Helper processes preparing rows for large files (0: prepare in the importing process)."""
    return settings.XINYONG_IMPORT_WORKERS


def _can_fork() -> bool:
    """Helpers are forked and open their own database connections: not from a process running other
    threads (a threaded web server, should imports ever run there: a fork copies their held locks),
    nor on an in-memory SQLite database (tests), which another process cannot see."""
    if threading.active_count() > 1:
        return False
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())


class _Preparer:
    """Prepares batches in file order, in this process or in a pool of helper processes with a
    bounded number of batches in flight (so memory stays flat, whatever the file size)."""

    def __init__(self, ctx: _Context, workers: int):
        self.ctx = ctx
        self.pool = None
        if workers > 0:
            logger.info("import job %s: %d helper processes prepare the rows", ctx.job.pk, workers)
            self.pool = multiprocessing.get_context("fork").Pool(workers, _helper_init, (ctx,))
            self.in_flight = workers * 2

    def __call__(self, batches: Iterator[list]) -> Iterator[tuple[list, _Batch]]:
        """(raw rows, prepared batch) in file order."""
        if self.pool is None:
            for rows in batches:
                yield rows, _prepare_rows(self.ctx, rows)
            return
        pending: deque = deque()
        for rows in batches:
            pending.append((rows, self.pool.apply_async(_helper_prepare, (rows,))))
            if len(pending) >= self.in_flight:
                rows_, result = pending.popleft()
                yield rows_, result.get()
        while pending:
            rows_, result = pending.popleft()
            yield rows_, result.get()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None


def _store_orm(job: ImportJob, batch_good: list, *, actor: Actor, category: Category) -> Counter:
    results = services.store(
        actor=actor, category=category, provider=job.provider, rows=batch_good, channel=Channel.FILE, job=job
    )
    return Counter(outcome for _, outcome in results)


def _store_copy(job: ImportJob, batch: _Batch, ctx: _Context) -> Counter | None:
    """PostgreSQL: store a batch of new records by COPY. None when a row needs a new version of a
    decision already held (the caller then stores the batch with `services.store`)."""
    rows: _CopyBatch = batch.copy
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
    for line, content_hash, number, key in zip(_lines(rows.records), rows.hashes, rows.numbers, rows.keys, strict=True):
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
            subjects, names = _lines(rows.subjects), _lines(rows.names)
            _copy_text(ctx.tables.subject, b"".join(subjects[i] for i in wanted))
            _copy_text(ctx.tables.name, b"".join(names[i] for i in wanted))
            _audit_new_subjects(job, ctx, len(wanted), sum(1 for i in wanted if not rows.subject_verified[i]))
        _copy_text(ctx.tables.record, b"".join(fresh))
    return Counter({services.CREATED: len(fresh), services.DUPLICATE: duplicates})


def _lines(text: bytes) -> list[bytes]:
    """COPY text as its lines (with their line breaks)."""
    return [line + b"\n" for line in text.split(b"\n")[:-1]]


def _held(rows: _CopyBatch, ctx: _Context) -> tuple[list[str], list[str]]:
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


def _audit_new_subjects(job: ImportJob, ctx: _Context, count: int, unverified: int) -> None:
    """`subjects.services.ensure_subjects` audits the subjects a batch creates once, so does COPY."""
    audit(
        actor=ctx.actor,
        action="subject.bulk_create",
        object_type="subject",
        object_id=f"job:{job.pk}",
        after={"count": count, "unverified": unverified},
    )


def _copy_text(table: _CopyTable, text: bytes) -> None:
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


def store_batch(job: ImportJob, rows: list, batch: _Batch, ctx: _Context) -> Counter:
    """Store a prepared batch's good rows (in file order) and its errors; returns outcome counts."""
    copy = ctx.tables is not None
    counted: Counter | None = Counter()
    if batch.good_rows:
        counted = _store_copy(job, batch, ctx) if copy else None
        if counted is None:
            good = batch.good
            if copy:  # a batch prepared for COPY holds no Prepared objects: prepare its rows again
                good = _prepare_rows(replace(ctx, tables=None), rows).good
            counted = _store_orm(job, good, actor=ctx.actor, category=ctx.category)
    _save_errors(job, batch.errors, copy=copy)
    return counted


def _commit_batch(job: ImportJob, rows: list, batch: _Batch, ctx: _Context) -> None:
    """Store the batch and move the job on, all or nothing."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                current = ImportJob.objects.select_for_update().get(pk=job.pk)
                if current.next_line != job.next_line or current.status != ImportJob.Status.RUNNING:
                    raise _Interrupted(f"任务 #{job.pk} 已由其他进程处理或已停止")
                outcomes = store_batch(job, rows, batch, ctx)
                job.created_count += outcomes[services.CREATED]
                job.version_count += outcomes[services.VERSION]
                job.duplicate_count += outcomes[services.DUPLICATE]
                job.error_count += batch.bad_rows
                job.processed_rows += batch.rows
                job.next_line = batch.last_line + 1
                job.save(update_fields=[*COUNTER_FIELDS, "processed_rows", "next_line"])
            return
        except IntegrityError:
            # The same content or subject arrived at the same moment from elsewhere: reload and
            # retry the batch, which now sees it as a duplicate (or the subject as existing).
            job.refresh_from_db()
            if attempt == 2:
                raise


COUNTER_FIELDS = ["created_count", "version_count", "duplicate_count", "error_count"]


def _batches(rows: Iterator[tuple[int, list[str]]], size: int, start_line: int) -> Iterator[list]:
    batch: list = []
    for line, cells in rows:
        if line < start_line:
            continue
        batch.append((line, cells))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


ProgressCallback = Callable[[ImportJob], None]


def run_job(job_id: int, *, batch_size: int | None = None, progress: ProgressCallback | None = None) -> ImportJob:
    """Process a job from its `next_line` to the end of its file. Safe to call again at any time:
    a finished job is returned as it is, an interrupted one continues where it stopped."""
    job = ImportJob.objects.select_related("category", "provider").get(pk=job_id)
    if job.status == ImportJob.Status.DONE:
        return job
    actor = job_actor(job)
    category = job.category
    schema = schema_of(category)
    size = batch_size or batch_rows()
    resumed = job.status != ImportJob.Status.PENDING
    job.status = ImportJob.Status.RUNNING
    job.started_at = job.started_at or clock.now()
    job.finished_at = None
    job.save(update_fields=["status", "started_at", "finished_at"])
    if resumed:
        audit(
            actor=actor,
            action="import.resume",
            object_type="import_job",
            object_id=job.pk,
            after={"next_line": job.next_line, "processed": job.processed_rows},
        )
    warnings = 0
    preparer = None
    try:
        with (
            _collector_skips_existing_objects(),
            open_table(Path(job.file_path), job.file_format, encoding=_python_encoding(job)) as table,
        ):
            columns = map_header(schema, table.header)
            if job.total_rows is None and table.estimated_rows is not None:
                job.total_rows = table.estimated_rows
                job.save(update_fields=["total_rows"])
            if progress:
                progress(job)
            ctx = _Context(
                category=category,
                schema=schema,
                columns=columns,
                provider=job.provider,
                job=job,
                actor=actor,
                today=clock.today(),
                tables=_copy_tables(category=category, provider=job.provider, actor=actor, job=job)
                if connection.vendor == "postgresql"
                else None,
            )
            remaining = (job.total_rows or 0) - job.processed_rows
            workers = prepare_workers() if remaining > 2 * size and _can_fork() else 0
            preparer = _Preparer(ctx, workers)
            for rows, batch in preparer(_batches(table.rows, size, job.next_line)):
                warnings += batch.warnings
                _commit_batch(job, rows, batch, ctx)
                if progress:
                    progress(job)
    except (FileProblem, HeaderProblem) as problem:
        note = problem.message
        if job.processed_rows:
            note += f"；此前已处理{job.processed_rows}行（截至第{job.next_line - 1}行）"
        return _job_fail(job, note, actor=actor)
    except _Interrupted as stopped:
        logger.warning("%s", stopped)
        job.refresh_from_db()
        return job
    except BaseException as error:  # a crash, Ctrl-C or shutdown: say where it stopped, then re-raise
        job.refresh_from_db()
        reason = "已被中止" if isinstance(error, KeyboardInterrupt | SystemExit) else f"{type(error).__name__}: {error}"
        _job_fail(
            job,
            f"处理中断（{reason}）；已提交的行已保存，"
            f"可从第{job.next_line or 2}行继续：xinyong import --resume {job.pk}",
            actor=actor,
        )
        raise
    finally:
        if preparer is not None:
            preparer.close()
    notes = [_unknown_note(columns)]
    if warnings:
        notes.append(f"{warnings}行的统一社会信用代码校验位不符，已按“待核实”接收")
    job.status = ImportJob.Status.DONE
    job.total_rows = job.processed_rows
    job.message = "；".join(n for n in notes if n)
    job.finished_at = clock.now()
    job.save(update_fields=["status", "total_rows", "message", "finished_at"])
    audit(actor=actor, action="import.finish", object_type="import_job", object_id=job.pk, after=_summary(job))
    if progress:
        progress(job)
    return job


@contextlib.contextmanager
def _collector_skips_existing_objects() -> Iterator[None]:
    """While a job runs, the garbage collector looks only at objects made since it started: each
    batch makes hundreds of thousands (cells, rows), and every full collection would otherwise walk
    all of Django's as well. Helper processes forked meanwhile inherit this. A process that froze
    objects itself (a pre-forking server) is left as it is."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _python_encoding(job: ImportJob) -> str | None:
    if job.file_format != "csv":
        return None
    return {"utf-8": "utf-8-sig", "utf-8-bom": "utf-8-sig", "gb18030": "gb18030"}.get(job.encoding) or None


@task()
def process_import(job_id: int) -> dict:
    """The background task (django-tasks) an upload enqueues; `xinyong worker` runs it."""
    job = run_job(job_id)
    return {"id": job.pk, "status": job.status, **counts(job)}


def enqueue(job: ImportJob) -> None:
    if job.status == ImportJob.Status.PENDING:
        process_import.enqueue(job.pk)


def continue_job(job: ImportJob, *, actor: Actor) -> None:
    """Queue an interrupted job again; `run_job` continues it from its `next_line`."""
    if job.status != ImportJob.Status.FAILED:
        return
    with transaction.atomic():
        audit(
            actor=actor,
            action="import.continue",
            object_type="import_job",
            object_id=job.pk,
            after={"next_line": job.next_line, "processed": job.processed_rows},
        )
        process_import.enqueue(job.pk)


# --- reading jobs ---------------------------------------------------------------------------------


def counts(job: ImportJob) -> dict:
    return {
        "created": job.created_count,
        "version": job.version_count,
        "duplicate": job.duplicate_count,
        "error": job.error_count,
    }


def visible_jobs(user):
    """A provider sees its own department's jobs; the credit office and auditors see all."""
    return rows_visible_to(
        ImportJob.objects.select_related("category", "provider"), user, department_field="provider_id"
    )


def job_for(user, job_id: int) -> ImportJob:
    job = ImportJob.objects.select_related("category", "provider").filter(pk=job_id).first()
    if job is None:
        raise NotFound("导入任务不存在", code="import_not_found")
    if not visible_jobs(user).filter(pk=job.pk).exists():
        raise Forbidden("只能查看本部门的导入任务", code="not_own_import")
    return job


ERROR_CSV_HEADER = ["行号", "列", "原因"]


def error_csv_chunks(job: ImportJob) -> Iterator[str]:
    """The job's errors as a CSV for Excel: UTF-8 with BOM, columns 行号, 列, 原因."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(ERROR_CSV_HEADER)
    rows = job.row_errors.order_by("line", "id").values_list("line", "column", "reason")
    for count, row in enumerate(rows.iterator(chunk_size=2000), start=1):
        writer.writerow(row)
        if count % 2000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_error_file(job: ImportJob, path: Path | None = None) -> Path:
    path = path or import_dir() / f"job-{job.pk}-errors.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        for chunk in error_csv_chunks(job):
            handle.write(chunk)
    return path
