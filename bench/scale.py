"""scale: the full-size run of issue 9 — the platform at its planned volume on one PostgreSQL.

- Data: `checks.load` (dedicated migrated database, COPY of N subjects and M active list entries into
  the real tables, see `bench/checks.py`), then R records COPYed into `records_record` the bulk-load way
  (`checks._bulk_copy`: secondary indexes dropped and rebuilt, keys and foreign keys checked): penalty
  and licensing decisions of ~20 provider departments over the last 24 months, decision date, publish
  due date (decision + 7 working days), published mostly (2% unpublished: pending or overdue), unique
  content hashes, `fields` a small JSON object. Baseline of the load: COPY of the same record rows into
  a plain table without indexes or constraints.
- Then, in this process, Django pointed at the bench database:
  one embedded check (`checks.services.answering.check`) against a raw indexed lookup (median, p99); name search
  (`subjects.selectors.search`) against a raw `ILIKE` of the same folded term; `run_all(today)` (the
  `xinyong daily` jobs, first run and the second run of the same day); and the credit office's statistics
  (`stats.selectors.department_statistics`) for the last full month, and the credit office's dashboard
  page that shows them (`/admin/statistics/`; target under 1 s).

Results: scale_load (s), scale_database_size (MB), scale_check_median / scale_check_p99 (µs),
scale_search (ms), scale_daily (s), scale_statistics (ms), scale_dashboard (ms).
"""

import datetime as dt
import hashlib
import os
import random
import statistics
import time
from pathlib import Path

from bench import _pg, checks

NAME = "scale"
BENCH_DB = "xinyong_bench_scale"
TEMPLATE_DB = "xinyong_bench_scale_template"
SEED = 9_2025
SIZES = {
    True: {"subjects": 2_000, "entries": 200, "records": 10_000, "checks": 200, "searches": 10},
    False: {"subjects": 1_000_000, "entries": 100_000, "records": 5_000_000, "checks": 2_000, "searches": 20},
}
TARGETS = {"statistics_seconds": 1.0, "check_ratio": 1.0}
CATEGORIES = ("admin_penalty", "admin_licensing")  # both with publish_within_working_days = 7
PUBLISH_WITHIN = 7
# checks.load creates CZ, FY and SW; 17 more providers make the ~20.
EXTRA_PROVIDERS = [(f"P{n:02d}", f"区第{n}委办局") for n in range(1, 18)]
UNPUBLISHED_EVERY = 50  # 2% of records are not published (the due ones in the past are overdue)
RECORD_COLUMNS = (
    "id, decision_number, decision_date, fields, content_hash, version, is_current, status, channel, "
    "received_by, received_at, personal_encrypted, publish_due, published_at, status_reason, category_id, "
    "provider_id, subject_id"
)
# Set to skip `run_all` (its first run grades every subject with records); scale_daily then reports null.
SKIP_DAILY = "XINYONG_BENCH_SCALE_SKIP_DAILY"
RAW_ILIKE = "SELECT id, name FROM subjects_subject WHERE search_name ILIKE %s ORDER BY search_name, id LIMIT 20"


# ---- data ----------------------------------------------------------------------------------------


