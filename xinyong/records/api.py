from django.http import StreamingHttpResponse
from ninja import File, Form, Query, Router, Schema, UploadedFile
from pydantic import Field

from xinyong.accounts.auth import roles
from xinyong.accounts.models import Role
from xinyong.accounts.roles import RECORD_READERS
from xinyong.accounts.selectors import department_of
from xinyong.audit.services import record as audit
from xinyong.core import clock
from xinyong.core.errors import Forbidden, InvalidInput, NotFound
from xinyong.core.pagination import paginate
from xinyong.core.responses import Page, errors, file_answer
from xinyong.core.schemas import PeriodQuery

from . import imports, selectors, services
from .models import ImportJob, Record
from .schemas import (
    DepartmentRecordOut,
    ImportDetailOut,
    ImportJobOut,
    PublishedOut,
    StoredOut,
    TimelinessOut,
    WithdrawnOut,
)

router = Router(tags=["records"])


class RecordIn(Schema):
    category: str = Field(description="信息类别编码，见 GET /categories")
    fields: dict = Field(description="按类别字段定义填写，如 CF_XDR_MC、CF_WSH …")
    publish: bool = Field(True, description="公开类信息是否立即公示（false 时稍后调用 /records/{id}/publish）")


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=500, title="理由")


class PeriodParams(PeriodQuery):
    department: str | None = None


def _stored_body(stored: services.Stored) -> dict:
    record = stored.record
    return {
        "id": record.pk,
        "outcome": stored.outcome,
        "version": record.version,
        "category": record.category.code,
        "decision_number": record.decision_number,
        "decision_date": record.decision_date,
        "publish_due": record.publish_due,
        "published_at": record.published_at,
        "subject": {
            "code": record.subject.public_code,
            "name": record.subject.name,
            "code_verified": record.subject.code_verified,
        },
        "warnings": stored.warnings,
    }


@router.post(
    "/records",
    auth=roles(Role.PROVIDER),
    response={200: StoredOut, 201: StoredOut, **errors(400, 401, 403, 422)},
    summary="报送一条信用信息（相同内容重复报送不重复入库）",
)
def post_record(request, payload: RecordIn):
    stored = services.ingest_record(
        actor=request.actor,
        provider=department_of(request.auth),
        category_code=payload.category,
        fields=payload.fields,
        publish=payload.publish,
    )
    return (200 if stored.outcome == services.DUPLICATE else 201), _stored_body(stored)


@router.get(
    "/records/{record_id}",
    auth=roles(RECORD_READERS),
    response={200: DepartmentRecordOut, **errors(401, 403, 404, 422)},
    summary="查看信用信息（含来源与历史版本；本部门或信用办）",
)
def get_record(request, record_id: int):
    record = Record.objects.select_related("category", "provider", "subject").filter(pk=record_id).first()
    if record is None:
        raise NotFound("信用信息不存在", code="record_not_found")
    user = request.auth
    if not user.has_role(Role.CREDIT_OFFICE, Role.AUDITOR) and record.provider_id != user.department_id:
        raise Forbidden("只能查看本部门报送的信用信息", code="not_own_record")
    audit(actor=request.actor, action="record.read", object_type="record", object_id=record.pk)
    body = selectors.department_record(record)
    body["history"] = [
        {"id": r.pk, "version": r.version, "status": r.status, "received_at": r.received_at} for r in _versions(record)
    ]
    return body


def _versions(record: Record) -> list[Record]:
    chain = [record]
    while chain[-1].supersedes_id:
        chain.append(Record.objects.get(pk=chain[-1].supersedes_id))
    newer = record
    while hasattr(newer, "superseded_by"):
        newer = newer.superseded_by
        chain.insert(0, newer)
    return chain


@router.post(
    "/records/{record_id}/publish",
    auth=roles(Role.PROVIDER),
    response={200: PublishedOut, **errors(401, 403, 404, 422)},
    summary="公示（暂缓公示的信息）",
)
def publish(request, record_id: int):
    record = services.publish_record(actor=request.actor, provider=department_of(request.auth), record_id=record_id)
    return {"id": record.pk, "published_at": record.published_at}


@router.post(
    "/records/{record_id}/withdraw",
    auth=roles(Role.PROVIDER),
    response={200: WithdrawnOut, **errors(400, 401, 403, 404, 422)},
    summary="撤回（决定被撤销或变更），停止公示",
)
def withdraw(request, record_id: int, payload: ReasonIn):
    record = services.withdraw_record(
        actor=request.actor, provider=department_of(request.auth), record_id=record_id, reason=payload.reason
    )
    return {"id": record.pk, "status": record.status, "reason": record.status_reason}


