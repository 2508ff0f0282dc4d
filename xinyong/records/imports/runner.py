"""Running a job: its file read from `next_line` in batches, each prepared (`preparing`, by helper
processes for large files: `pool`) and stored with the job's counters (`storing`); and the background
task (django-tasks) that runs it for an upload."""

import contextlib
import gc
import logging
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import connection, transaction
from django_tasks import task

from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.catalog.schema import CompiledSchema
from xinyong.catalog.selectors import schema_of
from xinyong.core import clock

from ..models import ImportJob
from .copytext import copy_tables
from .files import open_job_file
from .header import Columns, HeaderProblem, map_header
from .intake import audit_finish, fail_job
from .pool import Preparer, can_fork, prepare_workers
from .preparing import Context
from .readers import FileProblem, Table
from .selectors import counts
from .storing import Interrupted, commit_batch

logger = logging.getLogger("xinyong.imports")

ProgressCallback = Callable[[ImportJob], None]


def batch_rows() -> int:
    return settings.XINYONG_IMPORT_BATCH_ROWS


def job_actor(job: ImportJob) -> Actor:
    return Actor(name=job.created_by, department=job.provider.code, channel="import")


def run_job(job_id: int, *, batch_size: int | None = None, progress: ProgressCallback | None = None) -> ImportJob:
    """Process a job from its `next_line` to the end of its file. Safe to call again at any time:
    a finished job is returned as it is, an interrupted one continues where it stopped."""
    job = ImportJob.objects.select_related("category", "provider").get(pk=job_id)
    if job.status == ImportJob.Status.DONE:
        return job
    actor = job_actor(job)
    schema = schema_of(job.category)
    size = batch_size or batch_rows()
    _mark_running(job, actor=actor)
    try:
        columns, warnings = _process(job, schema, actor=actor, size=size, progress=progress)
    except (FileProblem, HeaderProblem) as problem:
        return fail_job(job, _unreadable_note(job, problem.message), actor=actor)
    except Interrupted as stopped:
        logger.warning("%s", stopped)
        job.refresh_from_db()
        return job
    except BaseException as error:  # a crash, Ctrl-C or shutdown: say where it stopped, then re-raise
        job.refresh_from_db()
        fail_job(job, _interruption_note(job, error), actor=actor)
        raise
    _mark_done(job, columns, warnings, actor=actor)
    if progress:
        progress(job)
    return job


def _mark_running(job: ImportJob, *, actor: Actor) -> None:
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


def _process(
    job: ImportJob, schema: CompiledSchema, *, actor: Actor, size: int, progress: ProgressCallback | None
) -> tuple[Columns, int]:
    """Prepare and store the rows of the job's file from its `next_line` on; returns the file's
    columns and how many rows were received with a warning."""
    warnings = 0
    with _collector_skips_existing_objects(), open_job_file(job) as table:
        columns = map_header(schema, table.header)
        _count_rows(job, table)
        if progress:
            progress(job)
        ctx = _context(job, schema, columns, actor=actor)
        with Preparer(ctx, _helpers_for(job, size)) as preparer:
            for rows, batch in preparer(_batches(table.rows, size, job.next_line)):
                warnings += batch.warnings
                commit_batch(job, rows, batch, ctx)
                if progress:
                    progress(job)
    return columns, warnings


def _count_rows(job: ImportJob, table: Table) -> None:
    if job.total_rows is None and table.estimated_rows is not None:
        job.total_rows = table.estimated_rows
        job.save(update_fields=["total_rows"])


def _context(job: ImportJob, schema: CompiledSchema, columns: Columns, *, actor: Actor) -> Context:
    category, provider = job.category, job.provider
    return Context(
        category=category,
        schema=schema,
        columns=columns,
        provider=provider,
        job=job,
        actor=actor,
        today=clock.today(),
        tables=copy_tables(category=category, provider=provider, actor=actor, job=job)
        if connection.vendor == "postgresql"
        else None,
    )


def _helpers_for(job: ImportJob, size: int) -> int:
    """Helper processes for the rows left: none when they are no more than two batches."""
    remaining = (job.total_rows or 0) - job.processed_rows
    return prepare_workers() if remaining > 2 * size and can_fork() else 0


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


def _mark_done(job: ImportJob, columns: Columns, warnings: int, *, actor: Actor) -> None:
    notes = [columns.unknown_note()]
    if warnings:
        notes.append(f"{warnings}行的统一社会信用代码校验位不符，已按“待核实”接收")
    job.status = ImportJob.Status.DONE
    job.total_rows = job.processed_rows
    job.message = "；".join(n for n in notes if n)
    job.finished_at = clock.now()
    job.save(update_fields=["status", "total_rows", "message", "finished_at"])
    audit_finish(job, actor=actor)


def _unreadable_note(job: ImportJob, message: str) -> str:
    if job.processed_rows:
        message += f"；此前已处理{job.processed_rows}行（截至第{job.next_line - 1}行）"
    return message


def _interruption_note(job: ImportJob, error: BaseException) -> str:
    reason = "已被中止" if isinstance(error, KeyboardInterrupt | SystemExit) else f"{type(error).__name__}: {error}"
    return f"处理中断（{reason}）；已提交的行已保存，可从第{job.next_line or 2}行继续：xinyong import --resume {job.pk}"


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
