from django.contrib import admin

from .models import CreditAgency, ReportRequirement, ThirdPartyReport


@admin.register(CreditAgency)
class CreditAgencyAdmin(admin.ModelAdmin):
    list_display = ["subject", "kind", "qualification_number", "valid_from", "valid_to", "is_suspended"]
    list_filter = ["kind", "is_suspended"]
    search_fields = ["subject__name", "qualification_number"]
    raw_id_fields = ["subject"]


@admin.register(ThirdPartyReport)
class ThirdPartyReportAdmin(admin.ModelAdmin):
    list_display = ["number", "agency", "subject", "grade", "issued_on", "valid_until", "withdrawn_at"]
    search_fields = ["number", "subject__name"]
    readonly_fields = [
        "agency",
        "subject",
        "number",
        "grade",
        "issued_on",
        "valid_until",
        "document_sha256",
        "registered_by",
        "registered_at",
    ]


@admin.register(ReportRequirement)
class ReportRequirementAdmin(admin.ModelAdmin):
    """The credit office decides which business matters need a third-party credit report."""

    list_display = ["matter", "accepted_grades", "note"]
