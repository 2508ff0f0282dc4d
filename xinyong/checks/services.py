"""The embedded check loop (R11–R16): check → answer with measures → feedback; list changes pushed
to the departments that must act on them."""

import datetime as dt
import logging
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import lz4.frame
import numpy as np
import orjson
import psycopg
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from xinyong.accounts.models import Department
from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.core import clock, crypto, parameters
from xinyong.core.dates import add_months
from xinyong.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from xinyong.core.identifiers import IdentifierInfo, identify, may_be_resident_id
from xinyong.core.masking import mask_id_number
from xinyong.core.memory import collector_paused
from xinyong.core.pgcopy import copy_line, copy_sql
from xinyong.notices.services import close_entry_tasks
from xinyong.subjects.selectors import key_for_identifier

from . import engine
from .directory import (
    ID_SHAPED_ORGANISATION,
    ORGANISATION,
    Compact,
    SubjectView,
    record_kind,
    subject_json,
    subject_part,
)
from .models import Check, CheckBatch, Feedback
from .writer import make_writer

MAX_BATCH = 10_000
logger = logging.getLogger("xinyong.checks")


@dataclass(frozen=True)
class Extension:
    """Something another slice adds to answers (supervision: grade and industry measures; integrity: the
    third-party report a tender requires). `concerns(matter)` says cheaply, without a query, whether it
    can add anything in that matter, so a batch asks once instead of once per code; `answer(subject,
    matter, today)` returns what it adds."""

    concerns: Callable[[str], bool]
    answer: Callable[[SubjectView | None, str, dt.date], list[dict]]


# Measures other slices add (dicts shaped like the engine's), and conditions a business matter sets
# beyond measures ({"code", "name", "met", "message"}; an answer carries "requirements" only when a
# matter has any). Both registered from AppConfig.ready().
ANSWER_EXTENSIONS: list[Extension] = []
ANSWER_REQUIREMENTS: list[Extension] = []
NO_DISHONESTY = "no_dishonesty"  # the list type whose rewards apply to subjects with a clean record


# ---- answering a check -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
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


def _plan(snapshot: engine.Snapshot, matter: str) -> _Plan:
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
    return _Plan(measures=tuple(measures), of_list_type=of_list_type, clean_rewards=clean)


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


# A measure in an answer, compact: (plan index, list type, entry id, via organisation, via role,
# suspended). Measures other slices add stay dicts. `_measure_answer` makes the contract's dict of either.
_Ref = tuple


def _measure_answer(ref: _Ref | dict, measures) -> dict:
    if isinstance(ref, dict):
        return ref
    index, list_type, entry_id, via_organisation, via_role, suspended = ref
    return {
        **measures[index],
        "source": _source(list_type, entry_id, via_organisation, via_role),
        "suspended": bool(suspended),
    }


def _source(list_type: str, entry_id: int | None, via_organisation: str | None, via_role: str | None) -> dict:
    entry = None if entry_id is None else str(entry_id)
    return {"list_type": list_type, "entry_id": entry, "via": _via(via_organisation, via_role)}


def _via(organisation: str | None, role: str | None) -> dict | None:
    """An entry derived from an organisation's (R13): that organisation and the person's role in it."""
    return {"organisation": organisation, "role": role} if organisation else None


def _live_kind(ref: _Ref | dict, measures) -> str | None:
    """A measure's kind when it is in force, None when suspended."""
    if isinstance(ref, dict):
        return None if ref["suspended"] else ref["kind"]
    return None if ref[5] else measures[ref[0]]["kind"]


def _result(punishments: int, rewards: int) -> str:
    """An answer's result from the measures in force it brings (counts, or whether there are any)."""
    return Check.Result.RESTRICTED if punishments else Check.Result.INCENTIVE if rewards else Check.Result.CLEAR


