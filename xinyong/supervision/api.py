"""Credit-based supervision API (R17–R19, R26, R27): commitments, grades, random inspections,
rectification and interviews, watch-list referrals, associations, authorisations and authorised reads."""

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field, model_validator

from xinyong.accounts.auth import roles
from xinyong.accounts.models import Role
from xinyong.core.errors import InvalidInput, NotFound
from xinyong.core.pagination import paginate, status_page
from xinyong.core.schemas import StatusPageQuery
from xinyong.records.selectors import public_records_section

from . import selectors
from .models import (
    ASSOCIATION,
    CREDIT_AGENCY,
    FINANCIAL_INSTITUTION,
    Commitment,
    CommitmentTemplate,
    Evaluation,
    IndustryMeasure,
    Inspector,
    Interview,
    Membership,
    RectificationOrder,
    WatchReferral,
)
from .services import associations, commitments, grading, inspections, rectification, watch
from .services.common import DEPARTMENT_ROLES, acting_department, subject_for

router = Router(tags=["信用监管"])

DEPARTMENTS = roles(*DEPARTMENT_ROLES)
GOVERNMENT_READERS = roles(*DEPARTMENT_ROLES, Role.AUDITOR)
OFFICE = roles(Role.CREDIT_OFFICE)
COMMITTERS = roles(Role.SUBJECT, *DEPARTMENT_ROLES)
COMMITMENT_READERS = roles(Role.SUBJECT, *DEPARTMENT_ROLES, Role.AUDITOR)
ASSOCIATIONS = roles(ASSOCIATION, Role.CREDIT_OFFICE)
GRANTEES = (FINANCIAL_INSTITUTION, CREDIT_AGENCY, ASSOCIATION)
AUTHORISATION_READERS = roles(Role.SUBJECT, *GRANTEES, Role.CREDIT_OFFICE, Role.AUDITOR)


class PageParams(StatusPageQuery):
    subject: str | None = None


def _page(queryset, params: PageParams, body) -> dict:
    if params.subject:
        queryset = queryset.filter(subject=subject_for(params.subject))
    return status_page(queryset, params, body)


# ---- commitments (R17) -------------------------------------------------------------------------


class CommitmentIn(Schema):
    template: str = Field("", description="承诺书模板编码，见 GET /commitment-templates")
    kind: str = Field(
        "",
        description="notify（告知承诺）、tolerance（容缺受理）、voluntary、repair、政务诚信：gov_policy、gov_contract、gov_payment",
    )
    subject: str | None = Field(None, description="承诺主体代码；信用主体本人提交时可省略")
    department: str = Field("", description="受理部门编码；部门人员提交时为本部门")
    matter: str = ""
    item_name: str = Field("", max_length=100)
    text: str = Field("", max_length=4000, description="承诺内容；留空则用模板正文")
    missing_materials: str = Field("", max_length=2000, description="容缺受理：所缺材料")
    due_on: dt.date | None = Field(None, description="履约期限；留空按模板或规则参数计算")
    reference: str = Field("", max_length=100, description="关联办件编号")

    @model_validator(mode="after")
    def _template_or_kind(self):
        if not self.template and not self.kind:
            raise ValueError("请选择承诺书模板（template）或承诺类型（kind）")
        return self


class ResolveIn(Schema):
    note: str = Field("", max_length=500, title="说明")


class BreachIn(Schema):
    reason: str = Field(min_length=1, max_length=500, title="违诺情况")
    breach_kind: str = Field("violated", description="violated（违背承诺）、false（虚假承诺）、overdue（逾期未履行）")


@router.get("/commitment-templates", auth=None, summary="信用承诺书模板（按许可事项，向社会公开）")
def list_templates(request, matter: str | None = None):
    templates = CommitmentTemplate.objects.filter(is_active=True).select_related("matter")
    if matter:
        templates = templates.filter(matter__code=matter)
    return [selectors.template_body(t) for t in templates]


