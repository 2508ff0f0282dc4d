import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from xinyong.accounts import services
from xinyong.accounts.models import ApiToken, User
from xinyong.audit.models import AuditEvent
from xinyong.audit.services import SYSTEM
from xinyong.core import clock


@pytest.fixture
def provider(make_user):
    return make_user("provider", department="SCJG")


def _subject_post(api, token):
    return api.post(
        "/subjects",
        {"code": "914403001922038216", "name": "华为技术有限公司", "kind": "legal_person"},
        token=token,
    )


def test_token_is_stored_only_as_digest(provider):
    user, plaintext = provider
    token = ApiToken.objects.get(user=user)
    assert plaintext.startswith(f"xy_{token.prefix}_")
    assert plaintext not in token.digest
    assert not ApiToken.objects.filter(digest=plaintext).exists()


def test_valid_token_reaches_endpoint_and_records_last_use(api, provider):
    user, token = provider
    assert _subject_post(api, token).status_code == 201
    assert ApiToken.objects.get(user=user).last_used_at is not None


def test_revoked_token_is_refused(api, provider):
    user, token = provider
    services.revoke_token(actor=SYSTEM, prefix=ApiToken.objects.get(user=user).prefix)
    response = _subject_post(api, token)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_expired_token_is_refused(api, provider):
    _, token = provider
    with clock.frozen_at(clock.now() + dt.timedelta(days=366)):
        assert _subject_post(api, token).status_code == 401


def test_tampered_token_is_refused(api, provider):
    _, token = provider
    assert _subject_post(api, token[:-2] + ("AA" if not token.endswith("AA") else "BB")).status_code == 401


def test_inactive_user_token_is_refused(api, provider):
    user, token = provider
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert _subject_post(api, token).status_code == 401


def test_cli_creates_department_user_and_a_working_token(api, db):
    out = io.StringIO()
    call_command(
        "user",
        "create",
        "zhang",
        "--department",
        "SW",
        "--department-name",
        "区税务局",
        "--role",
        "provider",
        "--role",
        "initiator",
        stdout=out,
    )
    assert "已创建用户 zhang" in out.getvalue()
    user = User.objects.get(username="zhang")
    assert user.department.name == "区税务局"
    assert user.role_codes() == {"provider", "initiator"}

    out, err = io.StringIO(), io.StringIO()
    call_command("token", "create", "zhang", stdout=out, stderr=err)
    token = out.getvalue().strip()
    assert "只显示这一次" in err.getvalue()
    assert _subject_post(api, token).status_code == 201
    assert AuditEvent.objects.filter(action="token.create", actor="cli").exists()


def test_cli_refuses_unknown_role_and_missing_department(db):
    with pytest.raises(CommandError, match="角色不存在：mayor"):
        call_command("user", "create", "li", "--department", "SW", "--department-name", "税务局", "--role", "mayor")
    with pytest.raises(CommandError, match="--department-name"):
        call_command("user", "create", "li", "--department", "NOPE", "--role", "provider")
    with pytest.raises(CommandError, match="不存在"):
        call_command("token", "create", "nobody")
    assert not User.objects.filter(username="li").exists()


def test_cli_revokes_token(api, provider):
    user, token = provider
    call_command("token", "revoke", ApiToken.objects.get(user=user).prefix, stdout=io.StringIO())
    assert _subject_post(api, token).status_code == 401


def test_department_hierarchy_and_bad_level(db):
    parent = services.upsert_department(actor=SYSTEM, code="CITY", name="九江市信用办", level="city")
    child = services.upsert_department(actor=SYSTEM, code="XYB", name="柴桑区信用办", parent_code="CITY")
    assert child.parent == parent
    with pytest.raises(Exception, match="部门层级"):
        services.upsert_department(actor=SYSTEM, code="X", name="x", level="galaxy")
    with pytest.raises(Exception, match="不存在"):
        services.upsert_department(actor=SYSTEM, code="Y", name="y", parent_code="NOPE")


def test_renaming_a_department_keeps_its_superior_and_unified_code(db):
    services.upsert_department(actor=SYSTEM, code="CITY", name="九江市信用办", level="city")
    services.upsert_department(
        actor=SYSTEM, code="SJ", name="审计局", parent_code="CITY", unified_code="11360400MB0000001X"
    )
    renamed = services.upsert_department(actor=SYSTEM, code="SJ", name="柴桑区审计局")
    assert (renamed.name, renamed.parent.code, renamed.unified_code) == ("柴桑区审计局", "CITY", "11360400MB0000001X")
    assert renamed.level == "district"
    detached = services.upsert_department(actor=SYSTEM, code="SJ", name="柴桑区审计局", parent_code="")
    assert detached.parent is None and detached.unified_code == "11360400MB0000001X"


def test_a_token_known_to_this_process_costs_no_query(provider, django_assert_num_queries):
    user, token = provider
    assert services.user_for_token(token) == user
    with django_assert_num_queries(0):
        known = services.user_for_token(token)
        assert known.has_role("provider") and known.department.code == "SCJG"


def test_revocation_and_role_changes_reach_this_process_at_once(api, provider):
    user, token = provider
    assert _subject_post(api, token).status_code == 201
    user.roles.clear()
    assert _subject_post(api, token).status_code == 403
    services.revoke_token(actor=SYSTEM, prefix=ApiToken.objects.get(user=user).prefix)
    assert _subject_post(api, token).status_code == 401


def test_a_change_made_by_another_process_counts_within_the_cache_time(api, provider, settings, monkeypatch):
    user, token = provider
    # The cache's clock stands still from the first request on, so a loaded machine cannot eat the 0.1 s.
    now = services.time.monotonic()
    monkeypatch.setattr(services.time, "monotonic", lambda: now)
    assert _subject_post(api, token).status_code == 201
    User.objects.filter(pk=user.pk).update(is_active=False)  # no signal here: as if done elsewhere
    monkeypatch.setattr(services.time, "monotonic", lambda: now + settings.XINYONG_TOKEN_CACHE_SECONDS - 0.1)
    assert _subject_post(api, token).status_code == 200  # still trusted (the subject exists now: 200)
    monkeypatch.setattr(services.time, "monotonic", lambda: now + settings.XINYONG_TOKEN_CACHE_SECONDS + 0.1)
    assert _subject_post(api, token).status_code == 401


def test_an_expired_token_is_refused_even_while_cached(api, provider):
    _, token = provider
    assert _subject_post(api, token).status_code == 201
    with clock.frozen_at(clock.now() + dt.timedelta(days=366)):
        assert _subject_post(api, token).status_code == 401
