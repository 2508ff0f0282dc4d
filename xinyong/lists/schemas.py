from ninja import Schema
from pydantic import Field


class ListTypeOut(Schema):
    code: str
    name: str
    kind: str = Field(description="red（红名单）、black（黑名单，失信联合惩戒对象）、watch（重点关注对象）")
    scope: str = Field(description="national（全国性名单）、local（本地名单）")
    initiator_department: str = Field(description="认定部门编码（谁主管、谁认定）")
    initiator_name: str
    entry_criteria: str
    legal_basis: str
    default_period_months: int | None = Field(description="默认期限（月）；空表示直至移出")
    min_period_months: int | None = Field(description="最短期限（月），期满后方可申请提前移出")
    max_period_months: int | None
    early_exit_rule: str
    early_exit_conditions: list[str] = Field(
        description="obligations_performed、credit_commitment、rectified、training、credit_report、public_service"
    )
    person_level: bool = Field(description="组织列入时是否同时落实到人")
    person_roles: list[str] = Field(description="落实到人的关联角色，按优先顺序")