@router.post("/commitments", auth=COMMITTERS, response={201: dict}, summary="作出信用承诺（告知承诺、容缺受理等）")
def make_commitment(request, payload: CommitmentIn):
    user = request.auth
    made = commitments.make_commitment(
        actor=request.actor,
        subject=commitments.committing_subject(user, payload.subject),
        department=commitments.accepting_department(user, payload.department, payload.template),
        kind=payload.kind,
        template_code=payload.template,
        matter=payload.matter,
        item_name=payload.item_name,
        text=payload.text,
        missing_materials=payload.missing_materials,
        due_on=payload.due_on,
        reference=payload.reference,
    )
    return 201, selectors.commitment_body(made)


@router.get("/commitments", auth=COMMITMENT_READERS, summary="信用承诺：主体看本主体的，部门看本部门受理的")
def list_commitments(request, params: Query[PageParams]):
    return _page(commitments.visible_to(request.auth), params, selectors.commitment_body)


def _commitment(request, commitment_id: int) -> Commitment:
    found = commitments.visible_to(request.auth).filter(pk=commitment_id).first()
    if found is None:
        raise NotFound("信用承诺不存在", code="commitment_not_found")
    return found


@router.get("/commitments/{commitment_id}", auth=COMMITMENT_READERS, summary="信用承诺详情")
def get_commitment(request, commitment_id: int):
    return selectors.commitment_body(_commitment(request, commitment_id))


@router.post("/commitments/{commitment_id}/fulfil", auth=DEPARTMENTS, summary="确认已践诺（材料已补齐、核查通过）")
def fulfil_commitment(request, commitment_id: int, payload: ResolveIn):
    done = commitments.fulfil(actor=request.actor, user=request.auth, commitment_id=commitment_id, note=payload.note)
    return selectors.commitment_body(done)


@router.post("/commitments/{commitment_id}/breach", auth=DEPARTMENTS, summary="认定违诺：生成失信信息")
def breach_commitment(request, commitment_id: int, payload: BreachIn):
    done = commitments.record_breach(
        actor=request.actor,
        user=request.auth,
        commitment_id=commitment_id,
        reason=payload.reason,
        breach_kind=payload.breach_kind,
    )
    return selectors.commitment_body(done)


# ---- grades (R18) ------------------------------------------------------------------------------


class RecomputeIn(Schema):
    all: bool = Field(False, description="全部市场主体")
    subjects: list[str] = Field(default_factory=list, max_length=1000)


@router.get("/scoring-model", auth=None, summary="公共信用综合评价模型：指标、分值、上限、时间窗和等级划分（公开）")
def get_scoring_model(request):
    return selectors.scoring_model()


# Registered before GET /grades/{code}, whose pattern would otherwise take the path first.
@router.post("/grades/recompute", auth=OFFICE, summary="重新评价（全部或指定主体），如评价模型调整后")
def recompute_grades(request, payload: RecomputeIn):
    if payload.all == bool(payload.subjects):
        raise InvalidInput("请指定 all=true 或 subjects 之一", code="invalid_target")
    if payload.all:
        return grading.recompute_all(actor=request.actor, trigger="office_all")
    ids = [subject_for(code).pk for code in payload.subjects]
    return grading.recompute(ids, trigger="office", actor=request.actor)


@router.get("/grades/{code}", auth=GOVERNMENT_READERS, summary="主体的信用等级、计分明细和历史")
def get_grade(request, code: str):
    subject = subject_for(code)
    if not grading.graded(subject):
        raise InvalidInput("自然人不参与公共信用综合评价", code="not_graded")
    current = grading.refresh(subject, trigger="read", actor=request.actor)
    history = Evaluation.objects.filter(subject=subject).order_by("-computed_at", "-id")[:20]
    return {
        "subject": {"code": subject.public_code, "name": subject.name},
        "current": selectors.evaluation_body(current),
        "history": [
            {
                "id": e.pk,
                "grade": e.grade,
                "score": e.score,
                "computed_at": e.computed_at,
                "trigger": e.trigger,
                "explanation": e.summary,
            }
            for e in history
        ],
    }


# ---- random inspections (R18) ------------------------------------------------------------------


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


@router.post("/inspectors", auth=DEPARTMENTS, response={201: dict}, summary="登记本部门执法检查人员")
def add_inspector(request, payload: InspectorIn):
    made = inspections.add_inspector(actor=request.actor, user=request.auth, code=payload.code, name=payload.name)
    return 201, selectors.inspector_body(made)


