from django.contrib import admin
from django.utils.html import format_html_join

from xinyong.audit.admin_base import AuditedAdmin

from .models import BusinessMatter, LegalBasis, Measure, MeasureBasis
from .selectors import basis_label


class AuditedCatalogAdmin(AuditedAdmin):
    """The credit office edits the catalog here (rules are data). Every change is audited with before and
    after, and every process's check snapshot is told to reload the catalog."""

    def snapshot(self, obj) -> dict:
        data = super().snapshot(obj)
        data.pop("legal_bases", None)
        if obj.pk and isinstance(obj, Measure):
            links = MeasureBasis.objects.filter(measure=obj).select_related("basis")
            data["legal_bases"] = [basis_label(link) for link in links]
        return data


class MeasureBasisInline(admin.TabularInline):
    model = MeasureBasis
    extra = 0
    autocomplete_fields = ["basis"]
    fields = ["basis", "article", "sort_order"]


@admin.register(Measure)
class MeasureAdmin(AuditedCatalogAdmin):
    audit_type = "measure"
    list_display = [
        "code",
        "name",
        "kind",
        "force",
        "type",
        "target",
        "implementing_department_code",
        "incentive_kind",
        "is_active",
    ]
    list_filter = ["kind", "force", "type", "target", "incentive_kind", "is_active", "list_types", "matters"]
    search_fields = ["code", "name", "description", "implementing_department_name", "legal_bases__document_number"]
    filter_horizontal = ["list_types", "matters"]
    inlines = [MeasureBasisInline]
    readonly_fields = ["change_history"]
    fieldsets = [
        (None, {"fields": ["code", "name", "description", "source", "is_active", "sort_order"]}),
        ("分类", {"fields": ["kind", "force", "type", "target", "incentive_kind"]}),
        ("实施", {"fields": ["implementing_department_code", "implementing_department_name"]}),
        ("触发名单和业务事项", {"fields": ["list_types", "matters"]}),
        ("修改历史", {"fields": ["change_history"], "classes": ["collapse"]}),
    ]


@admin.register(LegalBasis)
class LegalBasisAdmin(AuditedCatalogAdmin):
    audit_type = "legal_basis"
    list_display = ["document_number", "title", "lead_department", "kind", "category", "annex_no", "issued_on"]
    list_filter = ["kind", "category", "is_active"]
    search_fields = ["code", "document_number", "title", "lead_department"]
    readonly_fields = ["measure_list", "change_history"]

    @admin.display(description="适用措施")
    def measure_list(self, obj):
        return format_html_join("\n", "<div>{}（{}）</div>", obj.measures.values_list("name", "code"))


@admin.register(BusinessMatter)
class BusinessMatterAdmin(AuditedCatalogAdmin):
    audit_type = "business_matter"
    list_display = ["code", "name", "sort_order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "description"]
    readonly_fields = ["measure_list", "change_history"]

    @admin.display(description="适用措施")
    def measure_list(self, obj):
        return format_html_join("\n", "<div>{}（{}）</div>", obj.measures.values_list("name", "code"))
