"""ingest: validated bulk import of a penalty CSV into PostgreSQL, against a plain COPY of the same file.

- A CSV of N penalty rows in the national CF_* format, each about a distinct subject, is generated
  (and cached) in the bench work directory.
- A dedicated database `xinyong_bench` is created from a migrated template (rebuilt when a migration
  changes) on the server of XINYONG_DATABASE_URL, which must be PostgreSQL.
- The import runs in a child process exactly as `xinyong import` does (same code path: store the file,
  read, validate, identify subjects, store records in batches); the child reports its own time and its
  peak RSS (`ru_maxrss` of itself and of any helper processes), so memory can be compared across sizes.
- Baseline: `COPY … FROM STDIN (FORMAT csv)` of the same file into a plain table with one text column
  per CSV column, in the same database, in the same run.

Sizes: 200,000 and 1,000,000 rows (`--quick`: 15,000 and 45,000). Results: `ingest` (rows/s at the
smaller size, baseline COPY rows/s), `ingest_large` (the same at the larger size) and `ingest_peak_rss`
(peak RSS in MB at the larger size, baseline the smaller: a ratio near 1 means memory stays flat).
"""

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench._pg import ROOT, connect, django_env, fresh_database, server_url, workdir

NAME = "ingest"
BENCH_DB = "xinyong_bench"
TEMPLATE_DB = "xinyong_bench_template"
TARGET_RATIO = 0.25
TARGET_ROWS_PER_S = 50_000
PROVIDER = "BENCH"
FULL_SIZES = [200_000, 1_000_000]
QUICK_SIZES = [15_000, 45_000]


def _fresh_database(server: str, work: Path) -> str:
    return fresh_database(server, BENCH_DB, TEMPLATE_DB, work / "data")


def generate_csv(rows: int, work: Path) -> Path:
    """N penalty rows exactly as `factories.penalty(serial)` builds them, serials 1..N (distinct subjects)."""
    path = work / f"penalty-{rows}.csv"
    if path.exists():
        return path
    sys.path.insert(0, str(ROOT))
    from xinyong.testing.factories import penalty, resident_id, uscc

    template = penalty(0)
    header = list(template)
    temp = path.with_suffix(".tmp")
    with open(temp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for serial in range(1, rows + 1):
            row = dict(template)
            row["CF_XDR_MC"] = f"九江测试商贸有限公司{serial}"
            row["CF_XDR_SHXYM"] = uscc(serial)
            row["CF_FR_ZJHM"] = resident_id(serial)
            row["CF_WSH"] = f"柴市监罚〔2025〕{serial}号"
            writer.writerow(row.values())
    temp.rename(path)
    return path


def _import(url: str, path: Path, work: Path) -> dict:
    data_dir = work / "data"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("_ingest_child.py")), str(path), PROVIDER],
        env=django_env(url, data_dir),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"ingest benchmark: the import of {path.name} failed:\n{done.stderr[-3000:]}")
    wall = time.perf_counter() - started
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = round(wall, 3)
    return result


def _copy(url: str, path: Path) -> float:
    with open(path, encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    columns = ", ".join(f'"{name.lower()}" text' for name in header)
    with connect(url) as conn:
        conn.execute("DROP TABLE IF EXISTS copy_baseline")
        conn.execute(f"CREATE TABLE copy_baseline ({columns})")
        started = time.perf_counter()
        sql = "COPY copy_baseline FROM STDIN WITH (FORMAT csv, HEADER true)"
        with conn.cursor() as cursor, open(path, "rb") as source, cursor.copy(sql) as copy:
            while chunk := source.read(1 << 20):
                copy.write(chunk)
        return time.perf_counter() - started


def _measure(server: str, rows: int, work: Path) -> dict:
    path = generate_csv(rows, work)
    url = _fresh_database(server, work)
    load_before = round(os.getloadavg()[0], 2)
    imported = _import(url, path, work)
    imported["load_before"] = load_before
    copy_seconds = _copy(url, path)
    imported["copy_seconds"] = round(copy_seconds, 3)
    imported["copy_rows_per_s"] = rows / copy_seconds
    imported["rows"] = rows
    imported["file_mb"] = round(path.stat().st_size / 1e6, 1)
    return imported


def _cpu(measured: dict) -> dict:
    return {
        "import_process": measured["cpu_seconds_main"],
        "helpers": measured["cpu_seconds_helpers"],
        "postgres_backend": measured["cpu_seconds_postgres"],
    }


def _cpu_per_row(measured: dict) -> float | None:
    """CPU time per row over the importer, its helpers and its PostgreSQL backend: the figure that does
    not depend on what else the machine is doing (rows/s does)."""
    parts = _cpu(measured).values()
    if None in parts:
        return None
    return round(sum(parts) / measured["rows"] * 1e6, 1)


def run(quick: bool = False):
    server = server_url(NAME)
    work = workdir()
    sizes = QUICK_SIZES if quick else FULL_SIZES
    measured = [_measure(server, rows, work) for rows in sizes]
    first = measured[0]
    rate = first["rows"] / first["seconds"]
    common = {
        "database": "postgresql",
        "cpus": os.cpu_count(),
        "batch_rows": first["batch_rows"],
        "workers": first["workers"],
    }
    yield {
        "name": "ingest",
        "value": round(rate),
        "unit": "rows/s",
        "baseline": round(first["copy_rows_per_s"]),
        "ratio": round(rate / first["copy_rows_per_s"], 3),
        "params": {
            **common,
            "rows": first["rows"],
            "file_mb": first["file_mb"],
            "import_seconds": first["seconds"],
            "import_wall_seconds_with_startup": first["wall_seconds"],
            "copy_seconds": first["copy_seconds"],
            "counts": first["counts"],
            "peak_rss_mb": first["peak_rss_mb"],
            "cpu_seconds": _cpu(first),
            "cpu_us_per_row": _cpu_per_row(first),
            "load_average_before": first["load_before"],
            "targets": {"ratio": TARGET_RATIO, "rows_per_s": TARGET_ROWS_PER_S},
            "baseline_is": "COPY FROM STDIN (FORMAT csv) of the same file into a plain text table",
        },
    }
    last = measured[-1]
    yield {
        "name": "ingest_peak_rss",
        "value": last["peak_rss_mb"],
        "unit": "MB",
        "baseline": first["peak_rss_mb"],
        "ratio": round(last["peak_rss_mb"] / first["peak_rss_mb"], 3),
        "params": {
            **common,
            "rows": [m["rows"] for m in measured],
            "peak_rss_mb": [m["peak_rss_mb"] for m in measured],
            "peak_rss_mb_main": [m["peak_rss_mb_main"] for m in measured],
            "peak_rss_mb_helpers": [m["peak_rss_mb_helpers"] for m in measured],
            "meaning": "peak RSS of the importing process (and helpers) at the largest vs the smallest file",
        },
    }
    rate_last = last["rows"] / last["seconds"]
    yield {
        "name": "ingest_large",
        "value": round(rate_last),
        "unit": "rows/s",
        "baseline": round(last["copy_rows_per_s"]),
        "ratio": round(rate_last / last["copy_rows_per_s"], 3),
        "params": {
            **common,
            "rows": last["rows"],
            "file_mb": last["file_mb"],
            "import_seconds": last["seconds"],
            "copy_seconds": last["copy_seconds"],
            "counts": last["counts"],
            "peak_rss_mb": last["peak_rss_mb"],
            "cpu_seconds": _cpu(last),
            "cpu_us_per_row": _cpu_per_row(last),
            "load_average_before": last["load_before"],
        },
    }
