"""The measure catalog as data (R10, R12–R15): the 24 memoranda, the measures the seeds list, the API and
the selector the check engine reads."""

import importlib
import re

import pytest
from django.apps import apps
from django.db.models import Count

from xinyong.lists.models import ListType
from xinyong.measures import selectors
from xinyong.measures.models import BusinessMatter, LegalBasis, Measure, MeasureBasis

loader = importlib.import_module("xinyong.measures.migrations.0002_default_catalog")

MEASURE_KEYS = {
    "code",
    "name",
    "description",
    "kind",
    "force",
    "type",
    "implementing_department",
    "implementing_department_name",
    "target",
    "incentive_kind",
    "list_types",
    "matters",
    "legal_basis",
    "legal_bases",
}
MEMO_141 = "发改财金〔2016〕141号"
COURT = "black_court_defaulter"


def bases_of(measure: Measure) -> set[str]:
    return set(measure.legal_bases.values_list("document_number", flat=True))


# ---- the seeded catalog ------------------------------------------------------------------------


def test_the_24_memoranda_of_001s_annex_with_unique_numbers(db):
    memoranda = LegalBasis.objects.filter(category="memorandum").order_by("annex_no")
    assert [m.annex_no for m in memoranda] == list(range(1, 25))
    numbers = [m.document_number for m in memoranda]
    assert len(set(numbers)) == 24
    assert all(re.fullmatch(r"\S+〔20\d\d〕\d+号", n) for n in numbers), numbers
    assert all(m.title and m.lead_department and m.kind in ("reward", "punishment", "both") for m in memoranda)
    court = memoranda.get(annex_no=3)
    assert (court.document_number, court.title, court.lead_department) == (
        MEMO_141,
        "对失信被执行人实施联合惩戒措施合作备忘录",
        "区法院",
    )
    assert memoranda.get(annex_no=14).title.endswith("（2016版）")
    assert memoranda.get(annex_no=6).kind == "reward"  # 纳税信用A级纳税人
    assert LegalBasis.objects.filter(document_number="国发〔2016〕33号").exists()


def test_court_defaulters_are_barred_from_government_procurement_under_141(db):
    [measure] = selectors.measures_for({COURT}, "government_procurement")
    assert (measure.kind, measure.force, measure.type) == ("punishment", "mandatory", "administrative")
    assert measure.implementing_department_code == "CZ"
    assert MEMO_141 in bases_of(measure)


def test_high_consumption_is_one_person_level_measure_for_court_defaulters(db):
    [measure] = selectors.measures_for({COURT}, "high_consumption")
    assert measure.kind == "punishment" and measure.target in ("person", "both")
    assert MEMO_141 in bases_of(measure)


@pytest.mark.parametrize("incentive", ["green_channel", "tolerance_acceptance"])
def test_green_channel_and_tolerance_acceptance_for_red_lists(db, incentive):
    measures = Measure.objects.filter(kind="reward", incentive_kind=incentive)
    assert measures.exists()
    general = measures.get(code=f"reward_{incentive}")
    assert {"project_approval", "market_access"} <= set(general.matters.values_list("code", flat=True))
    triggers = set(general.list_types.values_list("code", flat=True))
    red = set(ListType.objects.filter(kind="red").values_list("code", flat=True))
    assert triggers == red  # every red sub-list and 连续三年无不良记录 (000 §2, 001 二（二）)


def test_serious_dishonesty_blocks_honours_on_every_black_list(db):
    """R15: severe dishonesty blocks or revokes honours and nominations (000 §9, 001 三（二））."""
    for list_type in ListType.objects.filter(kind="black"):
        honours = selectors.measures_for({list_type.code}, "honours")
        assert any(m.kind == "punishment" and m.target in ("both", "person") for m in honours), list_type.code


def test_each_black_list_is_restricted_once_in_procurement(db):
    # A list-specific measure replaces the general one, so a check shows one restriction with its own basis.
    for list_type in ListType.objects.filter(kind="black"):
        found = [
            m.code for m in selectors.measures_for({list_type.code}, "government_procurement") if m.kind == "punishment"
        ]
        assert len(found) == 1, (list_type.code, found)