def _add_working_days(day: dt.date, days: int) -> dt.date:
    """Weekends only (the bench has no holiday calendar): close enough for a due date."""
    while days:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def records_file(sizes: dict, category_ids: list[int], provider_ids: list[int], work: Path) -> Path:
    """COPY text rows of the records; cached by size, ids and today (dates are relative to today)."""
    today = dt.date.today()
    key = hashlib.sha256(repr((sizes["subjects"], sizes["records"], category_ids, provider_ids)).encode())
    path = work / f"scale-records-{sizes['records']}-{today}-{key.hexdigest()[:10]}.tsv"
    if path.exists():
        return path
    rng = random.Random(SEED)
    subjects = sizes["subjects"]
    days = [today - dt.timedelta(days=n) for n in range(731)]
    due = {day: _add_working_days(day, PUBLISH_WITHIN) for day in days}
    iso = {day: day.isoformat() for day in [*days, *due.values()]}
    temp = path.with_suffix(".tmp")
    with open(temp, "w", encoding="utf-8") as handle:
        lines = []
        for number in range(1, sizes["records"] + 1):
            decided = days[rng.randrange(731)]
            penalty = number % 3 != 0  # two penalties for one licence
            category = category_ids[0] if penalty else category_ids[1]
            provider = provider_ids[number % len(provider_ids)]
            subject = rng.randint(1, subjects)
            amount = rng.randrange(1_000, 500_000)
            doc = f"九{'罚' if penalty else '许'}〔{decided.year}〕{number}号"
            fields = (
                f'{{"决定文书号": "{doc}", "事由": "基准测试{"处罚" if penalty else "许可"}事项{number % 97}", '
                f'"金额": {amount}}}'
            )
            digest = hashlib.sha256(b"scale-%d" % number).hexdigest()
            publish_due = due[decided]
            received = f"{iso[decided]} 10:00:00+08"
            if number % UNPUBLISHED_EVERY:
                published = f"{iso[min(decided + dt.timedelta(days=rng.randrange(12)), today)]} 15:00:00+08"
            else:
                published = "\\N"
            lines.append(
                f"{number}\t{doc}\t{iso[decided]}\t{fields}\t{digest}\t1\tt\tactive\tapi\tbench\t{received}\t"
                f"\t{iso[publish_due]}\t{published}\t\t{category}\t{provider}\t{subject}\n"
            )
            if len(lines) >= 100_000:
                handle.writelines(lines)
                lines.clear()
        handle.writelines(lines)
    temp.rename(path)
    return path


def load_records(url: str, sizes: dict, work: Path) -> dict:
    with _pg.connect(url) as conn, conn.cursor() as cursor:
        for code, name in EXTRA_PROVIDERS:
            cursor.execute(
                "INSERT INTO accounts_department (code, name, level, unified_code, is_active) "
                "VALUES (%s, %s, 'district', '', true)",
                [code, name],
            )
        provider_ids = [row[0] for row in cursor.execute("SELECT id FROM accounts_department ORDER BY id")]
        by_code = dict(cursor.execute("SELECT code, id FROM catalog_category").fetchall())
        category_ids = [by_code[code] for code in CATEGORIES]
        mark = time.perf_counter()
        path = records_file(sizes, category_ids, provider_ids, work)
        generate_seconds = time.perf_counter() - mark

        cursor.execute("SET maintenance_work_mem = '512MB'")
        mark = time.perf_counter()
        copy_seconds, index_seconds = checks._bulk_copy(
            conn, cursor, "records_record", f"COPY records_record ({RECORD_COLUMNS}) FROM STDIN", path
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('records_record', 'id'), (SELECT max(id) FROM records_record))"
        )
        cursor.execute("ANALYZE records_record")
        seconds = time.perf_counter() - mark

        cursor.execute("DROP TABLE IF EXISTS copy_baseline")
        cursor.execute("CREATE TABLE copy_baseline (LIKE records_record)")
        mark = time.perf_counter()
        with conn.transaction():
            checks._copy_file(cursor, f"COPY copy_baseline ({RECORD_COLUMNS}) FROM STDIN", path)
        baseline_seconds = time.perf_counter() - mark
        cursor.execute("DROP TABLE copy_baseline")
        cursor.execute("VACUUM (ANALYZE) records_record")  # visibility map: as a settled database has it
        table = cursor.execute("SELECT pg_total_relation_size('records_record')").fetchone()[0]
        size = cursor.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    return {
        "seconds": seconds,
        "copy_seconds": copy_seconds,
        "index_seconds": index_seconds,
        "baseline_seconds": baseline_seconds,
        "generate_seconds": generate_seconds,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "records_table_mb": round(table / 1e6, 1),
        "database_bytes": size,
        "providers": len(provider_ids),
    }


# ---- in-process measurements ----------------------------------------------------------------------


def _timed(function, *args, **kwargs):
    t0 = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - t0, result


