import io

from django.core.management import call_command
from django.test import override_settings

from xinyong.audit.services import SYSTEM
from xinyong.core import crypto
from xinyong.subjects.models import Subject
from xinyong.subjects.services import register_subject

OLD, NEW = "old-field-key-for-test", "new-field-key-for-test"
PERSON = "11010519491231002X"


def _reset_cipher():
    crypto._cipher.cache_clear()


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
