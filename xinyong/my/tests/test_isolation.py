"""One subject's users cannot see or touch another subject's data by changing an id in a URL or a form
(issue 20; least privilege, R29): every 我的信用 page reads through the signed-in user's own subject."""

import datetime as dt

import pytest

from xinyong.audit.services import Actor
from xinyong.my.models import SubjectAccount
from xinyong.my.services import accounts
from xinyong.rights.models import Objection, Repair
from xinyong.supervision.services import associations
from xinyong.testing.factories import resident_id
from xinyong.testing.my import COMPANIES, PASSWORD, TODAY, company_account, court_entry, penalty_for, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(district, client):
    market = staff("scjg", "SCJG", "柴桑区市场监督管理局", "provider", "initiator")
    court = staff("fy", "FY", "柴桑区人民法院", "provider", "initiator")
    staff("bank", "JJBANK", "九江银行柴桑支行", "financial_institution")
    a, b = company_account("a"), company_account("b")
    record, entry = penalty_for("a", market), court_entry("a", court)
    agent = accounts.add_agent(
        actor=Actor.of(a.user),
        user=a.user,
        username="agent-a",
        password=PASSWORD,
        person_name="孙经办",
        id_number=resident_id(61, "19950505"),
    )
    granted = associations.grant(
        actor=Actor.of(a.user),
        user=a.user,
        grantee_code="JJBANK",
        purpose="贷前调查",
        valid_to=TODAY + dt.timedelta(days=30),
    )
    client.post("/accounts/login/", {"username": b.user.username, "password": PASSWORD})
    return {"record": record, "entry": entry, "agent": agent, "granted": granted, "client": client}


def test_the_other_company_s_record_is_not_on_any_of_its_pages(two):
    client = two["client"]
    for path in ("/my/", "/my/objections/", "/my/repairs/", "/my/queries/", "/my/authorisations/", "/my/accounts/"):
        html = client.get(path).content.decode()
        assert two["record"].decision_number not in html and two["entry"].document_number not in html, path
        assert COMPANIES["a"][1] not in html and "孙经办" not in html, path


def test_an_objection_or_repair_to_the_other_company_s_id_is_refused_and_files_nothing(two):
    client, record, entry = two["client"], two["record"], two["entry"]
    shown = client.get(f"/my/objections/?target=record:{record.pk}").content.decode()
    assert f"record:{record.pk}" not in shown
    for target in (f"record:{record.pk}", f"entry:{entry.pk}"):
        posted = client.post("/my/objections/", {"target": target, "reason": "换个编号试试"})
        assert posted.status_code == 422, target
        assert client.get(f"/my/repairs/?target={target}").status_code == 404
        repair = {"target": target, "commitment": "承诺", "met_obligations_performed": "on"}
        assert client.post("/my/repairs/", repair).status_code == 404
    assert not Objection.objects.exists() and not Repair.objects.exists()


def test_the_other_company_s_authorisation_and_agent_cannot_be_withdrawn_or_removed(two):
    client = two["client"]
    assert client.post(f"/my/authorisations/{two['granted'].pk}/withdraw").status_code == 404
    two["granted"].refresh_from_db()
    assert two["granted"].revoked_at is None
    # b's own legal representative, but a's agent: not found, exactly as a missing one.
    assert client.post(f"/my/accounts/{two['agent'].pk}/remove").status_code == 404
    assert SubjectAccount.objects.get(pk=two["agent"].pk).status == "active"


def test_staff_and_unbound_accounts_are_refused_my_pages_in_chinese(two, client):
    client.logout()
    assert client.get("/my/")["Location"].startswith("/accounts/login/?next=/my/")
    client.post("/accounts/login/", {"username": "scjg", "password": PASSWORD})
    refused = client.get("/my/objections/")
    assert refused.status_code == 403 and "不是信用主体账号" in refused.content.decode()
    assert client.get("/my/no-such-page/").status_code == 404