@router.get("/inspectors", auth=GOVERNMENT_READERS, summary="本部门执法检查人员名录")
def list_inspectors(request):
    department = acting_department(request.auth)
    found = Inspector.objects.filter(department=department).select_related("department")
    return [selectors.inspector_body(i) for i in found]


@router.post("/inspectors/{inspector_id}/active", auth=DEPARTMENTS, summary="在册/不在册（调离、退休）")
def set_inspector_active(request, inspector_id: int, payload: InspectorActiveIn):
    inspector = inspections.set_inspector_active(
        actor=request.actor, user=request.auth, inspector_id=inspector_id, active=payload.active
    )
    return selectors.inspector_body(inspector)


@router.post("/inspectors/{inspector_id}/conflicts", auth=DEPARTMENTS, response={201: dict}, summary="申报回避")
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
    response={201: dict},
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


@router.get("/inspection-plans", auth=GOVERNMENT_READERS, summary="抽查计划")
def list_plans(request, limit: int = 20, offset: int = 0):
    page = paginate(inspections.visible_plans(request.auth).order_by("-id"), limit=limit, offset=offset)
    items = [selectors.plan_body(p, with_tasks=False) for p in page.items]
    return {"count": page.count, "limit": page.limit, "offset": page.offset, "items": items}


def _plan(request, plan_id: int):
    plan = inspections.visible_plans(request.auth).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("抽查计划不存在", code="plan_not_found")
    return plan


@router.get("/inspection-plans/{plan_id}", auth=GOVERNMENT_READERS, summary="抽查计划、抽中主体与检查人员")
def get_plan(request, plan_id: int):
    return selectors.plan_body(_plan(request, plan_id))


@router.get("/inspection-plans/{plan_id}/verify", auth=GOVERNMENT_READERS, summary="按记录的种子重新抽取并比对")
def verify_plan(request, plan_id: int):
    return inspections.verify(_plan(request, plan_id))


@router.post("/inspection-tasks/{task_id}/result", auth=DEPARTMENTS, summary="录入并公示检查结果（生成信用信息）")
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


# ---- rectification and interviews (R19) ----------------------------------------------------------


class OrderIn(Schema):
    subject: str
    document_number: str = Field(min_length=1, max_length=100, description="责令整改通知书文号")
    reason: str = Field(min_length=1, max_length=2000)
    requirements: str = Field(min_length=1, max_length=2000)
    deadline: dt.date | None = None
    working_days: int | None = Field(None, ge=1, le=365, description="不填 deadline 时按工作日计算")
    record: int | None = Field(None, description="依据的信用信息 id")


class CompleteIn(Schema):
    note: str = Field(min_length=1, max_length=2000)
    rectified_on: dt.date | None = None


class InterviewIn(Schema):
    subject: str
    kind: str = Field(description="prompt（提示约谈）或 warning（警示约谈）")
    content: str = Field(min_length=1, max_length=4000)
    held_on: dt.date | None = None
    interviewees: str = Field("", max_length=200)
    rectification: int | None = Field(None, description="关联的整改通知 id")


@router.post("/rectifications", auth=DEPARTMENTS, response={201: dict}, summary="责令限期整改")
def order_rectification(request, payload: OrderIn):
    order = rectification.order_rectification(
        actor=request.actor,
        user=request.auth,
        subject=subject_for(payload.subject),
        document_number=payload.document_number,
        reason=payload.reason,
        requirements=payload.requirements,
        deadline=payload.deadline,
        working_days=payload.working_days,
        basis_record_id=payload.record,
    )
    return 201, selectors.order_body(order)


@router.get("/rectifications", auth=GOVERNMENT_READERS, summary="限期整改（本部门；信用办全部）")
def list_rectifications(request, params: Query[PageParams]):
    orders = rectification.visible(RectificationOrder.objects.select_related("subject", "department"), request.auth)
    return _page(orders, params, selectors.order_body)