def test_every_measure_has_a_basis_a_trigger_and_consistent_fields(db):
    measures = Measure.objects.annotate(
        n_bases=Count("legal_bases", distinct=True), n_types=Count("list_types", distinct=True)
    )
    assert measures.count() >= 70
    for measure in measures:
        assert measure.n_bases >= 1 and measure.n_types >= 1, measure.code
        measure.full_clean()
        if measure.kind == "punishment":
            assert not measure.incentive_kind, measure.code
    assert {m.force for m in measures} == {"mandatory", "recommended"}
    assert {m.type for m in measures} == {"administrative", "market", "industry", "social"}
    assert not Measure.objects.filter(kind="reward", list_types__kind="black").exists()
    assert not Measure.objects.filter(kind="punishment", list_types__kind="red").exists()


def test_person_level_measures_of_r13(db):
    person = Measure.objects.filter(kind="punishment", target__in=("person", "both"))
    matters = set(person.values_list("matters__code", flat=True))
    assert {"company_registration_officer", "honours", "high_consumption"} <= matters


def test_matters_of_the_brief_exist(db):
    codes = set(BusinessMatter.objects.values_list("code", flat=True))
    assert {
        "government_procurement",
        "land_transfer",
        "project_approval",
        "financial_subsidy",
        "honours",
        "company_registration_officer",
        "high_consumption",
        "bidding",
        "public_employment",
        "market_access",
        "financing",
        "public_resource_trading",
        "qualification_approval",
        "tax_services",
    } <= codes
    unused = BusinessMatter.objects.filter(measures__isnull=True)
    assert not unused.exists(), list(unused.values_list("code", flat=True))


# ---- loader ------------------------------------------------------------------------------------


def catalog_state() -> dict:
    return {
        "bases": list(LegalBasis.objects.order_by("code").values()),
        "matters": list(BusinessMatter.objects.order_by("code").values()),
        "measures": list(Measure.objects.order_by("code").values()),
        "links": sorted(MeasureBasis.objects.values_list("measure__code", "basis__code", "article", "sort_order")),
        "list_types": sorted(Measure.list_types.through.objects.values_list("measure__code", "listtype__code")),
        "matter_links": sorted(Measure.matters.through.objects.values_list("measure__code", "businessmatter__code")),
    }


@pytest.mark.slow  # loads the whole catalog twice
def test_loading_twice_changes_nothing(db):
    before = catalog_state()
    loader.load(apps, None)
    loader.load(apps, None)
    assert catalog_state() == before


@pytest.mark.slow  # reloads the whole catalog
def test_loader_restores_seed_relations(db):
    measure = Measure.objects.get(code="court_restrict_procurement")
    measure.list_types.clear()
    MeasureBasis.objects.filter(measure=measure).delete()
    loader.load(apps, None)
    assert list(measure.list_types.values_list("code", flat=True)) == [COURT]
    assert bases_of(measure) == {MEMO_141}


def test_loader_refuses_a_fixture_naming_an_unknown_list_type(db):
    with pytest.raises(ValueError, match="black_nonexistent"):
        loader._by_code(ListType, ["black_nonexistent"], "名单类型", "some_measure")


# ---- API ---------------------------------------------------------------------------------------


