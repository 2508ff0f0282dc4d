"""What the workbench's 名单认定 pages read and do, below the pages: the preview before confirming
(computed by the code that creates), the department's roster, an entry's history and loop, early exit."""

import datetime as dt

import pytest

from xinyong.accounts.models import User
from xinyong.audit.models import AuditEvent
from xinyong.audit.services import Actor
from xinyong.checks.services import answering as checks
from xinyong.checks.services.feedback import MeasureFeedback, give_all
from xinyong.checks.tests.conftest import COMPANY, REP
from xinyong.core import clock
from xinyong.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from xinyong.lists import selectors
from xinyong.lists.models import ListEntry
from xinyong.lists.services import EntryInput, create_entry, exit_entry, revoke_entry
from xinyong.measures.models import BusinessMatter
from xinyong.measures.preview import preview_entry

TODAY = dt.date(2025, 6, 2)


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen_at(TODAY):
        yield


def user_of(department: str, role: str) -> User:
    return User.objects.get(department__code=department, roles__code=role)


def court_entry(**extra) -> EntryInput:
    fields = {
        "list_type": "black_court_defaulter",
        "subject": COMPANY,
        "basis": "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条",
        "document_number": "（2025）赣0404执123号",
        "decided_on": dt.date(2025, 5, 20),
        "conduct_on": dt.date(2025, 3, 1),
        **extra,
    }
    return EntryInput(**fields)


def create(user: User, data: EntryInput) -> ListEntry:
    return create_entry(actor=Actor.of(user), user=user, data=data)


def test_preview_shows_the_entry_create_then_makes_and_writes_nothing(world):
    court = user_of("FY", "initiator")
    before = AuditEvent.objects.count()
    preview = preview_entry(user=court, data=court_entry())
    assert not ListEntry.objects.exists() and AuditEvent.objects.count() == before
    assert preview.entry.subject.name == "九江失信建材有限公司"
    assert (preview.entry.starts_on, preview.entry.ends_on) == (dt.date(2025, 5, 20), dt.date(2027, 5, 19))
    assert [(r.member.name, r.role) for r in preview.entry.persons] == [("钱多多", "legal_representative")]

    entry = create(court, court_entry())
    assert (entry.starts_on, entry.ends_on) == (preview.entry.starts_on, preview.entry.ends_on)
    derived = entry.derived_entries.select_related("subject").all()
    assert [(d.subject.name, d.via_role) for d in derived] == [("钱多多", "legal_representative")]


def test_preview_measures_are_the_measures_checks_then_apply_in_every_matter(world):
    court, finance = user_of("FY", "initiator"), user_of("CZ", "implementer")
    preview = preview_entry(user=court, data=court_entry())
    create(court, court_entry())
    applied: dict[str, set] = {COMPANY: set(), REP: set()}
    for matter in BusinessMatter.objects.values_list("code", flat=True):
        for code, found in applied.items():
            answer = checks.check(
                actor=Actor.of(finance), department=finance.department, subject_code=code, matter=matter
            )
            found |= {m["code"] for m in answer["measures"] if m["source"]["list_type"] == "black_court_defaulter"}
    assert applied[COMPANY] == {m.code for m in preview.measures}
    assert applied[REP] == {m.code for m in preview.person_measures}
    assert "court_restrict_procurement" in applied[COMPANY] and "serious_restrict_high_consumption" in applied[REP]


def test_preview_refuses_what_create_refuses(world):
    court, market = user_of("FY", "initiator"), user_of("SCJG", "initiator")
    with pytest.raises(Forbidden):
        preview_entry(user=market, data=court_entry())
    with pytest.raises(InvalidInput) as invalid:
        preview_entry(user=court, data=court_entry(subject=COMPANY[:10] + "O" + COMPANY[11:]))
    assert invalid.value.code == "invalid_identifier" and "O" in invalid.value.message
    with pytest.raises(InvalidInput) as long:
        preview_entry(user=court, data=court_entry(ends_on=dt.date(2035, 1, 1)))
    assert long.value.code == "period_too_long"
    create(court, court_entry())
    with pytest.raises(Conflict):
        preview_entry(user=court, data=court_entry())


