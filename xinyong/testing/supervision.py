"""The district of the supervision scenarios: its day, its company, and the calls the scenarios repeat
(register a subject, give it an account, post a penalty, run the daily jobs on a day)."""

import datetime as dt
import io
import json

from django.core.management import call_command

from xinyong.accounts.models import User
from xinyong.subjects.models import Subject

from .factories import penalty, uscc

TODAY = dt.date(2025, 6, 3)  # a Tuesday
COMPANY = uscc(701)
COMPANY_NAME = "九江守信建材有限公司"


def register(api, token, code, name, kind="legal_person"):
    response = api.post("/subjects", {"code": code, "name": name, "kind": kind}, token=token)
    assert response.status_code in (200, 201), response.content
    return response.json()


def subject_account(make_user, code, department="QY"):
    user, token = make_user("subject", department=department)
    User.objects.filter(pk=user.pk).update(subject=Subject.objects.get(key=code), department=None)
    return token


def post_penalty(api, token, serial=701, **overrides):
    body = {"category": "admin_penalty", "fields": penalty(serial, **overrides)}
    response = api.post("/records", body, token=token)
    assert response.status_code == 201, response.content
    return response.json()


def daily(on: dt.date) -> dict:
    out = io.StringIO()
    call_command("daily", "--date", on.isoformat(), stdout=out)
    return json.loads(out.getvalue())["jobs"]


def seed_drawing(subject: Subject) -> str:
    """A seed with which a plan whose population is this one subject draws it (at its grade's ratio the
    quota of one is 0 or 1 by randomised rounding, 002 §6): tests of the draw's pages need one drawn."""
    from xinyong.supervision import draw
    from xinyong.supervision.models import GradeLevel
    from xinyong.supervision.services import grading

    grade = grading.refresh(subject, trigger="test").grade
    ratio = GradeLevel.objects.get(code=grade).inspection_ratio
    return next(seed for seed in (f"柴桑-{n}" for n in range(10_000)) if draw.quota(seed, grade, 1, ratio) == 1)
