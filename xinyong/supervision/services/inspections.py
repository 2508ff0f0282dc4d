"""Graded random inspections (双随机一公开, R18; 002 §6): a department draws subjects at random, each
grade at its own ratio (`GradeLevel.inspection_ratio`), and inspectors at random from its roster,
excluding declared conflicts. The seed, the population and the roster are kept with the plan, so the
draw can be re-run and checked by anyone (`verify`); the results are published as records."""

import datetime as dt
import secrets

from django.db import transaction

from xinyong.accounts.models import User
from xinyong.accounts.selectors import rows_visible_to
from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.core import clock, parameters
from xinyong.core.errors import Conflict, InvalidInput, NotFound
from xinyong.core.lengths import within
from xinyong.records.models import Channel
from xinyong.records.services import ingest_record
from xinyong.subjects.models import Subject

from .. import draw
from ..models import (
    Evaluation,
    GradeLevel,
    InspectionPlan,
    InspectionResult,
    InspectionTask,
    Inspector,
    InspectorConflict,
)
from . import grading, rectification
from .common import acting_department, assign_number, record_fields, require_department, subject_for


@transaction.atomic
def add_inspector(*, actor: Actor, user: User, code: str, name: str) -> Inspector:
    department = acting_department(user)
    if not code.strip() or not name.strip():
        raise InvalidInput("请填写执法证号和姓名", code="invalid_inspector")
    if Inspector.objects.filter(code=code.strip()).exists():
        raise Conflict("该执法证号已登记", code="inspector_exists")
    inspector = Inspector.objects.create(
        department=department, code=code.strip(), name=name.strip(), created_at=clock.now()
    )
    audit(
        actor=actor,
        action="inspector.add",
        object_type="inspector",
        object_id=inspector.code,
        after={"department": department.code, "name": inspector.name},
    )
    return inspector


def get_inspector(inspector_id: int) -> Inspector:
    inspector = Inspector.objects.select_related("department").filter(pk=inspector_id).first()
    if inspector is None:
        raise NotFound("执法人员不存在", code="inspector_not_found")
    return inspector


@transaction.atomic
def set_inspector_active(*, actor: Actor, user: User, inspector_id: int, active: bool) -> Inspector:
    inspector = get_inspector(inspector_id)
    require_department(user, inspector.department_id, "只能管理本部门的执法人员")
    if inspector.is_active != active:
        inspector.is_active = active
        inspector.save(update_fields=["is_active"])
        audit(
            actor=actor,
            action="inspector.active",
            object_type="inspector",
            object_id=inspector.code,
            after={"active": active},
        )
    return inspector


@transaction.atomic
def declare_conflict(
    *, actor: Actor, user: User, inspector_id: int, subject: Subject, reason: str
) -> InspectorConflict:
    inspector = get_inspector(inspector_id)
    require_department(user, inspector.department_id, "只能为本部门的执法人员申报回避")
    if not reason.strip():
        raise InvalidInput("请说明回避事由", code="reason_required")
    conflict, created = InspectorConflict.objects.get_or_create(
        inspector=inspector,
        subject=subject,
        defaults={
            "reason": within(reason.strip(), InspectorConflict, "reason"),
            "declared_at": clock.now(),
            "declared_by": actor.name,
        },
    )
    if created:
        audit(
            actor=actor,
            action="inspector.conflict",
            object_type="inspector",
            object_id=inspector.code,
            after={"subject": subject.public_code, "reason": conflict.reason},
        )
    return conflict


def _population(codes: list[str] | None, kinds: list[str] | None, region: str) -> list[Subject]:
    """Market subjects in scope (active organisations; natural persons are not inspected at random)."""
    if codes:
        subjects = [subject_for(code) for code in codes]
        return [s for s in subjects if grading.graded(s)]
    queryset = Subject.objects.exclude(kind=Subject.Kind.NATURAL_PERSON).filter(status=Subject.Status.ACTIVE)
    if kinds:
        unknown = set(kinds) - set(Subject.Kind.values)
        if unknown:
            raise InvalidInput(f"主体类型无效：{'、'.join(sorted(unknown))}", code="invalid_kind")
        queryset = queryset.filter(kind__in=kinds)
    if region:
        queryset = queryset.filter(region_code__startswith=region)
    return list(queryset.order_by("pk"))


