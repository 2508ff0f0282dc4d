"""What the records API answers (architecture §4): a record as the public sees it, as its department sees it,
a stored delivery, an import job."""

import datetime as dt
from typing import Any

from pydantic import Field

from xinyong.core.responses import Out


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