class _Answerer:
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

    def measures(self, subject: SubjectView | None) -> tuple[str, list, int]:
        """(result, measures as refs, how many are in force) for a subject."""
        if subject is None:
            return Check.Result.CLEAR, [], 0
        entries = self.snapshot.entries_of(subject.pk)
        clean_rewards = self.plan.clean_rewards[subject.is_person]
        if not (entries or self.extensions or clean_rewards):
            return Check.Result.CLEAR, [], 0  # most subjects of a batch: nothing can apply
        refs: list = []
        negative = False  # a punishment, even suspended, rules out the rewards of a clean record
        of_list_type, plan_measures = self.plan.of_list_type, self.plan.measures
        for entry in entries:
            if not entry.in_force(self.today):
                continue
            derived = entry.via_organisation is not None
            suspended = 1 if entry.under_objection else 0
            for index in of_list_type.get((entry.list_type, subject.is_person or derived), ()):
                refs.append((index, entry.list_type, entry.entry_id, entry.via_organisation, entry.via_role, suspended))
                negative = negative or plan_measures[index]["kind"] == "punishment"
        for extension in self.extensions:
            extra = extension(subject, self.matter, self.today)
            refs.extend(extra)
            negative = negative or any(m["kind"] == "punishment" and not m["suspended"] for m in extra)
        if clean_rewards and not negative and self._clean(subject):
            refs.extend((index, NO_DISHONESTY, None, None, None, 0) for index in clean_rewards)
        live = [kind for ref in refs if (kind := _live_kind(ref, plan_measures))]
        return _result("punishment" in live, "reward" in live), refs, len(live)

    def requirements_of(self, subject: SubjectView | None) -> list[dict]:
        return [r for requirement in self.requirements for r in requirement(subject, self.matter, self.today)]


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


_CANONICAL = DjangoJSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _payload(answer: dict) -> str:
    """The answer as canonical JSON: what the digest covers, and (parsed by the database) what is stored."""
    return _CANONICAL.encode(answer)


def _digest(payload: str | bytes) -> str:
    """The signature stored with an answer or a batch document: it names its key (core.crypto)."""
    return crypto.sign_check(payload.encode() if isinstance(payload, str) else payload)


def _genuine(payload: str | bytes, signature: str) -> bool:
    return crypto.verify_check(payload.encode() if isinstance(payload, str) else payload, signature)


def _random_number(prefix: str, now: dt.datetime, bits: int) -> str:
    # From `random` (reseeded in every forked worker), not `secrets`: a number is no credential (reading a
    # check needs the implementer's own token) and the kernel's generator costs up to 80 µs a call on
    # these machines.
    return f"{prefix}{now:%Y%m%d}{random.getrandbits(bits):0{bits // 4}X}"


def _check_number(now: dt.datetime) -> str:
    # 80 random bits: unique among billions of checks a day without asking the database.
    return _random_number("HC", now, 80)


# A batch number (64 random bits: batches are thousands a day, not millions) and, for answer n of the
# batch, the batch number followed by n in four digits (MAX_BATCH answers at most).
_BATCH_ITEM = re.compile(r"(HB\d{8}[0-9A-F]{16})(\d{4})")


def _batch_number(now: dt.datetime) -> str:
    return _random_number("HB", now, 64)


def _known_matter(matter: str, snapshot: engine.Snapshot) -> None:
    # The snapshot holds the matters with the catalog (reloaded on every catalog change); one it does not
    # know yet is looked up, so a matter added a moment ago is accepted at once.
    if snapshot.knows_matter(matter):
        return
    from xinyong.measures.models import BusinessMatter

    if not BusinessMatter.objects.filter(code=matter).exists():
        raise InvalidInput(f"业务事项“{matter}”不存在，见 GET /matters", code="unknown_matter")


@dataclass(slots=True)
class _Target:
    code: str
    subject: SubjectView | None
    error: dict | None = None


def _subject_part(target: _Target) -> dict:
    return subject_part(target.subject) if target.subject else _unknown_part(target.code)


def _unknown_part(code: str) -> dict:
    return {"code": code, "name": None, "known": False}


def _check_row(answer: dict, result: str, in_force: int, *, target: _Target, checker: tuple[int, str], now):
    """A check as queued for the writer (`_CHECK_ROW` order, without the digest): serialising and signing
    the answer is left to the writer, off the path of the response. `checker`: (department id, who)."""
    return (
        answer["check_id"],
        *checker,
        target.subject.pk if target.subject else None,
        answer["subject"]["code"],
        answer["matter"],
        now,
        result,
        in_force,
        answer,
    )


# The columns of a stored check row, in order (attribute names of Check).
_CHECK_ROW = (
    "number",
    "implementer_id",
    "checked_by",
    "subject_id",
    "subject_code",
    "matter",
    "checked_at",
    "result",
    "measure_count",
    "answer",
    "digest",
)


