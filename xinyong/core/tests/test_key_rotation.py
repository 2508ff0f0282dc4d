import hmac
import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from xinyong.audit.services import SYSTEM
from xinyong.core import crypto
from xinyong.subjects.models import Subject
from xinyong.subjects.services import register_subject

OLD, NEW = "old-field-key-for-test", "new-field-key-for-test"
PERSON = "11010519491231002X"


# Written by the code before HKDF (commit 7922d1e) for PERSON under field key OLD; the lookup hashes of
# PERSON under the secret key LEGACY_SECRET and under the lookup key "lookup-key-for-test".
LEGACY_SECRET = "old-secret-for-test"
S1_TOKEN = "s1:XE0DWuRr5QfDiWWshNzeUS7TupT0xQ2XQHuMl6o3Rsx9SK96uozYc5FZZmjaKw=="
FERNET_TOKEN = (
    "gAAAAABrESSgT7eyb7iBA1P_lMTeaCjJBUS5HJcUGHjjflWE4JICaYLhm9MNcIVnl4hin6hv"
    "PpPKFNZEkX3xkGpaVUdaiIWdHw5VcW-k3byFhmtpMgw75rU="
)
LOOKUP_UNDER_SECRET = "f91314a70d707d273897fd9b2e16ba4eceaca6bc23e66f11f6d7f65d59709958"
LOOKUP_UNDER_KEY = "201a0409230c87836d5248e4832d1dab90b6971fdd4f075dc389d69208bb218d"


def _reset_cipher():
    crypto.forget_keys()


def test_rotation_reencrypts_under_the_new_key(db):
    with override_settings(XINYONG_FIELD_KEYS=[OLD]):
        _reset_cipher()
        register_subject(actor=SYSTEM, code=PERSON, name="赵明", kind="natural_person")
    with override_settings(XINYONG_FIELD_KEYS=[NEW, OLD]):
        _reset_cipher()
        out = io.StringIO()
        call_command("rotate-keys", stdout=out)
        assert "subjects.Subject.id_encrypted：已重新加密 1 条" in out.getvalue()
    with override_settings(XINYONG_FIELD_KEYS=[NEW]):
        _reset_cipher()
        assert crypto.decrypt(Subject.objects.get().id_encrypted) == PERSON
    _reset_cipher()


def test_tokens_are_aes_gcm_siv_with_a_fresh_nonce_each():
    _reset_cipher()
    first, second = crypto.encrypt(PERSON), crypto.encrypt(PERSON)
    assert first.startswith("s2:") and second.startswith("s2:")
    assert first != second
    assert PERSON not in first
    assert crypto.decrypt(first) == crypto.decrypt(second) == PERSON


def test_fernet_tokens_written_before_still_decrypt_and_rotate():
    with override_settings(XINYONG_FIELD_KEYS=[OLD]):
        _reset_cipher()
        legacy = crypto._cipher().encrypt(PERSON.encode()).decode()
        assert legacy.startswith("gAAAA")
        assert crypto.decrypt(legacy) == PERSON
    with override_settings(XINYONG_FIELD_KEYS=[NEW, OLD]):
        _reset_cipher()
        rotated = crypto.reencrypt(legacy)
    with override_settings(XINYONG_FIELD_KEYS=[NEW]):
        _reset_cipher()
        assert rotated.startswith("s2:")
        assert crypto.decrypt(rotated) == PERSON
    _reset_cipher()


def test_a_token_no_key_opens_is_refused():
    with override_settings(XINYONG_FIELD_KEYS=[OLD]):
        _reset_cipher()
        token = crypto.encrypt(PERSON)
    with override_settings(XINYONG_FIELD_KEYS=[NEW]):
        _reset_cipher()
        with pytest.raises(crypto.InvalidToken):
            crypto.decrypt(token)
        with pytest.raises(crypto.InvalidToken):
            crypto.decrypt("s2:!!not-base64!!")
    _reset_cipher()


def test_ciphertexts_written_before_hkdf_still_decrypt():
    with override_settings(XINYONG_FIELD_KEYS=[OLD]):
        _reset_cipher()
        assert crypto.decrypt(S1_TOKEN) == PERSON
        assert crypto.decrypt(FERNET_TOKEN) == PERSON
    with override_settings(XINYONG_FIELD_KEYS=[NEW, OLD]):
        _reset_cipher()
        assert crypto.decrypt(S1_TOKEN) == PERSON  # under the second key too
        rotated = crypto.reencrypt(S1_TOKEN)
    with override_settings(XINYONG_FIELD_KEYS=[NEW]):
        _reset_cipher()
        assert rotated.startswith("s2:") and crypto.decrypt(rotated) == PERSON
        with pytest.raises(crypto.InvalidToken):
            crypto.decrypt(S1_TOKEN)  # the old key is gone
    _reset_cipher()


def test_lookup_hashes_stay_what_they_were():
    # Stored identities (subject keys, report query codes) are found by these hashes: they never change.
    with override_settings(SECRET_KEY=LEGACY_SECRET, XINYONG_LOOKUP_KEY=""):
        _reset_cipher()
        assert crypto.lookup_hash(PERSON) == LOOKUP_UNDER_SECRET
    with override_settings(XINYONG_LOOKUP_KEY="lookup-key-for-test"):
        _reset_cipher()
        assert crypto.lookup_hash(PERSON) == LOOKUP_UNDER_KEY
    _reset_cipher()


def test_personal_data_survives_a_secret_key_rotation_with_the_old_key_as_fallback():
    with override_settings(SECRET_KEY=LEGACY_SECRET, XINYONG_FIELD_KEYS=[]):
        _reset_cipher()
        token = crypto.encrypt(PERSON)
    with override_settings(SECRET_KEY="a-new-secret", SECRET_KEY_FALLBACKS=[LEGACY_SECRET], XINYONG_FIELD_KEYS=[]):
        _reset_cipher()
        assert crypto.decrypt(token) == PERSON
    _reset_cipher()


def _hkdf_sha256(material: bytes, info: bytes) -> bytes:
    """RFC 5869 written out: extract with the all-zero salt, expand to one block."""
    prk = hmac.digest(bytes(32), material, "sha256")
    return hmac.digest(prk, info + b"\x01", "sha256")


def test_keys_are_hkdf_sha256_with_one_label_per_purpose():
    assert len(set(crypto.LABELS)) == len(crypto.LABELS) >= 2
    keys = {crypto.derive(OLD, label) for label in crypto.LABELS}
    assert len(keys) == len(crypto.LABELS)  # one material, a different key for each purpose
    for label in crypto.LABELS:
        assert crypto.derive(OLD, label) == _hkdf_sha256(OLD.encode(), label.encode())
    assert crypto.derive(OLD, crypto.FIELD_ENCRYPTION) != crypto.derive(NEW, crypto.FIELD_ENCRYPTION)
