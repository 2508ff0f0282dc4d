import pytest
from django.core.cache import cache

from xinyong.accounts import services
from xinyong.audit.services import SYSTEM


def test_admin_login_locks_after_repeated_failures(client, db):
    cache.clear()
    _admin("xyb-admin")
    for _ in range(5):
        response = client.post("/admin/login/", {"username": "xyb-admin", "password": "wrong"})
        assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated
    locked = client.post("/admin/login/", {"username": "xyb-admin", "password": "Correct-horse-42"})
    assert not locked.wsgi_request.user.is_authenticated
    cache.clear()  # the lock has expired
    unlocked = client.post("/admin/login/", {"username": "xyb-admin", "password": "Correct-horse-42"})
    assert unlocked.status_code == 302
    cache.clear()


def test_success_resets_the_count(client, db):
    cache.clear()
    _admin("sj-auditor")
    for _ in range(4):
        client.post("/admin/login/", {"username": "sj-auditor", "password": "wrong"})
    assert client.post("/admin/login/", {"username": "sj-auditor", "password": "Correct-horse-42"}).status_code == 302
    client.logout()
    for _ in range(4):
        client.post("/admin/login/", {"username": "sj-auditor", "password": "wrong"})
    assert client.post("/admin/login/", {"username": "sj-auditor", "password": "Correct-horse-42"}).status_code == 302
    cache.clear()


def _admin(username: str) -> None:
    services.create_user(
        actor=SYSTEM,
        username=username,
        department=None,
        roles=["credit_office"],
        password="Correct-horse-42",
        is_staff=True,
    )


def _login(client, username: str, password: str, address: str) -> bool:
    client.logout()
    response = client.post("/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=address)
    return response.wsgi_request.user.is_authenticated


def test_wrong_passwords_from_elsewhere_do_not_lock_the_administrator_out(client, db):
    cache.clear()
    _admin("xyb-chief")
    for _ in range(5):
        assert not _login(client, "xyb-chief", "wrong", "203.0.113.9")
    assert not _login(client, "xyb-chief", "Correct-horse-42", "203.0.113.9")  # that address is locked
    assert _login(client, "xyb-chief", "Correct-horse-42", "10.1.2.3")  # the administrator's own is not
    cache.clear()


def test_one_address_trying_many_names_is_locked(client, db):
    cache.clear()
    _admin("xyb-deputy")
    for n in range(20):
        assert not _login(client, f"guess{n}", "wrong", "198.51.100.7")
    assert not _login(client, "xyb-deputy", "Correct-horse-42", "198.51.100.7")
    assert _login(client, "xyb-deputy", "Correct-horse-42", "10.1.2.3")
    cache.clear()


@pytest.mark.slow  # over a second on an idle machine: out of the fast subset
def test_one_name_guessed_from_many_addresses_is_locked(client, db):
    cache.clear()
    _admin("xyb-clerk")
    for n in range(50):
        assert not _login(client, "xyb-clerk", "wrong", f"192.0.2.{n}")
    assert not _login(client, "xyb-clerk", "Correct-horse-42", "10.1.2.3")
    cache.clear()
