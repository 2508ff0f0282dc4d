"""checks: the embedded-check hot path (R12, architecture §9) in process, in batch and over HTTP.

- Data: a dedicated database `xinyong_bench_checks` (migrated template, see `_pg.py`), then COPY into
  the real tables: N organisations into `subjects_subject` (USCCs from `factories.uscc`) and M active
  entries into `lists_listentry` (court defaulters mostly, some tax violators and A-grade taxpayers, 1%
  under objection) on distinct random subjects; departments for the initiators and the implementer.
  Baseline of the load: COPY of the same subject rows into a plain table without indexes.
- Single: `xinyong.checks.services.answering.check(...)` (which also stores the check row) for random codes, half
  listed, interleaved with the baseline, a raw indexed lookup of the same code through a psycopg cursor
  (`SELECT id, name FROM subjects_subject WHERE key = %s`). Median and p99 of each.
- Batch: `check_batch` of 10,000 codes (half listed), back to back, each stored as one signed document
  behind its answer: codes per second up to the last batch committed, against a raw `WHERE key = ANY(%s)`
  of the same codes.
- HTTP: `xinyong serve --workers 2` (Granian WSGI) on a free loopback port, an implementer token, and a
  bounded asyncio keep-alive client: `POST /api/v1/checks` against `GET /api/v1/identifiers/{code}`.
- The in-process part runs in a child process (this file with `--child`), so Django, the snapshot and
  the peak RSS belong to one process and `bench/run.py` stays free of Django.

Results: checks_load (s), checks_single_median and checks_single_p99 (µs), checks_batch (codes/s),
checks_http (req/s), checks_peak_rss (MB of the process holding the snapshot).
"""

import asyncio
import datetime as dt
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script (the child): make `bench` and `xinyong` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _pg

NAME = "checks"
BENCH_DB = "xinyong_bench_checks"
TEMPLATE_DB = "xinyong_bench_checks_template"
SEED = 8_2025
MATTER = "government_procurement"
IMPLEMENTER = ("CZ", "区财政局")
# (list type, initiating department code, department name, weight): the initiators are the list
# types' own `initiator_department_code`s from the fixtures.
LIST_MIX = [
    ("black_court_defaulter", "FY", "区人民法院", 8),
    ("black_major_tax_violation", "SW", "区税务局", 1),
    ("red_a_taxpayer", "SW", "区税务局", 1),
]
OBJECTION_EVERY = 100  # one entry in 100 is under objection (its measures come back suspended)
TARGETS = {"single_ratio": 1.0, "batch_codes_per_s": 200_000, "http_req_per_s": 1_000}
SIZES = {
    True: {
        "subjects": 20_000,
        "entries": 2_000,
        "singles": 1_000,
        "batch": 10_000,
        "batch_repeats": 3,
        "http_seconds": 4.0,
        "http_max_requests": 40_000,
    },
    False: {
        "subjects": 1_000_000,
        "entries": 100_000,
        "singles": 2_000,
        "batch": 10_000,
        "batch_repeats": 10,
        "http_seconds": 15.0,
        "http_max_requests": 200_000,
    },
}
HTTP_CONCURRENCY = 16
SUBJECT_COLUMNS = (
    "id, kind, key, uscc, code_verified, id_encrypted, id_masked, name, search_name, status, region_code, "
    "created_at, updated_at"
)
ENTRY_COLUMNS = (
    "id, document_number, basis, reason, decided_on, conduct_on, starts_on, ends_on, status, under_objection, "
    "via_role, created_by, created_at, ended_at, end_reason, derived_from_id, initiator_id, subject_id, list_type_id"
)
RAW_LOOKUP = "SELECT id, name FROM subjects_subject WHERE key = %s"
RAW_BATCH = "SELECT id, name FROM subjects_subject WHERE key = ANY(%s)"
BATCH_FLOOR_COLUMNS = (
    "number, implementer_id, checked_by, matter, checked_at, checks, restricted, incentive, measure_count, "
    "subject_ids, document, digest"
)
BATCH_FLOOR_INSERT = f"INSERT INTO checks_checkbatch ({BATCH_FLOOR_COLUMNS}) VALUES ({', '.join(['%s'] * 12)})"