def test_measures_api_shape_and_basis_strings(api, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = api.get("/measures")
    assert response.status_code == 200
    measures = response.json()
    assert len(measures) == Measure.objects.filter(is_active=True).count()
    assert all(set(m) == MEASURE_KEYS for m in measures)
    procurement = next(m for m in measures if m["code"] == "court_restrict_procurement")
    assert procurement["legal_basis"] == [f"{MEMO_141} 对失信被执行人实施联合惩戒措施合作备忘录"]
    title = "对失信被执行人实施联合惩戒措施合作备忘录"
    assert procurement["legal_bases"] == [
        {"document_number": MEMO_141, "title": title, "lead_department": "区法院", "article": ""}
    ]
    with_article = next(m for m in measures if m["code"] == "serious_revoke_honours")
    title = "关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的实施意见"
    assert f"柴社信办字〔2019〕2号 {title} 三（九）" in with_article["legal_basis"]
    assert MEMO_141.encode() in response.content  # readable Chinese, not \uXXXX


def test_measure_filters(api, db):
    def codes(**params):
        response = api.get("/measures", **params)
        assert response.status_code == 200, response.content
        return {m["code"]: m for m in response.json()}

    court = codes(list_type=COURT)
    assert court and all(COURT in m["list_types"] for m in court.values())
    procurement = codes(list_type=COURT, matter="government_procurement")
    assert set(procurement) == {"court_restrict_procurement"}
    rewards = codes(kind="reward")
    assert rewards and all(m["kind"] == "reward" for m in rewards.values())
    mandatory = codes(kind="punishment", force="mandatory", matter="honours")
    assert "serious_revoke_honours" in mandatory
    assert all(m["force"] == "mandatory" and "honours" in m["matters"] for m in mandatory.values())
    assert set(codes(list_type="red_a_taxpayer", matter="tax_services")) == {"a_taxpayer_green_channel"}


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"list_type": "nope"}, "unknown_list_type"),
        ({"matter": "nope"}, "unknown_matter"),
        ({"kind": "bonus"}, "invalid"),
        ({"force": "optional"}, "invalid"),
    ],
)
def test_bad_filters_are_422_with_the_error_format(api, db, params, code):
    response = api.get("/measures", **params)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code


def test_inactive_measures_are_not_listed(api, db):
    Measure.objects.filter(code="court_restrict_procurement").update(is_active=False)
    assert "court_restrict_procurement" not in {m["code"] for m in api.get("/measures").json()}
    assert selectors.measures_for({COURT}, "government_procurement") == []


def test_matters_api(api, db):
    response = api.get("/matters")
    assert response.status_code == 200
    matters = response.json()
    assert all(set(m) == {"code", "name", "description"} for m in matters)
    assert {"code": "government_procurement", "name": "政府采购"}.items() <= next(
        m for m in matters if m["code"] == "government_procurement"
    ).items()


def test_legal_bases_api(api, db):
    response = api.get("/legal-bases")
    assert response.status_code == 200
    bases = response.json()
    memoranda = [b for b in bases if b["category"] == "memorandum"]
    assert len(memoranda) == 24
    assert memoranda[0] == {
        "code": "fgcj_2015_2045",
        "document_number": "发改财金〔2015〕2045号",
        "title": "失信企业协同监管和联合惩戒合作备忘录",
        "lead_department": "区发改局、区工商局",
        "kind": "punishment",
        "category": "memorandum",
        "annex_no": 1,
        "issued_on": None,
    }
    local = next(b for b in bases if b["document_number"] == "柴社信办字〔2019〕2号")
    assert local["issued_on"] == "2019-08-17"


# ---- selector ----------------------------------------------------------------------------------


def test_measures_for_is_prefetched_and_bounded(db, django_assert_num_queries):
    with django_assert_num_queries(4):
        measures = selectors.measures_for({COURT, "black_major_tax_violation"}, None)
        labels = [selectors.basis_label(link) for m in measures for link in m.measurebasis_set.all()]
        codes = [t.code for m in measures for t in m.list_types.all()]
        matters = [x.code for m in measures for x in m.matters.all()]
    assert labels and codes and matters
    assert len({m.pk for m in measures}) == len(measures)  # no duplicate rows from the joins


def test_measures_for_edge_cases(db):
    assert selectors.measures_for(set(), "government_procurement") == []
    assert selectors.measures_for({"no_such_list"}, None) == []
    everything = selectors.measures_for({COURT}, None)
    in_matter = selectors.measures_for({COURT}, "bidding")
    assert set(in_matter) < set(everything)
    assert all(m.kind == "reward" for m in selectors.measures_for({"no_dishonesty"}, None))