def _signed(row: tuple) -> tuple:
    """A queued row as stored: the answer as canonical JSON text, then its keyed digest."""
    payload = _payload(row[-1])
    return (*row[:-1], payload, _digest(payload))


@transaction.atomic
def _store_checks(rows: list[tuple]) -> None:
    """Store queued check rows (`_check_row`). On PostgreSQL as one COPY text (bulk_create would send the
    JSON answers through psycopg's client-side quoting, ~50× slower: bench/checks.py)."""
    if connection.vendor != "postgresql":
        checks = []
        for row in rows:
            signed = dict(zip(_CHECK_ROW, _signed(row), strict=True))
            checks.append(Check(**{**signed, "answer": row[-1]}))  # the model holds the answer itself, not its text
        Check.objects.bulk_create(checks, batch_size=2000)
        return
    # COPY's errors raised as Django's, as a Django cursor's are: the writer tells refusals apart by them.
    copy_rows = copy_sql(connection, Check, _CHECK_ROW)
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.copy(copy_rows) as copy:
        copy.write("".join(copy_line(_signed(row)) + "\n" for row in rows))


def _set_aside_check(row: tuple, refused: Exception) -> None:
    fields = dict(zip(_CHECK_ROW, row, strict=False))  # the row as queued: every column but the digest
    _keep_unstored(row[0], orjson.dumps(fields, default=_CANONICAL.default), refused)


def _keep_unstored(number: str, content: bytes, refused: Exception) -> None:
    """A check or batch the database refused (`writer.py`): an error in the log, and what was answered kept
    as a line of `unstored-checks.jsonl` in the data directory, to be looked into and stored by hand."""
    path = settings.DATA_DIR / UNSTORED_FILE
    logger.error("核查记录 %s 未能保存（%s），已另存于 %s", number, refused, path)
    with open(path, "ab") as kept:
        kept.write(
            b'{"number":%s,"refused":%s,"content":%s}\n' % (orjson.dumps(number), orjson.dumps(str(refused)), content)
        )


UNSTORED_FILE = "unstored-checks.jsonl"
WRITER = make_writer(_store_checks, _set_aside_check)


def _taken_as_it_came(code: str, kind: int) -> bool:
    """May the subject whose key is exactly this code, of this `directory.record_kind`, answer for it, as
    `key_for_identifier` would find it? Organisation keys are only ever made from codes it returned
    unchanged, and it is deterministic but for one thing: a code shaped like an ID number becomes a valid
    ID number (and then names a person) once its birth date is past; the directory marks the few keys of
    that shape, and only those are tested against today (~1 µs, against ~25 µs for parsing a code both
    ways). A person's key is a keyed hash, never a code to take."""
    return kind == ORGANISATION or (kind == ID_SHAPED_ORGANISATION and not may_be_resident_id(code))


def _resolve(codes: list[str], snapshot: engine.Snapshot) -> list[_Target]:
    # Fast path (full identification costs ~50 µs a code, most of a batch): every code is first looked up
    # as it came (a miss costs well under a microsecond). Every other code (typed differently, ID numbers,
    # invalid, or not found) is identified.
    targets = []
    for code in codes:
        view = snapshot.directory.get(code)
        targets.append(_Target(code, view if view and _taken_as_it_came(code, record_kind(view)) else None))
    return _identify_others(targets, snapshot)


def _identify_others(targets: list[_Target], snapshot: engine.Snapshot) -> list[_Target]:
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


def check(*, actor: Actor, department: Department, subject_code: str, matter: str) -> dict:
    """The answer of one check; its row is stored by `WRITER` (at once, or just behind the answer)."""
    snapshot = engine.SNAPSHOT.current()
    _known_matter(matter, snapshot)
    [target] = _resolve([subject_code], snapshot)
    if target.error:
        raise InvalidInput(f"主体代码无效：{target.error['message']}", code="invalid_identifier")
    now = clock.now()
    answerer = _Answerer(snapshot, matter, now)
    result, refs, in_force = answerer.measures(target.subject)
    measures = [_measure_answer(ref, answerer.plan.measures) for ref in refs]
    answer = _answer(
        _check_number(now),
        _subject_part(target),
        matter,
        timezone.localtime(now).isoformat(),
        result,
        measures,
        answerer.requirements_of(target.subject),
    )
    WRITER.submit([_check_row(answer, result, in_force, target=target, checker=(department.pk, actor.name), now=now)])
    return answer


