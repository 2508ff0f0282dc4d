"""接口令牌 in pages: a department's administrator manages its own department's tokens, the credit office
everyone's; a token is shown once and works on the API; every issue and revocation is audited."""

import re

from xinyong.accounts.models import ApiToken
from xinyong.audit.models import AuditEvent


def _issue(client, holder, name="审批系统", days=30):
    return client.post("/desk/tokens/", {"holder": holder.pk, "name": name, "days": days})


def test_an_administrator_issues_a_token_shown_once_that_the_api_accepts(staff, make_user, api, frozen):
    system, _ = make_user("implementer", department="SCJG")
    client, admin = staff("department_admin", department="SCJG")
    response = _issue(client, system)
    html = response.content.decode()
    assert response.status_code == 200 and "令牌已签发" in html and "no-store" in response["Cache-Control"]
    plaintext = re.search(r'id="new-token">(xy_[^<]+)<', html)[1]
    assert api.get("/tasks", token=plaintext).status_code == 200  # the holder's roles, on the API
    assert plaintext not in client.get("/desk/tokens/").content.decode()  # never again
    token = ApiToken.objects.get(name="审批系统")
    assert token.user == system and (token.expires_at - token.created_at).days == 30
    event = AuditEvent.objects.get(action="token.create", object_id=token.prefix)
    assert (event.actor, event.channel) == (admin.username, "desk")


def test_an_administrator_neither_sees_nor_revokes_another_departments_tokens(staff, make_user, frozen):
    theirs, _ = make_user("implementer", department="SWJ")  # make_user gives it a token
    client, _ = staff("department_admin", department="SCJG")
    token = ApiToken.objects.get(user=theirs)
    assert token.prefix not in client.get("/desk/tokens/").content.decode()
    response = client.post(f"/desk/tokens/{token.prefix}/revoke")
    assert response.status_code == 404
    assert _issue(client, theirs).status_code == 200  # refused by the form: not in its list
    assert not ApiToken.objects.filter(name="审批系统").exists()
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_credit_office_revokes_any_departments_token(staff, make_user, api, frozen):
    holder, plaintext = make_user("implementer", department="SWJ")
    client, office = staff("credit_office", department="XYB")
    token = ApiToken.objects.get(user=holder)
    assert f'id="token-{token.prefix}"' in client.get("/desk/tokens/").content.decode()
    done = client.post(f"/desk/tokens/{token.prefix}/revoke", follow=True).content.decode()
    assert "已吊销" in done
    assert api.get("/tasks", token=plaintext).status_code == 401
    assert AuditEvent.objects.get(action="token.revoke", object_id=token.prefix).actor == office.username


def test_days_out_of_range_are_refused_in_chinese(staff, make_user, frozen):
    system, _ = make_user("implementer", department="SCJG")
    client, _ = staff("department_admin", department="SCJG")
    html = _issue(client, system, days=0).content.decode()
    assert "不能小于 1" in html and "令牌已签发" not in html


def test_other_roles_have_no_token_page(staff, frozen):
    client, _ = staff("implementer", "initiator", department="SCJG")
    assert client.get("/desk/tokens/").status_code == 403
    assert "接口令牌" not in client.get("/desk/").content.decode()
