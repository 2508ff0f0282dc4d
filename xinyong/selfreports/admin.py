from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from xinyong.audit.services import Actor
from xinyong.core.admin_base import ReadOnlyAdmin
from xinyong.core.errors import DomainError

from . import services
from .models import SelfReport


class ReviewForm(forms.Form):
    reason = forms.CharField(
        label="核实意见",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="核实通过时可填写依据；不通过时必须说明理由，理由会告知填报的信用主体。",
    )


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
        form = ReviewForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                messages.success(request, self._decide(request, report, form.cleaned_data["reason"]))
            except DomainError as error:
                form.add_error("reason", error.message)
            else:
                return redirect("admin:selfreports_selfreport_change", report.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"核实自主填报：{report.title}",
            "opts": self.model._meta,
            "report": report,
            "form": form,
        }
        return TemplateResponse(request, "selfreports/review.html", context)

    @staticmethod
    def _decide(request, report: SelfReport, reason: str) -> str:
        """Verify or reject, as the button pressed says; the service checks who may and what is left to do."""
        actor = Actor.of(request.user, channel="admin")
        if "_verify" in request.POST:
            services.verify(actor=actor, user=request.user, report_id=report.pk, note=reason)
            return f"“{report.title}”已核实通过，已作为信用信息入库"
        services.reject(actor=actor, user=request.user, report_id=report.pk, reason=reason)
        return f"“{report.title}”未通过核实，理由已记录"
