"""The credit office maintains the measure catalog in the admin (R10): pages load, edits are audited and
reach the check snapshot."""

import pytest
from django.test import Client

from xinyong.accounts.models import User
from xinyong.audit.models import AuditEvent
from xinyong.checks.models import SnapshotChange
from xinyong.measures.models import Measure, MeasureBasis


@pytest.fixture
def office(db):
    user = User.objects.create_superuser(username="office", password="x")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/admin/measures/measure/",
        "/admin/measures/measure/?kind__exact=punishment&force__exact=mandatory&type__exact=administrative",
        "/admin/measures/measure/?q=141",
        "/admin/measures/measure/add/",
        "/admin/measures/legalbasis/",
        "/admin/measures/legalbasis/?kind__exact=reward",
        "/admin/measures/businessmatter/",
        "/admin/measures/measurebasis/",
    ],
)
def test_admin_pages_load(office, path):
    response = office.get(path)
    # MeasureBasis is edited inline only, so it has no page of its own.
    assert response.status_code == (404 if path.startswith("/admin/measures/measurebasis/") else 200)


def test_change_pages_load(office):
    measure = Measure.objects.get(code="court_restrict_procurement")
    page = office.get(f"/admin/measures/measure/{measure.pk}/change/").content.decode()
    assert "发改财金〔2016〕141号" in page
    basis = measure.legal_bases.get()
    basis_page = office.get(f"/admin/measures/legalbasis/{basis.pk}/change/").content.decode()
    assert "限制失信被执行人参与政府采购活动" in basis_page


def test_editing_a_measure_is_audited_and_reloads_the_check_snapshot(office, api):
    measure = Measure.objects.get(code="court_restrict_procurement")
    link = MeasureBasis.objects.get(measure=measure)
    data = {
        "code": measure.code,
        "name": measure.name,
        "description": measure.description,
        "source": measure.source,
        "is_active": "on",
        "sort_order": measure.sort_order,
        "kind": measure.kind,
        "force": measure.force,
        "type": measure.type,
        "target": measure.target,
        "incentive_kind": "",
        "implementing_department_code": "CZ",
        "implementing_department_name": "区财政局",
        "list_types": [t.pk for t in measure.list_types.all()],
        "matters": [m.pk for m in measure.matters.all()],
        "measurebasis_set-TOTAL_FORMS": 1,
        "measurebasis_set-INITIAL_FORMS": 1,
        "measurebasis_set-MIN_NUM_FORMS": 0,
        "measurebasis_set-MAX_NUM_FORMS": 1000,
        "measurebasis_set-0-id": link.pk,
        "measurebasis_set-0-measure": measure.pk,
        "measurebasis_set-0-basis": link.basis_id,
        "measurebasis_set-0-article": "第（二十一）项",
        "measurebasis_set-0-sort_order": 0,
    }
    changes = SnapshotChange.objects.filter(entry_id__isnull=True, subject_id__isnull=True).count()
    response = office.post(f"/admin/measures/measure/{measure.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]

    event = AuditEvent.objects.get(object_type="measure", object_id=measure.code)
    assert event.action == "measure.save" and event.actor == "office"
    assert event.before["implementing_department_name"] == "财政部门"
    assert event.after["legal_bases"] == [f"发改财金〔2016〕141号 {measure.legal_bases.get().title} 第（二十一）项"]
    # The check snapshot of every process is told (checks.apps: one note per saved row, one reload each).
    assert SnapshotChange.objects.filter(entry_id__isnull=True, subject_id__isnull=True).count() > changes
    body = next(m for m in api.get("/measures", list_type="black_court_defaulter").json() if m["code"] == measure.code)
    assert body["legal_bases"][0]["article"] == "第（二十一）项"


def test_an_incentive_on_a_punishment_is_refused(office):
    measure = Measure.objects.get(code="court_restrict_procurement")
    response = office.post(
        f"/admin/measures/measure/{measure.pk}/change/",
        {
            "code": measure.code,
            "name": measure.name,
            "kind": "punishment",
            "force": "mandatory",
            "type": "administrative",
            "target": "organisation",
            "incentive_kind": "green_channel",
            "sort_order": 1,
            "measurebasis_set-TOTAL_FORMS": 0,
            "measurebasis_set-INITIAL_FORMS": 0,
            "measurebasis_set-MIN_NUM_FORMS": 0,
            "measurebasis_set-MAX_NUM_FORMS": 1000,
        },
    )
    assert response.status_code == 200  # the form comes back with the error
    assert "激励方式只适用于激励措施" in response.content.decode()
    assert not AuditEvent.objects.filter(object_type="measure").exists()


def test_deleting_a_measure_is_audited(office):
    measure = Measure.objects.get(code="serious_media_exposure")
    response = office.post(f"/admin/measures/measure/{measure.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Measure.objects.filter(code="serious_media_exposure").exists()
    event = AuditEvent.objects.get(object_type="measure", action="measure.delete")
    assert event.before["name"] == "舆论曝光"