@router.post("/rectifications/{order_id}/complete", auth=DEPARTMENTS, summary="确认整改完成")
def complete_rectification(request, order_id: int, payload: CompleteIn):
    order = rectification.complete(
        actor=request.actor, user=request.auth, order_id=order_id, note=payload.note, rectified_on=payload.rectified_on
    )
    return selectors.order_body(order)


@router.post("/interviews", auth=DEPARTMENTS, response={201: dict}, summary="录入提示约谈、警示约谈（记入信用记录）")
def hold_interview(request, payload: InterviewIn):
    interview = rectification.hold_interview(
        actor=request.actor,
        user=request.auth,
        subject=subject_for(payload.subject),
        kind=payload.kind,
        content=payload.content,
        held_on=payload.held_on,
        interviewees=payload.interviewees,
        order_id=payload.rectification,
    )
    return 201, selectors.interview_body(interview)


@router.get("/interviews", auth=GOVERNMENT_READERS, summary="约谈记录（本部门；信用办全部）")
def list_interviews(request, params: Query[PageParams]):
    found = rectification.visible(Interview.objects.select_related("subject", "department"), request.auth)
    return _page(found, params, selectors.interview_body)


# ---- watch-list referrals (R8) -----------------------------------------------------------------


class DecisionIn(Schema):
    note: str = Field("", max_length=500, title="说明")


@router.get("/watch-referrals", auth=roles(Role.CREDIT_OFFICE, Role.AUDITOR), summary="提请列入重点关注对象名单")
def list_referrals(request, params: Query[PageParams]):
    return _page(WatchReferral.objects.select_related("subject"), params, selectors.referral_body)


@router.post("/watch-referrals/{referral_id}/accept", auth=OFFICE, summary="信用办决定列入重点关注对象名单")
def accept_referral(request, referral_id: int, payload: DecisionIn):
    done = watch.accept(actor=request.actor, user=request.auth, referral_id=referral_id, note=payload.note)
    return selectors.referral_body(done)


@router.post("/watch-referrals/{referral_id}/dismiss", auth=OFFICE, summary="不予列入（须说明理由）")
def dismiss_referral(request, referral_id: int, payload: DecisionIn):
    done = watch.dismiss(actor=request.actor, user=request.auth, referral_id=referral_id, reason=payload.note)
    return selectors.referral_body(done)


# ---- associations (R27) ------------------------------------------------------------------------


class AssociationIn(Schema):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    uscc: str = Field("", max_length=18)
    supervisor: str = Field("", max_length=32, description="业务主管单位编码")
    rules: str = Field("", max_length=200, description="行规行约/章程名称（行业性惩戒依据）")


class MemberIn(Schema):
    subject: str
    member_number: str = Field("", max_length=50)
    joined_on: dt.date | None = None


class IndustryMeasureIn(Schema):
    subject: str
    kind: str = Field(description="warning、criticism、censure、refusal、expulsion")
    document_number: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=2000)
    decided_on: dt.date
    ends_on: dt.date | None = None


class RevokeIn(Schema):
    reason: str = Field(min_length=1, max_length=500, title="撤销理由")


@router.post("/associations", auth=OFFICE, response={201: dict}, summary="登记行业协会商会")
def register_association(request, payload: AssociationIn):
    association = associations.register_association(
        actor=request.actor,
        code=payload.code,
        name=payload.name,
        uscc=payload.uscc,
        supervisor_code=payload.supervisor,
        rules=payload.rules,
    )
    return 201, selectors.association_body(association)


@router.post("/associations/{code}/members", auth=ASSOCIATIONS, response={201: dict}, summary="会员信用档案：登记会员")
def add_member(request, code: str, payload: MemberIn):
    membership = associations.add_member(
        actor=request.actor,
        user=request.auth,
        association_code=code,
        subject=subject_for(payload.subject),
        member_number=payload.member_number,
        joined_on=payload.joined_on,
    )
    return 201, {
        "association": membership.association.code,
        "subject": {"code": membership.subject.public_code, "name": membership.subject.name},
        "member_number": membership.member_number,
        "joined_on": membership.joined_on,
        "status": membership.status,
    }


