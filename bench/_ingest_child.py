"""Child process of the ingest benchmark: import one file the way `xinyong import` does, then report.

Usage (env from bench/ingest.py): python bench/_ingest_child.py FILE PROVIDER_CODE
Prints one JSON line: seconds (import only, after Django start-up), counts, peak RSS.
"""

import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from xinyong.accounts import services as accounts  # noqa: E402
from xinyong.audit.services import SYSTEM, Actor  # noqa: E402
from xinyong.records import imports  # noqa: E402


def job_workers(job) -> int:
    return imports.prepare_workers() if job.processed_rows > 2 * imports.batch_rows() else 0


def _backend_cpu_seconds(pid: int) -> float | None:
    """CPU time of this process's PostgreSQL backend, when the server runs on this machine."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    path, provider = Path(sys.argv[1]), sys.argv[2]
    accounts.upsert_department(actor=SYSTEM, code=provider, name="基准测试部门")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    backend_before = _backend_cpu_seconds(backend)
    actor = Actor(name="bench", department=provider, channel="cli")
    started = time.perf_counter()
    job = imports.import_local_file(actor=actor, provider_code=provider, category_code="admin_penalty", path=path)
    job = imports.run_job(job.pk)
    seconds = time.perf_counter() - started
    backend_after = _backend_cpu_seconds(backend)
    backend_cpu = None if backend_before is None or backend_after is None else backend_after - backend_before
    if job.status != job.Status.DONE:
        raise SystemExit(f"import failed: {job.message}")
    own, helpers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    main_kb = own.ru_maxrss
    # ru_maxrss of the children is the largest helper's; each of `workers` helpers counts once.
    workers = job_workers(job)
    helpers_kb = helpers.ru_maxrss * workers
    print(
        json.dumps(
            {
                "seconds": round(seconds, 3),
                "counts": {**imports.counts(job), "processed": job.processed_rows},
                "batch_rows": imports.batch_rows(),
                "workers": workers,
                "peak_rss_mb": round((main_kb + helpers_kb) / 1024, 1),
                "peak_rss_mb_main": round(main_kb / 1024, 1),
                "peak_rss_mb_helpers": round(helpers_kb / 1024, 1),
                "cpu_seconds_main": round(own.ru_utime + own.ru_stime, 2),
                "cpu_seconds_helpers": round(helpers.ru_utime + helpers.ru_stime, 2),
                "cpu_seconds_postgres": None if backend_cpu is None else round(backend_cpu, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
