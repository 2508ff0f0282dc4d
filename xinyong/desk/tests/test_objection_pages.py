"""异议处理 through the pages (Django's test client): the handling department verifies within the deadline
shown in working days, rejects with a reason or upholds and revokes (the implementers are told); another
department cannot see or decide it; the credit office sees every queue and the on-time rate (000 §21:
verified within 20 days; measures suspended meanwhile; wrong information revoked and implementers told)."""

import datetime as dt

import pytest

from xinyong.accounts.models import User
from xinyong.audit.services import Actor
from xinyong.checks.tests import conftest as district
from xinyong.core import clock
from xinyong.lists.models import ListEntry
from xinyong.rights import services as rights
from xinyong.rights.models import Objection
from xinyong.subjects.models import Subject
from xinyong.testing.checks import COMPANY, enter

world = district.world
TODAY = dt.datetime(2025, 6, 3, 10, 0)  # a Tuesday; 20 calendar days later is Monday 2025-06-23


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen_at(TODAY):
        yield


@pytest.fixture
def company(world, make_user):
    """The listed company's own account (the subject's side files through the service, as /my/ will)."""
    user, _ = make_user("subject", department="QY")
    User.objects.filter(pk=user.pk).update(subject=Subject.objects.get(key=COMPANY), department=None)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def entry(api, world) -> ListEntry:
    response = enter(api, world["court"])
    assert response.status_code == 201, response.content
    return ListEntry.objects.get(pk=response.json()["id"])


def object_to(company, entry, reason="已于判决后全部履行，名单信息有误") -> Objection:
    return rights.file_objection(
        actor=Actor.of(company), user=company, record_id=None, entry_id=entry.pk, reason=reason, evidence="执行款收据"
    )


@pytest.fixture
def sign_in(world, client):
    def as_department(code: str, role: str):
        client.force_login(User.objects.get(department__code=code, roles__code=role))
        return client

    return as_department


def html(response) -> str:
    return response.content.decode()


def test_the_court_rejects_with_a_reason_then_upholds_and_the_implementers_are_told(sign_in, company, entry):
    first = object_to(company, entry)
    court = sign_in("FY", "initiator")
    queue = html(court.get("/desk/objections/"))
    # Due 2025-06-23: 14 working days after 06-03 (the calendar's, weekends excluded).
    assert "2025-06-23" in queue and "剩 14 个工作日" in queue and "九江失信建材有限公司" in queue
    assert '异议处理 <span class="count">1' in queue  # the navigation counts the open objections

    page = html(court.get(f"/desk/objections/{first.pk}/"))
    assert "已于判决后全部履行，名单信息有误" in page and "执行款收据" in page  # the subject's side
    assert "（2025）赣0404执123号" in page and "异议处理中，措施暂停" in page  # beside the entry
    assert "异议暂停" in page  # the departments were told the measures are suspended

    missing = court.post(f"/desk/objections/{first.pk}/decide", {"upheld": "0", "reason": ""})
    assert missing.status_code == 422 and "请填写理由" in html(missing)
    rejected = court.post(f"/desk/objections/{first.pk}/decide", {"upheld": "0", "reason": "经核实未履行"}, follow=True)
    assert "异议不成立" in html(rejected) and "经核实未履行" in html(rejected) and "异议恢复" in html(rejected)
    entry.refresh_from_db()
    assert entry.status == ListEntry.Status.ACTIVE and not entry.under_objection
    again = html(court.post(f"/desk/objections/{first.pk}/decide", {"upheld": "1", "reason": "重复提交"}, follow=True))
    assert "该异议已办结（异议不成立）" in again and "核查办结" not in again  # decided: the form is gone

    second = object_to(company, entry, reason="执行案件已结案，附结案通知书")
    upheld = court.post(f"/desk/objections/{second.pk}/decide", {"upheld": "1", "reason": "执行已结案，认定有误"})
    assert upheld.status_code == 302
    page = html(court.get(f"/desk/objections/{second.pk}/"))
    assert "异议成立" in page and "已撤销" in page and "名单撤销" in page and "区财政局" in page
    entry.refresh_from_db()
    assert entry.status == ListEntry.Status.REVOKED
    finance = sign_in("CZ", "implementer")
    assert "名单撤销" in html(finance.get("/desk/tasks/"))

    court = sign_in("FY", "initiator")
    done = html(court.get("/desk/objections/?state=done"))
    assert done.count("按期") == 2 and "异议成立（已撤销）" in done and "异议不成立" in done


def test_another_department_neither_sees_nor_decides_and_an_implementer_has_no_queue(sign_in, company, entry):
    objection = object_to(company, entry)
    market = sign_in("SCJG", "provider")
    assert "九江失信建材有限公司" not in html(market.get("/desk/objections/"))
    assert market.get(f"/desk/objections/{objection.pk}/").status_code == 404
    refused = market.post(f"/desk/objections/{objection.pk}/decide", {"upheld": "1", "reason": "越权"})
    assert refused.status_code == 404
    assert Objection.objects.get(pk=objection.pk).status == Objection.Status.PENDING
    finance = sign_in("CZ", "implementer")  # not a handler's role: as GET /objections refuses it
    assert finance.get("/desk/objections/").status_code == 403
    assert 'href="/desk/objections/"' not in html(finance.get("/desk/"))  # nor its navigation entry


def test_overdue_objections_are_flagged_on_the_queue_and_the_handlers_todo(sign_in, company, entry):
    objection = object_to(company, entry)
    court = sign_in("FY", "initiator")
    with clock.frozen_at(dt.datetime(2025, 6, 18, 10, 0)):  # 3 working days left: red
        assert 'days-urgent">剩 3 个工作日，即将到期' in html(court.get("/desk/objections/"))
    with clock.frozen_at(dt.datetime(2025, 6, 25, 10, 0)):
        assert "已逾期 2 个工作日" in html(court.get("/desk/objections/?state=overdue"))
        home = html(court.get("/desk/"))
        assert "已逾期" in home and "异议核查" in home and f'href="/desk/objections/{objection.pk}/"' in home


def test_the_credit_office_sees_every_queue_and_the_on_time_rate(sign_in, company, entry, world, make_user):
    objection = object_to(company, entry)
    court = sign_in("FY", "initiator")
    with clock.frozen_at(dt.datetime(2025, 6, 30, 10, 0)):  # a week late
        court.post(f"/desk/objections/{objection.pk}/decide", {"upheld": "0", "reason": "经核实未履行"})
    office = sign_in("XYB", "credit_office")
    with clock.frozen_at(dt.datetime(2025, 7, 1, 10, 0)):
        page = html(office.get("/desk/objections/?state=done"))
        assert "区人民法院" in page and "超期" in page and "按期率" in page and ">0%<" in page
        assert '<td data-label="办理部门">区人民法院' in page
        narrowed = html(office.get("/desk/objections/?state=done&department=SCJG"))
        assert '<td data-label="办理部门">区人民法院' not in narrowed and "没有已办结的异议" in narrowed
