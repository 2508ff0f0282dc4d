"""Credit commitments (R17): templates, making one, fulfilment and breach."""

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field, model_validator

from xinyong.accounts.auth import roles
from xinyong.accounts.models import Role
from xinyong.core.errors import NotFound
from xinyong.core.responses import Out, Page, SubjectRef, errors

from .. import selectors
from ..models import Commitment, CommitmentTemplate
from ..services import commitments
from ..services.common import DEPARTMENT_ROLES
from .common import DEPARTMENTS, NoteIn, PageParams, page_of

router = Router()

COMMITTERS = roles(Role.SUBJECT, *DEPARTMENT_ROLES)
COMMITMENT_READERS = roles(Role.SUBJECT, *DEPARTMENT_ROLES, Role.AUDITOR)


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


class BreachIn(Schema):
    reason: str = Field(min_length=1, max_length=500, title="违诺情况")
    breach_kind: str = Field("violated", description="violated（违背承诺）、false（虚假承诺）、overdue（逾期未履行）")


class TemplateOut(Out):
    code: str = Field(examples=["food_business_notify"])
    name: str = Field(examples=["食品经营许可告知承诺书"])
    kind: str = Field(examples=["notify"])
    kind_display: str = Field(examples=["告知承诺"])
    matter: str | None = Field(description="业务事项编码", examples=["market_access"])
    item_name: str = Field(examples=["食品经营许可"])
    department: str | None = Field(description="受理部门编码", examples=["SCJG"])
    department_name: str = Field(examples=["市场监督管理局"])
    conditions: str
    text: str
    deadline_working_days: int | None = Field(description="容缺受理补齐材料期限（工作日）", examples=[20])
    period_months: int | None = Field(description="告知承诺履约期限（月）", examples=[12])
    source: str = Field(description="依据", examples=["共社信办字〔2020〕7号 二（一）"])


class PublicCommitmentOut(Out):
    """A commitment as the public profile shows it (002 §1: 履约情况记入信用记录并公示)."""

    number: str = Field(examples=["XYCN-2025-000001"])
    kind: str = Field(examples=["notify"])
    kind_display: str = Field(examples=["告知承诺"])
    item_name: str = Field(examples=["建筑业企业资质"])
    matter: str = Field(examples=["qualification_approval"])
    department: str = Field(description="受理部门名称", examples=["区住建局"])
    made_on: dt.date
    due_on: dt.date | None
    status: str = Field(description="pending（履约中）、fulfilled（已践诺）、broken（未践诺）…", examples=["pending"])
    status_display: str = Field(examples=["履约中"])
    text: str = Field(description="公示文本")


class CommitmentOut(PublicCommitmentOut):
    id: int
    subject: SubjectRef
    department_code: str = Field(examples=["ZJ"])
    template: str | None = Field(examples=["construction_qualification_notify"])
    commitment_text: str
    missing_materials: str
    reference: str
    made_at: dt.datetime
    made_by: str
    resolved_at: dt.datetime | None
    resolution: str
    breach_kind: str | None = Field(examples=[None])
    record: int | None = Field(description="承诺信息 id")
    breach_record: int | None = Field(description="违诺生成的失信信息 id")


@router.get(
    "/commitment-templates",
    auth=None,
    response={200: list[TemplateOut], **errors(422)},
    summary="信用承诺书模板（按许可事项，向社会公开）",
)
def list_templates(request, matter: str | None = None):
    templates = CommitmentTemplate.objects.filter(is_active=True).select_related("matter")
    if matter:
        templates = templates.filter(matter__code=matter)
    return [selectors.template_body(t) for t in templates]


@router.post(
    "/commitments",
    auth=COMMITTERS,
    response={201: CommitmentOut, **errors(400, 401, 403, 404, 422)},
    summary="作出信用承诺（告知承诺、容缺受理等）",
)
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


@router.get(
    "/commitments",
    auth=COMMITMENT_READERS,
    response={200: Page[CommitmentOut], **errors(401, 403, 404, 422)},
    summary="信用承诺：主体看本主体的，部门看本部门受理的",
)
def list_commitments(request, params: Query[PageParams]):
    return page_of(commitments.visible_to(request.auth), params, selectors.commitment_body)


def _commitment(request, commitment_id: int) -> Commitment:
    found = commitments.visible_to(request.auth).filter(pk=commitment_id).first()
    if found is None:
        raise NotFound("信用承诺不存在", code="commitment_not_found")
    return found


@router.get(
    "/commitments/{commitment_id}",
    auth=COMMITMENT_READERS,
    response={200: CommitmentOut, **errors(401, 403, 404, 422)},
    summary="信用承诺详情",
)
def get_commitment(request, commitment_id: int):
    return selectors.commitment_body(_commitment(request, commitment_id))


@router.post(
    "/commitments/{commitment_id}/fulfil",
    auth=DEPARTMENTS,
    response={200: CommitmentOut, **errors(400, 401, 403, 404, 422)},
    summary="确认已践诺（材料已补齐、核查通过）",
)
def fulfil_commitment(request, commitment_id: int, payload: NoteIn):
    done = commitments.fulfil(actor=request.actor, user=request.auth, commitment_id=commitment_id, note=payload.note)
    return selectors.commitment_body(done)


@router.post(
    "/commitments/{commitment_id}/breach",
    auth=DEPARTMENTS,
    response={200: CommitmentOut, **errors(400, 401, 403, 404, 422)},
    summary="认定违诺：生成失信信息",
)
def breach_commitment(request, commitment_id: int, payload: BreachIn):
    done = commitments.record_breach(
        actor=request.actor,
        user=request.auth,
        commitment_id=commitment_id,
        reason=payload.reason,
        breach_kind=payload.breach_kind,
    )
    return selectors.commitment_body(done)