def _grades(subjects: list[Subject]) -> dict[int, str]:
    """Each subject's current grade; subjects never evaluated are evaluated now."""
    ids = [s.pk for s in subjects]
    grades = dict(Evaluation.objects.filter(subject_id__in=ids, is_current=True).values_list("subject_id", "grade"))
    missing = [pk for pk in ids if pk not in grades]
    if missing:
        grading.recompute(missing, trigger="inspection_draw")
        grades.update(
            Evaluation.objects.filter(subject_id__in=missing, is_current=True).values_list("subject_id", "grade")
        )
    return grades


@transaction.atomic
def create_plan(
    *,
    actor: Actor,
    user: User,
    name: str,
    scope: str = "",
    seed: str = "",
    subject_codes: list[str] | None = None,
    kinds: list[str] | None = None,
    region: str = "",
    inspectors_per_subject: int | None = None,
) -> InspectionPlan:
    """Draw a plan now: subjects per grade at the configured ratios, inspectors per subject."""
    department = acting_department(user)
    if not name.strip():
        raise InvalidInput("请填写计划名称", code="name_required")
    per_subject = inspectors_per_subject or parameters.integer("inspection_inspectors_per_subject")
    if per_subject < 1:
        raise InvalidInput("每户检查人员数至少为1", code="invalid_inspectors_per_subject")
    seed = seed.strip() or secrets.token_hex(16)
    subjects = _population(subject_codes, kinds, region)
    grades = _grades(subjects)
    by_key = {s.key: s for s in subjects}
    population: dict[str, list[str]] = {}
    for subject in subjects:
        population.setdefault(grades[subject.pk], []).append(subject.key)
    ratios = {lv.code: str(lv.inspection_ratio) for lv in GradeLevel.objects.all()}
    roster = list(Inspector.objects.filter(department=department, is_active=True).values_list("code", flat=True))
    drawn = draw.select(population, ratios, seed)
    plan = InspectionPlan.objects.create(
        department=department,
        name=name.strip(),
        scope=scope.strip(),
        seed=seed,
        algorithm=draw.ALGORITHM,
        ratios=ratios,
        population={g: sorted(keys) for g, keys in population.items()},
        population_digest=draw.digest(population),
        inspector_pool=sorted(roster),
        inspectors_per_subject=per_subject,
        drawn_at=clock.now(),
        drawn_by=actor.name,
    )
    assign_number(plan, "XYCC", clock.today())
    conflicts = _conflicts([by_key[k].pk for keys in drawn.values() for k in keys], department.pk)
    tasks = []
    for grade, keys in drawn.items():
        for key in keys:
            subject = by_key[key]
            excluded = sorted(conflicts.get(subject.pk, set()) & set(roster))
            candidates = [code for code in roster if code not in excluded]
            assigned = draw.assign(seed, key, candidates, per_subject)
            if len(assigned) < per_subject:
                raise InvalidInput(
                    f"执法人员不足：{subject.name}回避后可抽取{len(assigned)}人，需要{per_subject}人，请先充实执法人员名录",
                    code="not_enough_inspectors",
                )
            tasks.append(
                InspectionTask(plan=plan, subject=subject, grade=grade, inspectors=assigned, excluded=excluded)
            )
    InspectionTask.objects.bulk_create(tasks)
    audit(
        actor=actor,
        action="inspection.draw",
        object_type="inspection_plan",
        object_id=plan.number,
        after={
            "seed": seed,
            "algorithm": plan.algorithm,
            "ratios": ratios,
            "population_digest": plan.population_digest,
            "population": {g: len(keys) for g, keys in population.items()},
            "drawn": {g: keys for g, keys in drawn.items()},
            "inspector_pool": plan.inspector_pool,
        },
    )
    return plan


def _conflicts(subject_ids: list[int], department_id: int) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    rows = InspectorConflict.objects.filter(subject_id__in=subject_ids, inspector__department_id=department_id)
    for subject_id, code in rows.values_list("subject_id", "inspector__code"):
        found.setdefault(subject_id, set()).add(code)
    return found


def get_plan(plan_id: int) -> InspectionPlan:
    plan = InspectionPlan.objects.select_related("department").filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("抽查计划不存在", code="plan_not_found")
    return plan