# ---- data ----------------------------------------------------------------------------------------


def _uscc(serial: int) -> str:
    from xinyong.testing.factories import uscc

    return uscc(serial)


def listed_serials(subjects: int, entries: int) -> list[int]:
    """Which subjects (1-based serials) carry an entry: a seeded random sample, the same in every process."""
    return random.Random(SEED).sample(range(1, subjects + 1), entries)


def check_codes(subjects: int, entries: int, count: int, salt: int) -> list[str]:
    """`count` codes of known subjects, half of them listed, shuffled (with repeats only if too few)."""
    listed = listed_serials(subjects, entries)
    listed_set = set(listed)
    rng = random.Random(SEED + salt)
    half = count // 2

    def pick(population, k):
        return rng.sample(population, k) if k <= len(population) else rng.choices(population, k=k)

    unlisted: list[int] = []
    while len(unlisted) < count - half:
        serial = rng.randint(1, subjects)
        if serial not in listed_set:
            unlisted.append(serial)
    serials = pick(listed, half) + unlisted
    rng.shuffle(serials)
    return [_uscc(s) for s in serials]


def subjects_file(subjects: int, work: Path) -> Path:
    """COPY text rows for subjects 1..N, exactly the columns `register_subject` fills; cached."""
    path = work / f"checks-subjects-{subjects}-v1.tsv"
    if path.exists():
        return path
    from xinyong.core.text import fold

    stamp = "2025-01-02 09:00:00+08"
    temp = path.with_suffix(".tmp")
    with open(temp, "w", encoding="utf-8") as handle:
        lines = []
        for serial in range(1, subjects + 1):
            code = _uscc(serial)
            name = f"九江测试商贸有限公司{serial}"
            lines.append(
                f"{serial}\tlegal_person\t{code}\t{code}\tt\t\t\t{name}\t{fold(name)}\tactive\t{code[2:8]}"
                f"\t{stamp}\t{stamp}\n"
            )
            if len(lines) >= 50_000:
                handle.writelines(lines)
                lines.clear()
        handle.writelines(lines)
    temp.rename(path)
    return path


def _entry_rows(subjects: int, entries: int, list_type_ids: dict, department_ids: dict) -> bytes:
    """Active entries, one per listed subject, started this year and running two years (in force today)."""
    rng = random.Random(SEED + 1)
    weighted = [item for item in LIST_MIX for _ in range(item[3])]
    today = dt.date.today()
    first = dt.date(today.year, 1, 1)
    lines = []
    for number, serial in enumerate(listed_serials(subjects, entries), start=1):
        list_type, initiator, _, _ = weighted[number % len(weighted)]
        decided = first + dt.timedelta(days=rng.randrange(max(1, (today - first).days)))
        ends = decided + dt.timedelta(days=729)  # about two years, the court list's default period
        objection = "t" if number % OBJECTION_EVERY == 0 else "f"
        lines.append(
            f"{number}\t（{decided.year}）赣0404执{number}号\t基准测试认定依据\t\t{decided}\t{decided}\t{decided}"
            f"\t{ends}\tactive\t{objection}\t\tbench\t{decided} 09:00:00+08\t\\N\t\t\\N"
            f"\t{department_ids[initiator]}\t{serial}\t{list_type_ids[list_type]}\n"
        )
    return "".join(lines).encode()


def _copy_file(cursor, sql: str, source: Path | bytes) -> None:
    with cursor.copy(sql) as copy:
        if isinstance(source, bytes):
            copy.write(source)
            return
        with open(source, "rb") as handle:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)


