"""The admin for people who are not superusers: what a role may do there is data (`Role.permissions`),
every change made there is audited, and nobody who is not a superuser can make themselves one."""

import datetime as dt

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.timezone import localtime

from xinyong.accounts.models import Role, User
from xinyong.audit.models import AuditEvent
from xinyong.catalog.models import Category
from xinyong.core.models import CalendarDay, CalendarYear


@pytest.fixture
def staff(make_user):
    def factory(*roles: str, department: str = "XYB") -> User:
        user, _ = make_user(*roles, department=department)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        return user

    return factory


@pytest.fixture
def office(client, staff) -> User:
    user = staff(Role.CREDIT_OFFICE)
    client.force_login(user)
    return user


def _form_data(client, model, obj, **changes) -> dict:
    """The change form's current values, as the browser would post them back, with `changes` over them."""
    model_admin = admin.site._registry[model]
    request = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]))
    form = model_admin.get_form(request.wsgi_request, obj)(instance=obj)
    data = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        if isinstance(bound.field.widget, forms.MultiWidget):  # a date and a time
            parts = bound.field.widget.decompress(value)
            data.update({f"{bound.html_name}_{i}": str(part) for i, part in enumerate(parts)})
        elif value is True:
            data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = str(value)
    return {**data, **changes}


def _errors(response) -> str:
    """What the admin refused in a form that came back instead of saving."""
    context = response.context or {}
    form = context.get("adminform")
    inlines = context.get("inline_admin_formsets") or []
    return str([form.form.errors if form else None, *[inline.formset.errors for inline in inlines]])


def _change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def test_the_credit_office_edits_a_category_in_the_admin_and_the_change_is_in_its_history(client, office):
    category = Category.objects.get(code="admin_penalty")
    data = _form_data(client, Category, category, publish_within_working_days="5")
    response = client.post(_change_url(category), data)
    assert response.status_code == 302, _errors(response)
    category.refresh_from_db()
    assert category.publish_within_working_days == 5
    event = AuditEvent.objects.filter(object_type="category", object_id="admin_penalty").latest("id")
    assert event.actor == office.username
    assert (event.before["publish_within_working_days"], event.after["publish_within_working_days"]) == (7, 5)
    history = client.get(_change_url(category)).content.decode()  # 修改历史, in local time as on the page
    assert f"{localtime(event.occurred_at):%Y-%m-%d %H:%M} {office.username}（category.save）" in history


@pytest.mark.slow  # over a second on an idle machine: out of the fast subset
def test_a_calendar_change_is_audited_with_the_days_before_and_after(client, office):
    year = CalendarYear.objects.get(year=2026)
    days_before = year.days.count()
    data = _form_data(client, CalendarYear, year)
    data.update(
        {
            "days-TOTAL_FORMS": "1",
            "days-INITIAL_FORMS": "0",
            "days-MIN_NUM_FORMS": "0",
            "days-MAX_NUM_FORMS": "1000",
            "days-0-year": str(year.pk),
            "days-0-date": "2026-12-31",
            "days-0-kind": CalendarDay.Kind.HOLIDAY,
            "days-0-name": "临时休假",
        }
    )
    response = client.post(_change_url(year), data)
    assert response.status_code == 302, _errors(response)
    event = AuditEvent.objects.filter(action="calendar_year.save", object_id="2026").latest("id")
    assert (len(event.before["days"]), len(event.after["days"])) == (days_before, days_before + 1)
    assert ["2026-12-31", CalendarDay.Kind.HOLIDAY, "临时休假"] in event.after["days"]
    assert year.days.filter(date=dt.date(2026, 12, 31)).exists()


