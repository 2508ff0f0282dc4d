"""Rendering a workbench page: the template with the navigation the signed-in user may follow."""

from django.shortcuts import render

from xinyong.core import clock

from . import nav


def render_page(request, template: str, context: dict | None = None, *, status: int = 200):
    base = {"desk_nav": nav.entries_for(request), "today": clock.today()}
    return render(request, template, {**base, **(context or {})}, status=status)
