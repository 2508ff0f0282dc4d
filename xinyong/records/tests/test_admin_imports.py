"""A providing department's clerk in the browser: upload a file in the admin, follow the job, download the
rows it refused, continue an interrupted job; and records browsed by double-publicity state."""

import csv
import datetime as dt
import io

import pytest
from django.test import override_settings
from django.urls import reverse

from xinyong.accounts.models import Role
from xinyong.audit.models import AuditEvent
from xinyong.catalog.models import Category
from xinyong.core import clock
from xinyong.records import imports
from xinyong.records.models import ImportJob, Record
from xinyong.records.selectors import timeliness
from xinyong.testing.factories import penalty
from xinyong.testing.imports import BAD, GOOD_LINES, IMMEDIATE, MIXED, TODAY, write_csv

ADD_URL = reverse("admin:records_importjob_add")


@pytest.fixture(autouse=True)
def frozen_today(tmp_path, settings):
    settings.DATA_DIR = tmp_path / "data"
    with clock.frozen_at(TODAY):
        yield


@pytest.fixture
def staff(make_user):
    def factory(*roles: str, department: str):
        user, token = make_user(*roles, department=department)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        return user

    return factory


def _upload(client, path, category="admin_penalty"):
    with open(path, "rb") as handle:
        return client.post(ADD_URL, {"category": Category.objects.get(code=category).pk, "file": handle})


def test_a_clerk_uploads_a_mixed_file_in_the_admin_and_downloads_exactly_its_bad_rows(client, staff, tmp_path):
    clerk = staff(Role.PROVIDER, department="SCJG")
    client.force_login(clerk)
    assert client.get(ADD_URL).status_code == 200
    with override_settings(TASKS=IMMEDIATE):  # the worker's part, done at once
        response = _upload(client, write_csv(tmp_path / "mixed.csv", MIXED))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.status, job.provider.code, job.created_by) == (ImportJob.Status.DONE, "SCJG", clerk.username)
    assert {r.source_line for r in Record.objects.all()} == GOOD_LINES
    assert AuditEvent.objects.filter(action="import.start", object_id=str(job.pk), actor=clerk.username).exists()

    page = client.get(reverse("admin:records_importjob_change", args=[job.pk])).content.decode()
    assert "100%" in page and "3/0/0/4" in page and "下载全部 4 条错误" in page
    errors = client.get(reverse("admin:records_importjob_errors", args=[job.pk]))
    assert errors["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(errors.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == imports.ERROR_CSV_HEADER
    assert {(int(line), column) for line, column, _ in rows[1:]} == {(line, column) for line, column, _ in BAD}


def test_an_upload_without_a_worker_waits_in_the_queue(client, staff, tmp_path):
    from django_tasks_db.models import DBTaskResult

    client.force_login(staff(Role.PROVIDER, department="SCJG"))
    assert _upload(client, write_csv(tmp_path / "q.csv", [penalty(1)])).status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.PENDING
    assert DBTaskResult.objects.get().args_kwargs["args"] == [job.pk]


def test_a_file_that_cannot_be_read_is_refused_on_the_form_and_nothing_is_kept(client, staff, tmp_path):
    client.force_login(staff(Role.PROVIDER, department="SCJG"))
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    response = _upload(client, tmp_path / "photo.png")
    assert response.status_code == 200
    assert "仅支持 CSV" in str(response.context["adminform"].form.non_field_errors())
    assert not ImportJob.objects.exists()


def test_a_file_over_the_upload_limit_is_refused_on_the_form(client, staff, tmp_path, settings):
    settings.XINYONG_IMPORT_MAX_BYTES = 1024
    client.force_login(staff(Role.PROVIDER, department="SCJG"))
    response = _upload(client, write_csv(tmp_path / "big.csv", [penalty(n) for n in range(1, 20)]))
    assert response.status_code == 200
    assert "文件超过大小上限" in str(response.context["adminform"].form.non_field_errors())
    assert not ImportJob.objects.exists()


def test_a_clerk_sees_only_the_categories_it_provides_and_its_own_jobs(client, staff, tmp_path):
    licence = Category.objects.get(code="admin_licensing")
    licence.providers.set([staff(Role.PROVIDER, department="SW").department])
    clerk, other = staff(Role.PROVIDER, department="SCJG"), staff(Role.PROVIDER, department="FGW")
    client.force_login(clerk)
    offered = client.get(ADD_URL).context["adminform"].form.fields["category"].queryset
    assert "admin_penalty" in {c.code for c in offered} and licence not in offered
    with override_settings(TASKS=IMMEDIATE):
        _upload(client, write_csv(tmp_path / "mixed.csv", MIXED))
    job = ImportJob.objects.get()

    client.force_login(other)
    assert client.get(reverse("admin:records_importjob_changelist")).context["cl"].result_count == 0
    assert client.get(reverse("admin:records_importjob_change", args=[job.pk])).status_code == 302  # not found
    assert client.get(reverse("admin:records_importjob_errors", args=[job.pk])).status_code == 403
    records = client.get(reverse("admin:records_record_changelist"))
    assert records.context["cl"].result_count == 0


def test_an_interrupted_job_is_continued_from_the_admin(client, staff, tmp_path):
    clerk = staff(Role.PROVIDER, department="SCJG")
    client.force_login(clerk)
    _upload(client, write_csv(tmp_path / "rows.csv", [penalty(n) for n in range(1, 6)]))
    job = ImportJob.objects.get()
    job.status, job.message = ImportJob.Status.FAILED, "处理中断"
    job.save()
    changelist = reverse("admin:records_importjob_changelist")
    with override_settings(TASKS=IMMEDIATE):
        response = client.post(changelist, {"action": "continue_jobs", "_selected_action": [job.pk]})
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.created_count, Record.objects.count()) == (ImportJob.Status.DONE, 5, 5)
    assert AuditEvent.objects.filter(action="import.continue", object_id=str(job.pk)).exists()