def measure(url: str, sizes: dict, work: Path) -> dict:
    """Django in this process against the bench database (run.py runs one benchmark per process here)."""
    os.environ.update(_pg.django_env(url, work / "data"))
    import django
    import psycopg

    django.setup()
    from django.db import connection

    from xinyong.accounts.models import Department
    from xinyong.audit.services import Actor
    from xinyong.checks import engine
    from xinyong.checks.services import answering
    from xinyong.core import clock
    from xinyong.core.text import fold
    from xinyong.stats.selectors import department_statistics, month_bounds
    from xinyong.subjects.selectors import search

    raw = psycopg.connect(url, autocommit=True)
    cursor = raw.cursor()
    out: dict = {}

    # One embedded check against the raw indexed lookup, interleaved.
    department = Department.objects.get(code=checks.IMPLEMENTER[0])
    actor = Actor(name="bench", department=department.code, channel="api")
    engine.SNAPSHOT.current()

    def one_raw(code):
        t0 = time.perf_counter()
        cursor.execute(checks.RAW_LOOKUP, [code])
        cursor.fetchone()
        return time.perf_counter() - t0

    def one_check(code):
        return _timed(answering.check, actor=actor, department=department, subject_code=code, matter=checks.MATTER)

    for code in checks.check_codes(sizes["subjects"], sizes["entries"], 100, salt=3):
        one_raw(code), one_check(code)
    raw_times, check_times, results = [], [], {}
    for code in checks.check_codes(sizes["subjects"], sizes["entries"], sizes["checks"], salt=2):
        raw_times.append(one_raw(code))
        elapsed, made = one_check(code)
        check_times.append(elapsed)
        results[made["result"]] = results.get(made["result"], 0) + 1
    out["check"] = {
        "codes": len(check_times),
        "results": results,
        "median_us": statistics.median(check_times) * 1e6,
        "p99_us": checks._percentile(check_times, 0.99) * 1e6,
        "raw_median_us": statistics.median(raw_times) * 1e6,
        "raw_p99_us": checks._percentile(raw_times, 0.99) * 1e6,
    }

    # Name search: a selective part of a name (a few hits) and a broad one (every subject matches).
    serial = random.Random(SEED).randint(1, sizes["subjects"] // 10)
    out["search"] = {}
    for label, term in (("selective", f"商贸有限公司{serial}"), ("broad", "测试商贸")):
        pattern = f"%{fold(term)}%"
        search(term), cursor.execute(RAW_ILIKE, [pattern])  # warm-up
        times, raw_times = [], []
        for _ in range(sizes["searches"]):
            elapsed, page = _timed(search, term)
            times.append(elapsed)
            t0 = time.perf_counter()
            hits = cursor.execute(RAW_ILIKE, [pattern]).fetchall()
            raw_times.append(time.perf_counter() - t0)
        out["search"][label] = {
            "term": term,
            "count": page.count,
            "items": len(page.items),
            "raw_rows": len(hits),
            "median_ms": statistics.median(times) * 1e3,
            "raw_median_ms": statistics.median(raw_times) * 1e3,
        }

    # xinyong daily, run twice: the second run changes nothing; it reads the first run's id range again only
    # if another session had a transaction open during that run (grading._since_last_runs).
    today = clock.today()
    if os.environ.get(SKIP_DAILY):
        out["daily"] = None
    else:
        first, result = _timed(run_daily, today)
        second, again = _timed(run_daily, today)
        out["daily"] = {"first_seconds": first, "second_seconds": second, "first": result, "second": again}

    # The credit office's dashboard: statistics of the last full month.
    month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    start, end = month_bounds(month)
    department_statistics(start, end, today)  # warm-up
    times = []
    for _ in range(5):
        elapsed, rows = _timed(department_statistics, start, end, today)
        times.append(elapsed)
    decided = cursor.execute(
        "SELECT count(*) FROM records_record WHERE decision_date BETWEEN %s AND %s", [start, end]
    ).fetchone()[0]
    t0 = time.perf_counter()
    cursor.execute(
        "SELECT provider_id, count(*) FROM records_record WHERE decision_date BETWEEN %s AND %s GROUP BY 1",
        [start, end],
    ).fetchall()
    raw_stats = time.perf_counter() - t0
    out["statistics"] = {
        "month": month,
        "departments": len(rows),
        "records_pushed": sum(r["records_pushed"] for r in rows),
        "records_decided_in_month": decided,
        "times_s": [round(t, 3) for t in times],
        "median_s": statistics.median(times),
        "raw_group_by_s": raw_stats,
    }
    out["dashboard"] = dashboard_times(month)
    raw.close()
    connection.close()
    return out


def run_daily(today: dt.date) -> dict:
    """What `core.daily.run_all` does, with each job's seconds added to its figures."""
    from xinyong.core import daily

    out = {}
    for name, job in daily._JOBS.items():
        elapsed, figures = _timed(job, today)
        out[name] = {**figures, "seconds": round(elapsed, 3)}
    return out


def dashboard_times(month: str) -> list[float]:
    """The credit office's page itself (`/admin/statistics/`, rendered by Django's test client as a
    superuser): statistics, sorting and the template. Warm-up, then 5 renders."""
    from django.test import Client

    from xinyong.accounts.models import User

    user, _ = User.objects.get_or_create(username="bench-office", defaults={"is_staff": True, "is_superuser": True})
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    times = []
    for _ in range(6):
        elapsed, response = _timed(client.get, "/admin/statistics/", {"month": month})
        assert response.status_code == 200, response.status_code
        times.append(elapsed)
    return times[1:]


# ---- the benchmark -------------------------------------------------------------------------------


def run(quick: bool = False):
    sizes = SIZES[quick]
    server = _pg.server_url(NAME)
    work = _pg.workdir()
    started = time.perf_counter()
    url = _pg.fresh_database(server, BENCH_DB, TEMPLATE_DB, work / "data")
    base = checks.load(url, {"subjects": sizes["subjects"], "entries": sizes["entries"]}, work)
    loaded = load_records(url, sizes, work)
    measured = measure(url, sizes, work)
    total = time.perf_counter() - started
    common = {
        "database": "postgresql",
        "subjects": sizes["subjects"],
        "entries": sizes["entries"],
        "records": sizes["records"],
        "providers": loaded["providers"],
    }

    load_seconds = base["seconds"] + loaded["seconds"]
    baseline = base["baseline_seconds"] + loaded["baseline_seconds"]
    yield {
        "name": "scale_load",
        "value": round(load_seconds, 3),
        "unit": "s",
        "baseline": round(baseline, 3),
        "ratio": round(load_seconds / baseline, 3),
        "params": {
            **common,
            "rows": sizes["subjects"] + sizes["entries"] + sizes["records"],
            "rows_per_s": round((sizes["subjects"] + sizes["entries"] + sizes["records"]) / load_seconds),
            "records_seconds": round(loaded["seconds"], 3),
            "records_copy_seconds": round(loaded["copy_seconds"], 3),
            "records_index_seconds": round(loaded["index_seconds"], 3),
            "records_copy_rows_per_s": round(sizes["records"] / loaded["copy_seconds"]),
            "records_rows_per_s": round(sizes["records"] / loaded["seconds"]),
            "records_baseline_rows_per_s": round(sizes["records"] / loaded["baseline_seconds"]),
            "records_file_mb": loaded["file_mb"],
            "records_file_generate_seconds": round(loaded["generate_seconds"], 3),
            "subjects_and_entries_seconds": round(base["seconds"], 3),
            "subjects_rows_per_s": round(sizes["subjects"] / base["subjects_seconds"]),
            "meaning": "COPY into the real tables (secondary indexes rebuilt after, constraints kept) + ANALYZE",
            "baseline_is": "COPY of the same subject and record rows into plain tables without indexes",
        },
    }
    yield {
        "name": "scale_database_size",
        "value": round(loaded["database_bytes"] / 1e6, 1),
        "unit": "MB",
        "baseline": loaded["file_mb"] + base["file_mb"],
        "ratio": round(loaded["database_bytes"] / 1e6 / (loaded["file_mb"] + base["file_mb"]), 2),
        "params": {
            **common,
            "records_table_mb": loaded["records_table_mb"],
            "subjects_table_mb": base["subjects_table_mb"],
            "meaning": "pg_database_size after the load (VACUUM ANALYZE of records)",
            "baseline_is": "size of the COPY text files of subjects and records",
        },
    }
    check = measured["check"]
    for stat in ("median", "p99"):
        value, raw = check[f"{stat}_us"], check[f"raw_{stat}_us"]
        yield {
            "name": f"scale_check_{stat}",
            "value": round(value, 1),
            "unit": "µs",
            "baseline": round(raw, 1),
            "ratio": round(value / raw, 2),
            "params": {
                **common,
                "codes": check["codes"],
                "results": check["results"],
                "listed_share": 0.5,
                "target_ratio": TARGETS["check_ratio"],
                "baseline_is": f"psycopg cursor: {checks.RAW_LOOKUP}",
            },
        }
    for label, found in measured["search"].items():
        yield {
            "name": f"scale_search_{label}",
            "value": round(found["median_ms"], 2),
            "unit": "ms",
            "baseline": round(found["raw_median_ms"], 2),
            "ratio": round(found["median_ms"] / found["raw_median_ms"], 2),
            "params": {
                **common,
                "term": found["term"],
                "count": found["count"],
                "items": found["items"],
                "raw_rows": found["raw_rows"],
                "repeats": sizes["searches"],
                "meaning": "subjects.selectors.search(term): first page (20) and count",
                "baseline_is": f"psycopg cursor: {RAW_ILIKE} (folded term)",
            },
        }
    daily = measured["daily"]
    if daily is None:
        yield {
            "name": "scale_daily",
            "value": None,
            "unit": "s",
            "baseline": None,
            "ratio": None,
            "params": {**common, "skipped": f"{SKIP_DAILY} set"},
        }
    else:
        yield {
            "name": "scale_daily",
            "value": round(daily["first_seconds"], 3),
            "unit": "s",
            "baseline": round(daily["second_seconds"], 3),
            "ratio": round(daily["first_seconds"] / daily["second_seconds"], 2),
            "params": {
                **common,
                "first": daily["first"],
                "second": daily["second"],
                "meaning": "core.daily.run_all(today) in the bench process (what `xinyong daily` runs), first run",
                "baseline_is": "the second run of the same day (changes nothing)",
            },
        }
    stats = measured["statistics"]
    yield {
        "name": "scale_statistics",
        "value": round(stats["median_s"] * 1e3, 1),
        "unit": "ms",
        "baseline": round(stats["raw_group_by_s"] * 1e3, 1),
        "ratio": round(stats["median_s"] / stats["raw_group_by_s"], 2),
        "params": {
            **common,
            "month": stats["month"],
            "departments": stats["departments"],
            "records_pushed": stats["records_pushed"],
            "records_decided_in_month": stats["records_decided_in_month"],
            "times_s": stats["times_s"],
            "target_ms": TARGETS["statistics_seconds"] * 1e3,
            "target_met": stats["median_s"] < TARGETS["statistics_seconds"],
            "benchmark_seconds": round(total, 1),
            "meaning": "stats.selectors.department_statistics(month), median of 5 after a warm-up",
            "baseline_is": "raw GROUP BY provider of the records decided in the month",
        },
    }
    page = measured["dashboard"]
    yield {
        "name": "scale_dashboard",
        "value": round(statistics.median(page) * 1e3, 1),
        "unit": "ms",
        "baseline": round(stats["median_s"] * 1e3, 1),
        "ratio": round(statistics.median(page) / stats["median_s"], 2),
        "params": {
            **common,
            "month": stats["month"],
            "times_s": [round(t, 3) for t in page],
            "target_ms": TARGETS["statistics_seconds"] * 1e3,
            "target_met": statistics.median(page) < TARGETS["statistics_seconds"],
            "meaning": "GET /admin/statistics/?month=… (the credit office's dashboard), median of 5 after a warm-up",
            "baseline_is": "the statistics alone (scale_statistics)",
        },
    }
