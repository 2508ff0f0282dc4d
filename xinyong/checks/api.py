from django.http import HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from xinyong.accounts.auth import roles
from xinyong.accounts.models import Role
from xinyong.accounts.roles import CHECK_READERS, LOOP_READERS
from xinyong.accounts.selectors import department_of
from xinyong.core import clock
from xinyong.core.responses import errors
from xinyong.core.schemas import PeriodQuery

from . import selectors
from .schemas import BatchOut, CheckAnswer, FeedbackOut, LoopOut, StoredCheckOut
from .services import answering, storage
from .services.batch import check_batch
from .services.feedback import give_feedback

router = Router(tags=["checks"])
IMPLEMENTER = roles(Role.IMPLEMENTER)


class CheckIn(Schema):
    subject: str = Field(description="统一社会信用代码或身份证号", examples=["91360404000007018B"])
    matter: str = Field(description="业务事项编码，见 GET /matters", examples=["government_procurement"])


class BatchIn(Schema):
    matter: str
    subjects: list[str] = Field(description="最多 10,000 个代码；结果按输入顺序返回")


class FeedbackIn(Schema):
    measure: str
    applied: bool
    note: str = Field("", max_length=500)


@router.post(
    "/checks",
    auth=IMPLEMENTER,
    response={200: CheckAnswer, **errors(400, 401, 403, 422)},
    exclude_unset=True,
    summary="嵌入式核查：主体 + 业务事项 → 适用的奖惩措施",
)
def post_check(request, payload: CheckIn):
    return answering.check(
        actor=request.actor, department=department_of(request.auth), subject_code=payload.subject, matter=payload.matter
    )


@router.post(
    "/checks/batch",
    auth=IMPLEMENTER,
    response={200: BatchOut, **errors(400, 401, 403, 422)},
    summary="批量核查（最多 10,000 个主体）",
)
def post_batch(request, payload: BatchIn):
    answers = check_batch(
        actor=request.actor,
        department=department_of(request.auth),
        subject_codes=payload.subjects,
        matter=payload.matter,
    )
    # Already JSON, exactly as stored: sent as it is.
    return HttpResponse(b'{"results":' + answers + b"}", content_type="application/json")


@router.get(
    "/checks/{check_id}",
    auth=roles(CHECK_READERS),
    response={200: StoredCheckOut, **errors(401, 403, 404)},
    exclude_unset=True,
    summary="核查记录及其校验（证明平台当日的答复）",
)
def get_check(request, check_id: str):
    user = request.auth
    found = storage.get_check(check_id, user.department, any_department=user.has_role(Role.CREDIT_OFFICE, Role.AUDITOR))
    return {
        "answer": found.answer,
        "implementer": found.implementer.code,
        "checked_by": found.checked_by,
        "digest": found.digest,
        "batch": found.batch.number if found.batch else None,
        "genuine": selectors.verify(found),
        "feedback": [
            {"measure": f.measure, "applied": f.applied, "note": f.note, "given_at": f.given_at}
            for f in (found.feedback.all() if found.pk else ())  # a batch answer without feedback yet
        ],
    }


@router.post(
    "/checks/{check_id}/feedback",
    auth=IMPLEMENTER,
    response={201: FeedbackOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="反馈措施落实情况（已落实 / 未落实及理由）",
)
def post_feedback(request, check_id: str, payload: FeedbackIn):
    feedback = give_feedback(
        actor=request.actor,
        department=department_of(request.auth),
        number=check_id,
        measure=payload.measure,
        applied=payload.applied,
        note=payload.note,
    )
    return 201, {
        "check_id": check_id,
        "measure": feedback.measure,
        "applied": feedback.applied,
        "note": feedback.note,
        "given_at": feedback.given_at,
    }


@router.get(
    "/loop/departments",
    auth=roles(LOOP_READERS),
    response={200: LoopOut, **errors(401, 403, 422)},
    summary="各部门闭环情况：核查、反馈率、反馈时长、任务逾期",
)
def loop_departments(request, params: Query[PeriodQuery]):
    return {
        "start": params.start,
        "end": params.end,
        "departments": selectors.department_loop(params.start, params.end, clock.today()),
    }
