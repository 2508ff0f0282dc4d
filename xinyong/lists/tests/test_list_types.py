"""List types as data (R6–R9): the seeded red, black and watch lists, their API and their admin."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client

from xinyong.audit.models import AuditEvent
from xinyong.lists.models import EXIT_CONDITIONS, PERSON_ROLES, ListType
from xinyong.measures.models import LegalBasis

loader = importlib.import_module("xinyong.lists.migrations.0002_default_list_types")

CONTRACT_KEYS = {
    "code",
    "name",
    "kind",
    "scope",
    "initiator_department",
    "initiator_name",
    "entry_criteria",
    "legal_basis",
    "default_period_months",
    "min_period_months",
    "max_period_months",
    "early_exit_rule",
    "early_exit_conditions",
    "person_level",
    "person_roles",
}
# The standard local department codes the fixtures use.
DEPARTMENTS = {
    *("XYB", "FGW", "RMYH", "FY", "JCY", "SW", "CZ", "RS", "SCJG", "ZRZY", "ZJ", "JT", "GA", "MZ", "SF", "HB"),
    *("YJ", "WJ", "JY", "WH", "NY", "SL", "SWJ", "HG", "JRJG", "TJ", "GZW", "ZZB", "JW", "WMB", "SJ", "GGZY"),
    *("GSL", "ZGH", "TW", "FL"),
}


def by_code(response) -> dict:
    return {t["code"]: t for t in response.json()}


def test_list_types_api_gives_the_contract_fields_in_readable_chinese(api, db):
    response = api.get("/list-types")
    assert response.status_code == 200
    types = response.json()
    assert all(set(t) == CONTRACT_KEYS for t in types)
    assert {t["kind"] for t in types} == {"red", "black", "watch"}
    assert "失信被执行人" in response.content.decode()  # not \uXXXX escapes
    assert len({t["code"] for t in types}) == len(types)


def test_court_defaulters_follow_the_architecture_periods(api, db):
    court = by_code(api.get("/list-types"))["black_court_defaulter"]
    assert court["kind"] == "black" and court["scope"] == "national"
    assert court["initiator_department"] == "FY" and court["initiator_name"] == "人民法院"
    # 2 years, plus 1–3 years on aggravation (architecture §6).
    assert (court["default_period_months"], court["max_period_months"]) == (24, 60)
    assert court["early_exit_conditions"] == ["obligations_performed"]
    assert court["person_level"] and court["person_roles"][0] == "legal_representative"
    assert "发改财金〔2016〕141号" in court["legal_basis"]


@pytest.mark.parametrize(
    ("code", "initiator", "default", "low", "high"),
    [
        ("black_major_tax_violation", "SW", 36, 12, 36),  # serious tax violators: 3 years
        ("black_wage_arrears", "RS", 36, 12, 36),  # wage-arrears list: 3 years
        ("black_procurement_serious_violation", "CZ", 12, None, 36),  # procurement ban: 1–3 years
        ("watch_key_attention", "XYB", 12, 3, 12),  # below the black-list threshold (002 §8)
    ],
)
def test_periods_and_initiators_are_data(api, db, code, initiator, default, low, high):
    item = by_code(api.get("/list-types"))[code]
    assert item["initiator_department"] == initiator
    assert (item["default_period_months"], item["min_period_months"], item["max_period_months"]) == (default, low, high)


def test_red_sub_lists_of_the_seeds_are_present(db):
    red = dict(ListType.objects.filter(kind="red").values_list("code", "initiator_department_code"))
    assert red["red_integrity"] == "XYB"
    assert red["red_a_taxpayer"] == "SW"  # 纳税信用A级纳税人 (000 §1, 001 二（一）)
    assert red["red_contract_credit"] == "SCJG"  # 守合同重信用企业
    assert red["red_youth_volunteer"] == "TW"
    assert "no_dishonesty" in red  # 连续三年无不良信用记录: rewards without an entry (R14)
    assert not ListType.objects.filter(kind="red", person_level=True).exists()


def test_every_punishment_memorandum_targets_a_list_type(db):
    """One list type per memorandum target (001 annex); 285号 and 460号 extend the lists of 141号 and 454号."""
    bases = " ".join(ListType.objects.values_list("legal_basis", flat=True))
    memoranda = LegalBasis.objects.filter(category="memorandum").exclude(kind="reward")
    missing = [m.document_number for m in memoranda if m.document_number not in bases]
    assert missing == []


def test_every_seeded_type_is_valid_and_initiated_by_a_standard_department(db):
    for list_type in ListType.objects.all():
        list_type.full_clean()
        assert list_type.initiator_department_code in DEPARTMENTS, list_type.code
        if list_type.kind == "black":
            # Serious dishonesty reaches the legal representative and principal (R13; 000 §13, 001 三（六）).
            assert list_type.person_level and {"legal_representative", "principal"} <= set(list_type.person_roles)
            assert list_type.max_period_months, list_type.code


def test_inactive_types_are_not_listed(api, db):
    ListType.objects.filter(code="red_labour_model").update(is_active=False)
    assert "red_labour_model" not in by_code(api.get("/list-types"))


def test_clean_rejects_unknown_codes_and_inverted_periods(db):
    list_type = ListType(
        code="x",
        name="x",
        kind="black",
        early_exit_conditions=["bribe"],
        person_level=True,
        person_roles=["cousin"],
        default_period_months=48,
        max_period_months=36,
    )
    with pytest.raises(ValidationError) as error:
        list_type.full_clean()
    assert set(error.value.message_dict) == {"early_exit_conditions", "person_roles", "max_period_months"}


def test_loading_twice_changes_nothing(db):
    def state():
        return list(ListType.objects.order_by("code").values())

    before = state()
    loader.load(apps, None)
    loader.load(apps, None)
    assert state() == before


def test_loader_restores_a_changed_seed_value(db):
    ListType.objects.filter(code="black_court_defaulter").update(default_period_months=1)
    loader.load(apps, None)
    assert ListType.objects.get(code="black_court_defaulter").default_period_months == 24


@pytest.fixture
def office(db):
    user = apps.get_model("accounts", "User").objects.create_superuser(username="office", password="x")
    client = Client()
    client.force_login(user)
    return client


def test_admin_pages_load(office):
    assert office.get("/admin/lists/listtype/").status_code == 200
    assert office.get("/admin/lists/listtype/?kind__exact=black&scope__exact=national").status_code == 200
    assert office.get("/admin/lists/listtype/?q=法院").status_code == 200
    court = ListType.objects.get(code="black_court_defaulter")
    page = office.get(f"/admin/lists/listtype/{court.pk}/change/")
    assert page.status_code == 200
    assert "限制失信被执行人参与政府采购活动" in page.content.decode()  # the measures it triggers
    assert office.get("/admin/lists/listtype/add/").status_code == 200


def test_admin_edits_the_json_lists_with_checkboxes_and_audits(office):
    watch = ListType.objects.get(code="watch_key_attention")
    data = {
        field: getattr(watch, field) if getattr(watch, field) is not None else ""
        for field in [
            "code",
            "name",
            "kind",
            "scope",
            "initiator_department_code",
            "initiator_name",
            "entry_criteria",
            "legal_basis",
            "default_period_months",
            "min_period_months",
            "max_period_months",
            "early_exit_rule",
            "sort_order",
        ]
    }
    data.update(
        is_active="on",
        person_level="on",
        early_exit_conditions=["training", "rectified"],
        person_roles=["directly_responsible", "legal_representative"],
    )
    response = office.post(f"/admin/lists/listtype/{watch.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    watch.refresh_from_db()
    assert watch.person_roles == ["legal_representative", "directly_responsible"]  # PERSON_ROLES order
    assert set(watch.early_exit_conditions) == {"training", "rectified"}
    event = AuditEvent.objects.get(object_type="list_type", object_id="watch_key_attention")
    assert event.before["person_level"] is False and event.after["person_level"] is True


def test_choices_cover_the_brief(db):
    assert set(EXIT_CONDITIONS) == {
        "obligations_performed",
        "credit_commitment",
        "rectified",
        "training",
        "credit_report",
        "public_service",
    }
    assert "shareholder" not in PERSON_ROLES and "legal_representative" in PERSON_ROLES
