"""The import store: delivered files kept under their sha256 in `<XINYONG_DATA_DIR>/imports/`, once
it is known that they can be read, and opened again by the job that processes them."""

import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from xinyong.core.errors import DomainError, InvalidInput

from ..models import ImportJob
from .readers import CSV, FileProblem, Table, encoding_label, open_table, sniff_encoding, sniff_format


class TooLarge(DomainError):
    status = 413
    code = "file_too_large"


def max_upload_bytes() -> int:
    return settings.XINYONG_IMPORT_MAX_BYTES


def import_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


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


def file_chunks(path: Path, size: int = 1 << 20) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while chunk := handle.read(size):
            yield chunk


def open_job_file(job: ImportJob) -> Table:
    """The job's stored file, read as it was when it was received."""
    return open_table(Path(job.file_path), job.file_format, encoding=_python_encoding(job))


def _python_encoding(job: ImportJob) -> str | None:
    if job.file_format != "csv":
        return None
    return {"utf-8": "utf-8-sig", "utf-8-bom": "utf-8-sig", "gb18030": "gb18030"}.get(job.encoding) or None
