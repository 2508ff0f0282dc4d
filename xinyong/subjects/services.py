"""Registering and updating credit subjects and their relations (R1). Every write is audited."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.core import clock, crypto
from xinyong.core.errors import InvalidInput
from xinyong.core.identifiers import IdentifierInfo, identify
from xinyong.core.masking import mask_id_number
from xinyong.core.text import fold

from .models import Relation, Subject, SubjectName

ORGANISATION_KINDS = {
    Subject.Kind.LEGAL_PERSON,
    Subject.Kind.OTHER_ORGANISATION,
    Subject.Kind.INDIVIDUAL_BUSINESS,
}


def person_key(id_number: str) -> str:
    return "P" + crypto.lookup_hash(id_number)


@dataclass(frozen=True)
class SubjectIdentity:
    """A checked identifier and the key it maps to."""

    key: str
    info: IdentifierInfo
    verified: bool


def resolve_identifier(code: str, *, allow_unverified: bool = False, field: str = "code") -> SubjectIdentity:
    """Validate a subject code. Legacy codes whose only defect is the check character are accepted
    as unverified when the caller allows it (bulk imports of old data), never silently."""
    info = identify(code)
    if not info.valid and not (allow_unverified and info.only_check_failed):
        raise InvalidInput(
            f"{field}：{info.error}", code="invalid_identifier", details=[{"field": field, **info.as_api()}]
        )
    return SubjectIdentity(key=_key_of(info), info=info, verified=info.valid)


def _snapshot(subject: Subject) -> dict:
    return {
        "kind": subject.kind,
        "code": subject.public_code,
        "code_verified": subject.code_verified,
        "name": subject.name,
        "status": subject.status,
    }


def _check_kind_matches(kind: str, info: IdentifierInfo) -> None:
    if kind not in Subject.Kind.values:
        raise InvalidInput(f"主体类型“{kind}”无效，可选：{'、'.join(Subject.Kind.values)}", code="invalid_kind")
    is_person_code = info.type == "resident_id"
    if is_person_code != (kind == Subject.Kind.NATURAL_PERSON):
        raise InvalidInput(
            "自然人须使用身份证号，组织须使用统一社会信用代码",
            code="kind_code_mismatch",
            details=[{"field": "kind", "kind": kind, "code_type": info.type}],
        )


def _rename(subject: Subject, name: str, today: dt.date) -> None:
    current = subject.names.filter(valid_to__isnull=True).first()
    if current is not None:
        current.valid_to = today
        current.save(update_fields=["valid_to"])
    SubjectName.objects.create(subject=subject, name=name, search_name=fold(name), valid_from=today)
    subject.name, subject.search_name = name, fold(name)


@transaction.atomic
def register_subject(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    status: str | None = None,
    allow_unverified: bool = False,
) -> tuple[Subject, bool]:
    """Create the subject, or update its name/status. Returns (subject, created)."""
    name = name.strip()
    if not name:
        raise InvalidInput("名称不能为空", code="invalid_name", details=[{"field": "name"}])
    identity = resolve_identifier(code, allow_unverified=allow_unverified)
    _check_kind_matches(kind, identity.info)
    if status is not None and status not in Subject.Status.values:
        raise InvalidInput(f"状态“{status}”无效，可选：{'、'.join(Subject.Status.values)}", code="invalid_status")
    now = clock.now()
    subject = Subject.objects.select_for_update().filter(key=identity.key).first()
    if subject is None:
        subject = _new_subject(identity, name=name, kind=kind, now=now)
        if status:
            subject.status = status
        subject.save()
        SubjectName.objects.create(subject=subject, name=name, search_name=fold(name), valid_from=now.date())
        audit(
            actor=actor,
            action="subject.create",
            object_type="subject",
            object_id=subject.pk,
            after=_snapshot(subject),
        )
        return subject, True
    before = _snapshot(subject)
    if name != subject.name:
        _rename(subject, name, clock.today())
    if status:
        subject.status = status
    if identity.verified and not subject.code_verified:
        subject.code_verified = True
    if _snapshot(subject) != before:
        subject.updated_at = now
        subject.save()
        audit(
            actor=actor,
            action="subject.update",
            object_type="subject",
            object_id=subject.pk,
            before=before,
            after=_snapshot(subject),
        )
    return subject, False


def _new_subject(identity: SubjectIdentity, *, name: str, kind: str, now: dt.datetime) -> Subject:
    info = identity.info
    subject = Subject(
        kind=kind,
        key=identity.key,
        name=name,
        search_name=fold(name),
        code_verified=identity.verified,
        created_at=now,
        updated_at=now,
    )
    if info.type == "resident_id":
        subject.id_encrypted = crypto.encrypt(info.code)
        subject.id_masked = mask_id_number(info.code)
    else:
        subject.uscc = info.code
    if info.region:
        subject.region_code = info.region["code"]
    return subject


@transaction.atomic
def set_relation(
    *,
    actor: Actor,
    organisation: Subject,
    member: Subject,
    role: str,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> Relation:
    """Record that `member` holds `role` in `organisation` from `valid_from` to `valid_to` (open-ended
    when None). Re-sending the same relation updates its end date instead of duplicating it."""
    if role not in Relation.Role.values:
        raise InvalidInput(f"关系“{role}”无效，可选：{'、'.join(Relation.Role.values)}", code="invalid_role")
    if organisation.is_person:
        raise InvalidInput("自然人不能作为组织方登记关联关系", code="invalid_relation")
    if valid_from and valid_to and valid_to < valid_from:
        raise InvalidInput("关系的截止日期早于起始日期", code="invalid_period")
    relation = Relation.objects.filter(
        organisation=organisation, member=member, role=role, valid_from=valid_from
    ).first()
    if relation is not None and relation.valid_to == valid_to:
        return relation
    before = _relation_snapshot(relation) if relation else None
    if relation is None:
        relation = Relation(
            organisation=organisation, member=member, role=role, valid_from=valid_from, created_at=clock.now()
        )
    relation.valid_to = valid_to
    relation.save()
    audit(
        actor=actor,
        action="relation.save",
        object_type="relation",
        object_id=relation.pk,
        before=before,
        after=_relation_snapshot(relation),
    )
    return relation


def _relation_snapshot(relation: Relation) -> dict:
    return {
        "organisation": relation.organisation.public_code,
        "member": relation.member.public_code,
        "role": relation.role,
        "valid_from": relation.valid_from,
        "valid_to": relation.valid_to,
    }


@dataclass(frozen=True)
class RelationInput:
    role: str
    member_code: str
    member_name: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


@transaction.atomic
def register_subject_with_relations(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    status: str | None = None,
    relations: Sequence[RelationInput] = (),
) -> tuple[Subject, bool]:
    """Register an organisation and the persons or organisations related to it, in one transaction."""
    subject, created = register_subject(actor=actor, code=code, name=name, kind=kind, status=status)
    for index, item in enumerate(relations):
        try:
            member_info = resolve_identifier(item.member_code, field=f"relations[{index}]").info
        except InvalidInput as error:
            error.details = [{**d, "index": index} for d in error.details]
            raise
        member_kind = Subject.Kind.NATURAL_PERSON if member_info.type == "resident_id" else Subject.Kind.LEGAL_PERSON
        existing_kind = Subject.objects.filter(key=_key_of(member_info)).values_list("kind", flat=True).first()
        member, _ = register_subject(
            actor=actor, code=item.member_code, name=item.member_name, kind=existing_kind or member_kind
        )
        set_relation(
            actor=actor,
            organisation=subject,
            member=member,
            role=item.role,
            valid_from=item.valid_from,
            valid_to=item.valid_to,
        )
    return subject, created


def _key_of(info: IdentifierInfo) -> str:
    return person_key(info.code) if info.type == "resident_id" else info.code


def business_key(operator_id: str, name: str) -> str:
    """Individual businesses without a code (00000000000000000X in exchange files) are keyed on the
    operator's ID number and the business name (architecture §6)."""
    return "B" + crypto.lookup_hash(f"{operator_id}|{fold(name)}")


