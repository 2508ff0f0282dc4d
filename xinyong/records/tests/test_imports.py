"""Bulk import (R3) through the API and the CLI: formats, encodings, errors, resumption, isolation."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import override_settings

from xinyong.accounts.models import Department
from xinyong.audit.models import AuditEvent
from xinyong.audit.services import Actor
from xinyong.catalog.models import Category
from xinyong.core import clock, crypto
from xinyong.records import imports
from xinyong.records.imports import storing
from xinyong.records.models import ImportJob, ImportRowError, Record
from xinyong.subjects.models import Subject
from xinyong.testing.factories import penalty, resident_id
from xinyong.testing.imports import BAD, GOOD_LINES, HEADER, IMMEDIATE, MIXED, TODAY, write_csv, write_xlsx


@pytest.fixture(autouse=True)
def frozen_today():
    with clock.frozen_at(TODAY):
        yield


@pytest.fixture(autouse=True)
def immediate_tasks(tmp_path, settings):
    settings.DATA_DIR = tmp_path / "data"
    with override_settings(TASKS=IMMEDIATE):
        yield


@pytest.fixture
def scjg(make_user):
    return make_user("provider", department="SCJG", department_name="柴桑区市场监督管理局")[1]


def upload(api, token, path, category="admin_penalty"):
    with open(path, "rb") as handle:
        return api.client.post(
            "/api/v1/imports", {"category": category, "file": handle}, HTTP_AUTHORIZATION=f"Bearer {token}"
        )


def job_errors(api, token, job_id, **params):
    return api.get(f"/imports/{job_id}", token=token, **params).json()["errors"]


FORMATS = {
    "csv-utf8": lambda p, rows, **kw: write_csv(p.with_suffix(".csv"), rows, **kw),
    "csv-utf8-bom": lambda p, rows, **kw: write_csv(p.with_suffix(".csv"), rows, encoding="utf-8-sig", **kw),
    "csv-gbk": lambda p, rows, **kw: write_csv(p.with_suffix(".csv"), rows, encoding="gbk", **kw),
    "xlsx": lambda p, rows, **kw: write_xlsx(p.with_suffix(".xlsx"), rows, **kw),
}
ENCODINGS = {"csv-utf8": "utf-8", "csv-utf8-bom": "utf-8-bom", "csv-gbk": "gb18030", "xlsx": ""}


@pytest.mark.parametrize("kind", FORMATS)
def test_mixed_file_lands_exactly_its_good_rows_and_reports_its_bad_ones(api, scjg, tmp_path, kind):
    path = FORMATS[kind](tmp_path / "mixed", MIXED)
    response = upload(api, scjg, path)
    assert response.status_code == 201, response.content
    job = response.json()
    assert (job["format"], job["encoding"]) == (kind.split("-")[0], ENCODINGS[kind])
    assert job["status"] == "done" and job["progress"] == 1.0
    assert job["counts"] == {"created": 3, "version": 0, "duplicate": 0, "error": 4}
    assert job["total_rows"] == job["processed_rows"] == 7
    assert "1行的统一社会信用代码校验位不符" in job["message"]

    records = Record.objects.order_by("source_line")
    assert {r.source_line for r in records} == GOOD_LINES
    assert {r.fields["CF_XDR_MC"] for r in records} == {f"九江测试商贸有限公司{n}" for n in (1, 3, 6)}
    assert all(r.channel == "file" and r.import_job_id == job["id"] for r in records)
    assert records.get(source_line=7).subject.code_verified is False

    errors = job_errors(api, scjg, job["id"])
    assert errors["count"] == 4
    got = {(e["line"], e["column"]) for e in errors["items"]}
    assert got == {(line, column) for line, column, _ in BAD}
    for line, column, text in BAD:
        [reason] = [e["reason"] for e in errors["items"] if (e["line"], e["column"]) == (line, column)]
        assert text in reason


def test_reimport_adds_nothing(api, scjg, tmp_path):
    path = write_csv(tmp_path / "p.csv", MIXED)
    first = upload(api, scjg, path).json()
    second = upload(api, scjg, path).json()
    assert second["id"] != first["id"] and second["file_sha256"] == first["file_sha256"]
    assert second["counts"] == {"created": 0, "version": 0, "duplicate": 3, "error": 4}
    assert Record.objects.count() == 3
    # The file is kept once, under its hash, as the raw payload of its records.
    assert len(list(imports.import_dir().glob(f"{first['file_sha256']}.*"))) == 1
    # A changed row for the same decision number is a new version, the rest duplicates.
    write_csv(path, [penalty(1, CF_NR_FK="2"), penalty(3)])
    third = upload(api, scjg, path).json()
    assert third["counts"] == {"created": 0, "version": 1, "duplicate": 1, "error": 0}


def test_chinese_headers_are_accepted_and_unknown_columns_listed(api, scjg, tmp_path):
    schema = {f["name"]: f["label"] for f in Category.objects.get(code="admin_penalty").fields}
    header = [schema[key] for key in HEADER] + ["内部编号"]
    rows = [{**penalty(1), "内部编号": "A-1"}, penalty(2, CF_NR_FK="一万")]
    path = write_csv(tmp_path / "cn.csv", rows, header=header, keys=HEADER + ["内部编号"], encoding="gbk")
    job = upload(api, scjg, path).json()
    assert job["status"] == "done" and job["counts"]["created"] == 1
    assert "内部编号" in job["message"]
    [error] = job_errors(api, scjg, job["id"])["items"]
    assert error == {"line": 3, "column": "罚款金额（万元）", "reason": error["reason"]}
    assert "不是有效数字" in error["reason"]
    assert Record.objects.get().fields["CF_XDR_MC"] == "九江测试商贸有限公司1"


def test_missing_required_column_is_a_job_error(api, scjg, tmp_path):
    header = [h for h in HEADER if h != "CF_WSH"]
    path = write_xlsx(tmp_path / "no-wsh.xlsx", [penalty(1)], header=header)
    response = upload(api, scjg, path)
    assert response.status_code == 201
    job = response.json()
    assert job["status"] == "failed" and "缺少必填列：CF_WSH" in job["message"]
    assert not Record.objects.exists()
    assert AuditEvent.objects.filter(action="import.finish", object_id=str(job["id"])).exists()


def test_interrupted_import_resumes_and_lands_every_row_once(scjg, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "seven.csv", [penalty(n) for n in range(1, 8)] + [penalty(9, CF_JDRQ="x")])
    real_store = storing.store_batch
    calls = {"n": 0}

    def crashing_store(*args):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real_store(*args)

    monkeypatch.setattr(storing, "store_batch", crashing_store)
    args = ["--category", "admin_penalty", "--provider", "SCJG", "--batch-size", "3", "--no-progress"]
    with pytest.raises(CommandError, match="--resume"):
        call_command("import", str(path), *args, stdout=io.StringIO(), stderr=io.StringIO())
    job = ImportJob.objects.get()
    assert job.status == "failed" and "--resume" in job.message
    assert (job.next_line, job.processed_rows, Record.objects.count()) == (5, 3, 3)

    monkeypatch.setattr(storing, "store_batch", real_store)
    out = io.StringIO()
    call_command("import", "--resume", str(job.pk), "--no-progress", stdout=out, stderr=io.StringIO())
    job.refresh_from_db()
    assert job.status == "done" and job.processed_rows == 8
    assert (job.created_count, job.duplicate_count, job.error_count) == (7, 0, 1)
    assert sorted(Record.objects.values_list("source_line", flat=True)) == list(range(2, 9))
    assert ImportRowError.objects.get().line == 9
    assert "新增 7 条" in out.getvalue()
    # Running the finished job again changes nothing.
    assert imports.run_job(job.pk).created_count == 7 and Record.objects.count() == 7


def test_cli_import_shows_progress_summary_and_error_file(scjg, tmp_path):
    path = write_csv(tmp_path / "cli.csv", MIXED, encoding="gbk")
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import", str(path), "--category", "admin_penalty", "--provider", "SCJG", "--batch-size", "2",
        stdout=out, stderr=err,
    )  # fmt: skip
    text = out.getvalue()
    assert "新增 3 条，新版本 0 条，重复 0 条，错误 4 行" in text
    [error_file] = [line.split("：", 1)[1] for line in text.splitlines() if line.startswith("错误文件：")]
    with open(error_file, encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["行号", "列", "原因"] and [r[0] for r in rows[1:]] == ["3", "5", "6", "8"]
    assert "100.0%" in err.getvalue() and "行/秒" in err.getvalue()
    assert ImportJob.objects.get().created_by.startswith("cli:")
    with pytest.raises(CommandError, match="不存在"):
        call_command("import", str(path), "--category", "nope", "--provider", "SCJG", stdout=io.StringIO())


def test_multiline_cell_keeps_physical_line_numbers(api, scjg, tmp_path):
    rows = [penalty(1, CF_SY="第一段\n第二段\n第三段"), penalty(2, CF_JDRQ="bad"), penalty(3)]
    job = upload(api, scjg, write_csv(tmp_path / "ml.csv", rows)).json()
    assert [e["line"] for e in job_errors(api, scjg, job["id"])["items"]] == [5]
    assert sorted(Record.objects.values_list("source_line", flat=True)) == [2, 6]
    assert Record.objects.get(source_line=2).fields["CF_SY"] == "第一段\n第二段\n第三段"


def test_tabs_and_backslashes_arrive_unchanged(api, scjg, tmp_path):
    """On PostgreSQL rows are written as COPY text, where these characters must be escaped."""
    rows = [penalty(1, CF_WSH="柴市监罚\\〔2025〕1号\t", CF_NR="罚款\t一万元\r\n见附件 C:\\罚单")]
    upload(api, scjg, write_csv(tmp_path / "esc.csv", rows))
    record = Record.objects.get()
    assert record.decision_number == "柴市监罚\\〔2025〕1号"  # trimmed like every cell
    assert record.fields["CF_NR"] == "罚款\t一万元\r\n见附件 C:\\罚单"


def test_error_csv_is_downloadable_for_excel(api, scjg, tmp_path):
    job = upload(api, scjg, write_csv(tmp_path / "m.csv", MIXED)).json()
    response = api.client.get(f"/api/v1/imports/{job['id']}/errors.csv", HTTP_AUTHORIZATION=f"Bearer {scjg}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["行号", "列", "原因"]
    assert {(int(r[0]), r[1]) for r in rows[1:]} == {(line, column) for line, column, _ in BAD}


def test_errors_are_paginated_and_bounded(api, scjg, tmp_path):
    job = upload(api, scjg, write_csv(tmp_path / "m.csv", MIXED)).json()
    page = job_errors(api, scjg, job["id"], limit=2, offset=2)
    assert (page["count"], page["limit"], page["offset"]) == (4, 2, 2)
    assert [e["line"] for e in page["items"]] == [6, 8]
    assert api.get(f"/imports/{job['id']}", token=scjg, limit=1000).status_code == 422


def test_a_provider_sees_only_its_own_jobs(api, scjg, make_user, tmp_path):
    job = upload(api, scjg, write_csv(tmp_path / "m.csv", [penalty(1)])).json()
    _, other = make_user("provider", department="SW")
    assert api.get(f"/imports/{job['id']}", token=other).status_code == 403
    download = api.client.get(f"/api/v1/imports/{job['id']}/errors.csv", HTTP_AUTHORIZATION=f"Bearer {other}")
    assert download.status_code == 403
    assert api.get("/imports", token=other).json()["count"] == 0
    assert [j["id"] for j in api.get("/imports", token=scjg).json()["items"]] == [job["id"]]
    _, office = make_user("credit_office", department="XYB")
    assert api.get(f"/imports/{job['id']}", token=office).status_code == 200
    assert api.get("/imports", token=office).json()["count"] == 1
    assert AuditEvent.objects.filter(action="import.read", object_id=str(job["id"])).count() == 1
    assert api.get("/imports/999999", token=office).status_code == 404


def test_each_job_is_audited_once_not_each_row(api, scjg, tmp_path):
    job = upload(api, scjg, write_csv(tmp_path / "m.csv", MIXED)).json()
    start = AuditEvent.objects.get(action="import.start")
    finish = AuditEvent.objects.get(action="import.finish")
    assert start.object_id == finish.object_id == str(job["id"])
    assert finish.after["created"] == 3 and finish.after["error"] == 4
    assert not AuditEvent.objects.filter(action="record.created").exists()


def test_bad_uploads_get_clear_4xx(api, scjg, tmp_path):
    def post(data):
        return api.client.post("/api/v1/imports", data, HTTP_AUTHORIZATION=f"Bearer {scjg}")

    good = write_csv(tmp_path / "good.csv", [penalty(1)])
    assert post({"category": "admin_penalty"}).json()["error"]["code"] == "file_required"
    with open(good, "rb") as handle:
        assert post({"file": handle}).json()["error"]["code"] == "category_required"
    with open(good, "rb") as handle:
        response = post({"file": handle, "category": "nope"})
        assert response.status_code == 422 and response.json()["error"]["code"] == "unknown_category"

    cases = {
        "empty.csv": (b"", "empty_file"),
        "header-only.csv": (b"\n\n", "empty_file"),
        "report.pdf": (b"%PDF-1.7 ...", "unsupported_format"),
        "old.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "unsupported_format"),
        "fake.xlsx": (b"CF_XDR_MC\n", "unsupported_format"),
        "binary.csv": (b"\x89PNG\r\n\x1a\n\x00\x00", "unsupported_format"),
        "latin1.csv": ("CF_XDR_MC\nS\u00e3o Paulo \u00e6\u00f8".encode("cp1252") + b"\x81\xff", "unknown_encoding"),
    }
    for name, (content, code) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        response = upload(api, scjg, path)
        assert response.status_code == 422, (name, response.content)
        assert response.json()["error"]["code"] == code, (name, response.json())

    with override_settings(XINYONG_IMPORT_MAX_BYTES=100):
        response = upload(api, scjg, good)
    assert response.status_code == 413 and response.json()["error"]["code"] == "file_too_large"
    assert not ImportJob.objects.exists() and not Record.objects.exists()
    assert list(imports.import_dir().iterdir()) == []  # nothing half-stored


def test_wrong_provider_for_category_is_refused(api, scjg, make_user, tmp_path):
    make_user("provider", department="FY")
    Category.objects.get(code="court_enforcement").providers.add(Department.objects.get(code="FY"))
    response = upload(api, scjg, write_csv(tmp_path / "c.csv", [penalty(1)]), category="court_enforcement")
    assert response.status_code == 403


def test_upload_is_queued_for_the_worker(api, scjg, tmp_path):
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        job = upload(api, scjg, write_csv(tmp_path / "q.csv", [penalty(1), penalty(2)])).json()
    assert job["status"] == "pending" and job["total_rows"] == 2 and job["progress"] == 0
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("imports.runner.process_import") and queued.args_kwargs["args"] == [job["id"]]
    imports.process_import.call(job["id"])
    assert ImportJob.objects.get().status == "done" and Record.objects.count() == 2


SHAPES = [
    {},
    {"CF_XDR_MC": "李四", "CF_XDR_LB": "自然人", "CF_XDR_SHXYM": "", "CF_FRDB": "", "CF_FR_ZJHM": ""},
    {"CF_XDR_MC": "柴桑区老王小吃店", "CF_XDR_LB": "个体工商户", "CF_XDR_SHXYM": "00000000000000000X"},
    {"CF_YZCD": "轻微"},
    {"CF_YZCD": "严重", "CF_NR_FK": "20", "BZ": "备注"},
]
# Columns that differ by channel or by nature (ids, provenance, times, random ciphertext).
CHANNEL_COLUMNS = {
    "id", "provider_id", "content_hash", "channel", "received_by", "received_at", "published_at",
    "import_job_id", "source_line", "raw", "personal_encrypted",
}  # fmt: skip


def _shaped(serial: int, shape: dict) -> dict:
    row = penalty(serial, **shape)
    if shape.get("CF_XDR_LB") == "自然人":
        row["CF_XDR_ZJHM"] = resident_id(serial, "19751230")
    return row


def _related_counts(record: Record) -> dict:
    return {
        rel.name: rel.related_model._default_manager.filter(**{rel.field.name: record}).count()
        for rel in Record._meta.related_objects
    }


def test_a_file_and_the_api_store_the_same_records(api, scjg, make_user, tmp_path):
    """On PostgreSQL an import stores new records by COPY, the API through the ORM: same columns."""
    _, sw = make_user("provider", department="SW")
    rows = [_shaped(n, shape) for n, shape in enumerate(SHAPES, start=1)]
    job = upload(api, scjg, write_csv(tmp_path / "shapes.csv", rows, header=HEADER + ["CF_XDR_ZJHM", "CF_YZCD", "BZ"]))
    assert job.json()["counts"]["created"] == len(rows), job.json()
    for row in rows:
        assert api.post("/records", {"category": "admin_penalty", "fields": row}, token=sw).status_code == 201
    by_file = Record.objects.filter(provider__code="SCJG").order_by("source_line")
    by_api = Record.objects.filter(provider__code="SW").order_by("id")
    for filed, posted in zip(by_file, by_api, strict=True):
        for column in Record._meta.concrete_fields:
            if column.attname not in CHANNEL_COLUMNS:
                assert getattr(filed, column.attname) == getattr(posted, column.attname), column.attname
        assert (filed.published_at is None) == (posted.published_at is None)
        assert filed.received_at == posted.received_at == clock.now()
        assert crypto.decrypt(filed.personal_encrypted) == crypto.decrypt(posted.personal_encrypted)
        assert _related_counts(filed) == _related_counts(posted)

    # Subjects created by the import (COPY) and by the API (ORM), compared the same way.
    more = [_shaped(n, shape) for n, shape in enumerate(SHAPES, start=100)]
    upload(api, scjg, write_csv(tmp_path / "more.csv", more, header=HEADER + ["CF_XDR_ZJHM", "CF_YZCD", "BZ"]))
    for n, shape in enumerate(SHAPES, start=200):
        api.post("/records", {"category": "admin_penalty", "fields": _shaped(n, shape)}, token=sw)
    by_file = [
        r.subject for r in Record.objects.filter(provider__code="SCJG", source_line__isnull=False).order_by("id")
    ][-5:]
    by_api = [r.subject for r in Record.objects.filter(provider__code="SW").order_by("id")][-5:]
    identity = {"id", "key", "uscc", "name", "search_name", "id_encrypted", "id_masked"}
    for filed, posted in zip(by_file, by_api, strict=True):
        for column in Subject._meta.concrete_fields:
            if column.attname not in identity:
                assert getattr(filed, column.attname) == getattr(posted, column.attname), column.attname
        assert [(n.valid_from, n.valid_to) for n in filed.names.all()] == [
            (n.valid_from, n.valid_to) for n in posted.names.all()
        ]
    assert AuditEvent.objects.filter(action="subject.bulk_create", object_id=f"job:{job.json()['id']}").count() == 1


def test_the_database_refuses_a_second_current_record_with_the_same_content(api, scjg, tmp_path):
    """The partial unique index behind idempotency under concurrency survives the index clean-ups."""
    upload(api, scjg, write_csv(tmp_path / "one.csv", [penalty(1)]))
    record = Record.objects.get()
    record.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        record.save()


def test_helper_processes_prepare_large_files_in_order(scjg, tmp_path, settings):
    """Files larger than two batches are prepared by helper processes (not on in-memory SQLite)."""
    settings.XINYONG_IMPORT_WORKERS = 2
    rows = [penalty(n) for n in range(1, 26)]
    rows[10] = penalty(11, CF_JDRQ="2025-13-01")
    rows[20] = rows[3]  # a duplicate of line 5, further down the file
    path = write_csv(tmp_path / "big.csv", rows)
    job = imports.import_local_file(
        actor=Actor(name="t"), provider_code="SCJG", category_code="admin_penalty", path=path
    )
    job = imports.run_job(job.pk, batch_size=4)
    assert job.status == "done"
    assert (job.created_count, job.duplicate_count, job.error_count, job.processed_rows) == (23, 1, 1, 25)
    assert ImportRowError.objects.get().line == 12
    assert sorted(Record.objects.values_list("source_line", flat=True)) == [
        n for n in range(2, 27) if n not in (12, 22)
    ]


def test_a_batch_mixing_new_and_known_subjects_and_repeated_rows(api, scjg, tmp_path):
    """A batch is stored as the helper wrote it only when everything in it is new; otherwise the lines
    already held are dropped and records about known subjects point at them."""
    upload(api, scjg, write_csv(tmp_path / "first.csv", [penalty(1)]))
    known = Subject.objects.get()
    rows = [
        penalty(1, CF_WSH="柴市监罚〔2025〕901号"),  # a known company, a new decision
        penalty(2),
        penalty(2),  # the same row twice in one batch
        penalty(3),
        penalty(3, CF_WSH="柴市监罚〔2025〕903号"),  # a new company with two decisions in one batch
    ]
    job = upload(api, scjg, write_csv(tmp_path / "second.csv", rows)).json()
    assert job["counts"] == {"created": 4, "version": 0, "duplicate": 1, "error": 0}
    assert Subject.objects.count() == 3
    assert Record.objects.filter(subject=known).count() == 2
    for record in Record.objects.select_related("subject"):
        assert record.fields["CF_XDR_SHXYM"] == record.subject.uscc
    created = AuditEvent.objects.filter(action="subject.bulk_create", object_id=f"job:{job['id']}").get()
    assert created.after["count"] == 2
    assert sorted(Record.objects.filter(import_job_id=job["id"]).values_list("source_line", flat=True)) == [2, 3, 5, 6]
