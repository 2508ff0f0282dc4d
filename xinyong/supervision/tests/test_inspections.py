"""Graded random inspections (双随机一公开, R18; 002 §6): subjects per grade at their ratio, inspectors at
random without conflicts, a reproducible and auditable draw, results published as records."""

from decimal import Decimal

import pytest

from xinyong.audit.models import AuditEvent
from xinyong.records.models import Record
from xinyong.supervision import draw
from xinyong.supervision.models import GradeLevel, RectificationOrder
from xinyong.testing.factories import uscc
from xinyong.testing.supervision import post_penalty, register

SEED = "柴桑区2025年第2批双随机抽查"
SERIALS = range(710, 730)  # 20 companies; the first 4 get a serious penalty (grade D)


@pytest.fixture
def district(api, world):
    codes = []
    for serial in SERIALS:
        code = uscc(serial)
        register(api, world["market"], code, f"九江抽查对象{serial}有限公司")
        codes.append(code)
    for serial in SERIALS[:4]:
        post_penalty(api, world["market"], serial, CF_YZCD="严重")
    for n in range(1, 6):
        made = api.post("/inspectors", {"code": f"36040420{n:02d}", "name": f"执法员{n}"}, token=world["market"])
        assert made.status_code == 201, made.content
    # Ratios are data: this district inspects B at 25% and D at 50%.
    GradeLevel.objects.filter(code="B").update(inspection_ratio=Decimal("0.25"))
    GradeLevel.objects.filter(code="D").update(inspection_ratio=Decimal("0.5"))
    return codes


def plan(api, world, codes, seed=SEED, **extra):
    body = {"name": "食品经营者双随机抽查", "scope": "食品经营许可事中检查", "seed": seed, "subjects": codes, **extra}
    response = api.post("/inspection-plans", body, token=world["market"])
    assert response.status_code == 201, response.content
    return response.json()


def drawn(body) -> list[tuple[str, str, tuple]]:
    return sorted((t["grade"], t["subject"]["code"], tuple(t["inspectors"])) for t in body["tasks"])


def test_a_seed_draws_the_same_subjects_and_inspectors_again(api, world, district):
    first = plan(api, world, district)
    assert first["population"] == {"B": 16, "D": 4} and first["algorithm"] == draw.ALGORITHM
    assert first["drawn"] == {"B": 4, "D": 2} and first["seed"] == SEED
    assert all(len(t["inspectors"]) == 2 for t in first["tasks"])
    again = plan(api, world, list(reversed(district)))  # the order of the population does not matter
    assert drawn(again) == drawn(first)
    assert api.get(f"/inspection-plans/{first['id']}/verify", token=world["market"]).json()["matches"] is True
    other = plan(api, world, district, seed="另一个种子")
    assert drawn(other) != drawn(first)

    event = AuditEvent.objects.get(action="inspection.draw", object_id=first["number"])
    assert event.after["seed"] == SEED and event.after["population_digest"] == first["population_digest"]
    assert sorted(event.after["drawn"]["D"]) == sorted(
        t["subject"]["code"] for t in first["tasks"] if t["grade"] == "D"
    )
    assert api.get(f"/inspection-plans/{first['id']}", token=world["housing"]).status_code == 404
    assert api.get(f"/inspection-plans/{first['id']}", token=world["office"]).status_code == 200


def test_a_declared_conflict_is_never_drawn(api, world, district):
    first = plan(api, world, district)
    task = first["tasks"][0]
    conflicted = task["inspectors"][0]
    inspector = next(i for i in api.get("/inspectors", token=world["market"]).json() if i["code"] == conflicted)
    declared = api.post(
        f"/inspectors/{inspector['id']}/conflicts",
        {"subject": task["subject"]["code"], "reason": "配偶在该公司任职"},
        token=world["market"],
    )
    assert declared.status_code == 201
    again = plan(api, world, district)
    [redrawn] = [t for t in again["tasks"] if t["subject"]["code"] == task["subject"]["code"]]
    assert conflicted not in redrawn["inspectors"] and redrawn["excluded"] == [conflicted]
    assert api.get(f"/inspection-plans/{again['id']}/verify", token=world["market"]).json()["matches"] is True


