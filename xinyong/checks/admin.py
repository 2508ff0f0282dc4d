"""Batch checks for the credit office to watch, read-only — they change through the services and the API."""

from django.contrib import admin

from xinyong.audit.admin_base import ReadOnlyAdmin

from .models import CheckBatch


@admin.register(CheckBatch)
class CheckBatchAdmin(ReadOnlyAdmin):
    list_display = ["number", "implementer", "matter", "checked_at", "checks", "restricted", "incentive"]
    list_filter = ["implementer", "matter"]
    search_fields = ["number"]
    # The stored document (compressed answers) and the subject ids are for the API and the push, not a page.
    exclude = ["document", "subject_ids"]
    date_hierarchy = "checked_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in CheckBatch._meta.fields if f.name not in self.exclude]
