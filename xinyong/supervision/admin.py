"""The credit office edits the rules of this slice here — commitment templates, the scoring model, grade
thresholds and inspection ratios, industry measure kinds — audited like the measure catalog. What
happened (commitments, evaluations, draws, orders…) is shown read-only: it changes through the services."""

from django.contrib import admin

from xinyong.audit.admin_base import ReadOnlyAdmin
from xinyong.measures.admin import AuditedCatalogAdmin

from .models import (
    Association,
    Authorisation,
    Commitment,
    CommitmentTemplate,
    Evaluation,
    GradeLevel,
    IndustryMeasure,
    IndustryMeasureKind,
    InspectionPlan,
    Inspector,
    Interview,
    RectificationOrder,
    ScoreIndicator,
    WatchReferral,
)


@admin.register(CommitmentTemplate)
class CommitmentTemplateAdmin(AuditedCatalogAdmin):
    audit_type = "commitment_template"
    list_display = ["code", "name", "kind", "matter", "department_code", "deadline_working_days", "is_active"]
    list_filter = ["kind", "is_active", "matter"]
    search_fields = ["code", "name", "item_name", "text"]
    readonly_fields = ["change_history"]


@admin.register(ScoreIndicator)
class ScoreIndicatorAdmin(AuditedCatalogAdmin):
    audit_type = "score_indicator"
    list_display = ["code", "name", "source", "category", "list_kind", "points", "cap", "window_months", "is_active"]
    list_filter = ["source", "is_active"]
    search_fields = ["code", "name"]
    readonly_fields = ["change_history"]


@admin.register(GradeLevel)
class GradeLevelAdmin(AuditedCatalogAdmin):
    audit_type = "grade_level"
    list_display = ["code", "name", "min_score", "inspection_ratio", "allows_tolerance", "refer_to_watch_list"]
    filter_horizontal = ["measures"]
    readonly_fields = ["change_history"]


@admin.register(IndustryMeasureKind)
class IndustryMeasureKindAdmin(AuditedCatalogAdmin):
    audit_type = "industry_measure_kind"
    list_display = ["code", "name", "severity", "requires_membership", "ends_membership", "public", "period_months"]
    filter_horizontal = ["matters"]
    readonly_fields = ["change_history"]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "subject", "department", "due_on", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "subject__name", "subject__uscc"]


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["subject", "grade", "score", "computed_at", "trigger", "is_current"]
    list_filter = ["grade", "is_current"]
    search_fields = ["subject__name", "subject__uscc"]


@admin.register(Inspector)
class InspectorAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "department", "is_active"]
    list_filter = ["department", "is_active"]


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ReadOnlyAdmin):
    list_display = ["number", "name", "department", "seed", "drawn_at"]


@admin.register(RectificationOrder)
class RectificationOrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "subject", "department", "deadline", "status"]
    list_filter = ["status"]


@admin.register(Interview)
class InterviewAdmin(ReadOnlyAdmin):
    list_display = ["number", "subject", "department", "kind", "held_on"]


@admin.register(WatchReferral)
class WatchReferralAdmin(ReadOnlyAdmin):
    list_display = ["number", "subject", "source", "status", "created_at"]
    list_filter = ["source", "status"]


@admin.register(Association)
class AssociationAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "uscc", "supervisor_code"]


@admin.register(IndustryMeasure)
class IndustryMeasureAdmin(ReadOnlyAdmin):
    list_display = ["association", "subject", "kind", "decided_on", "ends_on", "status"]


@admin.register(Authorisation)
class AuthorisationAdmin(ReadOnlyAdmin):
    list_display = ["subject", "grantee", "scope", "valid_from", "valid_to", "revoked_at"]
