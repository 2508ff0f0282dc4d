"""Receiving a file: it is stored, its job created (pending, or failed at once when its header is
unusable) and audited. Processing is the runner's."""

from collections.abc import Iterable
from pathlib import Path

from django.db import transaction

from xinyong.accounts.models import Department
from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.catalog.selectors import get_category, schema_of
from xinyong.core import clock
from xinyong.core.errors import InvalidInput, NotFound
from xinyong.core.lengths import within

from .. import services
from ..models import ImportJob
from .files import file_chunks, store_file
from .header import HeaderProblem, map_header


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
            return fail_job(job, problem.message, actor=actor)
        if columns.unknown:
            job.message = columns.unknown_note()
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
        actor=actor, provider=provider, category_code=category_code, chunks=file_chunks(path), file_name=path.name
    )


def fail_job(job: ImportJob, message: str, *, actor: Actor) -> ImportJob:
    job.status = ImportJob.Status.FAILED
    job.message = message
    job.finished_at = clock.now()
    job.save(update_fields=["status", "message", "finished_at"])
    audit_finish(job, actor=actor)
    return job


def audit_finish(job: ImportJob, *, actor: Actor) -> None:
    audit(actor=actor, action="import.finish", object_type="import_job", object_id=job.pk, after=_summary(job))


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
