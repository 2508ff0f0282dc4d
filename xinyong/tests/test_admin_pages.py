"""Every admin page the credit office uses opens (changelist, and the add form where adding is allowed)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from xinyong.accounts.models import User
from xinyong.demo import data as demo


@pytest.mark.slow  # opens every admin page
def test_every_admin_changelist_and_add_form_opens(client, db):
    demo.load()
    client.force_login(User.objects.get(username="admin"))
    for model, model_admin in admin.site._registry.items():
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        changelist = client.get(reverse(f"admin:{info}_changelist"))
        assert changelist.status_code == 200, f"{info} changelist: {changelist.status_code}"
        if model_admin.has_add_permission(changelist.wsgi_request):
            add = client.get(reverse(f"admin:{info}_add"))
            assert add.status_code == 200, f"{info} add form: {add.status_code}"
        first = model.objects.first()
        if first is not None:
            change = client.get(reverse(f"admin:{info}_change", args=[first.pk]))
            assert change.status_code == 200, f"{info} change form: {change.status_code}"
    assert client.get("/admin/statistics/").status_code == 200
    assert client.get("/admin/government-integrity/").status_code == 200
