"""A service's own Chinese error, put on the form it came from: beside the field it concerns — a detail
naming a field (`fields` maps the service's names to the form's where they differ), or the field the
error's code concerns (`codes`) — and above the form otherwise."""

from django import forms

from xinyong.core.errors import DomainError


def put_on_form(
    form: forms.Form, error: DomainError, *, fields: dict[str, str] | None = None, codes: dict[str, str] | None = None
) -> None:
    placed = False
    for detail in error.details:
        field = str(detail.get("field") or "") if isinstance(detail, dict) else ""
        name = (fields or {}).get(field, field)
        if name and name in form.fields:
            form.add_error(name, detail["message"])
            placed = True
    if not placed:
        form.add_error((codes or {}).get(error.code), error.message)
