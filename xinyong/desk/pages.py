"""Rendering a workbench page: the template with the navigation the signed-in user may follow."""

from django.shortcuts import render

from . import nav


def render_page(request, template: str, context: dict | None = None, *, status: int = 200):
    return render(request, template, {**(context or {}), "desk_nav": nav.entries_for(request)}, status=status)