@pytest.mark.slow  # opens every admin page for two roles
def test_every_admin_page_opens_for_the_credit_office_and_the_auditor_and_what_each_may_change(client, staff):
    """Each role sees every registered model; the auditor changes nothing, the credit office the rules."""
    office_user, auditor = staff(Role.CREDIT_OFFICE), staff(Role.AUDITOR, department="SJ")
    for user, may_edit in [(office_user, True), (auditor, False)]:
        client.force_login(user)
        assert client.get(reverse("admin:index")).status_code == 200
        for model, model_admin in admin.site._registry.items():
            info = f"{model._meta.app_label}_{model._meta.model_name}"
            changelist = client.get(reverse(f"admin:{info}_changelist"))
            assert changelist.status_code == 200, f"{user.username} {info}: {changelist.status_code}"
            request = changelist.wsgi_request
            assert model_admin.has_view_permission(request)
            if not may_edit:
                assert not model_admin.has_add_permission(request), info
                assert not model_admin.has_change_permission(request), info
                assert not model_admin.has_delete_permission(request), info
        if may_edit:
            for model in (Category, CalendarYear):
                assert admin.site._registry[model].has_change_permission(request), model
            assert client.get(reverse("admin:catalog_category_add")).status_code == 200
        else:
            category = Category.objects.get(code="admin_penalty")
            refused = client.post(_change_url(category), _form_data(client, Category, category, name="改名"))
            assert refused.status_code == 403
            assert Category.objects.get(code="admin_penalty").name != "改名"


def test_a_role_without_permissions_sees_an_empty_admin_and_permissions_are_data(client, staff):
    provider = staff(Role.PROVIDER, department="SCJG")
    client.force_login(provider)
    assert client.get(reverse("admin:catalog_category_changelist")).status_code == 403
    role = Role.objects.get(code=Role.PROVIDER)
    role.permissions.add(Permission.objects.get(codename="view_category"))
    provider = User.objects.get(pk=provider.pk)  # permissions are cached per user object
    client.force_login(provider)
    assert client.get(reverse("admin:catalog_category_changelist")).status_code == 200
    assert client.get(reverse("admin:measures_measure_changelist")).status_code == 403


def test_the_credit_office_cannot_make_anyone_a_superuser_nor_touch_a_superuser(client, office, staff):
    clerk = staff(Role.PROVIDER, department="SCJG")
    data = _form_data(client, User, clerk, is_superuser="on", first_name="小李")
    response = client.post(_change_url(clerk), data)
    assert response.status_code == 302, _errors(response)
    clerk.refresh_from_db()
    assert (clerk.first_name, clerk.is_superuser) == ("小李", False)
    office.refresh_from_db()
    assert client.post(_change_url(office), _form_data(client, User, office, is_superuser="on")).status_code == 302
    office.refresh_from_db()
    assert not office.is_superuser
    event = AuditEvent.objects.filter(action="user.save", object_id=clerk.username).latest("id")
    assert "password" not in event.after and event.after["first_name"] == "小李"

    root = User.objects.create_superuser("root", password="x" * 12)
    assert client.post(_change_url(root), _form_data(client, User, root, is_active="")).status_code == 403
    assert User.objects.get(pk=root.pk).is_active
    password_url = reverse("admin:auth_user_password_change", args=[root.pk])
    refused = client.post(password_url, {"password1": "Nn-x2-long-pass", "password2": "Nn-x2-long-pass"})
    assert refused.status_code == 403
    root.refresh_from_db()
    assert root.check_password("x" * 12)

    role = Role.objects.get(code=Role.CREDIT_OFFICE)
    assert client.get(_change_url(role)).status_code == 200  # read-only view
    granted = client.post(_change_url(role), {"code": role.code, "name": role.name, "permissions": []})
    assert granted.status_code == 403
    assert role.permissions.exists()


def test_a_password_set_in_the_admin_is_audited(client, office, staff):
    clerk = staff(Role.PROVIDER, department="SCJG")
    password_url = reverse("admin:auth_user_password_change", args=[clerk.pk])
    response = client.post(password_url, {"password1": "Nn-x2-long-pass", "password2": "Nn-x2-long-pass"})
    assert response.status_code == 302, _errors(response)
    event = AuditEvent.objects.filter(action="user.password").latest("id")
    assert (event.object_id, event.actor) == (clerk.username, office.username)


def test_the_home_page_leads_the_overseers_to_the_statistics_and_nobody_else(client, staff):
    for roles, department, shown in [((Role.CREDIT_OFFICE,), "XYB", True), ((Role.PROVIDER,), "SCJG", False)]:
        client.force_login(staff(*roles, department=department))
        page = client.get(reverse("admin:index")).content.decode()
        assert ('href="/admin/statistics/"' in page) is shown
        assert ('href="/admin/government-integrity/"' in page) is shown
        assert "信用平台管理后台" in page and "工作台" in page
