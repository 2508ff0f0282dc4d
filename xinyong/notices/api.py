"""A department's inbox over the API: `GET /tasks`, `POST /tasks/{id}/close` (architecture §4 contract)."""

from ninja import Query, Router, Schema
from pydantic import Field

from xinyong.accounts.auth import roles
from xinyong.accounts.roles import TASK_READERS
from xinyong.accounts.selectors import department_of
from xinyong.core.errors import InvalidInput
from xinyong.core.pagination import paginate
from xinyong.core.responses import errors

from . import selectors, services
from .models import Task
from .schemas import ClosedTaskOut, TaskPage

router = Router(tags=["tasks"])
TASK_ROLES = roles(TASK_READERS)


class TaskParams(Schema):
    status: str = "open"
    limit: int = 50
    offset: int = 0


class CloseIn(Schema):
    note: str = Field("", max_length=500)


@router.get(
    "/tasks",
    auth=TASK_ROLES,
    response={200: TaskPage, **errors(401, 403, 422)},
    summary="推送给本部门的任务（名单变更、待办决定、失信通报）",
)
def list_tasks(request, params: Query[TaskParams]):
    if params.status not in Task.Status.values:
        raise InvalidInput(f"status 可选：{'、'.join(Task.Status.values)}", code="invalid_status")
    tasks = selectors.inbox(department_of(request.auth), status=params.status)
    page = paginate(tasks, limit=params.limit, offset=params.offset)
    return page.body(_task_body)


def _task_body(task: Task) -> dict:
    entry = task.entry
    return {
        "id": task.pk,
        "action": task.action,
        "reason": task.reason,
        "created_at": task.created_at,
        "due_on": task.due_on,
        "status": task.status,
        "entry": {
            "id": entry.pk,
            "list_type": entry.list_type.code,
            "list_type_name": entry.list_type.name,
            "subject": {"code": entry.subject.public_code, "name": entry.subject.name},
            "status": entry.status,
            "starts_on": entry.starts_on,
            "ends_on": entry.ends_on,
        }
        if entry
        else None,
        "objection": task.objection_id,
        "repair": task.repair_id,
    }


@router.post(
    "/tasks/{task_id}/close",
    auth=TASK_ROLES,
    response={200: ClosedTaskOut, **errors(400, 401, 403, 404, 422)},
    summary="办结任务（如撤销、到期类通知）",
)
def close_task(request, task_id: int, payload: CloseIn):
    task = services.close_task(
        actor=request.actor, department=department_of(request.auth), task_id=task_id, note=payload.note
    )
    return {"id": task.pk, "status": task.status, "done_at": task.done_at}
