"""Stored check answers stay provable across key rotations (R12: the platform can prove later what it
answered; docs/design/keys.md): a signature names its key, and is verified under that key for as long as
the key is configured — the secret key can be rotated without turning genuine answers into forged ones."""

import hmac

import pytest
from django.test import override_settings

from xinyong.checks.models import Check, CheckBatch
from xinyong.checks.signing import payload  # the canonical JSON a check's signature covers
from xinyong.core import clock, crypto
from xinyong.testing.checks import COMPANY, TODAY, check, enter

OLD_SECRET, NEW_SECRET = "secret-before-rotation", "secret-after-rotation"
SIGNING, NEXT_SIGNING = "check-signing-key-1", "check-signing-key-2"


@pytest.fixture(autouse=True)
def keys():
    """override_settings does not reach the derived keys crypto keeps: read them again around each change."""
    with clock.frozen_at(TODAY):
        crypto.forget_keys()
        yield
    crypto.forget_keys()


def _keys(**changed):
    crypto.forget_keys()
    return override_settings(**{"SECRET_KEY_FALLBACKS": [], "XINYONG_CHECK_SIGNING_KEYS": [], **changed})


def _genuine(api, world, number: str) -> bool:
    crypto.forget_keys()
    response = api.get(f"/checks/{number}", token=world["finance"])
    assert response.status_code == 200, response.content
    return response.json()["genuine"]


def _batch(api, world) -> str:
    """A batch of two codes; the number of its first answer."""
    response = api.post(
        "/checks/batch", {"matter": "government_procurement", "subjects": [COMPANY, COMPANY]}, token=world["finance"]
    )
    assert response.status_code == 200, response.content
    return response.json()["results"][0]["check_id"]


def _kid(material: str) -> str:
    return crypto.key_id(crypto.derive(material, crypto.CHECK_SIGNATURE))


def test_with_a_signing_key_a_secret_key_rotation_leaves_signatures_genuine(api, world):
    enter(api, world["court"])
    with _keys(SECRET_KEY=OLD_SECRET, XINYONG_CHECK_SIGNING_KEYS=[SIGNING]):
        single = check(api, world["finance"]).json()["check_id"]
        in_batch = _batch(api, world)
    # The secret key is replaced and the old one is gone (no fallback): the signatures did not use it.
    with _keys(SECRET_KEY=NEW_SECRET, XINYONG_CHECK_SIGNING_KEYS=[SIGNING]):
        assert _genuine(api, world, single) is True
        assert _genuine(api, world, in_batch) is True


def test_a_signature_names_its_key_and_a_new_signing_key_keeps_the_old_ones_genuine(api, world):
    with _keys(XINYONG_CHECK_SIGNING_KEYS=[SIGNING]):
        before = check(api, world["finance"]).json()["check_id"]
    assert Check.objects.get(number=before).digest.startswith(_kid(SIGNING) + ":")
    with _keys(XINYONG_CHECK_SIGNING_KEYS=[NEXT_SIGNING, SIGNING]):
        after = check(api, world["finance"]).json()["check_id"]
        assert Check.objects.get(number=after).digest.startswith(_kid(NEXT_SIGNING) + ":")
        assert _genuine(api, world, before) is True and _genuine(api, world, after) is True
    with _keys(XINYONG_CHECK_SIGNING_KEYS=[NEXT_SIGNING]):
        assert _genuine(api, world, before) is False  # its key is no longer configured: nothing vouches for it
        assert _genuine(api, world, after) is True


def test_without_a_signing_key_the_old_secret_as_fallback_keeps_signatures_genuine(api, world):
    with _keys(SECRET_KEY=OLD_SECRET):
        number = check(api, world["finance"]).json()["check_id"]
        in_batch = _batch(api, world)
    with _keys(SECRET_KEY=NEW_SECRET, SECRET_KEY_FALLBACKS=[OLD_SECRET]):
        assert _genuine(api, world, number) is True and _genuine(api, world, in_batch) is True
    # Setting a dedicated signing key later: what the secret key signed still verifies under it.
    with _keys(SECRET_KEY=OLD_SECRET, XINYONG_CHECK_SIGNING_KEYS=[SIGNING]):
        assert _genuine(api, world, number) is True
    with _keys(SECRET_KEY=NEW_SECRET):
        assert _genuine(api, world, number) is False


def test_a_tampered_answer_or_batch_is_not_genuine_after_a_rotation(api, world):
    enter(api, world["court"])
    with _keys(SECRET_KEY=OLD_SECRET, XINYONG_CHECK_SIGNING_KEYS=[SIGNING]):
        answer = check(api, world["finance"]).json()
        in_batch = _batch(api, world)
    Check.objects.filter(number=answer["check_id"]).update(answer={**answer, "result": "clear"})
    with _keys(SECRET_KEY=NEW_SECRET, XINYONG_CHECK_SIGNING_KEYS=[SIGNING]):
        # The batch's signature replaced by one under the right key, over another document.
        CheckBatch.objects.update(digest=crypto.sign_check(b"another document"))
        assert _genuine(api, world, answer["check_id"]) is False
        assert _genuine(api, world, in_batch) is False
    Check.objects.filter(number=answer["check_id"]).update(answer=answer, digest=f"{_kid(SIGNING)}:签名被改")
    with _keys(SECRET_KEY=NEW_SECRET, XINYONG_CHECK_SIGNING_KEYS=[SIGNING]):
        assert _genuine(api, world, answer["check_id"]) is False  # refused, not an error


def test_a_signature_made_before_key_ids_verifies_under_the_raw_secret_key(api, world):
    with _keys(SECRET_KEY=OLD_SECRET):
        number = check(api, world["finance"]).json()["check_id"]
    stored = Check.objects.get(number=number)
    # The form written before HKDF: 64 hex digits, HMAC-SHA256 under the secret key as it is.
    legacy = hmac.digest(OLD_SECRET.encode(), payload(stored.answer).encode(), "sha256").hex()
    Check.objects.filter(pk=stored.pk).update(digest=legacy)
    with _keys(SECRET_KEY=NEW_SECRET, SECRET_KEY_FALLBACKS=[OLD_SECRET], XINYONG_CHECK_SIGNING_KEYS=[SIGNING]):
        assert _genuine(api, world, number) is True
    with _keys(SECRET_KEY=NEW_SECRET, XINYONG_CHECK_SIGNING_KEYS=[SIGNING]):
        assert _genuine(api, world, number) is False