def test_roster_is_the_departments_own_and_the_credit_office_sees_every_department(world, make_user):
    court, office = user_of("FY", "initiator"), user_of("XYB", "credit_office")
    tax, _ = make_user("initiator", department="SW", department_name="区税务局")
    mine = create(court, court_entry())
    theirs = create(
        tax,
        court_entry(
            list_type="black_major_tax_violation", document_number="柴税稽〔2025〕9号", decided_on=dt.date(2025, 6, 1)
        ),
    )
    everything = selectors.RosterFilter()
    assert [e.pk for e in selectors.roster(court, everything)] == [mine.pk]
    assert [e.pk for e in selectors.roster(office, everything)] == [theirs.pk, mine.pk]  # newest decision first
    assert selectors.roster(court, everything)[0].persons == 1  # the legal representative, on the entry's page
    with pytest.raises(NotFound):
        selectors.visible_entry(court, theirs.pk)
    assert selectors.visible_entry(office, theirs.pk) == theirs

    assert list(selectors.roster(court, selectors.RosterFilter(status="revoked"))) == []
    assert list(selectors.roster(office, selectors.RosterFilter(decided_from=dt.date(2025, 5, 21)))) == [theirs]
    assert list(selectors.roster(office, selectors.RosterFilter(decided_to=dt.date(2025, 5, 21)))) == [mine]
    assert list(selectors.roster(office, selectors.RosterFilter(list_type="black_court_defaulter"))) == [mine]
    assert list(selectors.roster(office, selectors.RosterFilter(subject=COMPANY.lower()))) == [theirs, mine]
    with pytest.raises(InvalidInput):
        selectors.roster(office, selectors.RosterFilter(subject="91360404"))


def test_entry_page_has_the_history_the_departments_told_and_their_feedback(world):
    court, finance = user_of("FY", "initiator"), user_of("CZ", "implementer")
    entry = create(court, court_entry())
    answer = checks.check(
        actor=Actor.of(finance), department=finance.department, subject_code=COMPANY, matter="government_procurement"
    )
    person = checks.check(
        actor=Actor.of(finance), department=finance.department, subject_code=REP, matter="high_consumption"
    )
    give_all(
        actor=Actor.of(finance),
        department=finance.department,
        number=answer["check_id"],
        items=[MeasureFeedback(m["code"], True, "") for m in answer["measures"]],
    )
    give_all(
        actor=Actor.of(finance),
        department=finance.department,
        number=person["check_id"],
        items=[MeasureFeedback(m["code"], False, "本次不涉及高消费") for m in person["measures"]],
    )
    page = selectors.entry_page(court, entry.pk)
    assert [e.action for e in page.events] == ["create", "derive"]
    assert [d.via_role for d in page.derived] == ["legal_representative"]
    finance_row = next(row for row in page.told if row["department"] == "CZ")
    assert (finance_row["pushed"], finance_row["closed"], finance_row["feedback"]) == (1, 1, 2)
    assert [(f.measure, f.applied, f.check_record.number) for f in page.feedback] == [
        ("court_restrict_procurement", True, answer["check_id"]),
        ("serious_restrict_high_consumption", False, person["check_id"]),
    ]

    revoke_entry(actor=Actor.of(court), user=court, entry_id=entry.pk, reason="已履行全部义务")
    page = selectors.entry_page(court, entry.pk)
    assert [e.action for e in page.events] == ["create", "derive", "revoke", "revoke"]


def test_early_exit_follows_the_list_types_rule(world, make_user):
    court, finance = user_of("FY", "initiator"), user_of("CZ", "implementer")
    entry = create(court, court_entry())
    exit_args = {"actor": Actor.of(court), "user": court, "entry_id": entry.pk}
    with pytest.raises(InvalidInput, match="须说明理由"):
        exit_entry(**exit_args, conditions=["obligations_performed"], reason=" ")
    with pytest.raises(InvalidInput, match="履行法定义务"):
        exit_entry(**exit_args, conditions=["training"], reason="已参加培训")
    with pytest.raises(Forbidden):
        exit_entry(actor=Actor.of(finance), user=finance, entry_id=entry.pk, conditions=[], reason="x")
    with pytest.raises(InvalidInput, match="随所属组织"):
        exit_entry(**{**exit_args, "entry_id": entry.derived_entries.get().pk}, conditions=[], reason="x")
    exited = exit_entry(**exit_args, conditions=["obligations_performed"], reason="已全部履行判决")
    assert exited.status == "exited" and entry.derived_entries.get().status == "exited"
    assert exited.end_reason == "提前移出（履行法定义务）：已全部履行判决"
    assert exited.tasks.filter(action="revoke", department__code="CZ").exists()

    office = user_of("XYB", "credit_office")
    watch, _ = make_user("initiator", department="XYB")
    listed = create(watch, court_entry(list_type="watch_key_attention", document_number="柴信用办〔2025〕7号"))
    with pytest.raises(InvalidInput, match="2025-08-20 起方可提前移出"):
        exit_entry(actor=Actor.of(office), user=office, entry_id=listed.pk, conditions=["rectified"], reason="已整改")
    procurement, _ = make_user("initiator", department="CZ")
    banned = create(procurement, court_entry(list_type="black_procurement_serious_violation"))
    with pytest.raises(InvalidInput, match="不适用提前移出"):
        exit_entry(actor=Actor.of(office), user=office, entry_id=banned.pk, conditions=[], reason="x")