# ---- batches -----------------------------------------------------------------------------------
# A batch answers in JSON made once: `check_batch` returns the JSON array of its answers, which is also
# the stored document (models.CheckBatch) and, inside {"results": …}, the API's response. Each answer is
# assembled from parts made once per catalog (`_BatchParts`: each measure's static part, and what a list
# entry brings in the batch's matter, left open for its entry number) and the directory's ready-made
# subject part; per answer, only what varies is written. Building and then serialising a dict per answer
# took about twice as long, answering entry by entry from measure references about four times (docs/scaling.md).

_SUSPENDED = {False: b',"suspended":false}', True: b',"suspended":true}'}


def _literal(json: bytes) -> bytes:
    """JSON to be %-formatted as part of a template: its own % signs kept."""
    return json.replace(b"%", b"%%")


class _EntryPart(NamedTuple):
    """What one list entry in force brings to an answer in one matter: the JSON of its measures, as a
    template to fill with `fill` times the entry's number and its `via` (`plain`: with the entry's number
    only, for an entry not derived from another), how many are in force, and the result of an answer with
    this entry alone."""

    template: bytes
    plain: bytes
    fill: int
    punishments: int
    rewards: int
    result: bytes


class _BatchParts:
    """The parts of a batch's answers that depend on the catalog and the matter only."""

    def __init__(self, plan: _Plan):
        # Each measure's static part, left open for its source: {"code":…,…,"incentive_kind":…,"source":
        self.measures = [orjson.dumps(m)[:-1] + b',"source":' for m in plan.measures]
        kinds = [m["kind"] for m in plan.measures]
        self.entries: dict[tuple[str, bool, bool], _EntryPart] = {}
        for (list_type, person_level), indices in plan.of_list_type.items():
            source = b'{"list_type":' + _literal(orjson.dumps(list_type)) + b',"entry_id":"%d","via":'
            for suspended in (False, True):
                template, plain = (
                    b",".join(_literal(self.measures[i]) + source + via + _SUSPENDED[suspended] for i in indices)
                    for via in (b"%s}", b"null}")
                )
                live = [] if suspended else [kinds[i] for i in indices]
                punishments, rewards = live.count("punishment"), live.count("reward")
                self.entries[(list_type, person_level, suspended)] = _EntryPart(
                    template, plain, len(indices), punishments, rewards, _result(punishments, rewards).encode()
                )

    def of_kinds(self, list_types: list[str]) -> list[_EntryPart | None]:
        """The part of an organisation's entry by its `engine.EntryTable` kind (list type index × 4 +
        derived × 2 + under objection)."""
        return [
            self.entries.get((list_type, bool(flags & 2), bool(flags & 1)))
            for list_type in list_types
            for flags in range(4)
        ]