def _secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's indexes that back no constraint (primary key, unique)."""
    return cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
        " WHERE i.indrelid = %s::regclass"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
        [table],
    ).fetchall()


def _bulk_copy(conn, cursor, table: str, sql: str, source: Path | bytes) -> tuple[float, float]:
    """COPY into a real table the bulk-load way, in one transaction: its secondary indexes dropped, the
    rows copied (keys, constraints and foreign keys checked as usual), the indexes built again.
    Returns (copy seconds, index seconds)."""
    with conn.transaction():
        indexes = _secondary_indexes(cursor, table)
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        started = time.perf_counter()
        _copy_file(cursor, sql, source)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the deferred foreign-key checks now
        copied = time.perf_counter()
        for _, definition in indexes:
            cursor.execute(definition)
        indexed = time.perf_counter()
    return copied - started, indexed - copied


def load(url: str, sizes: dict, work: Path) -> dict:
    """COPY subjects and entries into the real tables of a fresh database; returns timings."""
    subjects, entries = sizes["subjects"], sizes["entries"]
    path = subjects_file(subjects, work)
    with _pg.connect(url) as conn, conn.cursor() as cursor:
        departments = {IMPLEMENTER[0]: IMPLEMENTER[1], **{code: name for _, code, name, _ in LIST_MIX}}
        for code, name in departments.items():
            cursor.execute(
                "INSERT INTO accounts_department (code, name, level, unified_code, is_active) "
                "VALUES (%s, %s, 'district', '', true)",
                [code, name],
            )
        department_ids = dict(cursor.execute("SELECT code, id FROM accounts_department").fetchall())
        list_type_ids = dict(cursor.execute("SELECT code, id FROM lists_listtype").fetchall())
        entry_rows = _entry_rows(subjects, entries, list_type_ids, department_ids)

        cursor.execute("SET maintenance_work_mem = '256MB'")  # this session's index builds only
        started = time.perf_counter()
        subjects_copy, subjects_index = _bulk_copy(
            conn, cursor, "subjects_subject", f"COPY subjects_subject ({SUBJECT_COLUMNS}) FROM STDIN", path
        )
        subjects_seconds = time.perf_counter() - started
        mark = time.perf_counter()
        entries_copy, entries_index = _bulk_copy(
            conn, cursor, "lists_listentry", f"COPY lists_listentry ({ENTRY_COLUMNS}) FROM STDIN", entry_rows
        )
        entries_seconds = time.perf_counter() - mark
        mark = time.perf_counter()
        for table in ("subjects_subject", "lists_listentry"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cursor.execute("ANALYZE subjects_subject")
        cursor.execute("ANALYZE lists_listentry")
        analyze_seconds = time.perf_counter() - mark
        total = time.perf_counter() - started

        # Baseline: the same subject rows into a plain table (same columns, no index, no constraint).
        cursor.execute("DROP TABLE IF EXISTS copy_baseline")
        cursor.execute("CREATE TABLE copy_baseline (LIKE subjects_subject)")
        mark = time.perf_counter()
        with conn.transaction():
            _copy_file(cursor, f"COPY copy_baseline ({SUBJECT_COLUMNS}) FROM STDIN", path)
        baseline_seconds = time.perf_counter() - mark
        cursor.execute("DROP TABLE copy_baseline")
        size = cursor.execute("SELECT pg_total_relation_size('subjects_subject')").fetchone()[0]
    return {
        "seconds": total,
        "subjects_seconds": subjects_seconds,
        "subjects_copy_seconds": subjects_copy,
        "subjects_index_seconds": subjects_index,
        "entries_seconds": entries_seconds,
        "entries_copy_seconds": entries_copy,
        "entries_index_seconds": entries_index,
        "analyze_seconds": analyze_seconds,
        "baseline_seconds": baseline_seconds,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "subjects_table_mb": round(size / 1e6, 1),
    }


# ---- in-process measurements (child) ------------------------------------------------------------


def _rss_mb(field: str = "VmRSS") -> float:
    """This process's resident set (VmRSS) or its peak (VmHWM: unlike ru_maxrss, not inherited over exec)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def _floor_row(number: str, department_id: int, subject_id, answer: dict, now) -> tuple:
    """A check row as `services.storage` stores it, for the storage floor (what writing the row costs by itself)."""
    return (
        number,
        department_id,
        "bench",
        subject_id,
        answer["subject"]["code"],
        MATTER,
        now,
        answer["result"],
        0,
        json.dumps(answer, ensure_ascii=False),
        "0" * 64,
    )


FLOOR_COLUMNS = (
    "number, implementer_id, checked_by, subject_id, subject_code, matter, checked_at, result, measure_count, "
    "answer, digest"
)


def child(url: str, sizes: dict) -> dict:
    import django
    import psycopg

    django.setup()
    from django.db import connection

    from xinyong.accounts import services as accounts
    from xinyong.accounts.models import Department, Role
    from xinyong.audit.services import SYSTEM, Actor
    from xinyong.checks import engine
    from xinyong.checks.services import answering, storage
    from xinyong.checks.services import batch as batches
    from xinyong.core import clock

    department = Department.objects.get(code=IMPLEMENTER[0])
    actor = Actor(name="bench", department=department.code, channel="api")
    subjects, entries = sizes["subjects"], sizes["entries"]

    rss_before = _rss_mb()
    started = time.perf_counter()
    snapshot = engine.SNAPSHOT.current()
    snapshot_seconds = time.perf_counter() - started
    rss_after = _rss_mb()
    loaded = sum(len(v) for v in snapshot.entries.values())

    raw = psycopg.connect(url, autocommit=True)
    cursor = raw.cursor()
    floor_sql = f"INSERT INTO checks_check ({FLOOR_COLUMNS}) VALUES ({', '.join(['%s'] * 11)})"
    floor_serial = iter(range(1, 10**9))

    def one_raw(code: str) -> tuple[float, int | None]:
        t0 = time.perf_counter()
        cursor.execute(RAW_LOOKUP, [code])
        row = cursor.fetchone()
        return time.perf_counter() - t0, row[0] if row else None

    def one_check(code: str):
        t0 = time.perf_counter()
        answer = answering.check(actor=actor, department=department, subject_code=code, matter=MATTER)
        return time.perf_counter() - t0, answer

    def one_floor(subject_id, answer: dict) -> float:
        row = _floor_row(f"FLOOR{next(floor_serial):012d}", department.pk, subject_id, answer, clock.now())
        t0 = time.perf_counter()
        cursor.execute(floor_sql, row)
        return time.perf_counter() - t0

    codes = check_codes(subjects, entries, sizes["singles"], salt=2)
    for code in check_codes(subjects, entries, 200, salt=3):  # warm-up: connections, prepared plans, caches
        _, subject_id = one_raw(code)
        _, answer = one_check(code)
        one_floor(subject_id, answer)
    raw_times, check_times, floor_times, results, numbers = [], [], [], {}, []
    for code in codes:  # interleaved, so all three see the same machine at the same moment
        elapsed, subject_id = one_raw(code)
        raw_times.append(elapsed)
        elapsed, answer = one_check(code)
        check_times.append(elapsed)
        results[answer["result"]] = results.get(answer["result"], 0) + 1
        numbers.append(answer["check_id"])
        floor_times.append(one_floor(subject_id, answer))
    storage.WRITER.flush()  # what is still queued behind the last answers
    stored = cursor.execute("SELECT count(*) FROM checks_check WHERE number = ANY(%s)", [numbers]).fetchone()[0]

    batch = check_codes(subjects, entries, sizes["batch"], salt=4)
    batches.check_batch(actor=actor, department=department, subject_codes=batch[:500], matter=MATTER)  # warm-up
    batch_raw_times, batch_floor_times = [], []
    for _ in range(sizes["batch_repeats"]):
        t0 = time.perf_counter()
        cursor.execute(RAW_BATCH, [batch])
        found = len(cursor.fetchall())
        batch_raw_times.append(time.perf_counter() - t0)
    # Back to back, as an implementer's system sends them; each batch is answered while the one before is
    # stored behind it (storage.BATCH_WRITER), so the throughput is taken up to the last one committed.
    storage.BATCH_WRITER.flush()
    batch_times, batch_numbers, started, cpu0 = [], [], time.perf_counter(), time.process_time()
    for _ in range(sizes["batch_repeats"]):
        t0 = time.perf_counter()
        document = batches.check_batch(actor=actor, department=department, subject_codes=batch, matter=MATTER)
        batch_times.append(time.perf_counter() - t0)
        batch_numbers.append(document[:200])
    storage.BATCH_WRITER.flush()
    batch_total, batch_cpu = time.perf_counter() - started, time.process_time() - cpu0
    batch_numbers = [re.search(rb'"check_id":"(HB\w+)\d{4}"', head)[1].decode() for head in batch_numbers]
    stored_batches = cursor.execute(
        "SELECT count(*) FROM checks_checkbatch WHERE number = ANY(%s)", [batch_numbers]
    ).fetchone()[0]
    for _ in range(sizes["batch_repeats"]):
        # Storage floor: a stored batch row inserted again and committed (no lookup, no answers).
        last = cursor.execute(
            f"SELECT {BATCH_FLOOR_COLUMNS} FROM checks_checkbatch WHERE number NOT LIKE 'FLOOR%%' "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
        t0 = time.perf_counter()
        with raw.transaction():
            cursor.execute(BATCH_FLOOR_INSERT, (f"FLOOR{next(floor_serial):012d}", *last[1:]))
        batch_floor_times.append(time.perf_counter() - t0)
    answers = json.loads(document)  # the answers as the API sends them
    assert len(answers) == len(batch) and found == len(set(batch)), (len(answers), found)
    batch_results: dict[str, int] = {}
    for answer in answers:
        batch_results[answer["result"]] = batch_results.get(answer["result"], 0) + 1
    cursor.execute("DELETE FROM checks_check WHERE number LIKE 'FLOOR%%'")
    cursor.execute("DELETE FROM checks_checkbatch WHERE number LIKE 'FLOOR%%'")
    raw.close()
    connection.close()

    user = accounts.create_user(
        actor=SYSTEM, username="bench-implementer", department=department, roles=[Role.IMPLEMENTER]
    )
    _, token = accounts.create_token(actor=SYSTEM, user=user, name="bench", days=1)
    return {
        "snapshot_seconds": round(snapshot_seconds, 3),
        "snapshot_entries": loaded,
        "snapshot_rss_mb": round(rss_after - rss_before, 1),
        "rss_mb": round(_rss_mb(), 1),
        "peak_rss_mb": round(_rss_mb("VmHWM"), 1),
        "single": {
            "codes": len(codes),
            "check_median_us": statistics.median(check_times) * 1e6,
            "check_p99_us": _percentile(check_times, 0.99) * 1e6,
            "raw_median_us": statistics.median(raw_times) * 1e6,
            "raw_p99_us": _percentile(raw_times, 0.99) * 1e6,
            "floor_median_us": statistics.median(floor_times) * 1e6,
            "floor_p99_us": _percentile(floor_times, 0.99) * 1e6,
            "results": results,
            "stored": stored,
        },
        "batch": {
            "codes": len(batch),
            "repeats": len(batch_times),
            "check_seconds": batch_total / len(batch_times),
            "call_seconds": statistics.median(batch_times),
            "cpu_seconds": batch_cpu / len(batch_times),
            "stored_batches": stored_batches,
            "raw_seconds": statistics.median(batch_raw_times),
            "floor_seconds": statistics.median(batch_floor_times),
            "results": batch_results,
        },
        "token": token,
    }


def _run_child(url: str, sizes: dict, work: Path) -> dict:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", url, json.dumps(sizes)],
        env=_pg.django_env(url, work / "data"),
        cwd=_pg.ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"the in-process benchmark failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---- HTTP ----------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _read_response(reader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length, chunked = None, False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


async def _load(port: int, requests: list[bytes], seconds: float, max_requests: int) -> dict:
    """Drive the server with HTTP_CONCURRENCY keep-alive connections, bounded in requests and time."""
    state = {"next": 0, "done": 0, "errors": 0, "statuses": {}}
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def connection() -> None:
        reader = writer = None
        while state["next"] < max_requests and time.perf_counter() < deadline:
            index = state["next"]
            state["next"] += 1
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                t0 = time.perf_counter()
                writer.write(requests[index % len(requests)])
                status = await asyncio.wait_for(_read_response(reader), timeout=30)
                latencies.append(time.perf_counter() - t0)
                state["done"] += 1
                state["statuses"][status] = state["statuses"].get(status, 0) + 1
                if status != 200:
                    state["errors"] += 1
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                state["errors"] += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(HTTP_CONCURRENCY)))
    elapsed = time.perf_counter() - started
    return {
        "requests": state["done"],
        "errors": state["errors"],
        "statuses": {str(k): v for k, v in sorted(state["statuses"].items())},
        "seconds": round(elapsed, 3),
        "req_per_s": state["done"] / elapsed,
        "latency_median_ms": round(statistics.median(latencies) * 1e3, 2) if latencies else None,
        "latency_p99_ms": round(_percentile(latencies, 0.99) * 1e3, 2) if latencies else None,
    }


def _get(port: int, code: str) -> bytes:
    return f"GET /api/v1/identifiers/{code} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()


def _post_check(port: int, code: str, token: str) -> bytes:
    body = json.dumps({"subject": code, "matter": MATTER}).encode()
    head = (
        f"POST /api/v1/checks HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _tree(pid: int) -> list[int]:
    """A process and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        todo.extend(children.get(found[-1], []))
    return found


def _peak_rss_mb(pids: list[int]) -> dict:
    """VmHWM (peak RSS) by pid."""
    found = {}
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    found[str(pid)] = round(int(line.split()[1]) / 1024, 1)
        except OSError:
            continue
    return found


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time used so far by these processes."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _measured_load(port: int, requests: list[bytes], sizes: dict, server_pids: list[int], db_pids) -> dict:
    """A load phase with the CPU it cost the server processes and the database backends, per request."""
    server_cpu, db = _cpu_seconds(server_pids), db_pids()
    db_cpu = _cpu_seconds(db)
    result = asyncio.run(_load(port, requests, sizes["http_seconds"], sizes["http_max_requests"]))
    done = max(1, result["requests"])
    result["server_cpu_ms_per_request"] = round((_cpu_seconds(server_pids) - server_cpu) * 1e3 / done, 2)
    result["database_cpu_ms_per_request"] = round((_cpu_seconds(db) - db_cpu) * 1e3 / done, 2)
    return result


def http(url: str, sizes: dict, work: Path, token: str) -> dict:
    port = _free_port()
    codes = check_codes(sizes["subjects"], sizes["entries"], 5_000, salt=5)
    gets = [_get(port, code) for code in codes]
    posts = [_post_check(port, code, token) for code in codes]
    command = [sys.executable, "-m", "xinyong.cli", "serve", "--workers", "2", "--host", "127.0.0.1", "--port"]
    with open(work / "checks-server.log", "wb") as log:
        server = subprocess.Popen(
            [*command, str(port)],
            env=_pg.django_env(url, work / "data"),
            cwd=_pg.ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped below by its id, workers included
        )
        try:
            _wait_ready(port, codes[0], server)
            asyncio.run(_load(port, gets, 1.0, 2_000))  # warm-up: every worker, thread, connection, snapshot
            asyncio.run(_load(port, posts, 1.5, 2_000))
            pids = _tree(server.pid)
            with _pg.connect(url) as conn:
                own = conn.info.backend_pid

                def db_pids() -> list[int]:
                    rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
                    return [pid for (pid,) in rows if pid != own]

                baseline = _measured_load(port, gets, sizes, pids, db_pids)
                checks = _measured_load(port, posts, sizes, pids, db_pids)
            batches = _timed_batches(port, token, check_codes(sizes["subjects"], sizes["entries"], 10_000, salt=6))
            peaks = _peak_rss_mb(_tree(server.pid))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
    return {"port": port, "baseline": baseline, "checks": checks, "batches": batches, "server_peak_rss_mb": peaks}


def _timed_batches(port: int, token: str, codes: list[str], repeats: int = 3) -> dict:
    """`POST /api/v1/checks/batch` of 10,000 codes, one after another: request sent, answer read whole."""
    import http.client

    body = json.dumps({"matter": MATTER, "subjects": codes}).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    seconds, size = [], 0
    for _ in range(repeats + 1):  # the first warms the worker up
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        t0 = time.perf_counter()
        connection.request("POST", "/api/v1/checks/batch", body, headers)
        response = connection.getresponse()
        size = len(response.read())
        seconds.append(time.perf_counter() - t0)
        connection.close()
        assert response.status == 200, response.status
    median = statistics.median(seconds[1:])
    return {
        "codes": len(codes),
        "median_ms": round(median * 1e3, 1),
        "codes_per_s": round(len(codes) / median),
        "response_mb": round(size / 1e6, 2),
    }


def _wait_ready(port: int, code: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"checks benchmark: the server exited ({server.returncode}); see checks-server.log")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(_get(port, code).replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
                if sock.recv(16).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("checks benchmark: the server did not answer within 60 s")


# ---- the benchmark -------------------------------------------------------------------------------


def run(quick: bool = False):
    sizes = SIZES[quick]
    server = _pg.server_url(NAME)
    work = _pg.workdir()
    started = time.perf_counter()
    url = _pg.fresh_database(server, BENCH_DB, TEMPLATE_DB, work / "data")
    loaded = load(url, sizes, work)
    inproc = _run_child(url, sizes, work)
    served = http(url, sizes, work, inproc.pop("token"))
    total = time.perf_counter() - started
    common = {"database": "postgresql", "subjects": sizes["subjects"], "entries": sizes["entries"], "matter": MATTER}

    yield {
        "name": "checks_load",
        "value": round(loaded["seconds"], 3),
        "unit": "s",
        "baseline": round(loaded["baseline_seconds"], 3),
        "ratio": round(loaded["seconds"] / loaded["baseline_seconds"], 3),
        "params": {
            **common,
            "subjects_rows_per_s": round(sizes["subjects"] / loaded["subjects_seconds"]),
            **{k: round(v, 3) if isinstance(v, float) else v for k, v in loaded.items()},
            "meaning": "COPY into the real tables (secondary indexes rebuilt after, constraints kept) + ANALYZE",
            "baseline_is": "COPY of the same subject rows into a plain table without indexes",
        },
    }
    single = inproc["single"]
    for stat in ("median", "p99"):
        value, base, floor = single[f"check_{stat}_us"], single[f"raw_{stat}_us"], single[f"floor_{stat}_us"]
        yield {
            "name": f"checks_single_{stat}",
            "value": round(value, 1),
            "unit": "µs",
            "baseline": round(base, 1),
            "ratio": round(value / base, 2),
            "params": {
                **common,
                "codes": single["codes"],
                "listed_share": 0.5,
                "results": single["results"],
                "checks_stored": single["stored"],
                "storage": "each row queued, written behind the answer by the process's writer thread "
                "(XINYONG_CHECK_WRITE_DELAY_MS, default 50 ms): CPU spent during the loop, commit not awaited",
                "storage_floor_us": round(floor, 1),
                "lookup_plus_storage_floor_ratio": round((base + floor) / base, 2),
                "storage_floor_is": "psycopg INSERT of the same check row, autocommit (synchronous commit)",
                "target_ratio": TARGETS["single_ratio"],
                "baseline_is": f"psycopg cursor: {RAW_LOOKUP}",
            },
        }
    batch = inproc["batch"]
    rate, raw_rate = batch["codes"] / batch["check_seconds"], batch["codes"] / batch["raw_seconds"]
    yield {
        "name": "checks_batch",
        "value": round(rate),
        "unit": "codes/s",
        "baseline": round(raw_rate),
        "ratio": round(rate / raw_rate, 3),
        "params": {
            **common,
            "codes": batch["codes"],
            "repeats": batch["repeats"],
            "results": batch["results"],
            "check_batch_ms": round(batch["check_seconds"] * 1e3, 1),
            "check_batch_call_ms": round(batch["call_seconds"] * 1e3, 1),
            "check_batch_cpu_ms": round(batch["cpu_seconds"] * 1e3, 1),
            "batches_stored": batch["stored_batches"],
            "meaning": "check_batch back to back, each batch stored as one signed document behind its answer "
            "(BATCH_WRITER): codes / time until the last batch is committed; call_ms: until check_batch returns",
            "raw_lookup_ms": round(batch["raw_seconds"] * 1e3, 1),
            "storage_floor_ms": round(batch["floor_seconds"] * 1e3, 1),
            "storage_floor_is": "psycopg INSERT + commit of the same stored batch row again",
            "http": served["batches"],
            "http_is": "POST /api/v1/checks/batch of 10,000 codes (other codes, half listed) on the production "
            "server, request sent to answer read, one at a time",
            "target_codes_per_s": TARGETS["batch_codes_per_s"],
            "baseline_is": f"psycopg cursor: {RAW_BATCH} (same codes)",
        },
    }
    checks, baseline = served["checks"], served["baseline"]
    yield {
        "name": "checks_http",
        "value": round(checks["req_per_s"]),
        "unit": "req/s",
        "baseline": round(baseline["req_per_s"]),
        "ratio": round(checks["req_per_s"] / baseline["req_per_s"], 3),
        "params": {
            **common,
            "errors": checks["errors"],
            "server": "xinyong serve --workers 2 (Granian WSGI, 4 threads each), loopback",
            "client": f"asyncio in the bench process, {HTTP_CONCURRENCY} keep-alive connections, same 2 cores",
            "checks": checks,
            "baseline": baseline,
            "target_req_per_s": TARGETS["http_req_per_s"],
            "baseline_is": "GET /api/v1/identifiers/{code} on the same server in the same run",
        },
    }
    yield {
        "name": "checks_peak_rss",
        "value": inproc["peak_rss_mb"],
        "unit": "MB",
        "baseline": round(inproc["peak_rss_mb"] - inproc["snapshot_rss_mb"], 1),
        "ratio": round(inproc["peak_rss_mb"] / (inproc["peak_rss_mb"] - inproc["snapshot_rss_mb"]), 3),
        "params": {
            **common,
            "snapshot_entries": inproc["snapshot_entries"],
            "snapshot_load_seconds": inproc["snapshot_seconds"],
            "snapshot_rss_mb": inproc["snapshot_rss_mb"],
            "rss_mb_at_end": inproc["rss_mb"],
            "server_processes_peak_rss_mb": served["server_peak_rss_mb"],
            "benchmark_seconds": round(total, 1),
            "meaning": "peak RSS of the in-process bench (snapshot loaded, 2,000 checks, 10,000-code batches)",
            "baseline_is": "the same peak minus the RSS growth of loading the snapshot",
        },
    }


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    print(json.dumps(child(sys.argv[2], json.loads(sys.argv[3]))))
