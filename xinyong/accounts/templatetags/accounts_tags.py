from django import template

from xinyong.accounts.auth import ROLE_NAMES

register = template.Library()


@register.filter
def role_names(user) -> str:
    """A user's roles in Chinese, "发起部门、实施部门"."""
    return "、".join(ROLE_NAMES.get(code, code) for code in sorted(user.role_codes()))