class _BatchJson:
    """The answers of one batch as JSON, and what the batch record counts of them."""

    def __init__(self, number: str, matter: str, stamp: str, parts: _BatchParts, today: dt.date):
        context = b',"matter":' + orjson.dumps(matter) + b',"checked_at":' + orjson.dumps(stamp)
        self.parts, self.today = parts, today
        # Every answer is one of these, made once and filled by %-formatting from position and subject part
        # on (a "%" in the matter code stays literal): `clear`, of a subject nothing applies to (most of a
        # batch); `_any`, then result, measures and requirements; and see `alone`.
        self._open = b'{"check_id":"' + _literal(number.encode()) + b'%04d","subject":%s' + _literal(context)
        self.clear = self._open + b',"result":"clear","measures":[]}'
        self._any = self._open + b',"result":"%s","measures":[%s]%s}'
        self.counts = {result.encode(): 0 for result in Check.Result}
        self.in_force = 0

    def alone(self, parts: list[_EntryPart | None]) -> list[bytes | None]:
        """Per part, the answer of an organisation whose only entry in force brings it (not derived): to
        fill with position, subject part and the entry's number `fill` times."""
        return [
            part and self._open + b',"result":"' + part.result + b'","measures":[' + part.plain + b"]}"
            for part in parts
        ]

    def tally(self, result: bytes, answers: int, in_force: int) -> None:
        """Count answers written from `clear` or `alone` templates."""
        self.counts[result] += answers
        self.in_force += in_force

    def of_entries(self, position: int, subject: bytes, entries: list[engine.EntryView], person: bool) -> bytes:
        """`answer` of a subject when nothing but its list entries can bring measures (`_Answerer.measures`
        in that case), each entry's measures written from its `_EntryPart`."""
        written, punishments, rewards = [], 0, 0
        for entry in entries:
            if not entry.in_force(self.today):
                continue
            derived = entry.via_organisation is not None
            part = self.parts.entries.get((entry.list_type, person or derived, entry.under_objection))
            if part is None:
                continue
            via = orjson.dumps(_via(entry.via_organisation, entry.via_role)) if derived else b"null"
            written.append(part.template % ((entry.entry_id, via) * part.fill))
            punishments += part.punishments
            rewards += part.rewards
        result = _result(punishments, rewards).encode()
        return self._written(position, subject, result, b",".join(written), punishments + rewards, b"")

    def answer(self, position: int, subject: bytes, result: str, refs, in_force: int, requirements) -> bytes:
        measures = b",".join([self._measure(ref) for ref in refs])
        extra = b',"requirements":' + _json(requirements) if requirements else b""
        return self._written(position, subject, result.encode(), measures, in_force, extra)

    def _written(self, position: int, subject: bytes, result: bytes, measures: bytes, in_force: int, extra: bytes):
        self.counts[result] += 1
        self.in_force += in_force
        return self._any % (position, subject, result, measures, extra)

    def _measure(self, ref: _Ref | dict) -> bytes:
        if isinstance(ref, dict):
            return _json(ref)
        index, list_type, entry_id, via_organisation, via_role, suspended = ref
        source = orjson.dumps(_source(list_type, entry_id, via_organisation, via_role))
        return self.parts.measures[index] + source + _SUSPENDED[bool(suspended)]


def _json(value) -> bytes:
    return orjson.dumps(value, default=_CANONICAL.default)


def check_batch(*, actor: Actor, department: Department, subject_codes: list[str], matter: str) -> bytes:
    """Up to 10,000 subjects in one call: the answers as a JSON array in input order, an invalid code
    answered in place. The batch is stored, as this very JSON with a keyed digest, by `BATCH_WRITER`."""
    if not subject_codes:
        raise InvalidInput("subjects 不能为空", code="empty_batch")
    if len(subject_codes) > MAX_BATCH:
        raise InvalidInput(f"一次最多核查{MAX_BATCH}个主体", code="batch_too_large")
    now, snapshot = clock.now(), engine.SNAPSHOT.current()
    _known_matter(matter, snapshot)
    answerer = _Answerer(snapshot, matter, now)
    number = _batch_number(now)
    parts = snapshot.memo(("batch parts", matter), lambda: _BatchParts(answerer.plan))
    batch = _BatchJson(number, matter, timezone.localtime(now).isoformat(), parts, answerer.today)
    with collector_paused():
        answers, subject_ids = _answer_batch(subject_codes, snapshot, answerer, batch)
        document = b"[" + b",".join(answers) + b"]"
    answered = sum(batch.counts.values())
    record = CheckBatch(
        number=number,
        implementer=department,
        checked_by=actor.name,
        matter=matter,
        checked_at=now,
        checks=answered,
        restricted=batch.counts[b"restricted"],
        incentive=batch.counts[b"incentive"],
        measure_count=batch.in_force,
        subject_ids=subject_ids,
    )
    BATCH_WRITER.submit([(record, document, actor, len(subject_codes) - answered)])
    return document


@transaction.atomic
def _store_batches(items: list[tuple[CheckBatch, bytes, Actor, int]]) -> None:
    """Each batch (record, its answers as returned, who checked, how many codes were invalid) compressed,
    signed, inserted and audited."""
    for record, document, actor, invalid in items:
        record.document = lz4.frame.compress(document)
        record.digest = _digest(record.document)
        _insert_batch(record)
        audit(
            actor=actor,
            action="check.batch",
            object_type="check_batch",
            object_id=record.number,
            after={"matter": record.matter, "count": record.checks, "invalid": invalid},
        )


