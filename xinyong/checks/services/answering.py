"""Answering a check (R12, R13; hot path: docs/design/check-path.md): the rules that decide which
measures apply, worked out from the in-memory snapshot (`engine`) with no database round trip, and the
single check itself. The batch path (`batch.py`) answers from the same `Answerer`.

Hot path: nothing here may query per check beyond what is written (an unknown matter, a code not in the
directory, the clean-record rewards), nor build model instances; `bench/checks.py` measures a change.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from xinyong.accounts.models import Department
from xinyong.audit.services import Actor
from xinyong.core import clock, parameters
from xinyong.core.dates import add_months
from xinyong.core.errors import InvalidInput
from xinyong.core.identifiers import IdentifierInfo, identify, may_be_resident_id
from xinyong.core.masking import mask_id_number
from xinyong.subjects.selectors import key_for_identifier

from .. import engine
from ..directory import ID_SHAPED_ORGANISATION, ORGANISATION, SubjectView, record_kind, subject_part
from ..models import Check
from ..signing import check_number
from . import storage
from .extensions import ANSWER_EXTENSIONS, ANSWER_REQUIREMENTS

NO_DISHONESTY = "no_dishonesty"  # the list type whose rewards apply to subjects with a clean record


@dataclass(frozen=True)
class Plan:
    """The measures a business matter can bring, worked out once per catalog (not once per check):
    `measures` holds the part of each measure's answer that does not depend on the subject; the other
    fields point into it."""

    measures: tuple[dict, ...]
    # (list type, person-level) → measures; person-level: the subject is a person or the entry is a
    # person's, derived from their organisation's (R13).
    of_list_type: dict[tuple[str, bool], tuple[int, ...]]
    clean_rewards: dict[bool, tuple[int, ...]]  # person? → rewards of a clean record


def _static_part(measure: engine.MeasureView) -> dict:
    return {
        "code": measure.code,
        "name": measure.name,
        "kind": measure.kind,
        "force": measure.force,
        "type": measure.type,
        "legal_basis": list(measure.legal_basis),
        "implementing_department": measure.implementing_department,
        "incentive_kind": measure.incentive_kind or None,
    }


def _plan(snapshot: engine.Snapshot, matter: str) -> Plan:
    measures: list[dict] = []
    index: dict[str, int] = {}
    of_list_type = {}
    for list_type, views in snapshot.measures.items():
        for person in (False, True):
            applying = [v for v in views if v.applies_to(matter, person=person, derived=False)]
            for view in applying:
                if view.code not in index:
                    index[view.code] = len(measures)
                    measures.append(_static_part(view))
            if applying:
                of_list_type[(list_type, person)] = tuple(index[v.code] for v in applying)
    clean = {person: of_list_type.get((NO_DISHONESTY, person), ()) for person in (False, True)}
    return Plan(measures=tuple(measures), of_list_type=of_list_type, clean_rewards=clean)


def _has_recent_dishonesty(subject_ids: list[int], today: dt.date) -> set[int]:
    """Of these subjects, those with a dishonesty record in the clean-record period."""
    from xinyong.records.models import Record

    since = add_months(today, -12 * parameters.integer("no_dishonesty_years"))
    return set(
        Record.objects.filter(
            subject__pk__among=subject_ids,
            category__counts_as_dishonesty=True,
            decision_date__gte=since,
            is_current=True,
            status__in=(Record.Status.ACTIVE, Record.Status.UNDER_OBJECTION),
        ).values_list("subject_id", flat=True)
    )


# A measure in an answer, compact: (index of its static part in `Plan.measures`, list type, entry id, via
# organisation, via role, suspended), only ever unpacked whole (`measure_answer`, `batch._BatchJson`).
# A plain tuple, not a named one, on purpose: a batch makes one per measure of every listed code, and a
# named tuple costs about eight times as much to make (timeit: ~1.3 µs against ~0.2 µs on these
# machines), 10–15% of a batch's CPU. Measures other slices add stay dicts.
MeasureRef = tuple[int, str, int | None, str | None, str | None, bool]


def measure_answer(ref: MeasureRef | dict, measures) -> dict:
    """The contract's dict of a measure in an answer."""
    if isinstance(ref, dict):
        return ref
    index, list_type, entry_id, via_organisation, via_role, suspended = ref
    return {
        **measures[index],
        "source": source(list_type, entry_id, via_organisation, via_role),
        "suspended": suspended,
    }


