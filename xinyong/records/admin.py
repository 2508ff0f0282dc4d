from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from xinyong.accounts.models import Role
from xinyong.accounts.selectors import department_of, rows_visible_to
from xinyong.audit.admin_base import ReadOnlyAdmin, ReadOnlyInline, decision_page
from xinyong.audit.services import Actor
from xinyong.catalog.models import Category
from xinyong.core import clock
from xinyong.core.errors import DomainError

from . import imports, services
from .models import ImportJob, Record, RecordEvent


class PublicityFilter(admin.SimpleListFilter):
    """Double publicity (双公示) of a decision, as the tracking figures count it."""

    title = "双公示"
    parameter_name = "publicity"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "逾期未公示"),
            ("late", "迟报（逾期后公示）"),
            ("on_time", "按时公示"),
            ("pending", "未到期未公示"),
        ]

    def queryset(self, request, queryset):
        today = clock.today()
        due = Q(publish_due__isnull=False)
        conditions = {
            "overdue": due & Q(published_at__isnull=True, publish_due__lt=today),
            "pending": due & Q(published_at__isnull=True, publish_due__gte=today),
            "late": due & Q(published_at__date__gt=F("publish_due")),
            "on_time": due & Q(published_at__date__lte=F("publish_due")),
        }
        condition = conditions.get(self.value())
        return queryset.filter(condition) if condition is not None else queryset


class RecordEventInline(ReadOnlyInline):
    model = RecordEvent
    fields = ["occurred_at", "status", "published", "reason", "actor"]
    readonly_fields = fields
    ordering = ["occurred_at", "id"]


@admin.register(Record)
class RecordAdmin(ReadOnlyAdmin):
    """Credit records as delivered (R3, R4), for the credit office and auditors, and for a department its
    own: read-only, since records change only through the audited services (API, imports, objections,
    repair). Personal ID numbers appear masked, as everywhere but in the encrypted column."""

    list_display = [
        "decision_number",
        "subject",
        "category",
        "provider",
        "decision_date",
        "publish_due",
        "published_on",
        "status",
        "version",
    ]
    list_filter = [PublicityFilter, "category", "provider", "status", "channel", "decision_date", "is_current"]
    list_select_related = ["subject", "category", "provider"]
    search_fields = ["decision_number", "subject__name", "subject__uscc"]
    show_full_result_count = False
    raw_id_fields = ["subject", "supersedes"]
    # What the decision says first, then its publication, then where it came from; never the ciphertext.
    fields = [
        "category",
        "subject",
        "provider",
        "decision_number",
        "decision_date",
        "fields_table",
        "status",
        "status_reason",
        "status_changed_at",
        "publish_due",
        "published_at",
        "overdue_flagged_on",
        "publication_ends_on",
        "version",
        "supersedes",
        "is_current",
        "channel",
        "received_by",
        "received_at",
        "source_line",
        "raw",
    ]
    inlines = [RecordEventInline]

    actions = ["publish_records"]

    # The tracking dashboard links here by department code and decision-date period.
    LINKED_LOOKUPS = frozenset({"provider__code__exact", "decision_date__gte", "decision_date__lte"})

    def lookup_allowed(self, lookup, value, request=None):
        return lookup in self.LINKED_LOOKUPS or super().lookup_allowed(lookup, value, request)

    def get_queryset(self, request):
        return rows_visible_to(super().get_queryset(request), request.user, department_field="provider_id")

    def get_urls(self):
        withdraw = path(
            "<int:record_id>/withdraw/", self.admin_site.admin_view(self.withdraw_view), name="record_withdraw"
        )
        return [withdraw, *super().get_urls()]

    def get_fields(self, request, obj=None):
        return [*self.fields, "withdrawal"] if self.has_decide_permission(request) else self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description="字段")
    def fields_table(self, record: Record):
        """The record's fields under their catalog labels, in the catalog's order (personal numbers masked)."""
        labels = {spec["name"]: spec.get("label", spec["name"]) for spec in record.category.fields}
        names = [name for name in labels if name in record.fields] + [n for n in record.fields if n not in labels]
        rows = format_html_join(
            "", "<tr><th>{}</th><td>{}</td></tr>", ((labels.get(n, n), record.fields[n]) for n in names)
        )
        return format_html('<table class="record-fields">{}</table>', rows)

    def has_decide_permission(self, request, obj=None) -> bool:
        """Publishing and withdrawing are the providing department's (the service checks the record is its own)."""
        return request.user.has_role(Role.PROVIDER) and request.user.department_id is not None

    @admin.action(description="公示所选信息（暂缓公示的）", permissions=["decide"])
    def publish_records(self, request, queryset):
        actor, provider = Actor.of(request.user, channel="admin"), department_of(request.user)
        published, refused = 0, []
        for record in queryset:
            try:
                services.publish_record(actor=actor, provider=provider, record_id=record.pk)
                published += 1
            except DomainError as error:
                refused.append(f"{record}：{error.message}")
        self.message_user(request, f"已公示 {published} 条信用信息")
        if refused:
            self.message_user(request, "以下信息未公示：" + "；".join(refused), level=messages.WARNING)

    @admin.display(description="撤回")
    def withdrawal(self, record: Record):
        if record.status == Record.Status.REVOKED:
            return f"已撤回：{record.status_reason}"
        if not record.is_current:
            return "—"
        link = reverse("admin:record_withdraw", args=[record.pk])
        return format_html('<a class="button" href="{}">决定被撤销或变更，撤回…</a>', link)

    def withdraw_view(self, request, record_id: int):
        record = self.get_queryset(request).filter(pk=record_id).first()
        if record is None or not self.has_decide_permission(request, record):
            messages.error(request, "只能撤回本部门报送的信用信息")
            return redirect("admin:records_record_changelist")

        def withdraw(button: str, reason: str) -> str:
            actor = Actor.of(request.user, channel="admin")
            services.withdraw_record(
                actor=actor, provider=department_of(request.user), record_id=record.pk, reason=reason
            )
            return f"“{record}”已撤回，停止公示"

        return decision_page(
            self,
            request,
            record,
            title=f"撤回信用信息：{record}",
            details=[
                ("信用主体", record.subject.name),
                ("信息类别", record.category.name),
                ("文书号", record.decision_number or "—"),
                ("决定日期", str(record.decision_date or "—")),
                ("状态", record.get_status_display()),
            ],
            buttons=[("_withdraw", "撤回")],
            decide=withdraw,
            reason_label="撤回理由",
            reason_help="如“该处罚决定已被行政复议撤销”；理由记入信息的变更记录，信息不再公示。",
        )

    @admin.display(description="公示时间", ordering="published_at")
    def published_on(self, record: Record):
        return localtime(record.published_at).strftime("%Y-%m-%d %H:%M") if record.published_at else "—"