@dataclass(frozen=True)
class SubjectRef:
    """A subject as identified in a record: its key, and what is needed to create it if new."""

    key: str
    kind: str
    name: str
    code: str = ""
    verified: bool = True
    person_id: str = ""


def identity_columns(ref: SubjectRef) -> dict:
    """The columns of a new subject that come from how a record identifies it (the others are
    defaults and times); bulk imports write the same columns by COPY."""
    columns = {
        "kind": ref.kind,
        "key": ref.key,
        "name": ref.name,
        "search_name": fold(ref.name),
        "code_verified": ref.verified,
        "uscc": ref.code,
    }
    if ref.person_id:
        columns["id_encrypted"] = crypto.encrypt(ref.person_id)
        columns["id_masked"] = mask_id_number(ref.person_id)
    if len(ref.code) == 18 and ref.code[2:8].isdigit():
        columns["region_code"] = ref.code[2:8]
    return columns


def _subject_from_ref(ref: SubjectRef, now: dt.datetime) -> Subject:
    return Subject(created_at=now, updated_at=now, **identity_columns(ref))


@transaction.atomic
def ensure_subjects(*, actor: Actor, refs: list[SubjectRef], reason: str) -> dict[str, int]:
    """Map each ref's key to a subject id, creating the missing subjects in bulk (imports send
    thousands at once). Existing subjects are not renamed here: registration data is the authority
    for names, a record only carries the name as the provider wrote it."""
    wanted = {ref.key: ref for ref in refs}
    ids = dict(Subject.objects.filter(key__in=wanted).values_list("key", "id"))
    missing = [ref for key, ref in wanted.items() if key not in ids]
    if not missing:
        return ids
    now = clock.now()
    # A concurrent import may create the same subject first: skip it rather than fail the batch.
    Subject.objects.bulk_create(
        [_subject_from_ref(ref, now) for ref in missing], batch_size=1000, ignore_conflicts=True
    )
    rows = Subject.objects.filter(key__in=[r.key for r in missing]).values_list("key", "id", "created_at")
    created = {key: pk for key, pk, _ in rows}
    ours = {key for key, _, created_at in rows if created_at == now}
    SubjectName.objects.bulk_create(
        [
            SubjectName(subject_id=created[r.key], name=r.name, search_name=fold(r.name), valid_from=now.date())
            for r in missing
            if r.key in ours
        ],
        batch_size=1000,
    )
    audit(
        actor=actor,
        action="subject.bulk_create",
        object_type="subject",
        object_id=reason,
        after={"count": len(missing), "unverified": sum(1 for r in missing if not r.verified)},
    )
    ids.update(created)
    return ids
