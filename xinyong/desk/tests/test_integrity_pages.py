"""廉信档案 in pages (R31 `004 二(一)`, R16 `002 §14`): the personnel and discipline departments read a
public official's integrity file and the notices addressed to them; every read is audited with whose file
it was, and every attempt by another role is refused and audited, as the API does."""

import pytest

from xinyong.accounts.models import Department
from xinyong.audit.models import AuditEvent
from xinyong.audit.services import SYSTEM
from xinyong.core import clock
from xinyong.integrity import services
from xinyong.notices.models import Task
from xinyong.subjects.services import register_subject
from xinyong.testing.factories import resident_id

OFFICIAL = resident_id(801, "19750101")


@pytest.fixture
def official(db, frozen):
    person, _ = register_subject(actor=SYSTEM, code=OFFICIAL, name="周正", kind="natural_person")
    employer = Department.objects.create(code="CZ", name="柴桑区财政局")
    services.add_official_record(
        actor=SYSTEM,
        department=employer,
        person_code=OFFICIAL,
        employer_code="CZ",
        kind="discipline",
        content="2024年受到党内警告处分",
        decided_on=clock.today(),
    )
    return person


@pytest.mark.parametrize("role", ["discipline", "personnel"])
def test_personnel_and_discipline_read_a_file_and_the_read_is_audited(staff, official, role):
    client, user = staff(role, department="JW")
    page = client.get("/desk/integrity/").content.decode()
    assert "查阅公职人员诚信档案" in page and "2024年受到党内警告处分" not in page
    read = client.post("/desk/integrity/", {"person": OFFICIAL}).content.decode()
    assert "周正的诚信档案" in read and "2024年受到党内警告处分" in read and "党纪政务处分" in read
    assert OFFICIAL not in read  # the number is shown masked
    event = AuditEvent.objects.get(action="integrity.read")
    assert (event.actor, event.channel, event.object_id) == (user.username, "desk", str(official.pk))
    assert 'href="/desk/integrity/"' in client.get("/desk/").content.decode()


@pytest.mark.parametrize("role", ["provider", "credit_office", "auditor"])
def test_other_roles_are_refused_and_each_attempt_audited(staff, official, role):
    client, user = staff(role, department="SCJG")
    assert "廉信档案" not in client.get("/desk/").content.decode()
    refused = client.post("/desk/integrity/", {"person": OFFICIAL})
    assert refused.status_code == 403 and "2024年受到党内警告处分" not in refused.content.decode()
    assert "纪检监察机关、组织人事部门" in refused.content.decode()
    attempt = AuditEvent.objects.get(action="access.denied")
    assert (attempt.actor, attempt.object_type, attempt.object_id) == (user.username, "page", "/desk/integrity/")
    assert attempt.after == {"method": "POST", "required": ["discipline", "personnel"]}
    assert not AuditEvent.objects.filter(action="integrity.read").exists()


def test_a_mistyped_or_unknown_number_is_answered_beside_the_field(staff, official):
    client, _ = staff("discipline", department="JW")
    mistyped = client.post("/desk/integrity/", {"person": "3604041975ABCD0101"})
    assert mistyped.status_code == 422 and "代码无效" in mistyped.content.decode()
    unknown = client.post("/desk/integrity/", {"person": resident_id(999, "19800101")})
    assert "未找到该信用主体" in unknown.content.decode()
    assert not AuditEvent.objects.filter(action="integrity.read").exists()


def test_the_notices_addressed_to_the_department_are_listed_and_no_others(staff, official):
    client, user = staff("discipline", department="JW")
    other = Department.objects.create(code="ZZB", name="区委组织部")
    now = clock.now()
    mine = Task.objects.create(
        department=user.department,
        action="department_notice",
        reason="公职人员周正被列入严重失信主体名单",
        created_at=now,
        due_on=clock.today(),
    )
    Task.objects.create(department=other, action="department_notice", reason="不是本部门的通报", created_at=now)
    Task.objects.create(department=user.department, action="publish", reason="名单发布任务", created_at=now)
    html = client.get("/desk/integrity/").content.decode()
    assert f'id="notice-{mine.pk}"' in html and "公职人员周正被列入严重失信主体名单" in html
    assert "不是本部门的通报" not in html and "名单发布任务" not in html
