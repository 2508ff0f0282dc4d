"""Reading import jobs: who sees which, their counts, their errors as a CSV for Excel."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from xinyong.accounts.selectors import rows_visible_to
from xinyong.core.errors import Forbidden, NotFound

from ..models import ImportJob
from .files import import_dir


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
