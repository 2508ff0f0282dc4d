from django import forms
from django.contrib import admin
from django.utils.html import format_html_join

from xinyong.audit.admin_base import AuditedAdmin

from .models import EXIT_CONDITIONS, PERSON_ROLES, ListType


class ListTypeForm(forms.ModelForm):
    """The two JSON lists are edited as checkboxes, so only known codes can be stored."""

    early_exit_conditions = forms.MultipleChoiceField(
        label="提前移出条件", choices=list(EXIT_CONDITIONS.items()), widget=forms.CheckboxSelectMultiple, required=False
    )
    person_roles = forms.MultipleChoiceField(
        label="落实到人的角色",
        choices=list(PERSON_ROLES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="组织列入时，行为发生时担任这些角色的个人同时列入",
    )

    class Meta:
        model = ListType
        fields = [
            "code",
            "name",
            "kind",
            "scope",
            "is_active",
            "sort_order",
            "initiator_department_code",
            "initiator_name",
            "entry_criteria",
            "legal_basis",
            "default_period_months",
            "min_period_months",
            "max_period_months",
            "early_exit_rule",
            "early_exit_conditions",
            "person_level",
            "person_roles",
        ]

    def clean_person_roles(self):
        # Stored in a fixed order: it is the order in which derived person entries are listed.
        order = list(PERSON_ROLES)
        return sorted(self.cleaned_data["person_roles"], key=order.index)


@admin.register(ListType)
class ListTypeAdmin(AuditedAdmin):
    audit_type = "list_type"
    form = ListTypeForm
    list_display = [
        "code",
        "name",
        "kind",
        "scope",
        "initiator_department_code",
        "initiator_name",
        "default_period_months",
        "person_level",
        "is_active",
    ]
    list_filter = ["kind", "scope", "person_level", "is_active"]
    search_fields = ["code", "name", "initiator_name", "initiator_department_code", "legal_basis"]
    readonly_fields = ["measure_list", "change_history"]
    fieldsets = [
        (None, {"fields": ["code", "name", "kind", "scope", "is_active", "sort_order"]}),
        ("认定", {"fields": ["initiator_department_code", "initiator_name", "entry_criteria", "legal_basis"]}),
        (
            "期限和退出",
            {
                "fields": [
                    "default_period_months",
                    "min_period_months",
                    "max_period_months",
                    "early_exit_rule",
                    "early_exit_conditions",
                ]
            },
        ),
        ("落实到人", {"fields": ["person_level", "person_roles"]}),
        ("触发的措施", {"fields": ["measure_list"]}),
        ("修改历史", {"fields": ["change_history"], "classes": ["collapse"]}),
    ]

    @admin.display(description="触发的措施（在“奖惩措施”中维护）")
    def measure_list(self, obj):
        measures = obj.measures.values_list("name", "kind", "code")
        return format_html_join("\n", "<div>{}（{}，{}）</div>", measures)
