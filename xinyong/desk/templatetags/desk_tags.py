from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.filter
def page_url(url_name: str, arg) -> str:
    """The URL of a workbench page for one object, or "" while that page is not built: `desk:entry`
    (a list entry's id) and `desk:check` (a check number) are pages of the 名单认定 and 信用核查 desks."""
    try:
        return reverse(url_name, args=[arg])
    except NoReverseMatch:
        return ""
