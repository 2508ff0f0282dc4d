"""Default working-day calendar: 2025 (国办发明电〔2024〕12号) and 2026 (国办发明电〔2025〕7号).

Read from fixtures/calendar_2025_2026.json (also loadable with `xinyong loaddata calendar_2025_2026`),
limited to these two years so that the migration keeps meaning the same thing. Later years are
entered in the admin by the credit office. Reversing deletes the two years and their days.
"""

import datetime as dt
import json
from pathlib import Path

from django.db import migrations

YEARS = (2025, 2026)
FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "calendar_2025_2026.json"


def load_calendar(apps, schema_editor):
    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    db = schema_editor.connection.alias
    objects = json.loads(FIXTURE.read_text(encoding="utf-8"))
    years = {}
    for obj in objects:
        fields = obj["fields"]
        if obj["model"] == "core.calendaryear" and fields["year"] in YEARS:
            published_on = fields.get("published_on")
            years[fields["year"]], _ = CalendarYear.objects.using(db).update_or_create(
                year=fields["year"],
                defaults={
                    "notice": fields.get("notice", ""),
                    "published_on": dt.date.fromisoformat(published_on) if published_on else None,
                    "note": fields.get("note", ""),
                },
            )
    for obj in objects:
        fields = obj["fields"]
        if obj["model"] == "core.calendarday" and fields["calendar_year"][0] in YEARS:
            CalendarDay.objects.using(db).update_or_create(
                date=dt.date.fromisoformat(fields["date"]),
                defaults={
                    "calendar_year": years[fields["calendar_year"][0]],
                    "kind": fields["kind"],
                    "name": fields.get("name", ""),
                },
            )
    missing = set(YEARS) - set(years)
    if missing:
        raise RuntimeError(f"{FIXTURE.name} lacks calendar years {sorted(missing)}")


def unload_calendar(apps, schema_editor):
    db = schema_editor.connection.alias
    apps.get_model("core", "CalendarDay").objects.using(db).filter(calendar_year__year__in=YEARS).delete()
    apps.get_model("core", "CalendarYear").objects.using(db).filter(year__in=YEARS).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load_calendar, unload_calendar)]
