from django import template

from xinyong.rights.models import Objection

register = template.Library()


@register.filter
def docs_of(documents: dict, item) -> list:
    """The documents filed with one objection or repair (`selectors.documents` keys them by kind and id)."""
    return documents.get(("objection" if isinstance(item, Objection) else "repair", item.pk), [])
