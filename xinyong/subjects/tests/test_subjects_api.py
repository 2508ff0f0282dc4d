import pytest

from xinyong.audit.models import AuditEvent
from xinyong.core import crypto
from xinyong.subjects.models import Relation, Subject

HUAWEI = "914403001922038216"
REP_ID = "11010519491231002X"


@pytest.fixture
def provider_token(make_user):
    return make_user("provider", department="SCJG")[1]


def _register(api, token, **overrides):
    body = {
        "code": HUAWEI,
        "name": "华为技术有限公司",
        "kind": "legal_person",
        "relations": [
            {
                "role": "legal_representative",
                "person": {"id_number": REP_ID, "name": "赵明"},
                "valid_from": "2020-01-01",
            },
        ],
    }
    body.update(overrides)
    return api.post("/subjects", body, token=token)


def test_register_with_legal_representative(api, provider_token):
    response = _register(api, provider_token)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == HUAWEI and body["name"] == "华为技术有限公司"
    [rel] = body["relations"]
    assert rel["role"] == "legal_representative" and rel["role_display"] == "法定代表人"
    assert rel["member"]["code"] == "1101**********002X"
    assert rel["member"]["name"] == "赵*"

    person = Subject.objects.get(kind="natural_person")
    assert REP_ID not in person.key and REP_ID not in person.id_encrypted
    assert crypto.decrypt(person.id_encrypted) == REP_ID
    assert Relation.objects.get().member == person


def test_same_registration_twice_is_one_subject(api, provider_token):
    assert _register(api, provider_token).status_code == 201
    assert _register(api, provider_token).status_code == 200
    assert Subject.objects.filter(kind="legal_person").count() == 1
    assert Relation.objects.count() == 1


def test_rename_keeps_history_and_former_name_is_searchable(api, provider_token):
    _register(api, provider_token, name="深圳市华为技术有限公司")
    _register(api, provider_token)
    profile = api.get(f"/subjects/{HUAWEI}").json()
    assert profile["name"] == "华为技术有限公司"
    assert [n["name"] for n in profile["former_names"]] == ["深圳市华为技术有限公司"]
    hits = api.get("/subjects", q="深圳市华为").json()
    assert [h["code"] for h in hits["items"]] == [HUAWEI]
    assert AuditEvent.objects.filter(action="subject.update").count() == 1


@pytest.mark.parametrize("query", ["华为", "华为技术", "ＨＵＡＷＥＩ技术", " 华 为 技术 有限 "])
def test_partial_and_full_width_name_search(api, provider_token, query):
    _register(api, provider_token)
    _register(api, provider_token, code="91330100799655058B", name="阿里巴巴（中国）有限公司", relations=[])
    if "ＨＵＡＷＥＩ" in query:
        _register(api, provider_token, code="91110108551385082Q", name="Huawei技术服务有限公司", relations=[])
    hits = api.get("/subjects", q=query).json()
    assert hits["count"] >= 1
    assert all("阿里巴巴" not in h["name"] for h in hits["items"])


def test_search_by_code_tolerates_case_spaces_and_full_width(api, provider_token):
    _register(api, provider_token, code="9144030071526726XG", name="深圳市腾讯计算机系统有限公司", relations=[])
    for variant in ["9144030071526726xg", " 9144 0300 7152 6726 XG ", "９１４４０３００７１５２６７２６ＸＧ"]:
        assert [h["code"] for h in api.get("/subjects", q=variant).json()["items"]] == ["9144030071526726XG"]
        assert api.get(f"/subjects/{variant.strip()}").status_code == 200


def test_search_never_lists_natural_persons(api, provider_token):
    _register(api, provider_token)
    assert api.get("/subjects", q="赵明").json()["count"] == 0


def test_person_profile_is_masked(api, provider_token):
    _register(api, provider_token)
    profile = api.get(f"/subjects/{REP_ID.lower()}").json()
    assert profile["code"] == "1101**********002X" and profile["name"] == "赵*"
    assert REP_ID not in str(profile)


