"""Industry associations (R27; 002 §11, §20; 000 §11) keep member credit files and apply industry measures
(warning, criticism, censure, refusal, expulsion), which checks then show as `type: "industry"`; and
authorised sharing (R26; 000 §17, 004 四(三)): a subject authorises a financial institution, credit agency
or association to read its non-public records — every such read, and every refusal, is audited."""

import datetime as dt
from typing import NoReturn

from django.db import transaction
from django.db.models import Q

from xinyong.accounts.models import Department, Role, User
from xinyong.accounts.selectors import rows_visible_to
from xinyong.accounts.services import get_department, upsert_department
from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.catalog.models import Category, Disclosure
from xinyong.core import clock, parameters
from xinyong.core.dates import add_months
from xinyong.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from xinyong.core.identifiers import identify
from xinyong.core.lengths import within
from xinyong.core.masking import mask_id_number
from xinyong.records.models import Record
from xinyong.records.selectors import public_record
from xinyong.subjects.models import Subject
from xinyong.subjects.selectors import get_by_code

from ..models import Association, Authorisation, IndustryMeasure, IndustryMeasureKind, Membership
from . import grading

SHARED_DISCLOSURES = (Disclosure.PUBLIC, Disclosure.AUTHORISED)


# ---- associations ------------------------------------------------------------------------------


@transaction.atomic
def register_association(
    *, actor: Actor, code: str, name: str, uscc: str = "", supervisor_code: str = "", rules: str = ""
) -> Association:
    """The credit office registers an association; its accounts belong to a department of the same code."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise InvalidInput("请填写协会编码和名称", code="invalid_association")
    existing = Association.objects.filter(code=code).first()
    department = upsert_department(actor=actor, code=code, name=name)
    association = existing or Association(code=code, department=department)
    association.name, association.uscc = name, uscc.strip()
    association.supervisor_code, association.rules = supervisor_code.strip(), rules.strip()
    association.save()
    audit(
        actor=actor,
        action="association.save",
        object_type="association",
        object_id=code,
        after={"name": name, "uscc": association.uscc, "supervisor": association.supervisor_code},
    )
    return association


def get_association(code: str) -> Association:
    association = Association.objects.select_related("department").filter(code=code, is_active=True).first()
    if association is None:
        raise NotFound(f"行业协会“{code}”不存在", code="association_not_found")
    return association


def require_association_user(user: User, association: Association) -> None:
    """The association's own accounts, or the credit office."""
    if user.has_role(Role.CREDIT_OFFICE):
        return
    if user.department_id != association.department_id:
        raise Forbidden("只能管理本协会的会员信用档案", code="not_own_association")


@transaction.atomic
def add_member(
    *,
    actor: Actor,
    user: User,
    association_code: str,
    subject: Subject,
    member_number: str = "",
    joined_on: dt.date | None = None,
) -> Membership:
    association = get_association(association_code)
    require_association_user(user, association)
    membership = Membership.objects.filter(association=association, subject=subject).first()
    if membership is not None and membership.status == Membership.Status.ACTIVE:
        raise Conflict("该主体已是本协会会员", code="already_member")
    if membership is not None and membership.status == Membership.Status.EXPELLED:
        raise Conflict("该主体已被劝退/除名", code="expelled_member")
    membership = membership or Membership(association=association, subject=subject, created_at=clock.now())
    membership.member_number, membership.joined_on = member_number.strip(), joined_on or clock.today()
    membership.status, membership.left_on = Membership.Status.ACTIVE, None
    membership.save()
    audit(
        actor=actor,
        action="association.member",
        object_type="association",
        object_id=association.code,
        after={"subject": subject.public_code, "member_number": membership.member_number},
    )
    return membership


def get_kind(code: str) -> IndustryMeasureKind:
    kind = IndustryMeasureKind.objects.filter(code=code).first()
    if kind is None:
        known = "、".join(IndustryMeasureKind.objects.values_list("code", flat=True))
        raise InvalidInput(f"行业性惩戒措施“{code}”不存在，可选：{known}", code="unknown_industry_measure")
    return kind