@router.get(
    "/publicity/timeliness",
    auth=roles(RECORD_READERS),
    response={200: TimelinessOut, **errors(401, 403, 422)},
    summary="双公示及时率：按部门统计按时、迟报、仍逾期",
)
def publicity_timeliness(request, params: Query[PeriodParams]):
    department = params.department
    user = request.auth
    if not user.has_role(Role.CREDIT_OFFICE, Role.AUDITOR):
        department = department_of(user).code  # a provider sees its own figures only
    rows = selectors.timeliness(start=params.start, end=params.end, today=clock.today(), department_code=department)
    return {"start": params.start, "end": params.end, "today": clock.today(), "departments": rows}


# --- bulk import (R3) -------------------------------------------------------------------------------

IMPORT_READERS = roles(RECORD_READERS)


class ImportErrorParams(Schema):
    limit: int = Field(50, description="每页错误行数（1–100）")
    offset: int = 0


class ImportListParams(Schema):
    status: str | None = None
    limit: int = 20
    offset: int = 0


def _job_body(job: ImportJob) -> dict:
    return {
        "id": job.pk,
        "category": job.category.code,
        "provider": job.provider.code,
        "file_name": job.file_name,
        "file_sha256": job.file_sha256,
        "format": job.file_format,
        "encoding": job.encoding,
        "status": job.status,
        "message": job.message,
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "next_line": job.next_line,
        "progress": job.progress,
        "counts": imports.counts(job),
        "created_by": job.created_by,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "errors_url": f"/api/v1/imports/{job.pk}/errors.csv",
    }


@router.post(
    "/imports",
    auth=roles(Role.PROVIDER),
    response={201: ImportJobOut, **errors(401, 403, 413, 422)},
    summary="批量导入：上传 CSV（UTF-8 或 GBK）或 XLSX 文件，后台逐批处理",
)
def post_import(
    request,
    # A None default is how ninja makes a multipart part optional (the body below says which is missing);
    # typing them `| None` would put a null into the OpenAPI schema, which a multipart body cannot carry.
    file: File[UploadedFile] = None,  # type: ignore[assignment]
    category: Form[str] = None,  # type: ignore[assignment]
):
    """multipart/form-data：`file` 为 CSV（UTF-8 或 GBK）或 XLSX 文件，表头用 CF_*/XK_* 交换字段名或中文列名；
    `category` 为信息类别编码（见 GET /categories）。"""
    provider = department_of(request.auth)
    if file is None:
        raise InvalidInput("请以 multipart/form-data 上传文件（字段 file）", code="file_required")
    if not category:
        raise InvalidInput("请指定信息类别（表单字段 category）", code="category_required")
    limit = imports.max_upload_bytes()
    if file.size is not None and file.size > limit:
        raise imports.TooLarge(
            f"文件超过大小上限 {limit // (1024 * 1024)} MB；请拆分后分批导入", details=[{"limit_bytes": limit}]
        )
    job = imports.start_import(
        actor=request.actor,
        provider=provider,
        category_code=category.strip(),
        chunks=file.chunks(),
        file_name=file.name or "",
        limit=limit,
    )
    imports.enqueue(job)
    job.refresh_from_db()
    return 201, _job_body(job)


@router.get(
    "/imports",
    auth=IMPORT_READERS,
    response={200: Page[ImportJobOut], **errors(401, 403, 422)},
    summary="导入任务列表（提供单位只看本部门）",
)
def list_imports(request, params: Query[ImportListParams]):
    jobs = imports.visible_jobs(request.auth).order_by("-id")
    if params.status:
        jobs = jobs.filter(status=params.status)
    page = paginate(jobs, limit=params.limit, offset=params.offset)
    items = [_job_body(j) for j in page.items]
    return {"count": page.count, "limit": page.limit, "offset": page.offset, "items": items}


@router.get(
    "/imports/{job_id}",
    auth=IMPORT_READERS,
    response={200: ImportDetailOut, **errors(401, 403, 404, 422)},
    summary="导入任务：进度、计数与错误行（分页）",
)
def get_import(request, job_id: int, params: Query[ImportErrorParams]):
    job = imports.job_for(request.auth, job_id)
    if request.auth.department_id != job.provider_id:  # another department's job: a non-public read
        audit(actor=request.actor, action="import.read", object_type="import_job", object_id=job.pk)
    page = paginate(job.row_errors.order_by("line", "id"), limit=params.limit, offset=params.offset, max_offset=100_000)
    body = _job_body(job)
    body["errors"] = {
        "count": page.count,
        "limit": page.limit,
        "offset": page.offset,
        "items": [{"line": e.line, "column": e.column, "reason": e.reason} for e in page.items],
    }
    return body


@router.get(
    "/imports/{job_id}/errors.csv",
    auth=IMPORT_READERS,
    response=errors(401, 403, 404, 422),
    openapi_extra=file_answer("错误行：行号、列、原因", "text/csv"),
    summary="下载错误行（CSV，UTF-8 带 BOM，Excel 可直接打开）",
)
def import_errors_csv(request, job_id: int):
    job = imports.job_for(request.auth, job_id)
    audit(actor=request.actor, action="import.errors_read", object_type="import_job", object_id=job.pk)
    response = StreamingHttpResponse(imports.error_csv_chunks(job), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response