def test_search_pagination_is_bounded(api, provider_token):
    response = api.get("/subjects", q="华为", limit=1000)
    assert response.status_code == 422
    assert "limit" in response.json()["error"]["message"]
    assert api.get("/subjects", q="华为", offset=10**7).status_code == 422


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"code": "914403001922038217"}, "invalid_identifier"),
        ({"code": "91440300192203821"}, "invalid_identifier"),
        ({"kind": "natural_person"}, "kind_code_mismatch"),
        ({"kind": "spaceship"}, "invalid_kind"),
        ({"name": "   "}, "invalid_name"),
        ({"status": "sleeping"}, "invalid_status"),
    ],
)
def test_bad_registration_is_a_clear_4xx_and_writes_nothing(api, provider_token, overrides, code):
    response = _register(api, provider_token, **overrides)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert not Subject.objects.exists()


def test_bad_relation_rolls_back_whole_registration(api, provider_token):
    bad = [{"role": "legal_representative", "person": {"id_number": "110105194912310021", "name": "赵明"}}]
    response = _register(api, provider_token, relations=bad)
    assert response.status_code == 422
    error = response.json()["error"]
    assert "校验码应为“X”" in error["message"]
    assert error["details"][0]["index"] == 0
    wrong_role = [{"role": "uncle", "person": {"id_number": REP_ID, "name": "赵明"}}]
    assert _register(api, provider_token, relations=wrong_role).json()["error"]["code"] == "invalid_role"
    assert not Subject.objects.exists()


def test_malformed_json_and_missing_fields_are_4xx(api, provider_token):
    raw = api.client.post(
        "/api/v1/subjects",
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {provider_token}",
    )
    assert 400 <= raw.status_code < 500
    assert "error" in raw.json()
    missing = api.post("/subjects", {"name": "x"}, token=provider_token)
    assert missing.status_code == 422 and missing.json()["error"]["code"] == "invalid"


def test_unknown_and_invalid_codes(api, db):
    assert api.get(f"/subjects/{HUAWEI}").json()["error"]["code"] == "subject_not_found"
    response = api.get("/subjects/12345")
    assert response.status_code == 422
    assert "长度" in response.json()["error"]["message"]


def test_relation_validity_period_decides_who_is_shown(api, provider_token):
    relations = [
        {
            "role": "legal_representative",
            "person": {"id_number": REP_ID, "name": "赵明"},
            "valid_from": "2015-01-01",
            "valid_to": "2019-12-31",
        },
        {
            "role": "legal_representative",
            "person": {"id_number": "110105198001010016", "name": "钱亮"},
            "valid_from": "2020-01-01",
        },
    ]
    assert _register(api, provider_token, relations=relations).status_code == 201
    current = api.get(f"/subjects/{HUAWEI}").json()["relations"]
    assert [r["member"]["name"] for r in current] == ["钱*"]
    bad_period = [
        {
            "role": "director",
            "person": {"id_number": REP_ID, "name": "赵明"},
            "valid_from": "2020-01-01",
            "valid_to": "2019-01-01",
        }
    ]
    assert _register(api, provider_token, relations=bad_period).json()["error"]["code"] == "invalid_period"


def test_writes_are_audited_without_plain_id_numbers(api, provider_token):
    _register(api, provider_token)
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("subject.create") == 2 and "relation.save" in actions
    assert all(REP_ID not in str(e.before) + str(e.after) for e in AuditEvent.objects.all())
    event = AuditEvent.objects.filter(action="subject.create").first()
    assert event.department == "SCJG" and event.actor.startswith("u")


def test_identifier_endpoint(api, db):
    body = api.get("/identifiers/91440300 1922 03821 6".replace(" ", "%20")).json()
    assert body["valid"] is True and body["type"] == "uscc"
    assert body["registration_authority"]["name"] == "工商"
    assert body["entity_type"]["name"] == "企业"
    assert body["region"]["code"] == "440300"
    assert body["org_code"] == "19220382-1"
    bad = api.get("/identifiers/914403001922038217").json()
    assert bad["valid"] is False and bad["expected_check"] == "6" and "校验码应为" in bad["error"]
    person = api.get(f"/identifiers/{REP_ID.lower()}").json()
    assert person["type"] == "resident_id" and person["birth_date"] == "1949-12-31"
