from django import template

from xinyong.rights.models import Objection, RepairCondition

register = template.Library()


@register.filter
def docs_of(documents: dict, item) -> list:
    """The documents filed with one objection or repair (`selectors.documents` keys them by kind and id)."""
    return documents.get(("objection" if isinstance(item, Objection) else "repair", item.pk), [])


@register.filter
def condition_names(codes: list[str]) -> str:
    """Repair condition codes as the names the subject ticked."""
    names = dict(RepairCondition.objects.filter(code__in=codes).values_list("code", "name"))
    return "、".join(names.get(code, code) for code in codes) or "—"