def test_too_few_inspectors_is_refused(api, world, district):
    response = api.post(
        "/inspection-plans", {"name": "x", "subjects": district, "inspectors_per_subject": 6}, token=world["market"]
    )
    assert response.status_code == 422 and response.json()["error"]["code"] == "not_enough_inspectors"


def test_results_are_published_as_records(api, world, district):
    body = plan(api, world, district)
    clean, faulty = body["tasks"][0], body["tasks"][1]
    assert (
        api.post(f"/inspection-tasks/{clean['id']}/result", {"result": "passed"}, token=world["housing"]).status_code
        == 403
    )
    passed = api.post(f"/inspection-tasks/{clean['id']}/result", {"result": "passed"}, token=world["market"])
    assert passed.status_code == 200, passed.content
    record = Record.objects.get(pk=passed.json()["record"])
    assert record.category.code == "random_inspection" and record.fields["result"] == "未发现问题"
    assert record.published_at is not None and body["seed"] in record.fields["remarks"]
    profile = api.get(f"/subjects/{clean['subject']['code']}").json()
    assert "random_inspection" in [g["category"] for g in profile["records"]]
    again = api.post(f"/inspection-tasks/{clean['id']}/result", {"result": "passed"}, token=world["market"])
    assert again.status_code == 409

    issues = {"result": "issues", "findings": "进货查验记录不全", "rectify_by": "2025-06-30"}
    found = api.post(f"/inspection-tasks/{faulty['id']}/result", issues, token=world["market"])
    assert found.status_code == 200, found.content
    order = RectificationOrder.objects.get(subject__uscc=faulty["subject"]["code"])
    assert order.deadline.isoformat() == "2025-06-30" and order.basis_record_id == found.json()["record"]


# ---- the statistics of the draw ---------------------------------------------------------------------

RATIOS = {"A": Decimal("0.02"), "B": Decimal("0.05"), "C": Decimal("0.10"), "D": Decimal("0.30")}
SIZES = {"A": 300, "B": 400, "C": 150, "D": 37}  # 37 × 0.3 = 11.1: the quota is rounded at random
DRAWS = 400


@pytest.mark.slow  # many draws
def test_each_grade_is_sampled_at_its_own_ratio_over_many_draws():
    population = {g: [f"{g}{i:04d}" for i in range(n)] for g, n in SIZES.items()}
    hits = {key: 0 for keys in population.values() for key in keys}
    per_grade = {g: 0 for g in SIZES}
    for n in range(DRAWS):
        for grade, keys in draw.select(population, RATIOS, f"stat-{n}").items():
            per_grade[grade] += len(keys)
            for key in keys:
                hits[key] += 1
    rates = {g: per_grade[g] / (SIZES[g] * DRAWS) for g in SIZES}
    for grade, ratio in RATIOS.items():
        assert rates[grade] == pytest.approx(float(ratio), abs=0.005), (grade, rates)
    assert rates["D"] > rates["C"] > rates["B"] > rates["A"]
    # Every D subject, not only the grade as a whole, is drawn about 30% of the time (±4σ, σ ≈ 0.023).
    d_rates = [hits[key] / DRAWS for key in population["D"]]
    assert all(0.21 < r < 0.39 for r in d_rates), d_rates
    assert max(hits[key] / DRAWS for key in population["A"]) < 0.09


def test_the_draw_depends_only_on_seed_and_population():
    population = {"B": [f"B{i}" for i in range(50)], "D": [f"D{i}" for i in range(10)]}
    shuffled = {g: list(reversed(keys)) for g, keys in population.items()}
    assert draw.select(population, RATIOS, "s") == draw.select(shuffled, RATIOS, "s")
    assert draw.assign("s", "D1", ["x", "y", "z"], 2) == draw.assign("s", "D1", ["z", "y", "x"], 2)
    assert draw.quota("s", "D", 10, Decimal("0.3")) == 3  # exact quotas are never rounded up
