"""Roles carry admin permissions (data the superuser edits under 角色), seeded here with the defaults:
the credit office maintains the rules, the calendar, departments and accounts, and reads what services
write; the auditor reads everything the admin shows and changes nothing; a providing department uploads
import files and reads its own jobs and records."""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

EDIT = ("view", "add", "change")
INLINE = ("view", "add", "change", "delete")
VIEW = ("view",)

CREDIT_OFFICE = {
    "catalog.category": EDIT,
    "core.calendaryear": EDIT,
    "core.calendarday": INLINE,
    "core.parameter": ("view", "change"),
    "lists.listtype": EDIT,
    "measures.measure": EDIT,
    "measures.measurebasis": INLINE,
    "measures.legalbasis": EDIT,
    "measures.businessmatter": EDIT,
    "supervision.commitmenttemplate": EDIT,
    "supervision.scoreindicator": EDIT,
    "supervision.gradelevel": EDIT,
    "supervision.industrymeasurekind": EDIT,
    "integrity.noticerecipient": EDIT,
    "integrity.reportrequirement": EDIT,
    "integrity.creditagency": EDIT,
    "integrity.publicaffiliation": INLINE,
    "integrity.thirdpartyreport": ("view", "change"),
    "portal.typicalcase": INLINE,
    "accounts.department": EDIT,
    "accounts.user": EDIT,
    "accounts.apitoken": ("view", "change"),
    **dict.fromkeys(
        [
            "accounts.role",
            "audit.auditevent",
            "checks.task",
            "checks.checkbatch",
            "records.record",
            "records.recordevent",
            "records.importjob",
            "selfreports.selfreport",
            "django_tasks_database.dbtaskresult",
            "subjects.subject",
            "subjects.subjectname",
            "subjects.relation",
            "portal.issuedreport",
            "supervision.commitment",
            "supervision.evaluation",
            "supervision.inspector",
            "supervision.inspectionplan",
            "supervision.rectificationorder",
            "supervision.interview",
            "supervision.watchreferral",
            "supervision.association",
            "supervision.industrymeasure",
            "supervision.authorisation",
        ],
        VIEW,
    ),
}
# A providing department uploads files and follows its own imports and records there.
PROVIDER = {
    "records.importjob": ("view", "add"),
    "records.record": VIEW,
    "records.recordevent": VIEW,
    "selfreports.selfreport": VIEW,  # the ones it is named to verify; verifying is the service's to allow
}
DEFAULTS = {"credit_office": CREDIT_OFFICE, "auditor": dict.fromkeys(CREDIT_OFFICE, VIEW), "provider": PROVIDER}


def _permissions(apps, grants: dict[str, tuple[str, ...]]):
    Permission = apps.get_model("auth", "Permission")
    wanted = {(label.split(".")[0], f"{action}_{label.split('.')[1]}") for label, actions in grants.items() for action in actions}
    found = Permission.objects.filter(content_type__app_label__in={app for app, _ in wanted}).select_related("content_type")
    rows = [p for p in found if (p.content_type.app_label, p.codename) in wanted]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in rows}
    if missing:
        raise RuntimeError(f"permissions not found: {sorted(missing)}")
    return rows


def grant_defaults(apps, schema_editor):
    # Permissions are otherwise made after every migration has run (post_migrate); these need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Role = apps.get_model("accounts", "Role")
    for code, grants in DEFAULTS.items():
        role = Role.objects.filter(code=code).first()
        if role is not None:
            role.permissions.add(*_permissions(apps, grants))


def revoke_defaults(apps, schema_editor):
    apps.get_model("accounts", "Role").permissions.through.objects.filter(role__code__in=DEFAULTS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_integrity_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("audit", "0002_append_only_triggers"),
        ("catalog", "0004_default_severity_rules"),
        ("checks", "0007_batch_ids_lz4"),
        ("core", "0004_default_parameters"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
        ("integrity", "0003_default_notice_recipients"),
        ("lists", "0004_clean_record_members"),
        ("measures", "0002_default_catalog"),
        ("portal", "0002_report_validity"),
        ("records", "0008_verbose_names"),
        ("selfreports", "0001_initial"),
        ("subjects", "0004_former_names_trigram"),
        ("supervision", "0003_government_commitments"),
    ]
    operations = [
        migrations.AddField(
            model_name="role",
            name="permissions",
            field=models.ManyToManyField(
                blank=True, related_name="roles", to="auth.permission", verbose_name="后台权限"
            ),
        ),
        migrations.RunPython(grant_defaults, revoke_defaults),
    ]
