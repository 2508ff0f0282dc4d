from django.contrib import admin

from xinyong.audit.admin_base import AuditedAdmin, ReadOnlyAdmin

from .models import IssuedReport, TypicalCase


@admin.register(TypicalCase)
class TypicalCaseAdmin(AuditedAdmin):
    """The credit office writes and publishes typical cases here; the portal shows the published ones."""

    audit_type = "typical_case"

    list_display = ["title", "category", "date", "published", "updated_at"]
    list_filter = ["category", "published"]
    list_editable = ["published"]
    search_fields = ["title", "summary"]
    date_hierarchy = "date"
    fields = ["title", "category", "date", "summary", "published"]


@admin.register(IssuedReport)
class IssuedReportAdmin(ReadOnlyAdmin):
    """Read-only: reports are issued by the portal and answered by the verification endpoint."""

    list_display = ["number", "subject_name", "format", "issued_at", "valid_until"]
    list_filter = ["format"]
    search_fields = ["number", "subject_name", "subject__uscc"]
    readonly_fields = [
        "number",
        "subject",
        "subject_name",
        "issued_at",
        "valid_until",
        "content_hash",
        "format",
        "requester_ip_hash",
    ]
