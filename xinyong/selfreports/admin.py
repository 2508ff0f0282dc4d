from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.timezone import localtime

from xinyong.audit.admin_base import ReadOnlyAdmin, decision_page
from xinyong.audit.services import Actor

from . import services
from .models import SelfReport


@admin.register(SelfReport)
class SelfReportAdmin(ReadOnlyAdmin):
    """自主填报 for the department named to verify it (and the credit office): read what the subject supplied,
    then verify it (it becomes a record and counts) or reject it with a reason, through the audited service."""

    list_display = ["title", "kind", "subject", "verifier", "status", "submitted_at", "reviewed_at"]
    list_filter = ["status", "kind", "verifier"]
    search_fields = ["title", "subject__name"]
    list_select_related = ["subject", "verifier"]
    readonly_fields = [
        "subject",
        "kind",
        "title",
        "content",
        "evidence",
        "commitment",
        "verifier",
        "status",
        "submitted_by",
        "submitted_at",
        "review",
        "reviewed_by",
        "reviewed_at",
        "review_reason",
        "record",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        return services.visible_to(request.user)

    def get_urls(self):
        review = path("<int:report_id>/review/", self.admin_site.admin_view(self.review_view), name="selfreport_review")
        return [review, *super().get_urls()]

    @admin.display(description="核实")
    def review(self, report: SelfReport):
        if report.status != SelfReport.Status.PENDING:
            return report.get_status_display()
        return format_html(
            '<a class="button" href="{}">核实通过或不通过…</a>', reverse("admin:selfreport_review", args=[report.pk])
        )

    def review_view(self, request, report_id: int):
        report = self.get_queryset(request).filter(pk=report_id).first()
        if report is None or not self.has_view_permission(request, report):
            messages.error(request, "自主填报信息不存在或无权查看")
            return redirect("admin:selfreports_selfreport_changelist")

        def decide(button: str, reason: str) -> str:
            # The service checks who may decide and that the report still waits.
            actor = Actor.of(request.user, channel="admin")
            if button == "_verify":
                services.verify(actor=actor, user=request.user, report_id=report.pk, note=reason)
                return f"“{report.title}”已核实通过，已作为信用信息入库"
            services.reject(actor=actor, user=request.user, report_id=report.pk, reason=reason)
            return f"“{report.title}”未通过核实，理由已记录"

        return decision_page(
            self,
            request,
            report,
            title=f"核实自主填报：{report.title}",
            details=[
                ("信用主体", report.subject.name),
                ("类型", report.get_kind_display()),
                ("内容", report.content),
                ("证明材料说明", report.evidence or "—"),
                ("真实性承诺", report.commitment),
                ("填报人、时间", f"{report.submitted_by}，{localtime(report.submitted_at):%Y-%m-%d %H:%M}"),
            ],
            buttons=[("_verify", "核实通过"), ("_reject", "不通过")],
            decide=decide,
            reason_label="核实意见",
            reason_help="核实通过时可填写依据；不通过时必须说明理由，理由会告知填报的信用主体。",
        )
