"""Words for codes on the 名单认定 and 信用核查 pages."""

from django import template

from xinyong.lists.models import EVENT_NAMES

register = template.Library()


@register.filter
def event_label(event) -> str:
    """A list entry event's action in words."""
    return EVENT_NAMES.get(event.action, event.action)


@register.filter
def measure_name(answer: dict, code: str) -> str:
    """The name a check's answer gave a measure (feedback names it by code)."""
    return next((m["name"] for m in answer.get("measures", ()) if m["code"] == code), code)
