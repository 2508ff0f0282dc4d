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
    assert first.startswith("s1:") and second.startswith("s1:")
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
        assert rotated.startswith("s1:")
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
            crypto.decrypt("s1:!!not-base64!!")
    _reset_cipher()
