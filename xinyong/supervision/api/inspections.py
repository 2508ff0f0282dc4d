"""Random inspections (R18): inspectors and their conflicts, plans drawn by grade, results published."""

import datetime as dt

from ninja import Router, Schema
from pydantic import Field

from xinyong.core.errors import NotFound
from xinyong.core.pagination import paginate
from xinyong.core.responses import Out, Page, SubjectRef, errors

from .. import selectors
from ..models import Inspector
from ..services import inspections
from ..services.common import acting_department, subject_for
from .common import DEPARTMENTS, GOVERNMENT_READERS

router = Router()


class InspectorIn(Schema):
    code: str = Field(min_length=1, max_length=40, description="执法证号")
    name: str = Field(min_length=1, max_length=50)


class InspectorActiveIn(Schema):
    active: bool


class ConflictIn(Schema):
    subject: str
    reason: str = Field(min_length=1, max_length=200, title="回避事由")


class PlanIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    scope: str = Field("", max_length=2000)
    seed: str = Field("", max_length=100, description="随机种子；留空则随机生成并记录")
    subjects: list[str] = Field(
        default_factory=list, max_length=100_000, description="抽取范围；留空为全部在营市场主体"
    )
    kinds: list[str] = Field(default_factory=list)
    region: str = Field("", max_length=6)
    inspectors_per_subject: int | None = Field(None, ge=1, le=10)


class ResultIn(Schema):
    result: str = Field(description="passed、issues、violation、absent")
    findings: str = Field("", max_length=4000)
    inspected_on: dt.date | None = None
    rectify_by: dt.date | None = Field(None, description="发现问题时责令整改的期限")
    document_number: str = Field("", max_length=100, description="责令整改文书号")


class InspectorOut(Out):
    id: int
    code: str = Field(description="执法证号", examples=["3604042001"])
    name: str = Field(examples=["执法员1"])
    department: str = Field(examples=["SCJG"])
    active: bool


class ConflictOut(Out):
    inspector: str = Field(examples=["3604042003"])
    subject: str = Field(examples=["913604040000071497"])
    reason: str = Field(examples=["配偶在该公司任职"])


class InspectionTaskOut(Out):
    id: int
    subject: SubjectRef
    grade: str = Field(description="抽取时的信用等级", examples=["B"])
    inspectors: list[str] = Field(description="检查人员执法证号", examples=[["3604042003", "3604042004"]])
    excluded: list[str] = Field(description="因回避排除的检查人员")
    result: str | None = Field(examples=["passed"])
    result_display: str | None = Field(examples=["未发现问题"])
    findings: str
    inspected_on: dt.date | None
    record: int | None = Field(description="公示的检查结果信息 id")


class PlanSummaryOut(Out):
    id: int
    number: str = Field(examples=["XYCC-2025-000001"])
    department: str = Field(examples=["SCJG"])
    name: str = Field(examples=["食品经营者双随机抽查"])
    scope: str
    seed: str = Field(examples=["柴桑区2025年第2批双随机抽查"])
    algorithm: str = Field(examples=["sha256-rank-v1"])
    ratios: dict[str, str] = Field(description="各等级抽查比例（十进制文本）", examples=[{"A": "0.0200"}])
    population: dict[str, int] = Field(description="各等级抽取范围内的主体数", examples=[{"B": 16, "D": 4}])
    population_digest: str
    inspector_pool: list[str]
    inspectors_per_subject: int
    drawn_at: dt.datetime
    drawn_by: str


class PlanOut(PlanSummaryOut):
    tasks: list[InspectionTaskOut]
    drawn: dict[str, int] = Field(description="各等级抽中数", examples=[{"B": 4, "D": 2}])


class PlanCheckOut(Out):
    algorithm: str
    seed: str
    population_digest: str
    digest_matches: bool
    subjects_match: bool
    inspectors_match: bool
    matches: bool = Field(description="按记录的种子重新抽取，结果与原抽取一致")


@router.post(
    "/inspectors",
    auth=DEPARTMENTS,
    response={201: InspectorOut, **errors(400, 401, 403, 409, 422)},
    summary="登记本部门执法检查人员",
)
def add_inspector(request, payload: InspectorIn):
    made = inspections.add_inspector(actor=request.actor, user=request.auth, code=payload.code, name=payload.name)
    return 201, selectors.inspector_body(made)


