"""Government integrity (R31: officials' integrity files) and the credit service market (R32)."""

import datetime as dt
import time

from django.conf import settings
from django.db import transaction

from xinyong.accounts.models import Department
from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.checks.directory import SubjectView
from xinyong.core import clock
from xinyong.core.errors import Conflict, InvalidInput, NotFound
from xinyong.subjects.models import Subject
from xinyong.subjects.selectors import get_by_code

from .models import CreditAgency, OfficialRecord, ReportRequirement, ThirdPartyReport

# ---- officials' integrity files -------------------------------------------------------------------

# Who reads and keeps officials' files (R31: personnel and discipline by default, a setting): the API's
# endpoints and the workbench's 廉信档案 page both admit exactly these, and audit whoever else tries.
READER_ROLES = frozenset(settings.XINYONG_INTEGRITY_READER_ROLES)


@transaction.atomic
def add_official_record(
    *,
    actor: Actor,
    department: Department,
    person_code: str,
    employer_code: str,
    kind: str,
    content: str,
    decided_on: dt.date,
) -> OfficialRecord:
    person = get_by_code(person_code)
    if not person.is_person:
        raise InvalidInput("诚信档案只适用于公职人员个人", code="not_a_person")
    if kind not in OfficialRecord.Kind.values:
        raise InvalidInput(f"类型可选：{'、'.join(OfficialRecord.Kind.values)}", code="invalid_kind")
    if not content.strip():
        raise InvalidInput("内容不能为空", code="invalid_content")
    employer = Department.objects.filter(code=employer_code).first()
    if employer is None:
        raise NotFound(f"任职单位“{employer_code}”不存在", code="department_not_found")
    entry = OfficialRecord.objects.create(
        person=person,
        employer=employer,
        kind=kind,
        content=content.strip(),
        decided_on=decided_on,
        recorded_by=actor.name,
        recorded_at=clock.now(),
    )
    audit(
        actor=actor,
        action="integrity.create",
        object_type="official_record",
        object_id=entry.pk,
        after={"person": person.public_code, "kind": kind, "by": department.code},
    )
    return entry


def read_official_file(*, actor: Actor, person_code: str) -> tuple[Subject, list[OfficialRecord]]:
    """Every read of an integrity file is audited, with whose file it was."""
    person = get_by_code(person_code)
    entries = list(OfficialRecord.objects.filter(person=person).select_related("employer"))
    audit(
        actor=actor,
        action="integrity.read",
        object_type="official_file",
        object_id=person.pk,
        after={"person": person.public_code, "entries": len(entries)},
    )
    return person, entries


# ---- credit service agencies ----------------------------------------------------------------------


@transaction.atomic
def register_agency(
    *,
    actor: Actor,
    code: str,
    kind: str,
    qualification: str,
    qualification_number: str,
    scope: str,
    valid_from: dt.date,
    valid_to: dt.date,
) -> CreditAgency:
    subject = get_by_code(code)
    if subject.is_person:
        raise InvalidInput("信用服务机构须为法人或非法人组织", code="not_an_organisation")
    if kind not in CreditAgency.Kind.values:
        raise InvalidInput(f"业务类型可选：{'、'.join(CreditAgency.Kind.values)}", code="invalid_kind")
    if valid_to < valid_from:
        raise InvalidInput("资质有效期截止早于起始", code="invalid_period")
    agency, created = CreditAgency.objects.update_or_create(
        subject=subject,
        defaults={
            "kind": kind,
            "qualification": qualification,
            "qualification_number": qualification_number,
            "scope": scope,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "registered_at": clock.now(),
        },
    )
    audit(
        actor=actor,
        action="agency.register" if created else "agency.update",
        object_type="credit_agency",
        object_id=agency.pk,
        after={"code": subject.uscc, "kind": kind, "valid_to": valid_to},
    )
    return agency


def _agency_of(user) -> CreditAgency:
    agency = CreditAgency.objects.select_related("subject").filter(subject_id=user.subject_id).first()
    if agency is None:
        raise NotFound("该账号未对应已登记的信用服务机构", code="agency_not_registered")
    return agency


def agency_qualified(agency: CreditAgency, on: dt.date) -> bool:
    return not agency.is_suspended and agency.valid_from <= on <= agency.valid_to


