"""R16 (002 §14): dishonesty by a public body or state enterprise is notified to its superior (or
supervising department) and the audit office; by a public employee, to the employer and the discipline
and personnel departments — as registered, on the day of the conduct, with recipients as data."""

import datetime as dt

import pytest

from xinyong.accounts import services as accounts
from xinyong.accounts.models import Department, User
from xinyong.audit.models import AuditEvent
from xinyong.audit.services import SYSTEM
from xinyong.checks.models import Task
from xinyong.core import clock
from xinyong.integrity.models import NoticeRecipient, PublicAffiliation
from xinyong.lists.models import ListEntry
from xinyong.subjects.models import Relation
from xinyong.testing.factories import agency_code, resident_id, uscc

TODAY = dt.date(2025, 6, 2)
BUREAU = agency_code(61)  # 柴桑区住房和城乡建设局: a department that is itself a subject
ENTERPRISE, COMPANY = uscc(611), uscc(612)
CLERK = resident_id(613, "19850203")
FULL_NAME = "钱守正"


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen_at(TODAY):
        yield


@pytest.fixture
def tokens(make_user):
    found = {
        "office": make_user("credit_office", department="XYB", department_name="区信用办")[1],
        "court": make_user("initiator", department="FY", department_name="区人民法院")[1],
        "assets": make_user("provider", department="GZW", department_name="区国资办")[1],
        "finance": make_user("provider", department="CZ", department_name="区财政局")[1],
        "audit": make_user("auditor", department="SJ", department_name="区审计局")[1],
        "discipline": make_user("discipline", department="JW", department_name="区纪委监委")[1],
        "organisation": make_user("personnel", department="ZZB", department_name="区委组织部")[1],
        "human": make_user("provider", department="RS", department_name="区人社局")[1],
        "government": make_user("implementer", department="QZF", department_name="区人民政府")[1],
    }
    accounts.upsert_department(
        actor=SYSTEM, code="ZJ", name="柴桑区住房和城乡建设局", parent_code="QZF", unified_code=BUREAU
    )
    return found


def register(api, token, **body):
    return api.post("/public-affiliations", body, token=token)


def subject(api, token, code, name, **extra):
    response = api.post("/subjects", {"code": code, "name": name, "kind": "legal_person", **extra}, token=token)
    assert response.status_code in (200, 201), response.content


def list_on_black(api, token, code, number, *, decided_on="2025-05-30", conduct_on=None):
    body = {
        "list_type": "black_court_defaulter",
        "subject": code,
        "basis": "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条",
        "document_number": number,
        "decided_on": decided_on,
        "conduct_on": conduct_on,
    }
    response = api.post("/list-entries", body, token=token)
    assert response.status_code == 201, response.content
    return response.json()["id"]


def notices(entry_id=None) -> dict[str, Task]:
    """The notices of one entry (or all), by department code."""
    tasks = Task.objects.filter(action__endswith="_notice").select_related("department")
    if entry_id is not None:
        tasks = tasks.filter(entry_id=entry_id)
    found = {t.department.code: t for t in tasks}
    assert len(found) == tasks.count(), "one notice per department"
    return found


def state_enterprise(api, tokens):
    body = {"subject": ENTERPRISE, "name": "九江城投建设有限公司", "kind": "state_enterprise", "department": "GZW"}
    return register(api, tokens["assets"], **body)


def employ(api, token, *, department="CZ", valid_from="2020-01-01", valid_to=None):
    body = {"subject": CLERK, "name": FULL_NAME, "kind": "public_employee", "department": department}
    return register(api, token, **body, valid_from=valid_from, valid_to=valid_to)


def test_public_body_notifies_its_superior_and_the_audit_office(api, tokens):
    subject(api, tokens["office"], BUREAU, "柴桑区住房和城乡建设局")
    entry = list_on_black(api, tokens["court"], BUREAU, "（2025）赣0404执61号")

    told = notices(entry)
    assert set(told) == {"QZF", "SJ"}
    assert told["QZF"].action == "superior_notice" and "所属机关事业单位柴桑区住房和城乡建设局" in told["QZF"].reason
    assert told["QZF"].reason.endswith("请督促整改")
    assert told["SJ"].action == "department_notice" and "审计监督" in told["SJ"].reason

    # The audit office reads it in its own task list.
    [task] = [t for t in api.get("/tasks", token=tokens["audit"]).json()["items"] if t["action"] == "department_notice"]
    assert task["entry"]["subject"]["code"] == BUREAU and "被列入失信被执行人" in task["reason"]