@transaction.atomic
def apply_measure(
    *,
    actor: Actor,
    user: User,
    association_code: str,
    subject: Subject,
    kind_code: str,
    document_number: str,
    reason: str,
    decided_on: dt.date,
    ends_on: dt.date | None = None,
) -> IndustryMeasure:
    association = get_association(association_code)
    require_association_user(user, association)
    kind = get_kind(kind_code)
    if not document_number.strip() or not reason.strip():
        raise InvalidInput("请填写决定文号和事由", code="invalid_measure")
    today = clock.today()
    if decided_on > today:
        raise InvalidInput("决定日期不能晚于今天", code="invalid_date")
    membership = Membership.objects.filter(
        association=association, subject=subject, status=Membership.Status.ACTIVE
    ).first()
    if kind.requires_membership and membership is None:
        raise InvalidInput(f"“{kind.name}”只适用于本协会会员", code="not_a_member")
    if ends_on is None and kind.period_months:
        ends_on = add_months(decided_on, kind.period_months) - dt.timedelta(days=1)
    if ends_on is not None and ends_on < decided_on:
        raise InvalidInput("截止日期早于决定日期", code="invalid_period")
    measure = IndustryMeasure.objects.create(
        association=association,
        subject=subject,
        kind=kind,
        document_number=document_number.strip(),
        reason=reason.strip(),
        decided_on=decided_on,
        starts_on=decided_on,
        ends_on=ends_on,
        created_by=actor.name,
        created_at=clock.now(),
    )
    if kind.ends_membership and membership is not None:
        membership.status, membership.left_on = Membership.Status.EXPELLED, decided_on
        membership.save(update_fields=["status", "left_on"])
    audit(
        actor=actor,
        action="industry_measure.apply",
        object_type="industry_measure",
        object_id=measure.pk,
        after={
            "association": association.code,
            "subject": subject.public_code,
            "kind": kind.code,
            "document_number": measure.document_number,
            "ends_on": ends_on,
        },
    )
    return measure


@transaction.atomic
def revoke_measure(*, actor: Actor, user: User, measure_id: int, reason: str) -> IndustryMeasure:
    measure = IndustryMeasure.objects.select_related("association").select_for_update().filter(pk=measure_id).first()
    if measure is None:
        raise NotFound("行业性惩戒不存在", code="industry_measure_not_found")
    require_association_user(user, measure.association)
    if not reason.strip():
        raise InvalidInput("撤销须说明理由", code="reason_required")
    if measure.status != IndustryMeasure.Status.ACTIVE:
        raise InvalidInput("该措施已撤销", code="measure_not_active")
    measure.status, measure.ended_at, measure.end_reason = IndustryMeasure.Status.REVOKED, clock.now(), reason.strip()
    measure.save(update_fields=["status", "ended_at", "end_reason"])
    audit(
        actor=actor,
        action="industry_measure.revoke",
        object_type="industry_measure",
        object_id=measure.pk,
        after={"reason": measure.end_reason},
    )
    return measure


def measures_in_force(on: dt.date):
    return IndustryMeasure.objects.filter(status=IndustryMeasure.Status.ACTIVE, starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )


# ---- authorisations (R26) ----------------------------------------------------------------------


def _validate_categories(scope: str, categories: list[str]) -> list[str]:
    if scope == Authorisation.Scope.ALL:
        return []
    if scope != Authorisation.Scope.CATEGORIES:
        raise InvalidInput(
            f"授权范围“{scope}”无效，可选：{'、'.join(Authorisation.Scope.values)}", code="invalid_scope"
        )
    if not categories:
        raise InvalidInput("指定信息类别时须至少选择一个类别", code="categories_required")
    allowed = set(
        Category.objects.filter(code__in=categories, disclosure__in=SHARED_DISCLOSURES).values_list("code", flat=True)
    )
    refused = sorted(set(categories) - allowed)
    if refused:
        raise InvalidInput(
            f"以下类别不存在或仅限政务共享，不能授权查询：{'、'.join(refused)}", code="invalid_categories"
        )
    return sorted(allowed)


@transaction.atomic
def grant(
    *,
    actor: Actor,
    user: User,
    grantee_code: str,
    purpose: str,
    valid_to: dt.date,
    valid_from: dt.date | None = None,
    scope: str = Authorisation.Scope.ALL,
    categories: list[str] | None = None,
) -> Authorisation:
    """Only the subject's own account authorises (role `subject`)."""
    if not user.has_role(Role.SUBJECT) or user.subject_id is None:
        raise Forbidden("只有信用主体本人可以授权查询", code="not_subject")
    grantee = get_department(grantee_code)
    if not purpose.strip():
        raise InvalidInput("请说明查询用途", code="purpose_required")
    today = clock.today()
    valid_from = valid_from or today
    longest = valid_from + dt.timedelta(days=parameters.integer("authorisation_max_days"))
    if valid_from < today or valid_to < valid_from or valid_to > longest:
        raise InvalidInput(f"授权期限应自今天起，且不超过{longest.isoformat()}", code="invalid_period")
    authorisation = Authorisation.objects.create(
        subject_id=user.subject_id,
        grantee=grantee,
        scope=scope,
        categories=_validate_categories(scope, categories or []),
        purpose=within(purpose.strip(), Authorisation, "purpose"),
        valid_from=valid_from,
        valid_to=valid_to,
        created_by=actor.name,
        created_at=clock.now(),
    )
    audit(
        actor=actor,
        action="authorisation.grant",
        object_type="authorisation",
        object_id=authorisation.pk,
        after={
            "subject": authorisation.subject.public_code,
            "grantee": grantee.code,
            "scope": scope,
            "categories": authorisation.categories,
            "valid_from": valid_from,
            "valid_to": valid_to,
        },
    )
    return authorisation