def source(list_type: str, entry_id: int | None, via_organisation: str | None, via_role: str | None) -> dict:
    entry = None if entry_id is None else str(entry_id)
    return {"list_type": list_type, "entry_id": entry, "via": via(via_organisation, via_role)}


def via(organisation: str | None, role: str | None) -> dict | None:
    """An entry derived from an organisation's (R13): that organisation and the person's role in it."""
    return {"organisation": organisation, "role": role} if organisation else None


def result_of(punishments: int, rewards: int) -> str:
    """An answer's result from the measures in force it brings (counts, or whether there are any)."""
    return Check.Result.RESTRICTED if punishments else Check.Result.INCENTIVE if rewards else Check.Result.CLEAR


class Answerer:
    """Answers in one business matter on one day from one snapshot (one check, or every code of a batch)."""

    def __init__(self, snapshot: engine.Snapshot, matter: str, now: dt.datetime):
        self.snapshot, self.matter, self.today = snapshot, matter, now.date()
        self.plan = snapshot.memo(("plan", matter), lambda: _plan(snapshot, matter))
        self.extensions = [e.answer for e in ANSWER_EXTENSIONS if e.concerns(matter)]
        self.requirements = [r.answer for r in ANSWER_REQUIREMENTS if r.concerns(matter)]
        self._dishonest: set[int] | None = None

    def only_entries_apply(self) -> bool:
        """Can only list entries bring measures in this matter (no other slice's, no clean-record rewards)?"""
        return not (self.extensions or self.requirements or any(self.plan.clean_rewards.values()))

    def prefetch_dishonesty(self, subject_ids: list[int]) -> None:
        """A batch asks the database once for all its subjects instead of once per code."""
        if any(self.plan.clean_rewards.values()):
            self._dishonest = _has_recent_dishonesty([pk for pk in subject_ids if pk], self.today)

    def _clean(self, subject: SubjectView) -> bool:
        if self._dishonest is None:
            return not _has_recent_dishonesty([subject.pk], self.today)
        return subject.pk not in self._dishonest

    def measures(self, subject: SubjectView | None) -> tuple[str, list[MeasureRef | dict], int]:
        """(result, measures as refs, how many are in force) for a subject (none for a code no subject has).
        Unpacked by its callers: a plain tuple, as `MeasureRef` is, for the same reason."""
        if subject is None:
            return Check.Result.CLEAR, [], 0
        entries = self.snapshot.entries_of(subject.pk)
        clean_rewards = self.plan.clean_rewards[subject.is_person]
        if not (entries or self.extensions or clean_rewards):
            return Check.Result.CLEAR, [], 0  # most subjects of a batch: nothing can apply
        refs: list[MeasureRef | dict] = []
        live: list[str] = []  # the kinds of the measures in force
        negative = False  # a punishment, even suspended, rules out the rewards of a clean record
        of_list_type, plan_measures = self.plan.of_list_type, self.plan.measures
        for entry in entries:
            if not entry.in_force(self.today):
                continue
            list_type, via_organisation, via_role = entry.list_type, entry.via_organisation, entry.via_role
            person_level, suspended = subject.is_person or via_organisation is not None, entry.under_objection
            for index in of_list_type.get((list_type, person_level), ()):
                refs.append((index, list_type, entry.entry_id, via_organisation, via_role, suspended))
                kind = plan_measures[index]["kind"]
                negative = negative or kind == "punishment"
                if not suspended:
                    live.append(kind)
        for extension in self.extensions:
            extra = extension(subject, self.matter, self.today)
            refs.extend(extra)
            kinds = [m["kind"] for m in extra if not m["suspended"]]
            negative = negative or "punishment" in kinds
            live.extend(kinds)
        if clean_rewards and not negative and self._clean(subject):
            refs.extend((index, NO_DISHONESTY, None, None, None, False) for index in clean_rewards)
            live.extend(plan_measures[index]["kind"] for index in clean_rewards)
        return result_of("punishment" in live, "reward" in live), refs, len(live)

    def requirements_of(self, subject: SubjectView | None) -> list[dict]:
        return [r for requirement in self.requirements for r in requirement(subject, self.matter, self.today)]


