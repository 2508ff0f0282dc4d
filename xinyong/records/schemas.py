"""What the records API answers (architecture §4): a record as the public sees it, as its department sees it,
a stored delivery, an import job."""

import datetime as dt
from typing import Any

from pydantic import ConfigDict, Field

from xinyong.core.responses import Out, Page, SubjectRef


class PublicRecordOut(Out):
    id: int = Field(examples=[1])
    category: str = Field(description="信息类别编码", examples=["admin_penalty"])
    category_name: str = Field(examples=["行政处罚信息"])
    decision_number: str = Field(description="决定文书号", examples=["柴市监罚〔2025〕701号"])
    decision_date: dt.date | None = Field(examples=["2025-01-24"])
    provider: str = Field(description="提供单位名称", examples=["区市场监管局"])
    status: str = Field(description="active、under_objection、withdrawn、revoked …", examples=["active"])
    status_display: str = Field(examples=["有效"])
    under_objection: bool
    published_at: dt.datetime | None
    publication_ends_on: dt.date | None = Field(description="公示截止日；空为长期公示或不公示")
    fields: dict[str, Any] = Field(
        description="按类别字段定义的内容（自然人姓名脱敏）",
        examples=[{"CF_XDR_MC": "九江守信建材有限公司", "CF_WSH": "柴市监罚〔2025〕701号", "CF_CFLB": "罚款"}],
    )


class RecordGroupOut(Out):
    """A subject's public records of one category: how many, and the latest few."""

    category: str = Field(examples=["admin_penalty"])
    category_name: str = Field(examples=["行政处罚信息"])
    count: int
    items: list[PublicRecordOut]


class StoredSubjectOut(SubjectRef):
    code_verified: bool = Field(description="代码已与登记机关核验；否则按“待核实”接收")


class StoredOut(Out):
    """A delivered record as stored: created, a new version of one held, or a duplicate of one held (200)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 1,
                    "outcome": "created",
                    "version": 1,
                    "category": "admin_penalty",
                    "decision_number": "柴市监罚〔2025〕1号",
                    "decision_date": "2025-01-24",
                    "publish_due": "2025-02-10",
                    "published_at": "2025-01-27T09:00:00+08:00",
                    "subject": {"code": "91360404000000019U", "name": "九江测试商贸有限公司", "code_verified": True},
                    "warnings": [],
                }
            ]
        }
    )

    id: int
    outcome: str = Field(description="created（新增）、version（新版本）、duplicate（已有相同内容）")
    version: int
    category: str
    decision_number: str
    decision_date: dt.date | None
    publish_due: dt.date | None = Field(description="双公示时限（7个工作日）的截止日")
    published_at: dt.datetime | None
    subject: StoredSubjectOut
    warnings: list[str]


class VersionOut(Out):
    id: int
    version: int
    status: str = Field(examples=["superseded"])
    received_at: dt.datetime


class DepartmentRecordOut(PublicRecordOut):
    """A record as its providing department (or the credit office) sees it: the public view and provenance."""

    subject: SubjectRef
    version: int
    is_current: bool
    supersedes: int | None = Field(description="上一版本的 id")
    content_hash: str
    channel: str = Field(description="api、import、admin …", examples=["api"])
    received_by: str
    received_at: dt.datetime
    import_job: int | None
    source_line: int | None = Field(description="导入文件中的行号")
    publish_due: dt.date | None
    overdue_flagged_on: dt.date | None
    status_reason: str
    history: list[VersionOut] = Field(description="各版本，新的在前")


class PublishedOut(Out):
    id: int
    published_at: dt.datetime | None


class WithdrawnOut(Out):
    id: int
    status: str = Field(examples=["withdrawn"])
    reason: str


class TimelinessRowOut(Out):
    department: str = Field(examples=["SCJG"])
    department_name: str = Field(examples=["柴桑区市场监督管理局"])
    total: int
    on_time: int
    late: int
    overdue: int = Field(description="逾期仍未公示")
    pending: int = Field(description="未到期、尚未公示")
    no_due_date: int
    on_time_rate: float | None = Field(examples=[0.25])


class TimelinessOut(Out):
    start: dt.date
    end: dt.date
    today: dt.date
    departments: list[TimelinessRowOut]


class ImportCountsOut(Out):
    created: int
    version: int
    duplicate: int
    error: int


class ImportJobOut(Out):
    id: int
    category: str = Field(examples=["admin_penalty"])
    provider: str = Field(examples=["SCJG"])
    file_name: str = Field(examples=["penalties-2025-03.csv"])
    file_sha256: str
    format: str = Field(description="csv 或 xlsx", examples=["csv"])
    encoding: str = Field(examples=["utf-8"])
    status: str = Field(description="queued、running、done、failed", examples=["done"])
    message: str
    total_rows: int | None
    processed_rows: int
    next_line: int = Field(description="下一待处理行号（中断后从此继续）")
    progress: float | None = Field(examples=[1.0])
    counts: ImportCountsOut
    created_by: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    errors_url: str = Field(examples=["/api/v1/imports/1/errors.csv"])


class RowErrorOut(Out):
    line: int = Field(examples=[3])
    column: str = Field(examples=["CF_JDRQ"])
    reason: str = Field(examples=["处罚决定日期：日期“2025-02-30”不是有效日期"])


class ImportDetailOut(ImportJobOut):
    errors: Page[RowErrorOut]
