from typing import Any

from ninja import Router
from pydantic import Field

from xinyong.core.responses import Out

from .selectors import public_categories

router = Router(tags=["catalog"])


class CategoryOut(Out):
    code: str = Field(examples=["admin_penalty"])
    name: str = Field(examples=["行政处罚信息"])
    group: str = Field(examples=["行政管理信息"])
    description: str
    disclosure: str = Field(
        description="public（社会公开）、authorised（授权查询）、government（政务共享）", examples=["public"]
    )
    disclosure_display: str = Field(examples=["社会公开"])
    publish_within_working_days: int | None = Field(description="公示时限（工作日）；空为不公示", examples=[7])
    publication_months: int | None = Field(description="公示期限（月）；空为长期或按修复规则")
    counts_as_dishonesty: bool = Field(description="是否失信信息")
    fields: list[dict[str, Any]] = Field(
        description="字段定义：name、label、type、required，可有 max_length、min、choices、aliases、personal",
        examples=[[{"name": "CF_WSH", "label": "行政处罚决定书文号", "type": "string", "required": True}]],
    )
    subject_fields: dict[str, str] = Field(
        description="标识主体的字段：name、code，可有 kind、person_id、operator_id",
        examples=[{"name": "CF_XDR_MC", "code": "CF_XDR_SHXYM"}],
    )
    decision_number_field: str
    decision_date_field: str
    providers: list[str] = Field(description="提供单位编码")


@router.get(
    "/categories",
    auth=None,
    response={200: list[CategoryOut]},
    summary="公共信用信息目录：类别、字段定义、公开属性、公示期限",
)
def list_categories(request):
    return [
        {
            "code": c.code,
            "name": c.name,
            "group": c.group,
            "description": c.description,
            "disclosure": c.disclosure,
            "disclosure_display": c.get_disclosure_display(),
            "publish_within_working_days": c.publish_within_working_days,
            "publication_months": c.publication_months,
            "counts_as_dishonesty": c.counts_as_dishonesty,
            "fields": c.fields,
            "subject_fields": c.subject_fields,
            "decision_number_field": c.decision_number_field,
            "decision_date_field": c.decision_date_field,
            "providers": [d.code for d in c.providers.all()],
        }
        for c in public_categories()
    ]
