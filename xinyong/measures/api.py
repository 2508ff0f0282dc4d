from ninja import Query, Router

from xinyong.core.responses import errors

from . import selectors
from .schemas import LegalBasisOut, MatterOut, MeasureFilter, MeasureOut

router = Router(tags=["measures"])


@router.get(
    "/measures",
    auth=None,
    response={200: list[MeasureOut], **errors(422)},
    summary="奖惩措施清单：强制性/推荐性、措施类型、实施部门、触发名单、业务事项和依据",
)
def list_measures(request, filters: Query[MeasureFilter]):
    measures = selectors.filtered_measures(
        list_type=filters.list_type, matter=filters.matter, kind=filters.kind, force=filters.force
    )
    return [selectors.measure_body(m) for m in measures]


@router.get(
    "/matters", auth=None, response={200: list[MatterOut]}, summary="业务事项：实施部门核查、落实奖惩措施的环节"
)
def list_matters(request):
    return [{"code": m.code, "name": m.name, "description": m.description} for m in selectors.active_matters()]


@router.get(
    "/legal-bases",
    auth=None,
    response={200: list[LegalBasisOut]},
    summary="措施依据：国家联合奖惩合作备忘录及相关文件",
)
def list_legal_bases(request):
    return [
        {
            "code": b.code,
            "document_number": b.document_number,
            "title": b.title,
            "lead_department": b.lead_department,
            "kind": b.kind,
            "category": b.category,
            "annex_no": b.annex_no,
            "issued_on": b.issued_on,
        }
        for b in selectors.active_legal_bases()
    ]