@router.get("/associations/{code}/members/{subject}", auth=ASSOCIATIONS, summary="会员信用档案")
def member_file(request, code: str, subject: str):
    association = associations.get_association(code)
    associations.require_association_user(request.auth, association)
    member = subject_for(subject)
    membership = Membership.objects.filter(association=association, subject=member).first()
    measures = IndustryMeasure.objects.filter(association=association, subject=member).select_related(
        "association", "kind", "subject"
    )
    evaluation = grading.current(member)
    _, public_records = public_records_section(member, None)
    return {
        "association": association.code,
        "subject": {"code": member.public_code, "name": member.name},
        "membership": {
            "member_number": membership.member_number,
            "joined_on": membership.joined_on,
            "left_on": membership.left_on,
            "status": membership.status,
        }
        if membership
        else None,
        "industry_measures": [selectors.industry_body(m) for m in measures.order_by("-decided_on", "-id")],
        "credit_grade": selectors.public_evaluation(evaluation) if evaluation else None,
        "commitments": selectors.commitments_section(member, None)[1],
        "public_records": public_records,
    }


@router.post(
    "/associations/{code}/industry-measures",
    auth=ASSOCIATIONS,
    response={201: dict},
    summary="实施行业性惩戒（警告、通报批评、公开谴责、不予接纳、劝退）",
)
def apply_industry_measure(request, code: str, payload: IndustryMeasureIn):
    measure = associations.apply_measure(
        actor=request.actor,
        user=request.auth,
        association_code=code,
        subject=subject_for(payload.subject),
        kind_code=payload.kind,
        document_number=payload.document_number,
        reason=payload.reason,
        decided_on=payload.decided_on,
        ends_on=payload.ends_on,
    )
    return 201, selectors.industry_body(measure)


@router.post("/industry-measures/{measure_id}/revoke", auth=ASSOCIATIONS, summary="撤销行业性惩戒")
def revoke_industry_measure(request, measure_id: int, payload: RevokeIn):
    measure = associations.revoke_measure(
        actor=request.actor, user=request.auth, measure_id=measure_id, reason=payload.reason
    )
    return selectors.industry_body(measure)


# ---- authorisations and authorised reads (R26) -------------------------------------------------


class AuthorisationIn(Schema):
    grantee: str = Field(description="被授权机构（金融机构、信用服务机构、行业协会）的部门编码")
    purpose: str = Field(min_length=1, max_length=200, title="用途")
    valid_from: dt.date | None = None
    valid_to: dt.date
    scope: str = Field("all", description="all（全部社会公开及授权查询类信息）或 categories")
    categories: list[str] = Field(default_factory=list)


@router.post("/authorisations", auth=roles(Role.SUBJECT), response={201: dict}, summary="信用主体授权机构查询其信息")
def grant_authorisation(request, payload: AuthorisationIn):
    made = associations.grant(
        actor=request.actor,
        user=request.auth,
        grantee_code=payload.grantee,
        purpose=payload.purpose,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        scope=payload.scope,
        categories=payload.categories,
    )
    return 201, selectors.authorisation_body(made)


@router.get("/authorisations", auth=AUTHORISATION_READERS, summary="查询授权：主体看自己作出的，机构看授予自己的")
def list_authorisations(request, limit: int = 20, offset: int = 0):
    found = associations.visible_authorisations(request.auth).order_by("-id")
    page = paginate(found, limit=limit, offset=offset)
    items = [selectors.authorisation_body(a) for a in page.items]
    return {"count": page.count, "limit": page.limit, "offset": page.offset, "items": items}


@router.post("/authorisations/{authorisation_id}/revoke", auth=roles(Role.SUBJECT), summary="撤回授权")
def revoke_authorisation(request, authorisation_id: int):
    done = associations.revoke(actor=request.actor, user=request.auth, authorisation_id=authorisation_id)
    return selectors.authorisation_body(done)


@router.get(
    "/authorised/subjects/{code}",
    auth=roles(*GRANTEES),
    summary="经主体授权查询其全部信息（含授权查询类）；每次查询及拒绝均留痕",
)
def authorised_read(request, code: str):
    return associations.authorised_read(actor=request.actor, user=request.auth, code=code)