def test_state_enterprise_notifies_the_supervising_department_and_the_audit_office(api, tokens):
    made = state_enterprise(api, tokens)
    assert made.status_code == 201, made.content
    assert made.json()["kind_display"] == "国有企业" and made.json()["department"]["code"] == "GZW"

    entry = list_on_black(api, tokens["court"], ENTERPRISE, "（2025）赣0404执62号")

    told = notices(entry)
    assert set(told) == {"GZW", "SJ"}
    assert "所属国有企业九江城投建设有限公司" in told["GZW"].reason
    items = api.get("/tasks", token=tokens["assets"]).json()["items"]  # also its measures (implementer), if any
    assert [t["action"] for t in items if t["action"] != "publish"] == ["superior_notice"]


def test_public_employee_notifies_employer_discipline_and_personnel_without_the_full_id_number(api, tokens):
    assert employ(api, tokens["finance"]).status_code == 201

    entry = list_on_black(api, tokens["court"], CLERK, "（2025）赣0404执63号", conduct_on="2025-03-01")

    told = notices(entry)
    assert set(told) == {"CZ", "JW", "ZZB", "RS"}
    assert told["CZ"].action == "employer_notice"
    assert told["CZ"].reason.startswith("本单位公职人员钱守正（3604**********")
    assert told["CZ"].reason.endswith("请作为任职考核、职务晋升、评先评优的重要参考依据")
    assert "所在单位：区财政局" in told["JW"].reason and told["ZZB"].action == "department_notice"
    for token in ("discipline", "organisation", "finance", "human"):
        response = api.get("/tasks", token=tokens[token])
        assert response.status_code == 200 and "被列入失信被执行人" in response.content.decode()
        assert CLERK not in response.content.decode()
    assert not any(CLERK in str(e.after) for e in AuditEvent.objects.all())


def test_those_told_of_a_listing_are_told_when_it_is_revoked(api, tokens):
    assert employ(api, tokens["finance"]).status_code == 201
    entry = list_on_black(api, tokens["court"], CLERK, "（2025）赣0404执65号", conduct_on="2025-03-01")
    assert set(notices(entry)) == {"CZ", "JW", "ZZB", "RS"}
    revoked = api.post(f"/list-entries/{entry}/revoke", {"reason": "已全部履行"}, token=tokens["court"])
    assert revoked.status_code == 200, revoked.content
    lifted = Task.objects.filter(entry_id=entry, action="notice_lifted").select_related("department")
    assert sorted(t.department.code for t in lifted) == ["CZ", "JW", "RS", "ZZB"]
    reason = lifted[0].reason
    assert "失信被执行人名单已撤销" in reason and "3604**********" in reason and CLERK not in reason
    assert all(t.status == "done" for t in Task.objects.filter(entry_id=entry, action__endswith="_notice"))
    items = api.get("/tasks", token=tokens["discipline"]).json()["items"]
    assert [t["action"] for t in items] == ["notice_lifted"]


def test_legal_representative_listed_with_a_company_is_notified_to_the_employer(api, tokens):
    assert employ(api, tokens["finance"]).status_code == 201
    relation = {"role": "legal_representative", "person": {"id_number": CLERK, "name": FULL_NAME}}
    subject(api, tokens["finance"], COMPANY, "九江兼职贸易有限公司", relations=[relation])

    entry = list_on_black(api, tokens["court"], COMPANY, "（2025）赣0404执64号")

    assert notices(entry) == {}  # a private company: nobody to tell for it
    [person_entry] = ListEntry.objects.filter(derived_from_id=entry)
    told = notices(person_entry.pk)
    assert set(told) == {"CZ", "JW", "ZZB", "RS"}
    assert "作为九江兼职贸易有限公司的法定代表人被列入失信被执行人" in told["CZ"].reason
    # The employment is no relation of the subject: not public, and no person entry of its own (R13).
    assert Relation.objects.filter(member__id_masked__startswith="3604").count() == 1
    assert "财政局" not in api.get(f"/subjects/{CLERK}").content.decode()


def test_employment_counts_on_the_day_of_the_conduct(api, tokens):
    assert employ(api, tokens["finance"], valid_from="2020-01-01").status_code == 201
    # Re-sending the same employment with an end date ends it instead of adding a row.
    ended = employ(api, tokens["finance"], valid_from="2020-01-01", valid_to="2025-04-30")
    assert ended.status_code == 200 and ended.json()["valid_to"] == "2025-04-30"
    assert PublicAffiliation.objects.count() == 1

    while_employed = list_on_black(api, tokens["court"], CLERK, "（2025）赣0404执65号", conduct_on="2025-03-01")
    after_leaving = list_on_black(api, tokens["court"], CLERK, "（2025）赣0404执66号")  # decided_on 2025-05-30

    assert set(notices(while_employed)) == {"CZ", "JW", "ZZB", "RS"}
    assert notices(after_leaving) == {}


