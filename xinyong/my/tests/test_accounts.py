"""Subject accounts (issue 20 §1): a company whose legal representative matches the platform's registration
is active at once; otherwise, and for every person, the credit office approves or rejects; the legal
representative adds and removes agents. Through the registration page and the workbench's 账户审核."""

import pytest
from django.test import override_settings

from xinyong.accounts.models import User
from xinyong.audit.models import AuditEvent
from xinyong.audit.services import Actor
from xinyong.my.identity import Verdict
from xinyong.my.models import SubjectAccount
from xinyong.my.services import accounts
from xinyong.subjects.models import Subject
from xinyong.testing.factories import resident_id, uscc
from xinyong.testing.my import COMPANIES, PASSWORD, company_account, staff

pytestmark = pytest.mark.django_db


def _register(client, kind="company", **fields):
    base = {"username": "newco", "password": PASSWORD, "password2": PASSWORD, "email": ""}
    return client.post(f"/my/register/?kind={kind}", {**base, **fields})


def _company(which="a", **overrides):
    code, name, representative, id_number = COMPANIES[which]
    return {"code": code, "name": name, "person_name": representative, "id_number": id_number, **overrides}


def _sign_in(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_a_company_whose_legal_representative_matches_is_active_at_once_and_lands_on_my(client, district):
    response = _register(client, **_company())
    assert response.status_code == 201 and "账号已开通" in response.content.decode()
    account = SubjectAccount.objects.get(user__username="newco")
    assert account.status == "active" and account.subject.uscc == COMPANIES["a"][0]
    assert "1101" not in account.id_masked and account.id_masked.count("*") == 10
    assert _sign_in(client, "newco").status_code == 302
    assert client.get("/accounts/")["Location"] == "/my/"
    assert COMPANIES["a"][1] in client.get("/my/").content.decode()
    event = AuditEvent.objects.get(action="subject_account.register")
    assert COMPANIES["a"][3] not in str(event.after)  # the ID number never reaches the audit trail


def test_a_company_whose_data_does_not_match_waits_and_the_credit_office_approves_it(client, district):
    wrong = _register(client, **_company(person_name="王某"))
    assert wrong.status_code == 201 and "等待信用办审核" in wrong.content.decode()
    account = SubjectAccount.objects.get(user__username="newco")
    assert account.status == "pending" and account.check_note == "法定代表人姓名或身份证号与平台登记不一致"
    assert _sign_in(client, "newco").status_code == 200  # not yet: an inactive user cannot sign in

    staff("xyb", "XYB", "信用办", "credit_office")
    assert _sign_in(client, "xyb").status_code == 302
    page = client.get("/desk/accounts/").content.decode()
    assert "账户审核" in page and COMPANIES["a"][1] in page and "法定代表人姓名或身份证号与平台登记不一致" in page
    assert client.post(f"/desk/accounts/{account.pk}/approve").status_code == 302
    account.refresh_from_db()
    assert account.status == "active" and account.decided_by == "xyb"
    assert User.objects.get(username="newco").subject.uscc == COMPANIES["a"][0]
    client.logout()
    assert _sign_in(client, "newco").status_code == 302


def test_the_credit_office_rejects_with_a_reason_and_only_the_credit_office_may(client, district):
    _register(client, **_company(code=uscc(899), name="平台未登记的公司"))
    account = SubjectAccount.objects.get(user__username="newco")
    assert account.check_note == "平台尚未登记该统一社会信用代码的主体"
    staff("scjg", "SCJG", "市场监管局", "provider", "initiator")
    _sign_in(client, "scjg")
    assert client.get("/desk/accounts/").status_code == 403
    assert client.post(f"/desk/accounts/{account.pk}/approve").status_code == 403
    client.logout()
    staff("xyb", "XYB", "信用办", "credit_office")
    _sign_in(client, "xyb")
    client.post(f"/desk/accounts/{account.pk}/reject", {"reason": ""})
    assert SubjectAccount.objects.get(pk=account.pk).status == "pending"
    client.post(f"/desk/accounts/{account.pk}/reject", {"reason": "营业执照与申请信息不符"})
    account.refresh_from_db()
    assert account.status == "rejected" and account.decision_reason == "营业执照与申请信息不符"
    assert not User.objects.get(username="newco").is_active


def test_approving_an_unknown_company_registers_it_on_the_platform(client, district):
    _register(client, **_company(code=uscc(898), name="九江新设立有限公司"))
    account = SubjectAccount.objects.get(user__username="newco")
    staff("xyb", "XYB", "信用办", "credit_office")
    _sign_in(client, "xyb")
    client.post(f"/desk/accounts/{account.pk}/approve")
    assert Subject.objects.get(uscc=uscc(898)).name == "九江新设立有限公司"


def test_a_person_registers_with_name_and_id_number_and_waits_for_approval(client, district):
    response = _register(client, kind="person", person_name="赵个人", id_number=resident_id(55, "19900101"))
    assert response.status_code == 201
    account = SubjectAccount.objects.get(user__username="newco")
    assert account.status == "pending" and account.kind == "person" and account.claimed_code == ""
    staff("xyb", "XYB", "信用办", "credit_office")
    _sign_in(client, "xyb")
    client.post(f"/desk/accounts/{account.pk}/approve")
    subject = User.objects.get(username="newco").subject
    assert subject.is_person and subject.name == "赵个人" and subject.id_masked == account.id_masked


def test_form_errors_are_chinese_and_beside_their_fields(client, district):
    html = _register(client, **_company(id_number="360404197001010000"), password2="other").content.decode()
    assert "两次输入的密码不一致" in html
    weak = _register(client, **_company(), password="12345678", password2="12345678")
    assert weak.status_code == 422 and 'id="id_password_error"' in weak.content.decode()
    bad_id = _register(client, **_company(id_number="360404197001010001"))
    assert "身份证号有误" in bad_id.content.decode() and 'id="id_id_number_error"' in bad_id.content.decode()
    assert not User.objects.filter(username="newco").exists()


def test_a_second_representative_account_of_an_open_company_is_refused(client, district):
    company_account("a")
    response = _register(client, **_company())
    assert response.status_code == 422 and "请由法定代表人登录后添加经办人" in response.content.decode()


def test_the_identity_check_is_one_pluggable_step(client, district, settings):
    settings.XINYONG_IDENTITY_CHECK = "xinyong.my.tests.test_accounts.everyone_verified"
    _register(client, kind="person", person_name="钱个人", id_number=resident_id(56, "19900101"))
    assert SubjectAccount.objects.get(user__username="newco").status == "pending"  # no subject to bind: waits


def everyone_verified(claim):
    return Verdict(True, Subject.objects.filter(name=claim.name).first(), "实名认证服务已核验")


@override_settings(XINYONG_IDENTITY_CHECK="xinyong.my.tests.test_accounts.everyone_verified")
def test_a_real_name_service_can_confirm_a_registration(client, district):
    _register(client, **_company("b", person_name="不一致也通过"))
    account = SubjectAccount.objects.get(user__username="newco")
    assert account.status == "active" and account.check_note == "实名认证服务已核验"


def test_the_legal_representative_adds_an_agent_and_removes_it(client, district):
    company_account("a", "rep-a")
    _sign_in(client, "rep-a")
    agent = {
        "person_name": "孙经办",
        "id_number": resident_id(57, "19950505"),
        "username": "agent-a",
        "password": PASSWORD,
        "password2": PASSWORD,
    }
    assert client.post("/my/accounts/", agent).status_code == 302
    account = SubjectAccount.objects.get(user__username="agent-a")
    assert account.kind == "agent" and account.subject.uscc == COMPANIES["a"][0]
    other = _sign_in(client.__class__(), "agent-a")
    assert other.status_code == 302
    client.post(f"/my/accounts/{account.pk}/remove")
    assert SubjectAccount.objects.get(pk=account.pk).status == "removed"
    assert not User.objects.get(username="agent-a").is_active


def test_an_agent_may_not_manage_users(client, district):
    rep = company_account("a", "rep-a")
    accounts.add_agent(
        actor=Actor.of(rep.user),
        user=rep.user,
        username="agent-a",
        password=PASSWORD,
        person_name="孙经办",
        id_number=resident_id(57, "19950505"),
    )
    second = accounts.add_agent(
        actor=Actor.of(rep.user),
        user=rep.user,
        username="agent-b",
        password=PASSWORD,
        person_name="周经办",
        id_number=resident_id(58, "19950505"),
    )
    _sign_in(client, "agent-a")
    assert 'id="add-title"' not in client.get("/my/accounts/").content.decode()
    assert client.post(f"/my/accounts/{second.pk}/remove").status_code == 403
    assert SubjectAccount.objects.get(pk=second.pk).status == "active"
