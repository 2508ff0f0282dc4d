"""A value of an audit event's before or after, as a person reads it."""

import json

from django import template

from xinyong.audit.names import CHANNELS

register = template.Library()

WORDS = {True: "是", False: "否", None: "—"}


@register.filter
def audit_value(value) -> str:
    if isinstance(value, bool) or value is None:
        return WORDS[value]
    if isinstance(value, list) and all(isinstance(item, str | int) for item in value):
        return "、".join(str(item) for item in value) or "（无）"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@register.filter
def channel_name(code: str) -> str:
    return CHANNELS.get(code, code)
