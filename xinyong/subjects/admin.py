from django.contrib import admin

from .models import Relation, Subject, SubjectName


class SubjectNameInline(admin.TabularInline):
    model = SubjectName
    extra = 0
    readonly_fields = ["name", "valid_from", "valid_to"]
    exclude = ["search_name"]


class RelationInline(admin.TabularInline):
    model = Relation
    fk_name = "organisation"
    extra = 0
    readonly_fields = ["member", "role", "valid_from", "valid_to"]
    exclude = ["created_at"]


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.method in ("GET", "HEAD")
