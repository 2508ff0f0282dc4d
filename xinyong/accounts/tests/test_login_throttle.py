from django.core.cache import cache

from xinyong.accounts import services
from xinyong.audit.services import SYSTEM


def test_admin_login_locks_after_repeated_failures(client, db):
    cache.clear()
    services.create_user(
        actor=SYSTEM,
        username="xyb-admin",
        department=None,
        roles=["credit_office"],
        password="Correct-horse-42",
        is_staff=True,
    )
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
    services.create_user(
        actor=SYSTEM,
        username="sj-auditor",
        department=None,
        roles=["auditor"],
        password="Correct-horse-42",
        is_staff=True,
    )
    for _ in range(4):
        client.post("/admin/login/", {"username": "sj-auditor", "password": "wrong"})
    assert client.post("/admin/login/", {"username": "sj-auditor", "password": "Correct-horse-42"}).status_code == 302
    client.logout()
    for _ in range(4):
        client.post("/admin/login/", {"username": "sj-auditor", "password": "wrong"})
    assert client.post("/admin/login/", {"username": "sj-auditor", "password": "Correct-horse-42"}).status_code == 302
    cache.clear()
