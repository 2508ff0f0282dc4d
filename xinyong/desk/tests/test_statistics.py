"""统计分析 in pages: the loop per department, each figure linking to exactly the rows it counts."""

import datetime as dt
import re

from xinyong.accounts.models import Department
from xinyong.checks.models import Check, Feedback
from xinyong.core import clock
from xinyong.notices.models import Task


def _tasks(code: str, *, done: int, overdue: int, open_: int) -> None:
    department = Department.objects.get(code=code)
    for status, due, n in (("done", dt.date(2025, 6, 1), done), ("open", dt.date(2025, 6, 10), overdue)):
        for _ in range(n):
            Task.objects.create(
                department=department, action="publish", reason="r", created_at=clock.now(), due_on=due, status=status
            )
    for _ in range(open_):
        Task.objects.create(department=department, action="revoke", reason="r", created_at=clock.now(), due_on=None)


def _check_with_feedback(code: str, number: str) -> None:
    department = Department.objects.get(code=code)
    check = Check.objects.create(
        number=number,
        implementer=department,
        checked_by="x",
        subject_code="X",
        matter="m",
        checked_at=clock.now(),
        result="restricted",
        measure_count=2,
        answer={},
        digest="x",
    )
    Feedback.objects.create(
        check_record=check,
        measure="m1",
        applied=False,
        note="不适用",
        department=department,
        given_by="x",
        given_at=clock.now(),
    )


def test_every_figure_links_to_as_many_rows_as_it_counts(staff, make_user, frozen):
    make_user("implementer", department="SCJG")
    _tasks("SCJG", done=2, overdue=3, open_=1)
    _check_with_feedback("SCJG", "HC-1")
    client, _ = staff("credit_office", department="XYB")
    html = client.get("/desk/statistics/").content.decode()
    links = dict(re.findall(r'href="(/desk/statistics/SCJG/(?:\w+)/\?[^"]+)"[^>]*>(\d+)<', html))
    assert sorted(links.values()) == ["1", "2", "3", "6"]
    for url, figure in links.items():
        listed = client.get(url.replace("&amp;", "&")).content.decode()
        assert f"共 {figure} 项" in listed
        assert listed.count("<tr>") - 1 == int(figure)  # the header row, then one row each


def test_only_the_credit_office_and_auditors_see_the_overview(staff, frozen):
    client, _ = staff("implementer", "initiator", department="SCJG")
    assert client.get("/desk/statistics/").status_code == 403
    assert "统计分析" not in client.get("/desk/").content.decode()
    auditor, _ = staff("auditor", department="SJ")
    assert auditor.get("/desk/statistics/").status_code == 200


def test_a_reversed_period_is_refused_in_chinese_and_this_month_shown(staff, frozen):
    client, _ = staff("credit_office", department="XYB")
    html = client.get("/desk/statistics/?start=2025-06-30&end=2025-06-01").content.decode()
    assert "结束日期早于开始日期" in html
