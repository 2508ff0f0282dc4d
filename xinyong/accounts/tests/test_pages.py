"""Sign-in, sign-out and password change in pages (architecture §4b): Chinese, throttled, roles decide
where a user lands."""

import re

import pytest
from django.core.cache import cache

from xinyong.accounts import services
from xinyong.accounts.backends import LOCKED_MESSAGE
from xinyong.accounts.models import User
from xinyong.audit.models import AuditEvent
from xinyong.audit.services import SYSTEM

PASSWORD = "Correct-horse-42"


@pytest.fixture(autouse=True)
def _no_locks():
    cache.clear()
    yield
    cache.clear()


def _user(username: str, roles: list[str], department: str | None = "D001") -> User:
    dept = services.upsert_department(actor=SYSTEM, code=department, name="部门") if department else None
    return services.create_user(actor=SYSTEM, username=username, department=dept, roles=roles, password=PASSWORD)


def _described_by_existing_ids(html: str) -> bool:
    """Every id an aria-describedby names is an element of the page."""
    named = {i for value in re.findall(r'aria-describedby="([^"]*)"', html) for i in value.split()}
    present = set(re.findall(r' id="([^"]+)"', html))
    assert named and named <= present, named - present
    return True


def _sign_in(client, username, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password, **extra})


def test_the_sign_in_form_has_the_contract_fields_with_chinese_labels(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert 'name="username"' in html and 'name="password"' in html and 'type="submit"' in html
    assert '<label for="id_username">用户名' in html and '<label for="id_password">密码' in html


def test_staff_without_the_staff_flag_land_on_the_workbench(client, db):
    user = _user("clerk", ["implementer"])
    assert not user.is_staff
    response = _sign_in(client, "clerk")
    assert response.status_code == 302 and response["Location"] == "/accounts/"
    assert client.get("/accounts/")["Location"] == "/desk/"
    assert client.get("/desk/").status_code == 200


def test_a_safe_next_is_followed_and_another_site_is_not(client, db):
    _user("clerk", ["implementer"])
    assert _sign_in(client, "clerk", next="/desk/?x=1")["Location"] == "/desk/?x=1"
    client.logout()
    assert _sign_in(client, "clerk", next="https://evil.example/")["Location"] == "/accounts/"


def test_a_wrong_password_is_answered_in_chinese(client, db):
    _user("clerk", ["implementer"])
    response = _sign_in(client, "clerk", "wrong")
    html = response.content.decode()
    assert response.status_code == 200 and "用户名或密码不正确" in html
    assert not response.wsgi_request.user.is_authenticated


def test_repeated_failures_show_the_lock_out_even_with_the_right_password(client, db):
    _user("clerk", ["implementer"])
    for _ in range(5):
        html = _sign_in(client, "clerk", "wrong").content.decode()
    assert LOCKED_MESSAGE in html  # the fifth failure locks
    response = _sign_in(client, "clerk")
    assert LOCKED_MESSAGE in response.content.decode() and not response.wsgi_request.user.is_authenticated


def test_a_subject_account_lands_on_my_and_is_told_while_it_is_not_bound_to_a_subject(client, db):
    _user("qiye", ["subject"], department=None)
    _sign_in(client, "qiye")
    assert client.get("/accounts/")["Location"] == "/my/"
    response = client.get("/my/")
    assert response.status_code == 403 and "尚未绑定信用主体" in response.content.decode()
    assert client.get("/desk/").status_code == 403


def test_a_user_without_a_role_is_refused_in_chinese(client, db):
    _user("nobody", [])
    _sign_in(client, "nobody")
    for path in ("/accounts/", "/desk/"):
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == 403 and "无权访问" in html and "Forbidden" not in html


def test_sign_out_is_a_post(client, db):
    _user("clerk", ["implementer"])
    _sign_in(client, "clerk")
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"
    assert client.get("/desk/")["Location"] == "/accounts/login/?next=/desk/"


def test_changing_the_password_uses_djangos_validators_in_chinese_and_is_audited(client, db):
    _user("clerk", ["implementer"])
    _sign_in(client, "clerk")
    short = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": "abc", "new_password2": "abc"}
    ).content.decode()
    assert "密码太短，至少需要 8 个字符" in short and "该密码过于常见" in short
    assert 'aria-invalid="true"' in short and _described_by_existing_ids(short)
    wrong_old = client.post(
        "/accounts/password/", {"old_password": "x", "new_password1": "Tall-lamp-77", "new_password2": "Tall-lamp-77"}
    ).content.decode()
    assert "原密码不正确" in wrong_old
    done = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Tall-lamp-77", "new_password2": "Tall-lamp-77"},
        follow=True,
    )
    assert "密码已修改" in done.content.decode()
    assert User.objects.get(username="clerk").check_password("Tall-lamp-77")
    assert AuditEvent.objects.filter(action="user.password", object_id="clerk", actor="clerk").exists()
    assert client.get("/desk/").status_code == 200  # still signed in


def test_form_errors_never_use_djangos_stock_wording(client, db):
    response = _sign_in(client, "x" * 200, "wrong")
    html = response.content.decode()
    assert "不能超过 150 个字（现有 200 个）" in html and "确保" not in html
    assert 'aria-describedby="id_username_error"' in html and _described_by_existing_ids(html)