def _set_aside_batch(item: tuple[CheckBatch, bytes, Actor, int], refused: Exception) -> None:
    record, document, actor, _ = item
    fields = {name: getattr(record, name) for name in ("implementer_id", "checked_by", "matter", "checked_at")}
    _keep_unstored(
        record.number, orjson.dumps(fields, default=_CANONICAL.default)[:-1] + b',"answers":' + document + b"}", refused
    )


BATCH_WRITER = make_writer(_store_batches, _set_aside_batch, max_pending=1, max_backlog=4)


def _insert_batch(batch: CheckBatch) -> None:
    """Insert a batch row. On PostgreSQL with psycopg's server-side binding: Django's cursor binds on the
    client, writing the ~0.3 MB compressed document into the SQL text as hex (3 ms of this process's time
    against 1 ms)."""
    if connection.vendor != "postgresql":
        batch.save()
        return
    columns = [f for f in CheckBatch._meta.concrete_fields if not f.primary_key]
    names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
    sql = f"INSERT INTO {CheckBatch._meta.db_table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
    values = [f.get_db_prep_save(getattr(batch, f.attname), connection) for f in columns]
    connection.ensure_connection()
    # Django's connections make client-binding cursors; this one sends the values apart from the SQL (its
    # errors raised as Django's, as a Django cursor's are: the batch writer tells refusals apart by them).
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, values)


def _answer_batch(codes: list[str], snapshot: engine.Snapshot, answerer: _Answerer, batch: _BatchJson):
    """(answer per code as JSON, subject id per code or 0)."""
    found, targets = _batch_subjects(codes, snapshot)
    answerer.prefetch_dishonesty(found.pks)
    if answerer.only_entries_apply():
        answers = _answer_by_entries(found, snapshot, batch)
    else:
        answers = [
            None if subject is None else _answer_found(position, pk, code, subject, answerer, batch)
            for position, (code, pk, subject) in enumerate(zip(codes, found.pks, found.parts, strict=True))
        ]
    for position, target in targets.items():
        answers[position] = _answer_target(position, target, answerer, batch)
    return answers, found.pks


def _answer_found(position: int, pk: int, code: str, subject: bytes, answerer: _Answerer, batch: _BatchJson):
    view = _view_of_found(pk, code, subject)
    return batch.answer(position, subject, *answerer.measures(view), answerer.requirements_of(view))


# How `_answer_by_entries` answers a code (else: the kind of its one entry, `engine.EntryTable.kinds`).
_CLEAR, _SEVERAL, _MOVED, _TARGET = -1, -2, -3, -4


def _answer_by_entries(found: Compact, snapshot: engine.Snapshot, batch: _BatchJson) -> list[bytes | None]:
    """The answers to the organisations found when only list entries can bring measures (most matters),
    their entries looked up for all codes at once in the snapshot's `EntryTable`; None for the other codes."""
    table = snapshot.entry_table()
    parts = batch.parts.of_kinds(table.list_types)
    routes, first, last = _entry_routes(found, table, parts, batch.today)
    _tally_templates(batch, routes, parts)
    clear, alone, fills = batch.clear, batch.alone(parts), [part.fill if part else 0 for part in parts]
    entry_ids = table.entry_ids[first].tolist() if len(table.entry_ids) else [0] * len(routes)
    answers: list[bytes | None] = []
    append, cleared = answers.append, _CLEAR  # the loop runs 10,000 times: locals
    for position, (route, subject, entry_id) in enumerate(zip(routes.tolist(), found.parts, entry_ids, strict=True)):
        if route == cleared:
            append(clear % (position, subject))
        elif route >= 0:
            fill = fills[route]
            append(
                alone[route] % ((position, subject, entry_id) if fill == 1 else (position, subject, *[entry_id] * fill))
            )
        elif route == _SEVERAL:
            append(batch.of_entries(position, subject, table.views[first[position] : last[position]], person=False))
        elif route == _MOVED:
            append(batch.of_entries(position, subject, snapshot.entries_of(found.pks[position]), person=False))
        else:
            append(None)
    return answers


