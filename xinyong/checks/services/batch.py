"""Batch checks (R12; hot path: docs/design/check-path.md): up to 10,000 codes answered in one call.

A batch answers in JSON made once: `check_batch` returns the JSON array of its answers, which is also
the stored document (models.CheckBatch) and, inside {"results": …}, the API's response. Each answer is
assembled from parts made once per catalog (`_BatchParts`: each measure's static part, and what a list
entry brings in the batch's matter, left open for its entry number) and the directory's ready-made
subject part; per answer, only what varies is written. Building and then serialising a dict per answer
took about twice as long, answering entry by entry from measure references about four times
(docs/scaling.md). The answers equal single checks' (`answering.py`): a test holds them so.
"""

import datetime as dt
from typing import NamedTuple

import numpy as np
import orjson
from django.utils import timezone

from xinyong.accounts.models import Department
from xinyong.audit.services import Actor
from xinyong.core import clock
from xinyong.core.errors import InvalidInput
from xinyong.core.memory import collector_paused

from .. import engine
from ..directory import ORGANISATION, Compact, SubjectView, subject_json
from ..models import Check, CheckBatch
from ..signing import batch_number, to_json
from . import storage
from .answering import (
    Answerer,
    MeasureRef,
    Plan,
    Target,
    identify_others,
    known_matter,
    result_of,
    source,
    taken_as_it_came,
    unknown_part,
    via,
)

MAX_BATCH = 10_000
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

    def __init__(self, plan: Plan):
        # Each measure's static part, left open for its source: {"code":…,…,"incentive_kind":…,"source":
        self.measures = [orjson.dumps(m)[:-1] + b',"source":' for m in plan.measures]
        kinds = [m["kind"] for m in plan.measures]
        self.entries: dict[tuple[str, bool, bool], _EntryPart] = {}
        for (list_type, person_level), indices in plan.of_list_type.items():
            opened = b'{"list_type":' + _literal(orjson.dumps(list_type)) + b',"entry_id":"%d","via":'
            for suspended in (False, True):
                template, plain = (
                    b",".join(_literal(self.measures[i]) + opened + shown + _SUSPENDED[suspended] for i in indices)
                    for shown in (b"%s}", b"null}")
                )
                live = [] if suspended else [kinds[i] for i in indices]
                punishments, rewards = live.count("punishment"), live.count("reward")
                self.entries[(list_type, person_level, suspended)] = _EntryPart(
                    template, plain, len(indices), punishments, rewards, result_of(punishments, rewards).encode()
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
        """`answer` of a subject when nothing but its list entries can bring measures (`Answerer.measures`
        in that case), each entry's measures written from its `_EntryPart`."""
        written, punishments, rewards = [], 0, 0
        for entry in entries:
            if not entry.in_force(self.today):
                continue
            derived = entry.via_organisation is not None
            part = self.parts.entries.get((entry.list_type, person or derived, entry.under_objection))
            if part is None:
                continue
            shown = orjson.dumps(via(entry.via_organisation, entry.via_role)) if derived else b"null"
            written.append(part.template % ((entry.entry_id, shown) * part.fill))
            punishments += part.punishments
            rewards += part.rewards
        result = result_of(punishments, rewards).encode()
        return self._written(position, subject, result, b",".join(written), punishments + rewards, b"")

    def answer(self, position: int, subject: bytes, result: str, refs, in_force: int, requirements) -> bytes:
        measures = b",".join([self._measure(ref) for ref in refs])
        extra = b',"requirements":' + to_json(requirements) if requirements else b""
        return self._written(position, subject, result.encode(), measures, in_force, extra)

    def _written(self, position: int, subject: bytes, result: bytes, measures: bytes, in_force: int, extra: bytes):
        self.counts[result] += 1
        self.in_force += in_force
        return self._any % (position, subject, result, measures, extra)

    def _measure(self, ref: MeasureRef | dict) -> bytes:
        if isinstance(ref, dict):
            return to_json(ref)
        index, list_type, entry_id, via_organisation, via_role, suspended = ref
        shown = orjson.dumps(source(list_type, entry_id, via_organisation, via_role))
        return self.parts.measures[index] + shown + _SUSPENDED[suspended]


def check_batch(*, actor: Actor, department: Department, subject_codes: list[str], matter: str) -> bytes:
    """Up to 10,000 subjects in one call: the answers as a JSON array in input order, an invalid code
    answered in place. The batch is stored, as this very JSON with a keyed digest, by `storage.BATCH_WRITER`."""
    if not subject_codes:
        raise InvalidInput("subjects 不能为空", code="empty_batch")
    if len(subject_codes) > MAX_BATCH:
        raise InvalidInput(f"一次最多核查{MAX_BATCH}个主体", code="batch_too_large")
    now, snapshot = clock.now(), engine.SNAPSHOT.current()
    known_matter(matter, snapshot)
    answerer = Answerer(snapshot, matter, now)
    number = batch_number(now)
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
    storage.BATCH_WRITER.submit([storage.BatchItem(record, document, actor, len(subject_codes) - answered)])
    return document


def _answer_batch(codes: list[str], snapshot: engine.Snapshot, answerer: Answerer, batch: _BatchJson):
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


def _answer_found(position: int, pk: int, code: str, subject: bytes, answerer: Answerer, batch: _BatchJson):
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
            assert subject is not None  # an organisation found (`_TARGET` otherwise)
            append(batch.of_entries(position, subject, table.views[first[position] : last[position]], person=False))
        elif route == _MOVED:
            assert subject is not None
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
    """The view `Answerer` needs of an organisation the batch found (its name and shown code are read by
    other slices' measures and requirements)."""
    shown = orjson.loads(subject)
    return SubjectView(pk, code, shown["name"], shown["code"], False)


def _batch_subjects(codes: list[str], snapshot: engine.Snapshot) -> tuple[Compact, dict[int, Target]]:
    """The organisations found by their codes as they came (see `answer.taken_as_it_came`; most codes),
    and by position every other code, identified as a `Target` (its subject part in `Compact` then None
    and its subject id that of the subject it identified, or 0)."""
    assert snapshot.directory is not None  # loaded by `current()`
    found = snapshot.directory.compact_many(codes)
    others = np.flatnonzero(np.array(found.kinds) != ORGANISATION).tolist()  # persons, ID-shaped, not found
    targets = {
        position: Target(codes[position], None)
        for position in others
        if not taken_as_it_came(codes[position], found.kinds[position])
    }
    identify_others(list(targets.values()), snapshot)
    for position, target in targets.items():
        found.pks[position] = target.subject.pk if target.subject else 0
        found.parts[position] = None
    return found, targets


def _answer_target(position: int, target: Target, answerer: Answerer, batch: _BatchJson) -> bytes:
    """The answer, as JSON, to a code that needed identifying."""
    if target.error:
        return to_json({"subject": {"code": target.code}, "error": target.error})
    view = target.subject
    subject = subject_json(view) if view else orjson.dumps(unknown_part(target.code))
    return batch.answer(position, subject, *answerer.measures(view), answerer.requirements_of(view))
