"""What the task endpoints answer: a page of a department's tasks, and a closed task."""

import datetime as dt

from pydantic import Field

from xinyong.core.responses import Out, Page, SubjectRef


class TaskEntry(Out):
    """The list entry a task is about."""

    id: int
    list_type: str
    list_type_name: str
    subject: SubjectRef
    status: str
    starts_on: dt.date | None
    ends_on: dt.date | None


class TaskOut(Out):
    id: int
    action: str = Field(description="事项：publish、revoke、expire、suspend、resume、objection、repair 或各类通报")
    reason: str
    created_at: dt.datetime
    due_on: dt.date | None = Field(description="反馈期限")
    status: str = Field(examples=["open"])
    entry: TaskEntry | None
    objection: int | None = Field(description="待决定的异议编号")
    repair: int | None = Field(description="待决定的信用修复申请编号")


class ClosedTaskOut(Out):
    id: int
    status: str = Field(examples=["done"])
    done_at: dt.datetime | None


TaskPage = Page[TaskOut]
