"""推送任务 and 待办 in pages: a department sees and closes only its own tasks; closing is audited with the
signed-in user as actor."""

import datetime as dt

import pytest

from xinyong.accounts.models import Department
from xinyong.audit.models import AuditEvent
from xinyong.checks.models import Task
from xinyong.core import clock


def _task(department_code: str, action="revoke", due_on=dt.date(2025, 7, 7), **fields) -> Task:
    return Task.objects.create(
        department=Department.objects.get(code=department_code),
        action=action,
        reason=f"{action} 推送原因",
        created_at=clock.now(),
        due_on=due_on,
        **fields,
    )


@pytest.fixture
def two_departments(staff, frozen):
    ours, user = staff("implementer", department="SCJG")
    other_client, _ = staff("implementer", department="SWJ")
    ours.force_login(user)  # `staff` shares one client: sign back in as the first user
    return ours, user


def test_the_inbox_lists_only_the_departments_own_open_tasks_oldest_due_first(two_departments):
    client, _ = two_departments
    late = _task("SCJG", action="expire", due_on=dt.date(2025, 6, 20))
    soon = _task("SCJG", action="publish", due_on=dt.date(2025, 7, 3))
    theirs = _task("SWJ", action="suspend")
    html = client.get("/desk/tasks/").content.decode()
    assert f'id="task-{late.pk}"' in html and f'id="task-{soon.pk}"' in html and f'id="task-{theirs.pk}"' not in html
    assert html.index(f'id="task-{late.pk}"') < html.index(f'id="task-{soon.pk}"')
    assert "已逾期" in html
    overdue = client.get("/desk/tasks/?state=overdue").content.decode()
    assert f'id="task-{late.pk}"' in overdue and f'id="task-{soon.pk}"' not in overdue
    by_kind = client.get("/desk/tasks/?action=publish").content.decode()
    assert f'id="task-{soon.pk}"' in by_kind and f'id="task-{late.pk}"' not in by_kind


def test_marking_handled_closes_the_task_with_the_note_audited_as_the_signed_in_user(two_departments):
    client, user = two_departments
    task = _task("SCJG")
    response = client.post(f"/desk/tasks/{task.pk}/close", {"note": "已停止限制措施"}, follow=True)
    assert "已标记为已处理" in response.content.decode()
    task.refresh_from_db()
    assert task.status == Task.Status.DONE and task.done_note == "已停止限制措施"
    event = AuditEvent.objects.get(action="task.close", object_id=str(task.pk))
    assert (event.actor, event.department, event.channel) == (user.username, "SCJG", "desk")
    done = client.get("/desk/tasks/?state=done").content.decode()
    assert f'id="task-{task.pk}"' in done and "已停止限制措施" in done


def test_another_departments_task_cannot_be_closed_through_the_page(two_departments):
    client, _ = two_departments
    theirs = _task("SWJ")
    response = client.post(f"/desk/tasks/{theirs.pk}/close", {"note": "x"})
    assert response.status_code == 404 and "任务不存在" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.status == Task.Status.OPEN


def test_a_note_longer_than_allowed_is_refused_in_chinese(two_departments):
    client, _ = two_departments
    task = _task("SCJG")
    response = client.post(f"/desk/tasks/{task.pk}/close", {"note": "长" * 501}, follow=True)
    assert "不能超过 500 个字" in response.content.decode()
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


def test_the_home_page_counts_and_links_the_departments_tasks(two_departments):
    client, _ = two_departments
    task = _task("SCJG", action="publish")
    _task("SWJ", action="publish")
    html = client.get("/desk/").content.decode()
    assert f'href="/desk/tasks/#task-{task.pk}"' in html
    assert '推送任务 <span class="count">1<' in html and '待办 <span class="count">1<' in html


def test_roles_without_task_access_see_no_inbox(staff, frozen):
    client, _ = staff("credit_agency", department="ZX")
    assert client.get("/desk/tasks/").status_code == 403
    assert "推送任务" not in client.get("/desk/").content.decode()


def test_feedback_owed_on_a_check_is_on_the_home_page_until_every_measure_is_answered(two_departments):
    from xinyong.checks.models import Check, Feedback

    client, user = two_departments
    department = Department.objects.get(code="SCJG")
    check = Check.objects.create(
        number="HC-TEST-0001",
        implementer=department,
        checked_by=user.username,
        subject_code="91360400MA35XXXX0X",
        matter="gov_procurement",
        checked_at=clock.now() - dt.timedelta(days=14),
        result=Check.Result.RESTRICTED,
        measure_count=1,
        answer={},
        digest="x",
    )
    html = client.get("/desk/").content.decode()
    assert "核查编号 HC-TEST-0001" in html and "1 项措施待反馈" in html and "已逾期" in html
    Feedback.objects.create(
        check_record=check, measure="m", applied=True, department=department, given_by="x", given_at=clock.now()
    )
    assert "HC-TEST-0001" not in client.get("/desk/").content.decode()