@transaction.atomic
def register_report(
    *,
    actor: Actor,
    user,
    subject_code: str,
    number: str,
    grade: str,
    issued_on: dt.date,
    valid_until: dt.date,
    document_sha256: str,
) -> ThirdPartyReport:
    agency = _agency_of(user)
    if not agency_qualified(agency, issued_on):
        raise InvalidInput("出具日期不在本机构资质有效期内，或机构已暂停业务", code="agency_not_qualified")
    digest = document_sha256.strip().lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise InvalidInput("document_sha256 应为64位十六进制", code="invalid_hash")
    if valid_until < issued_on:
        raise InvalidInput("有效期截止早于出具日期", code="invalid_period")
    if ThirdPartyReport.objects.filter(agency=agency, number=number).exists():
        raise Conflict("该报告编号已登记", code="report_exists")
    report = ThirdPartyReport.objects.create(
        agency=agency,
        subject=get_by_code(subject_code),
        number=number,
        grade=grade.strip(),
        issued_on=issued_on,
        valid_until=valid_until,
        document_sha256=digest,
        registered_by=actor.name,
        registered_at=clock.now(),
    )
    audit(
        actor=actor,
        action="third_party_report.register",
        object_type="third_party_report",
        object_id=report.pk,
        after={"agency": agency.subject.uscc, "number": number, "subject": report.subject.public_code},
    )
    return report


def verify_report(*, agency_code: str, number: str, document_sha256: str | None) -> dict:
    report = (
        ThirdPartyReport.objects.select_related("agency__subject", "subject")
        .filter(agency__subject__uscc=agency_code.strip().upper(), number=number)
        .first()
    )
    if report is None:
        return {"genuine": False, "message": "未登记该报告"}
    today = clock.today()
    hash_ok = None if document_sha256 is None else document_sha256.strip().lower() == report.document_sha256
    return {
        "genuine": hash_ok is not False and report.withdrawn_at is None,
        "hash_matches": hash_ok,
        "agency": {"code": report.agency.subject.uscc, "name": report.agency.subject.name},
        "subject": {"code": report.subject.public_code, "name": report.subject.name},
        "grade": report.grade,
        "issued_on": report.issued_on,
        "valid_until": report.valid_until,
        "valid_today": report.withdrawn_at is None and report.valid_until >= today,
    }


def valid_report_for(subject: Subject | SubjectView, on: dt.date, grades: list[str]) -> ThirdPartyReport | None:
    reports = (
        ThirdPartyReport.objects.filter(
            subject_id=subject.pk,
            withdrawn_at__isnull=True,
            issued_on__lte=on,
            valid_until__gte=on,
            agency__is_suspended=False,
            agency__valid_from__lte=on,
            agency__valid_to__gte=on,
        )
        .select_related("agency__subject")
        .order_by("-issued_on")
    )
    if grades:
        reports = reports.filter(grade__in=grades)
    return reports.first()


_REQUIREMENTS_TTL = 60.0
_requirements: dict = {"loaded": -_REQUIREMENTS_TTL, "by_matter": {}}


def _requirement_for(matter: str) -> ReportRequirement | None:
    """Checks are the hot path: the few matters with a requirement are kept in memory, re-read at most a
    minute after the credit office changes them in another process (at once in this one, by signal)."""
    if time.monotonic() - _requirements["loaded"] > _REQUIREMENTS_TTL:
        _requirements["by_matter"] = {r.matter.code: r for r in ReportRequirement.objects.select_related("matter")}
        _requirements["loaded"] = time.monotonic()
    return _requirements["by_matter"].get(matter)


def requirement_concerns(matter: str) -> bool:
    return _requirement_for(matter) is not None


def forget_requirements(**kwargs) -> None:
    _requirements["loaded"] = -_REQUIREMENTS_TTL


def third_party_report_requirement(subject: SubjectView | None, matter: str, today: dt.date) -> list[dict]:
    """For checks: does the matter require a valid third-party credit report, and does the subject have one?"""
    requirement = _requirement_for(matter)
    if requirement is None:
        return []
    report = valid_report_for(subject, today, requirement.accepted_grades) if subject else None
    grades = f"（等级须为{'、'.join(requirement.accepted_grades)}）" if requirement.accepted_grades else ""
    return [
        {
            "code": "third_party_credit_report",
            "name": "有效的第三方信用报告",
            "met": report is not None,
            "message": (
                f"已提供：{report.agency.subject.name} {report.number}，等级 {report.grade or '—'}，"
                f"有效期至 {report.valid_until}"
            )
            if report
            else f"该事项要求提供有效的第三方信用报告{grades}，该主体尚无",
            "report": report.number if report else None,
        }
    ]
