import pytest

from xinyong.accounts.models import User
from xinyong.audit.services import SYSTEM
from xinyong.subjects.services import register_subject
from xinyong.testing.factories import uscc


@pytest.fixture
def company_token(make_user):
    """The API token of a company's own account (role subject)."""
    subject, _ = register_subject(actor=SYSTEM, code=uscc(42), name="九江守信科技有限公司", kind="legal_person")
    user, token = make_user("subject", department="QY")
    User.objects.filter(pk=user.pk).update(subject=subject, department=None)
    return token