def known_matter(matter: str, snapshot: engine.Snapshot) -> None:
    # The snapshot holds the matters with the catalog (reloaded on every catalog change); one it does not
    # know yet is looked up, so a matter added a moment ago is accepted at once.
    if snapshot.knows_matter(matter):
        return
    from xinyong.measures.models import BusinessMatter

    if not BusinessMatter.objects.filter(code=matter).exists():
        raise InvalidInput(f"业务事项“{matter}”不存在，见 GET /matters", code="unknown_matter")


# ---- the subject a code names ------------------------------------------------------------------


@dataclass(slots=True)
class Target:
    code: str
    subject: SubjectView | None
    error: dict | None = None


def unknown_part(code: str) -> dict:
    return {"code": code, "name": None, "known": False}


def taken_as_it_came(code: str, kind: int) -> bool:
    """May the subject whose key is exactly this code, of this `directory.record_kind`, answer for it, as
    `key_for_identifier` would find it? Organisation keys are only ever made from codes it returned
    unchanged, and it is deterministic but for one thing: a code shaped like an ID number becomes a valid
    ID number (and then names a person) once its birth date is past; the directory marks the few keys of
    that shape, and only those are tested against today (~1 µs, against ~25 µs for parsing a code both
    ways). A person's key is a keyed hash, never a code to take."""
    return kind == ORGANISATION or (kind == ID_SHAPED_ORGANISATION and not may_be_resident_id(code))


def _resolve(codes: list[str], snapshot: engine.Snapshot) -> list[Target]:
    # Fast path (full identification costs ~50 µs a code, most of a batch): every code is first looked up
    # as it came (a miss costs well under a microsecond). Every other code (typed differently, ID numbers,
    # invalid, or not found) is identified.
    directory, targets = snapshot.directory, []
    assert directory is not None  # loaded by `current()`
    for code in codes:
        view = directory.get(code)
        targets.append(Target(code, view if view and taken_as_it_came(code, record_kind(view)) else None))
    return identify_others(targets, snapshot)


def identify_others(targets: list[Target], snapshot: engine.Snapshot) -> list[Target]:
    """Fill in the targets not found as they came: their subject, or the error of an invalid code."""
    others = [target for target in targets if target.subject is None]
    if not others:
        return targets
    infos = [identify(target.code) for target in others]
    keys = [key_for_identifier(info) for info in infos]
    found = snapshot.subjects_by_key({key for key in keys if key})
    for target, info, key in zip(others, infos, keys, strict=True):
        if key is None:
            target.error = {"code": "invalid_identifier", "message": info.error}
        elif (subject := found.get(key)) is not None:
            target.subject = subject
        else:
            target.code = _shown_code(info)
    return targets


def _shown_code(info: IdentifierInfo) -> str:
    """A code no subject has, as an answer names it: normalised, and masked when it is an ID number."""
    return mask_id_number(info.code) if info.type == "resident_id" else info.code


# ---- one check ---------------------------------------------------------------------------------


def _answer(number: str, subject: dict, matter: str, stamp: str, result: str, measures: list, requirements) -> dict:
    answer = {
        "check_id": number,
        "subject": subject,
        "matter": matter,
        "checked_at": stamp,
        "result": result,
        "measures": measures,
    }
    if requirements:
        answer["requirements"] = requirements
    return answer


def check(*, actor: Actor, department: Department, subject_code: str, matter: str) -> dict:
    """The answer of one check; its row is stored by `storage.WRITER` (at once, or just behind the answer)."""
    snapshot = engine.SNAPSHOT.current()
    known_matter(matter, snapshot)
    [target] = _resolve([subject_code], snapshot)
    if target.error:
        raise InvalidInput(f"主体代码无效：{target.error['message']}", code="invalid_identifier")
    now = clock.now()
    answerer = Answerer(snapshot, matter, now)
    result, refs, in_force = answerer.measures(target.subject)
    answer = _answer(
        check_number(now),
        subject_part(target.subject) if target.subject else unknown_part(target.code),
        matter,
        timezone.localtime(now).isoformat(),
        result,
        [measure_answer(ref, answerer.plan.measures) for ref in refs],
        answerer.requirements_of(target.subject),
    )
    storage.WRITER.submit(
        [
            storage.CheckRow(
                number=answer["check_id"],
                implementer_id=department.pk,
                checked_by=actor.name,
                subject_id=target.subject.pk if target.subject else None,
                subject_code=answer["subject"]["code"],
                matter=matter,
                checked_at=now,
                result=result,
                measure_count=in_force,
                answer=answer,
            )
        ]
    )
    return answer
