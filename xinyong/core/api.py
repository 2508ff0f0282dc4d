import datetime as dt

from ninja import Router
from pydantic import ConfigDict, Field

from .identifiers import identify
from .responses import CodeName, Out

router = Router(tags=["identifiers"])


class RegionOut(Out):
    code: str = Field(description="行政区划代码", examples=["440300"])
    province: str | None = Field(examples=["广东省"])


class IdentifierOut(Out):
    """A parsed code. The parts after `only_check_failed` are there for its type only: a USCC's authority, entity
    type, region and organisation code; a resident ID's region, birth date and sex."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "914403001922038216",
                    "valid": True,
                    "type": "uscc",
                    "error": None,
                    "error_code": None,
                    "position": None,
                    "expected_check": None,
                    "only_check_failed": False,
                    "registration_authority": {"code": "9", "name": "工商"},
                    "entity_type": {"code": "1", "name": "企业"},
                    "region": {"code": "440300", "province": "广东省"},
                    "org_code": "19220382-1",
                }
            ]
        }
    )

    code: str = Field(description="规范化后的代码（全角转半角、去空格、大写）")
    valid: bool
    type: str | None = Field(description="uscc（统一社会信用代码）、resident_id（身份证号）或 null（无法识别）")
    error: str | None = Field(description="无效时的中文说明")
    error_code: str | None = Field(examples=["bad_check_character"])
    position: int | None = Field(description="出错的位置（从 1 起）")
    expected_check: str | None = Field(description="应有的校验码")
    only_check_failed: bool = Field(description="只有校验码不符（可能是录入错误）")
    registration_authority: CodeName | None = None
    entity_type: CodeName | None = None
    region: RegionOut | None = None
    org_code: str | None = None
    birth_date: dt.date | None = None
    sex: str | None = Field(None, description="male 或 female")


@router.get(
    "/identifiers/{code}",
    auth=None,
    response={200: IdentifierOut},
    exclude_unset=True,  # a code's parts are there for its type only
    summary="校验统一社会信用代码或身份证号",
)
def check_identifier(request, code: str):
    """Parse and validate a code. Always 200: an invalid code is an answer, not an error."""
    return identify(code).as_api()