def test_records_are_browsed_by_double_publicity_state_as_the_tracking_figures_count_them(
    client, staff, api, make_user
):
    _, token = make_user(Role.PROVIDER, department="SCJG")
    decided = {"on_time": "2025-02-20", "late": "2025-02-10", "overdue": "2025-02-11"}
    with clock.frozen_at(dt.date(2025, 2, 21)):  # published at once: on time
        api.post("/records", {"category": "admin_penalty", "fields": penalty(1, CF_JDRQ=decided["on_time"])}, token)
        for serial, key in ((2, "late"), (3, "overdue")):
            fields = penalty(serial, CF_JDRQ=decided[key])
            api.post("/records", {"category": "admin_penalty", "fields": fields, "publish": False}, token)
    late = Record.objects.get(decision_date=dt.date(2025, 2, 10))
    late.published_at = clock.now()  # 2025-03-10: after its due date
    late.save()

    client.force_login(staff(Role.CREDIT_OFFICE, department="XYB"))
    changelist = reverse("admin:records_record_changelist")
    [figures] = timeliness(start=dt.date(2025, 2, 1), end=dt.date(2025, 2, 28), today=TODAY)
    for state in ("on_time", "late", "overdue"):
        listed = client.get(changelist, {"publicity": state}).context["cl"].result_list
        assert [str(r.decision_date) for r in listed] == [decided[state]]
        assert len(listed) == figures[state] == 1


def test_a_provider_publishes_held_back_records_and_withdraws_a_revoked_decision_in_the_admin(
    client, staff, api, make_user
):
    clerk = staff(Role.PROVIDER, department="SCJG")
    _, token = make_user(Role.PROVIDER, department="SCJG")
    for serial in (1, 2):
        body = {"category": "admin_penalty", "fields": penalty(serial), "publish": False}
        assert api.post("/records", body, token=token).status_code == 201
    held, other = Record.objects.order_by("pk")
    client.force_login(clerk)
    changelist = reverse("admin:records_record_changelist")
    response = client.post(changelist, {"action": "publish_records", "_selected_action": [held.pk]})
    assert response.status_code == 302
    held.refresh_from_db()
    other.refresh_from_db()
    assert held.published_at == clock.now() and other.published_at is None
    assert AuditEvent.objects.filter(action="record.publish", object_id=str(held.pk), actor=clerk.username).exists()

    withdraw_url = reverse("admin:record_withdraw", args=[held.pk])
    page = client.get(reverse("admin:records_record_change", args=[held.pk])).content.decode()
    assert withdraw_url in page
    label = next(spec["label"] for spec in held.category.fields if spec["name"] == "CF_WSH")
    assert f"<tr><th>{label}</th><td>{held.fields['CF_WSH']}</td></tr>" in page  # fields under catalog labels
    without_reason = client.post(withdraw_url, {"reason": "", "_withdraw": "撤回"})
    assert "撤回须说明理由" in without_reason.content.decode()
    assert client.post(withdraw_url, {"reason": "行政复议决定撤销", "_withdraw": "撤回"}).status_code == 302
    held.refresh_from_db()
    assert (held.status, held.status_reason) == (Record.Status.REVOKED, "行政复议决定撤销")
    assert held.events.filter(status=Record.Status.REVOKED, actor=clerk.username).exists()


def test_only_the_providing_department_publishes_or_withdraws(client, staff, api, make_user):
    _, token = make_user(Role.PROVIDER, department="SCJG")
    api.post("/records", {"category": "admin_penalty", "fields": penalty(1), "publish": False}, token=token)
    record = Record.objects.get()
    office, other_provider = staff(Role.CREDIT_OFFICE, department="XYB"), staff(Role.PROVIDER, department="FGW")
    for user, offered, sees_it in [(office, False, True), (other_provider, True, False)]:
        client.force_login(user)
        changelist = client.get(reverse("admin:records_record_changelist"))
        assert ('value="publish_records"' in changelist.content.decode()) is offered
        assert (record in changelist.context["cl"].result_list) is sees_it
        client.post(
            reverse("admin:records_record_changelist"), {"action": "publish_records", "_selected_action": [record.pk]}
        )
        refused = client.post(reverse("admin:record_withdraw", args=[record.pk]), {"reason": "x", "_withdraw": "撤回"})
        assert refused.status_code == 302
        record.refresh_from_db()
        assert (record.published_at, record.status) == (None, Record.Status.ACTIVE)
