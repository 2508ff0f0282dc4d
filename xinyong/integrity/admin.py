from django import forms
from django.contrib import admin
from django.db import transaction

from xinyong.audit.admin_base import AuditedAdmin
from xinyong.audit.services import Actor
from xinyong.core.errors import DomainError
from xinyong.measures.admin import AuditedCatalogAdmin

from . import public_sector
from .models import CreditAgency, NoticeRecipient, PublicAffiliation, ReportRequirement, ThirdPartyReport


@admin.register(CreditAgency)
class CreditAgencyAdmin(AuditedAdmin):
    audit_type = "credit_agency"
    list_display = ["subject", "kind", "qualification_number", "valid_from", "valid_to", "is_suspended"]
    list_filter = ["kind", "is_suspended"]
    search_fields = ["subject__name", "qualification_number"]
    raw_id_fields = ["subject"]


@admin.register(ThirdPartyReport)
class ThirdPartyReportAdmin(AuditedAdmin):
    audit_type = "third_party_report"
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
class ReportRequirementAdmin(AuditedAdmin):
    """The credit office decides which business matters need a third-party credit report."""

    audit_type = "report_requirement"

    list_display = ["matter", "accepted_grades", "note"]


class PublicAffiliationForm(forms.ModelForm):
    class Meta:
        model = PublicAffiliation
        fields = ["subject", "kind", "department", "valid_from", "valid_to"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        probe = PublicAffiliation(pk=self.instance.pk, **cleaned)
        try:
            public_sector.check_affiliation(self.user, probe)
        except DomainError as error:
            raise forms.ValidationError(error.message) from error
        return cleaned


@admin.register(PublicAffiliation)
class PublicAffiliationAdmin(admin.ModelAdmin):
    """Registrations of public bodies, state enterprises and public employees (R16); saved and deleted
    through the audited service. A person is shown by the masked ID number only."""

    form = PublicAffiliationForm
    list_display = ["subject_name", "subject_code", "kind", "department", "valid_from", "valid_to", "registered_by"]
    list_filter = ["kind", "department"]
    search_fields = ["subject__name", "subject__uscc", "department__code", "department__name"]
    raw_id_fields = ["subject"]
    readonly_fields = ["registered_by", "registered_at"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)  # a new class per request: the user is safe on it
        form.user = request.user
        return form

    @admin.display(description="名称")
    def subject_name(self, obj):
        return obj.subject.name

    @admin.display(description="代码")
    def subject_code(self, obj):
        return obj.subject.public_code

    def save_model(self, request, obj, form, change):
        public_sector.save_affiliation(
            actor=Actor.of(request.user, channel="admin"), user=request.user, affiliation=obj
        )

    def delete_model(self, request, obj):
        public_sector.delete_affiliation(
            actor=Actor.of(request.user, channel="admin"), user=request.user, affiliation=obj
        )

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(NoticeRecipient)
class NoticeRecipientAdmin(AuditedCatalogAdmin):
    """Who is told of a public body's, state enterprise's or public employee's dishonesty (R16): the credit
    office edits the rows; every change is audited."""

    audit_type = "notice_recipient"
    list_display = ["kind", "recipient", "department_code", "purpose", "is_active", "sort_order"]
    list_filter = ["kind", "recipient", "is_active"]
    readonly_fields = ["change_history"]

    def audit_id(self, obj) -> str:
        return str(obj.pk)