@router.get(
    "/inspectors",
    auth=GOVERNMENT_READERS,
    response={200: list[InspectorOut], **errors(401, 403)},
    summary="本部门执法检查人员名录",
)
def list_inspectors(request):
    department = acting_department(request.auth)
    found = Inspector.objects.filter(department=department).select_related("department")
    return [selectors.inspector_body(i) for i in found]


@router.post(
    "/inspectors/{inspector_id}/active",
    auth=DEPARTMENTS,
    response={200: InspectorOut, **errors(400, 401, 403, 404, 422)},
    summary="在册/不在册（调离、退休）",
)
def set_inspector_active(request, inspector_id: int, payload: InspectorActiveIn):
    inspector = inspections.set_inspector_active(
        actor=request.actor, user=request.auth, inspector_id=inspector_id, active=payload.active
    )
    return selectors.inspector_body(inspector)


@router.post(
    "/inspectors/{inspector_id}/conflicts",
    auth=DEPARTMENTS,
    response={201: ConflictOut, **errors(400, 401, 403, 404, 422)},
    summary="申报回避",
)
def declare_conflict(request, inspector_id: int, payload: ConflictIn):
    conflict = inspections.declare_conflict(
        actor=request.actor,
        user=request.auth,
        inspector_id=inspector_id,
        subject=subject_for(payload.subject),
        reason=payload.reason,
    )
    return 201, {
        "inspector": conflict.inspector.code,
        "subject": conflict.subject.public_code,
        "reason": conflict.reason,
    }


@router.post(
    "/inspection-plans",
    auth=DEPARTMENTS,
    response={201: PlanOut, **errors(400, 401, 403, 404, 422)},
    summary="双随机抽取：按信用等级比例抽主体、随机匹配检查人员",
)
def create_plan(request, payload: PlanIn):
    plan = inspections.create_plan(
        actor=request.actor,
        user=request.auth,
        name=payload.name,
        scope=payload.scope,
        seed=payload.seed,
        subject_codes=payload.subjects or None,
        kinds=payload.kinds or None,
        region=payload.region,
        inspectors_per_subject=payload.inspectors_per_subject,
    )
    return 201, selectors.plan_body(plan)


@router.get(
    "/inspection-plans",
    auth=GOVERNMENT_READERS,
    response={200: Page[PlanSummaryOut], **errors(401, 403, 422)},
    summary="抽查计划",
)
def list_plans(request, limit: int = 20, offset: int = 0):
    page = paginate(inspections.visible_plans(request.auth).order_by("-id"), limit=limit, offset=offset)
    return page.body(lambda p: selectors.plan_body(p, with_tasks=False))


def _plan(request, plan_id: int):
    plan = inspections.visible_plans(request.auth).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("抽查计划不存在", code="plan_not_found")
    return plan


@router.get(
    "/inspection-plans/{plan_id}",
    auth=GOVERNMENT_READERS,
    response={200: PlanOut, **errors(401, 403, 404, 422)},
    summary="抽查计划、抽中主体与检查人员",
)
def get_plan(request, plan_id: int):
    return selectors.plan_body(_plan(request, plan_id))


@router.get(
    "/inspection-plans/{plan_id}/verify",
    auth=GOVERNMENT_READERS,
    response={200: PlanCheckOut, **errors(401, 403, 404, 422)},
    summary="按记录的种子重新抽取并比对",
)
def verify_plan(request, plan_id: int):
    return inspections.verify(_plan(request, plan_id))


@router.post(
    "/inspection-tasks/{task_id}/result",
    auth=DEPARTMENTS,
    response={200: InspectionTaskOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="录入并公示检查结果（生成信用信息）",
)
def record_result(request, task_id: int, payload: ResultIn):
    task = inspections.record_result(
        actor=request.actor,
        user=request.auth,
        task_id=task_id,
        result=payload.result,
        findings=payload.findings,
        inspected_on=payload.inspected_on,
        rectify_by=payload.rectify_by,
        document_number=payload.document_number,
    )
    return selectors.task_body(task)
