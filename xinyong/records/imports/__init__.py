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

One module per step, in the order a file goes through them:
- `files`: the import store (a delivered file kept under its sha256 once it can be read);
  `readers`: CSV and XLSX read row by row; `header`: which column feeds which field;
- `intake`: receiving a file and creating its job;
- `runner`: running a job batch by batch, and the background task that runs it;
- `preparing`: a batch's rows validated and prepared, `copytext` their COPY text (PostgreSQL),
  `pool` the helper processes that prepare them for large files;
- `storing`: a prepared batch stored with the job's counters, by COPY or through `services.store`;
- `selectors`: jobs as their readers see them, errors as a CSV.

This package's names below are what the API, the admin, the CLI and the bench use.
"""

from .files import TooLarge, import_dir, max_upload_bytes
from .intake import import_local_file, start_import
from .pool import prepare_workers
from .runner import batch_rows, continue_job, enqueue, process_import, run_job
from .selectors import ERROR_CSV_HEADER, counts, error_csv_chunks, job_for, visible_jobs, write_error_file

__all__ = [
    "ERROR_CSV_HEADER",
    "TooLarge",
    "batch_rows",
    "continue_job",
    "counts",
    "enqueue",
    "error_csv_chunks",
    "import_dir",
    "import_local_file",
    "job_for",
    "max_upload_bytes",
    "prepare_workers",
    "process_import",
    "run_job",
    "start_import",
    "visible_jobs",
    "write_error_file",
]