def _tally_templates(batch: _BatchJson, routes: np.ndarray, parts: list[_EntryPart | None]) -> None:
    """Count the answers `_answer_by_entries` writes from templates, from their routes at once."""
    batch.tally(b"clear", int(np.count_nonzero(routes == _CLEAR)), 0)
    kinds, answers = np.unique(routes[routes >= 0], return_counts=True)
    for kind, count in zip(kinds.tolist(), answers.tolist(), strict=True):
        part = parts[kind]
        batch.tally(part.result, count, count * (part.punishments + part.rewards))


def _entry_routes(found: Compact, table: engine.EntryTable, parts: list, today: dt.date):
    """(route per code, and the first and last row of its subject's entries in the table: 0 and 0 when it
    has none)."""
    pks = np.array(found.pks, dtype=np.int64)
    first, last = np.zeros(len(pks), dtype=np.int64), np.zeros(len(pks), dtype=np.int64)
    routes = np.full(len(pks), _CLEAR)
    if len(table.subjects):
        at = np.minimum(np.searchsorted(table.subjects, pks), len(table.subjects) - 1)
        listed = table.subjects[at] == pks
        first[listed], last[listed] = table.offsets[at[listed]], table.offsets[at[listed] + 1]
        kinds, day = table.kinds[first], today.toordinal()  # of the first entry (row 0 for no entry: not used)
        in_force = (table.starts[first] <= day) & (day <= table.ends[first])
        brings = np.array([part is not None for part in parts], dtype=bool)[kinds]
        routes = np.where((last - first == 1) & in_force & brings, kinds, _CLEAR)
        routes[(last - first > 1) | ((last - first == 1) & (kinds & 2).astype(bool))] = _SEVERAL  # or derived
    if table.moved:
        routes[np.isin(pks, np.fromiter(table.moved, dtype=np.int64, count=len(table.moved)))] = _MOVED
    routes[np.array([part is None for part in found.parts], dtype=bool)] = _TARGET
    return routes, first, last


def _view_of_found(pk: int, code: str, subject: bytes) -> SubjectView:
    """The view `_Answerer` needs of an organisation the batch found (its name and shown code are read by
    other slices' measures and requirements)."""
    shown = orjson.loads(subject)
    return SubjectView(pk, code, shown["name"], shown["code"], False)


def _batch_subjects(codes: list[str], snapshot: engine.Snapshot) -> tuple[Compact, dict[int, _Target]]:
    """The organisations found by their codes as they came (see `_taken_as_it_came`; most codes), and by
    position every other code, identified as a `_Target` (its subject part in `Compact` then None and its
    subject id that of the subject it identified, or 0)."""
    found = snapshot.directory.compact_many(codes)
    others = np.flatnonzero(np.array(found.kinds) != ORGANISATION).tolist()  # persons, ID-shaped, not found
    targets = {
        position: _Target(codes[position], None)
        for position in others
        if not _taken_as_it_came(codes[position], found.kinds[position])
    }
    _identify_others(list(targets.values()), snapshot)
    for position, target in targets.items():
        found.pks[position] = target.subject.pk if target.subject else 0
        found.parts[position] = None
    return found, targets


def _answer_target(position: int, target: _Target, answerer: _Answerer, batch: _BatchJson) -> bytes:
    """The answer, as JSON, to a code that needed identifying."""
    if target.error:
        return _json({"subject": {"code": target.code}, "error": target.error})
    view = target.subject
    subject = subject_json(view) if view else orjson.dumps(_unknown_part(target.code))
    return batch.answer(position, subject, *answerer.measures(view), answerer.requirements_of(view))


def get_check(number: str, department: Department | None, *, any_department: bool = False) -> Check:
    """A check by its number; an answer of a batch comes as an unsaved `Check` until it gets feedback."""
    # A check answered by this process a moment ago may still wait in its queue.
    WRITER.flush()
    BATCH_WRITER.flush()
    found = Check.objects.select_related("implementer").filter(number=number).first() or _batch_check(number)
    if found is None:
        raise NotFound("核查记录不存在", code="check_not_found")
    if not any_department and (department is None or found.implementer_id != department.pk):
        raise Forbidden("只能查看本部门的核查记录", code="not_own_check")
    return found