def test_missing_recipient_department_goes_to_the_credit_office_and_the_listing_stands(api, tokens):
    Department.objects.filter(code="SJ").update(is_active=False)
    subject(api, tokens["office"], BUREAU, "柴桑区住房和城乡建设局")

    entry = list_on_black(api, tokens["court"], BUREAU, "（2025）赣0404执67号")

    assert set(notices(entry)) == {"QZF"}
    undelivered = Task.objects.get(action="notice_undeliverable", entry_id=entry)
    assert undelivered.department.code == "XYB"
    assert "无法送达：区审计局（已停用）；请补登或启用部门，或线下通报" in undelivered.reason
    event = AuditEvent.objects.get(action="public_sector.notice")
    assert event.after["notified"] == ["QZF"] and event.after["undeliverable"] == ["区审计局（已停用）"]
    items = api.get("/tasks", token=tokens["office"]).json()["items"]
    assert [t["action"] for t in items if t["action"] != "publish"] == ["notice_undeliverable"]


def test_public_body_without_a_registered_superior_is_reported_too(api, tokens):
    register(api, tokens["office"], subject=ENTERPRISE, name="柴桑区城市管理服务中心", kind="public_body")

    entry = list_on_black(api, tokens["court"], ENTERPRISE, "（2025）赣0404执68号")

    assert set(notices(entry)) == {"SJ"}
    undelivered = Task.objects.get(action="notice_undeliverable")
    assert "上级主管单位／监管部门（未登记）" in undelivered.reason


def test_rule_edited_in_the_admin_changes_who_is_told(api, tokens, client):
    office = User.objects.get(department__code="XYB")
    office.is_staff = office.is_superuser = True  # the demo's admin: credit office with every admin permission
    office.save()
    client.force_login(office)
    rule = NoticeRecipient.objects.get(kind="state_enterprise", recipient="department", department_code="SJ")
    form = {"kind": "state_enterprise", "recipient": "department", "department_code": "JW"}
    form |= {"purpose": "请监督执纪", "is_active": "on", "sort_order": "20"}
    response = client.post(f"/admin/integrity/noticerecipient/{rule.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AuditEvent.objects.get(action="notice_recipient.save").after["department_code"] == "JW"
    state_enterprise(api, tokens)

    entry = list_on_black(api, tokens["court"], ENTERPRISE, "（2025）赣0404执69号")

    told = notices(entry)
    assert set(told) == {"GZW", "JW"} and told["JW"].reason.endswith("请监督执纪")


def test_registration_is_for_the_responsible_department_or_the_credit_office(api, tokens, make_user):
    body = {"subject": CLERK, "name": FULL_NAME, "kind": "public_employee", "department": "CZ"}
    assert register(api, None, **body).status_code == 401
    _, implementer = make_user("implementer", department="CZ")
    assert register(api, implementer, **body).json()["error"]["code"] == "forbidden_role"
    # A department registers its own staff and the bodies it supervises, not another department's.
    other = register(api, tokens["human"], **body)
    assert other.status_code == 403 and other.json()["error"]["code"] == "not_own_department"
    assert register(api, tokens["office"], **body).status_code == 201
    assert register(api, tokens["finance"], **body).status_code == 200  # the same, sent again

    wrong = register(api, tokens["office"], subject=CLERK, kind="state_enterprise", department="GZW")
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "kind_subject_mismatch"
    first = register(
        api, tokens["office"], subject=ENTERPRISE, name="九江城投", kind="state_enterprise", department="GZW"
    )
    assert first.status_code == 201
    again = register(api, tokens["office"], subject=ENTERPRISE, kind="public_body", department="QZF")
    assert again.status_code == 409 and again.json()["error"]["code"] == "affiliation_overlaps"

    own = api.get("/public-affiliations", token=tokens["finance"]).json()
    assert [(r["subject"]["code"][:4], r["department"]["code"]) for r in own["items"]] == [("3604", "CZ")]
    assert CLERK not in str(own)
    assert api.get("/public-affiliations", token=tokens["office"]).json()["count"] == 2
    assert api.get("/public-affiliations", token=tokens["court"]).status_code == 403
    saved = AuditEvent.objects.filter(action="public_affiliation.save").first()
    assert saved.after["subject"].startswith("3604****") and saved.actor.startswith("u")
