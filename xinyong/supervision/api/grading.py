"""Public credit grades (R18): the published scoring model, a subject's grade with its explanation, recomputing."""

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema
from pydantic import Field

from xinyong.core.errors import InvalidInput
from xinyong.core.responses import Out, SubjectRef, errors

from .. import selectors
from ..models import Evaluation
from ..schemas import PublicContributionOut
from ..services import grading
from ..services.common import subject_for
from .common import GOVERNMENT_READERS, OFFICE

router = Router()


class RecomputeIn(Schema):
    all: bool = Field(False, description="全部市场主体")
    subjects: list[str] = Field(default_factory=list, max_length=1000)


class IndicatorOut(Out):
    code: str = Field(examples=["penalty_general"])
    name: str = Field(examples=["行政处罚（一般）"])
    source: str = Field(description="record（信用信息）或 list_entry（名单）", examples=["record"])
    category: str | None = Field(examples=["admin_penalty"])
    list_kind: str | None = Field(examples=[None])
    match_field: str | None = Field(examples=["CF_YZCD"])
    match_values: list[str]
    points: Decimal = Field(description="每条分值，负数为扣分", examples=["-10.00"])
    cap: Decimal | None = Field(description="累计上限（绝对值）", examples=["30.00"])
    window_months: int | None = Field(examples=[36])
    description: str


class GradeLevelOut(Out):
    code: str = Field(examples=["A"])
    name: str = Field(examples=["优"])
    min_score: Decimal = Field(examples=["90.00"])
    inspection_ratio: Decimal = Field(description="双随机抽查比例", examples=["0.0200"])
    supervision: str
    allows_tolerance: bool
    refer_to_watch_list: bool
    measures: list[str] = Field(description="该等级适用的奖惩措施编码")


class ScoringModelOut(Out):
    base_score: Decimal = Field(examples=["80.0000"])
    score_range: list[int] = Field(examples=[[0, 100]])
    indicators: list[IndicatorOut]
    grades: list[GradeLevelOut]


class RecomputeOut(Out):
    evaluated: int
    changed: int
    grades: dict[str, int] = Field(description="各等级主体数", examples=[{"B": 2}])


class ContributionOut(PublicContributionOut):
    source: str = Field(examples=["record"])
    id: int = Field(description="信用信息或名单条目 id")
    category: str = Field(examples=["admin_penalty"])
    list_kind: str = Field(examples=[""])
    public: bool = Field(description="是否社会公开类信息")


class EvaluationOut(Out):
    """A grade with the full explanation (for departments): every contribution, public or not."""

    id: int
    grade: str = Field(examples=["B"])
    grade_name: str = Field(examples=["良"])
    score: Decimal = Field(examples=["82.00"])
    base: Decimal = Field(examples=["80.00"])
    previous_grade: str | None
    computed_at: dt.datetime
    trigger: str = Field(examples=["record.new"])
    is_current: bool
    expires_on: dt.date | None = Field(description="计分变化日")
    explanation: str = Field(examples=["基础分80；信用承诺已践诺 XYCN-2025-000001 +2。得分82，B级（良）"])
    contributions: list[ContributionOut] = Field(description="计分明细，含非公开信息")
    model_digest: str


class PastEvaluationOut(Out):
    id: int
    grade: str
    score: Decimal
    computed_at: dt.datetime
    trigger: str
    explanation: str


class SubjectGradeOut(Out):
    subject: SubjectRef
    current: EvaluationOut
    history: list[PastEvaluationOut] = Field(description="最近 20 次评价，新的在前")


@router.get(
    "/scoring-model",
    auth=None,
    response={200: ScoringModelOut},
    summary="公共信用综合评价模型：指标、分值、上限、时间窗和等级划分（公开）",
)
def get_scoring_model(request):
    return selectors.scoring_model()


# Registered before GET /grades/{code}, whose pattern would otherwise take the path first.
@router.post(
    "/grades/recompute",
    auth=OFFICE,
    response={200: RecomputeOut, **errors(400, 401, 403, 404, 422)},
    summary="重新评价（全部或指定主体），如评价模型调整后",
)
def recompute_grades(request, payload: RecomputeIn):
    if payload.all == bool(payload.subjects):
        raise InvalidInput("请指定 all=true 或 subjects 之一", code="invalid_target")
    if payload.all:
        return grading.recompute_all(actor=request.actor, trigger="office_all")
    ids = [subject_for(code).pk for code in payload.subjects]
    return grading.recompute(ids, trigger="office", actor=request.actor)


@router.get(
    "/grades/{code}",
    auth=GOVERNMENT_READERS,
    response={200: SubjectGradeOut, **errors(401, 403, 404, 422)},
    summary="主体的信用等级、计分明细和历史",
)
def get_grade(request, code: str):
    subject = subject_for(code)
    current = grading.refresh(subject, trigger="read", actor=request.actor)
    if current is None:  # a person: refresh grades organisations only
        raise InvalidInput("自然人不参与公共信用综合评价", code="not_graded")
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
