"""Response shapes shared by every slice of the API (architecture §4): the error body, a page of a list, a
subject or a catalog entry named by code and name; and `errors()`, which declares an endpoint's error answers
in its `response=`.

Every endpoint declares its success and error schemas, so /api/v1/openapi.json says what it answers and a
client generated from it parses every answer."""

from typing import Any, Generic, TypeVar

from ninja import Schema
from pydantic import ConfigDict, Field


class Out(Schema):
    """The shape of an answer. A key the schema does not declare is refused, so a body that drifts from its
    schema fails in the tests instead of losing the key on its way out."""

    model_config = ConfigDict(extra="forbid")


class ErrorInfo(Out):
    code: str = Field(description="机器可读的错误编码", examples=["subject_not_found"])
    message: str = Field(description="中文说明，可直接展示给用户", examples=["未找到该信用主体"])
    details: list[Any] = Field(
        description="补充信息：校验错误为 {loc, message, type} 列表，导入为逐行错误；通常为空",
        examples=[[]],
    )


class ErrorBody(Out):
    """Every 4xx (and the rare 5xx) answer: `{"error": {"code", "message", "details"}}`."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "error": {
                        "code": "invalid",
                        "message": "请求数据不符合要求",
                        "details": [
                            {"loc": ["body", "payload", "subject"], "message": "Field required", "type": "missing"}
                        ],
                    }
                }
            ]
        }
    )

    error: ErrorInfo


# The errors endpoints answer with, by what causes them: a body that is not JSON (400), no or a bad token (401),
# a role or department that may not (403), a thing not found (404), a state that forbids it (409), an upload too
# large (413), input the schemas or the rules refuse (422), too many requests (429).
ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 422, 429)


def errors(*statuses: int) -> dict[int, type[ErrorBody]]:
    """`response={200: ThingOut, **errors(401, 403, 422)}`: these statuses answer with the error body."""
    unknown = set(statuses) - set(ERROR_STATUSES)
    if unknown:
        raise ValueError(f"not an error status of this API: {sorted(unknown)}")
    return dict.fromkeys(statuses, ErrorBody)


ItemT = TypeVar("ItemT")


class Page(Out, Generic[ItemT]):
    """A page of a bounded list (core.pagination): `count` items in all, `limit` from `offset`."""

    count: int = Field(description="符合条件的总数", examples=[1])
    limit: int = Field(examples=[20])
    offset: int = Field(examples=[0])
    items: list[ItemT]


class SubjectRef(Out):
    """A credit subject as every answer names it: its public code (a person's masked) and name."""

    code: str = Field(description="统一社会信用代码或（脱敏的）身份证号", examples=["91360404000007018B"])
    name: str = Field(examples=["九江守信建材有限公司"])


class CodeName(Out):
    """A department, category or catalog entry named by its code and Chinese name."""

    code: str
    name: str


def file_answer(description: str, *media_types: str) -> dict:
    """`openapi_extra=` of an endpoint whose success is (or may be) a file, not JSON: its 200 may also be bytes of
    these media types."""
    content = {media_type: {"schema": {"type": "string", "format": "binary"}} for media_type in media_types}
    return {"responses": {200: {"description": description, "content": content}}}
