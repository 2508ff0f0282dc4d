"""Reading list types (R6–R8)."""

from .models import ListType


def active_list_types():
    return ListType.objects.filter(is_active=True)


def list_type_body(list_type: ListType) -> dict:
    return {
        "code": list_type.code,
        "name": list_type.name,
        "kind": list_type.kind,
        "scope": list_type.scope,
        "initiator_department": list_type.initiator_department_code,
        "initiator_name": list_type.initiator_name,
        "entry_criteria": list_type.entry_criteria,
        "legal_basis": list_type.legal_basis,
        "default_period_months": list_type.default_period_months,
        "min_period_months": list_type.min_period_months,
        "max_period_months": list_type.max_period_months,
        "early_exit_rule": list_type.early_exit_rule,
        "early_exit_conditions": list_type.early_exit_conditions,
        "person_level": list_type.person_level,
        "person_roles": list_type.person_roles,
    }