@transaction.atomic
def revoke(*, actor: Actor, user: User, authorisation_id: int) -> Authorisation:
    authorisation = Authorisation.objects.select_for_update().filter(pk=authorisation_id).first()
    if authorisation is None:
        raise NotFound("授权不存在", code="authorisation_not_found")
    if not user.has_role(Role.SUBJECT) or user.subject_id != authorisation.subject_id:
        raise Forbidden("只有授权的信用主体本人可以撤回", code="not_own_authorisation")
    if authorisation.revoked_at is None:
        authorisation.revoked_at, authorisation.revoked_by = clock.now(), actor.name
        authorisation.save(update_fields=["revoked_at", "revoked_by"])
        audit(actor=actor, action="authorisation.revoke", object_type="authorisation", object_id=authorisation.pk)
    return authorisation


def valid_authorisation(subject: Subject, grantee: Department, on: dt.date) -> Authorisation | None:
    return (
        Authorisation.objects.filter(
            subject=subject, grantee=grantee, revoked_at__isnull=True, valid_from__lte=on, valid_to__gte=on
        )
        .order_by("-id")
        .first()
    )


def _masked(code: str) -> str:
    info = identify(code)
    return mask_id_number(info.code) if info.type == "resident_id" else (info.code or code)[:40]


def shared_records(subject: Subject, authorisation: Authorisation, on: dt.date) -> list[Record]:
    """What an authorisation opens: current, active records of public and authorised-query categories
    (never government-only ones), still inside their publication period; public categories only once
    released (a penalty not yet published stays unpublished for everyone)."""
    records = (
        Record.objects.filter(
            subject=subject,
            is_current=True,
            status__in=(Record.Status.ACTIVE, Record.Status.UNDER_OBJECTION),
            category__disclosure__in=SHARED_DISCLOSURES,
        )
        .filter(Q(publication_ends_on__isnull=True) | Q(publication_ends_on__gte=on))
        .exclude(category__disclosure=Disclosure.PUBLIC, published_at__isnull=True)
        .select_related("category", "provider", "subject")
        .order_by("category__sort_order", "-decision_date", "-id")
    )
    if authorisation.scope == Authorisation.Scope.CATEGORIES:
        records = records.filter(category__code__in=authorisation.categories)
    return list(records[:1000])


def authorised_read(*, actor: Actor, user: User, code: str) -> dict:
    """A financial institution, credit agency or association reads a subject's records under the
    subject's authorisation. Every query is audited (`authorised.read`), refusals included."""
    today = clock.today()
    grantee = user.department

    def refuse(reason: str, error: DomainError) -> NoReturn:
        audit(
            actor=actor,
            action="authorised.read",
            object_type="subject",
            object_id=_masked(code),
            after={"granted": False, "reason": reason, "grantee": grantee.code if grantee else None},
        )
        raise error

    if grantee is None:
        refuse("no_department", Forbidden("该账号未归属任何机构", code="no_department"))
    try:
        subject = get_by_code(code)
    except (InvalidInput, NotFound) as error:
        refuse(error.code, error)
    authorisation = valid_authorisation(subject, grantee, today)
    if authorisation is None:
        refuse(
            "not_authorised",
            Forbidden("未获该信用主体的有效授权，不能查询非公开信息", code="not_authorised"),
        )
    records = shared_records(subject, authorisation, today)
    evaluation = grading.current(subject)
    audit(
        actor=actor,
        action="authorised.read",
        object_type="subject",
        object_id=subject.public_code,
        after={
            "granted": True,
            "grantee": grantee.code,
            "authorisation": authorisation.pk,
            "scope": authorisation.scope,
            "records": len(records),
            "categories": sorted({r.category.code for r in records}),
        },
    )
    return {
        "subject": {"code": subject.public_code, "name": subject.name, "kind": subject.kind},
        "authorisation": {
            "id": authorisation.pk,
            "scope": authorisation.scope,
            "categories": authorisation.categories,
            "purpose": authorisation.purpose,
            "valid_from": authorisation.valid_from,
            "valid_to": authorisation.valid_to,
        },
        "grade": {"grade": evaluation.grade, "score": evaluation.score, "computed_at": evaluation.computed_at}
        if evaluation
        else None,
        "records": [
            {**public_record(r, subject), "disclosure": r.category.disclosure, "version": r.version} for r in records
        ],
    }


def visible_authorisations(user: User):
    authorisations = Authorisation.objects.select_related("subject", "grantee")
    return rows_visible_to(authorisations, user, department_field="grantee_id", subject_field="subject_id")