def verify(plan: InspectionPlan) -> dict:
    """Re-run the draw from what the plan recorded; say whether subjects and inspectors match."""
    drawn = draw.select(plan.population, plan.ratios, plan.seed)
    tasks = list(plan.tasks.select_related("subject"))
    recorded: dict[str, list[str]] = {}
    for task in tasks:
        recorded.setdefault(task.grade, []).append(task.subject.key)
    subjects_match = {g: sorted(keys) for g, keys in drawn.items() if keys} == {
        g: sorted(keys) for g, keys in recorded.items()
    }
    inspectors_match = all(
        task.inspectors
        == draw.assign(
            plan.seed,
            task.subject.key,
            [c for c in plan.inspector_pool if c not in task.excluded],
            plan.inspectors_per_subject,
        )
        for task in tasks
    )
    return {
        "algorithm": plan.algorithm,
        "seed": plan.seed,
        "population_digest": plan.population_digest,
        "digest_matches": draw.digest(plan.population) == plan.population_digest,
        "subjects_match": subjects_match,
        "inspectors_match": inspectors_match,
        "matches": subjects_match and inspectors_match and draw.digest(plan.population) == plan.population_digest,
    }


@transaction.atomic
def record_result(
    *,
    actor: Actor,
    user: User,
    task_id: int,
    result: str,
    findings: str,
    inspected_on: dt.date | None = None,
    rectify_by: dt.date | None = None,
    document_number: str = "",
) -> InspectionTask:
    """Publish one inspection's result as a `random_inspection` record; with `rectify_by`, the
    problems found also become an order to rectify."""
    task = (
        InspectionTask.objects.select_related("plan__department", "subject")
        .select_for_update()
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFound("抽查对象不存在", code="task_not_found")
    require_department(user, task.plan.department_id, "只有抽查部门可以录入检查结果")
    if task.result:
        raise Conflict("该户检查结果已录入", code="result_exists")
    if result not in InspectionResult.values:
        raise InvalidInput(f"检查结果“{result}”无效，可选：{'、'.join(InspectionResult.values)}", code="invalid_result")
    today = clock.today()
    inspected_on = inspected_on or today
    if inspected_on > today or inspected_on < task.plan.drawn_at.date():
        raise InvalidInput("检查日期应在抽取之后、今天之前", code="invalid_date")
    plan = task.plan
    task.result, task.findings, task.inspected_on = result, findings.strip(), inspected_on
    label = InspectionResult(result).label
    stored = ingest_record(
        actor=actor,
        provider=plan.department,
        category_code="random_inspection",
        fields=record_fields(
            task.subject,
            number=f"{plan.number}-{task.pk}",
            on=inspected_on,
            content=f"{plan.name}（双随机抽查，{task.grade}级按{_percent(plan.ratios.get(task.grade, '0'))}抽取）"
            + (f"：{task.findings}" if task.findings else ""),
            authority=plan.department.name,
            result=label,
            remarks=f"检查人员执法证号：{'、'.join(task.inspectors)}；随机种子 {plan.seed}",
        ),
        channel=Channel.API,
    )
    task.record, task.recorded_at = stored.record, clock.now()
    task.save(update_fields=["result", "findings", "inspected_on", "record", "recorded_at"])
    audit(
        actor=actor,
        action="inspection.result",
        object_type="inspection_plan",
        object_id=plan.number,
        after={"task": task.pk, "subject": task.subject.public_code, "result": result, "record": stored.record.pk},
    )
    if rectify_by is not None:
        rectification.order_rectification(
            actor=actor,
            user=user,
            subject=task.subject,
            document_number=document_number or f"{plan.number}-{task.pk}-ZG",
            reason=f"双随机抽查（{plan.name}）{label}：{task.findings}",
            requirements=task.findings or label,
            deadline=rectify_by,
            basis_record_id=stored.record.pk,
        )
    else:
        grading.refresh(task.subject, trigger="inspection.result", actor=actor)
    return task


def _percent(ratio: str) -> str:
    return f"{float(ratio) * 100:g}%"


def visible_plans(user: User):
    return rows_visible_to(InspectionPlan.objects.select_related("department"), user, department_field="department_id")