def _batch_check(number: str) -> Check | None:
    match = _BATCH_ITEM.fullmatch(number)
    batch = match and CheckBatch.objects.select_related("implementer").filter(number=match[1]).first()
    if not batch:
        return None
    answers, position = orjson.loads(batch.answers_json()), int(match[2])
    if position >= len(answers) or "error" in answers[position]:
        return None  # past the end, or a code that was invalid and got no check number
    answer = answers[position]
    return Check(
        number=number,
        implementer=batch.implementer,
        checked_by=batch.checked_by,
        subject_id=batch.subject_ids[position] or None,
        subject_code=answer["subject"]["code"],
        matter=batch.matter,
        checked_at=batch.checked_at,
        result=answer["result"],
        measure_count=sum(1 for m in answer["measures"] if not m["suspended"]),
        answer=answer,
        digest=_digest(_payload(answer)),
        batch=batch,
    )


def _kept(found: Check) -> Check:
    """A batch answer saved as a check of its own (the first time it gets feedback)."""
    if found.pk is not None:
        return found
    fields = {name: getattr(found, name) for name in (*_CHECK_ROW[1:], "batch_id")}
    kept, _ = Check.objects.get_or_create(number=found.number, defaults=fields)
    return kept


def verify(found: Check) -> bool:
    """Is this what the platform answered? A batch answer: the batch document is intact and answer n of
    it is this answer."""
    if not _genuine(_payload(found.answer), found.digest):
        return False
    if found.batch_id is None:
        return True
    batch = found.batch
    if not _genuine(bytes(batch.document), batch.digest):
        return False
    return orjson.loads(batch.answers_json())[int(_BATCH_ITEM.fullmatch(found.number)[2])] == found.answer


# ---- feedback ----------------------------------------------------------------------------------


@transaction.atomic
def give_feedback(
    *, actor: Actor, department: Department, number: str, measure: str, applied: bool, note: str
) -> Feedback:
    found = get_check(number, department)
    answered = {m["code"]: m for m in found.answer["measures"]}
    if measure not in answered:
        raise InvalidInput(
            f"措施“{measure}”不在该次核查结果中；可反馈：{'、'.join(answered) or '无'}", code="measure_not_in_check"
        )
    if not applied and not note.strip():
        raise InvalidInput("未落实的措施须说明理由", code="reason_required")
    found = _kept(found)
    if Feedback.objects.filter(check_record=found, measure=measure).exists():
        raise Conflict("该措施已反馈", code="feedback_exists")
    entry_id = answered[measure]["source"]["entry_id"]
    feedback = Feedback.objects.create(
        check_record=found,
        measure=measure,
        applied=applied,
        note=note.strip(),
        department=department,
        entry_id=int(entry_id) if entry_id else None,
        given_by=actor.name,
        given_at=clock.now(),
    )
    if entry_id:
        close_entry_tasks(
            department=department, entry_id=int(entry_id), at=feedback.given_at, note=f"已反馈核查 {number}"
        )
    audit(
        actor=actor,
        action="check.feedback",
        object_type="check",
        object_id=number,
        after={"measure": measure, "applied": applied, "note": feedback.note},
    )
    return feedback


# ---- push (发起-响应) ----------------------------------------------------------------------------


def _implementing_codes(list_type_code: str) -> set[str]:
    from xinyong.measures.models import Measure

    return set(
        Measure.objects.filter(list_types__code=list_type_code, is_active=True)
        .exclude(implementing_department_code="")
        .values_list("implementing_department_code", flat=True)
    )


def _recent_checkers(subject_ids: list[int], today: dt.date) -> set[int]:
    since = today - dt.timedelta(days=parameters.integer("recent_check_days"))
    checks = Check.objects.filter(subject_id__in=subject_ids, checked_at__date__gte=since, batch__isnull=True)
    batches = CheckBatch.objects.filter(subject_ids__overlaps=subject_ids, checked_at__date__gte=since)
    return {*checks.values_list("implementer_id", flat=True), *batches.values_list("implementer_id", flat=True)}


def push_recipients(entry, derived, today: dt.date) -> set[int]:
    """`notices.services.ENTRY_RECIPIENTS`: who hears of a list change — the implementers of the list type's
    measures, and the departments that checked the subject (or its persons) recently."""
    subject_ids = [entry.subject_id, *(d.subject_id for d in derived)]
    departments = set(
        Department.objects.filter(code__in=_implementing_codes(entry.list_type.code)).values_list("pk", flat=True)
    )
    return departments | _recent_checkers(subject_ids, today)
