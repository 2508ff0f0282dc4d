from django.contrib import admin

from xinyong.audit.admin_base import ReadOnlyAdmin, ReadOnlyInline

from .models import Relation, Subject, SubjectName


class SubjectNameInline(ReadOnlyInline):
    model = SubjectName
    readonly_fields = ["name", "valid_from", "valid_to"]
    exclude = ["search_name"]


class RelationInline(ReadOnlyInline):
    model = Relation
    fk_name = "organisation"
    readonly_fields = ["member", "role", "valid_from", "valid_to"]
    exclude = ["created_at"]


@admin.register(Subject)
class SubjectAdmin(ReadOnlyAdmin):
    """Read-only here: subjects change through the audited services (API, imports)."""

    list_display = ["name", "public_code", "kind", "status", "code_verified"]
    list_filter = ["kind", "status", "code_verified"]
    search_fields = ["name", "uscc"]
    readonly_fields = [
        "kind",
        "uscc",
        "id_masked",
        "name",
        "status",
        "code_verified",
        "region_code",
        "created_at",
        "updated_at",
    ]
    exclude = ["key", "id_encrypted", "search_name"]
    inlines = [SubjectNameInline, RelationInline]