class ImportUploadForm(forms.ModelForm):
    """Uploading a file is starting its import: the file is received (format, encoding and header read,
    so a file that cannot be read is refused here, with the reason) and its job created for the worker."""

    file = forms.FileField(
        label="文件",
        help_text="CSV（UTF-8 或 GBK/GB18030）或 XLSX；表头可用国家交换字段名（CF_*、XK_*）或中文列名。"
        "错误行不影响其他行入库，处理完成后可下载错误清单。",
    )

    class Meta:
        model = ImportJob
        fields = ["category"]

    def clean(self):
        cleaned = super().clean()
        upload, category = cleaned.get("file"), cleaned.get("category")
        if self.errors or upload is None or category is None:
            return cleaned
        try:
            self.job = imports.start_import(
                actor=Actor.of(self.user, channel="admin"),
                provider=department_of(self.user),
                category_code=category.code,
                chunks=upload.chunks(),
                file_name=upload.name or "",
                limit=imports.max_upload_bytes(),
            )
        except DomainError as error:
            raise forms.ValidationError(error.message) from error
        return cleaned


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """批量导入 for a providing department's staff: upload a file, follow its progress, download the rows
    it refused, and continue a job that was interrupted. The credit office and auditors see every job."""

    list_display = ["id", "file_name", "category", "provider", "status", "progress_percent", "counts", "created_at"]
    list_filter = ["status", "category", "provider"]
    search_fields = ["file_name", "file_sha256"]
    list_select_related = ["category", "provider"]
    actions = ["continue_jobs"]
    fields = [
        "file_name",
        "category",
        "provider",
        "status",
        "progress_percent",
        "counts",
        "message",
        "first_errors",
        "file_format",
        "encoding",
        "file_sha256",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return imports.visible_jobs(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, **kwargs)
        form = super().get_form(request, obj, **{**kwargs, "form": ImportUploadForm})
        form.user = request.user  # a new class per request: safe to carry the user
        form.base_fields["category"].queryset = _categories_for(request.user)
        return form

    def get_fields(self, request, obj=None):
        return ["category", "file"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_form(self, request, form, change):
        return form.job

    def save_model(self, request, obj, form, change):
        imports.enqueue(obj)  # the job itself was created, and audited, when its file was received

    def save_related(self, request, form, formsets, change):
        pass  # a job has no related rows to save from the form

    def get_urls(self):
        errors = path(
            "<int:job_id>/errors.csv",
            self.admin_site.admin_view(self.errors_csv),
            name="records_importjob_errors",
        )
        return [errors, *super().get_urls()]

    def errors_csv(self, request, job_id: int):
        job = self.get_queryset(request).filter(pk=job_id).first()
        if job is None or not self.has_view_permission(request, job):
            raise PermissionDenied
        response = StreamingHttpResponse(imports.error_csv_chunks(job), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
        return response

    @admin.action(description="继续处理所选的中断任务（从中断处接着导入）")
    def continue_jobs(self, request, queryset):
        failed = list(queryset.filter(status=ImportJob.Status.FAILED))
        for job in failed:
            imports.continue_job(job, actor=Actor.of(request.user, channel="admin"))
        skipped = queryset.count() - len(failed)
        message = f"已重新排队 {len(failed)} 个任务"
        self.message_user(request, message + (f"；{skipped} 个任务未中断，无需继续" if skipped else ""))

    def has_continue_jobs_permission(self, request):
        return self.has_add_permission(request)

    @admin.display(description="进度")
    def progress_percent(self, job: ImportJob) -> str:
        return "—" if job.progress is None else f"{job.progress:.0%}"

    @admin.display(description="新增/新版本/重复/错误")
    def counts(self, job: ImportJob) -> str:
        return f"{job.created_count}/{job.version_count}/{job.duplicate_count}/{job.error_count}"

    @admin.display(description="错误行（前 20 条）")
    def first_errors(self, job: ImportJob):
        if not job.error_count:
            return "无"
        rows = format_html_join(
            "\n", "<div>第{}行 {}：{}</div>", job.row_errors.values_list("line", "column", "reason")[:20]
        )
        link = reverse("admin:records_importjob_errors", args=[job.pk])
        return format_html('{}<p><a href="{}">下载全部 {} 条错误（CSV）</a></p>', rows, link, job.error_count)


def _categories_for(user):
    """The active categories the user's department may deliver (a category without providers: anyone)."""
    if user.department_id is None:
        return Category.objects.none()
    return (
        Category.objects.filter(is_active=True)
        .filter(Q(providers__isnull=True) | Q(providers=user.department_id))
        .distinct()
    )
