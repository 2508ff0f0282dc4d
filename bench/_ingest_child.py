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

from xinyong.accounts import services as accounts  # noqa: E402
from xinyong.audit.services import SYSTEM, Actor  # noqa: E402
from xinyong.records import imports  # noqa: E402


def main() -> None:
    path, provider = Path(sys.argv[1]), sys.argv[2]
    accounts.upsert_department(actor=SYSTEM, code=provider, name="基准测试部门")
    actor = Actor(name="bench", department=provider, channel="cli")
    started = time.perf_counter()
    job = imports.import_local_file(actor=actor, provider_code=provider, category_code="admin_penalty", path=path)
    job = imports.run_job(job.pk)
    seconds = time.perf_counter() - started
    if job.status != job.Status.DONE:
        raise SystemExit(f"import failed: {job.message}")
    main_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    helpers_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": round(seconds, 3),
                "counts": {**imports.counts(job), "processed": job.processed_rows},
                "batch_rows": imports.batch_rows(),
                "workers": imports.prepare_workers() if hasattr(imports, "prepare_workers") else 1,
                "peak_rss_mb": round((main_kb + helpers_kb) / 1024, 1),
                "peak_rss_mb_main": round(main_kb / 1024, 1),
                "peak_rss_mb_helpers": round(helpers_kb / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
