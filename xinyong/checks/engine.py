"""The in-memory check snapshot (R12 hot path, architecture §9).

Each process holds the active list entries (by subject), the measure catalog (by list type, with the
business matters) and the subject directory (`directory.py`) in memory, so a check needs no database
round trip at all. Writers append to `SnapshotChange` in the same transaction as their change; a process
catches up from that log at most `XINYONG_SNAPSHOT_MAX_AGE_MS` after the change (immediately for changes
made in the process itself), reloading only the changed entries or subjects — or the catalog and entries
when the measure catalog changed.
"""

import datetime as dt
import gc
import logging
import threading
import time
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .directory import ROW_FIELDS, SubjectDirectory, SubjectView, view_of
from .models import SnapshotChange

COMMIT_WINDOW = dt.timedelta(seconds=60)
# Subjects whose entries changed since the entry table was made, past which it is made again.
ENTRY_TABLE_MOVED_MAX = 10_000
_NEVER = dt.date.max.toordinal()
logger = logging.getLogger("xinyong.checks")


@dataclass(frozen=True, slots=True)
class EntryView:
    entry_id: int
    list_type: str
    starts_on: dt.date
    ends_on: dt.date | None
    under_objection: bool
    via_organisation: str | None
    via_role: str | None

    def in_force(self, on: dt.date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or on <= self.ends_on)


@dataclass(frozen=True)
class MeasureView:
    code: str
    name: str
    kind: str
    force: str
    type: str
    target: str
    matters: frozenset[str]
    legal_basis: tuple[str, ...]
    incentive_kind: str
    implementing_department: str

    def applies_to(self, matter: str, *, person: bool, derived: bool) -> bool:
        if matter not in self.matters:
            return False
        if derived or person:
            return self.target in ("person", "both")
        return self.target in ("organisation", "both")


def _entry_views(rows) -> dict[int, list[EntryView]]:
    """Views by subject from `_active_entries` rows. The few distinct list type codes and dates are shared
    between views: with 100,000 entries, one object each instead of 100,000 copies."""
    by_subject: dict[int, list[EntryView]] = {}
    shared: dict = {}
    for row in rows:
        entry_id, subject_id, list_type, starts_on, ends_on, objection, origin_id, origin_objection, via, role = row
        by_subject.setdefault(subject_id, []).append(
            EntryView(
                entry_id=entry_id,
                list_type=shared.setdefault(list_type, list_type),
                starts_on=shared.setdefault(starts_on, starts_on),
                ends_on=shared.setdefault(ends_on, ends_on),
                under_objection=objection or bool(origin_objection),
                via_organisation=via if origin_id is not None else None,
                via_role=role or None,
            )
        )
    return by_subject


def _active_entries(ids=None):
    """Rows of the active entries (all, or those of `ids`), streamed: plain tuples of the columns a view
    needs, not model instances (those cost ~5 KB of memory each for the whole load)."""
    from xinyong.lists.models import ListEntry

    entries = ListEntry.objects.filter(status=ListEntry.Status.ACTIVE)
    if ids is not None:
        entries = entries.filter(pk__in=ids)
    columns = ("pk", "subject_id", "list_type__code", "starts_on", "ends_on", "under_objection", "derived_from_id")
    origin = ("derived_from__under_objection", "derived_from__subject__uscc", "via_role")
    return entries.values_list(*columns, *origin).iterator(chunk_size=5_000)


def _subject_rows():
    from xinyong.subjects.models import Subject

    return Subject.objects.values_list(*ROW_FIELDS).iterator(chunk_size=20_000)


def _subject_views(**lookup) -> list[SubjectView]:
    from xinyong.subjects.models import Subject

    return [view_of(row) for row in Subject.objects.filter(**lookup).values_list(*ROW_FIELDS)]


def _matter_codes() -> frozenset[str]:
    from xinyong.measures.models import BusinessMatter

    return frozenset(BusinessMatter.objects.values_list("code", flat=True))


def _measure_views() -> dict[str, list[MeasureView]]:
    from xinyong.measures.models import Measure

    by_list_type: dict[str, list[MeasureView]] = {}
    measures = Measure.objects.filter(is_active=True).prefetch_related(
        "list_types", "matters", "measurebasis_set__basis"
    )
    for measure in measures:
        view = MeasureView(
            code=measure.code,
            name=measure.name,
            kind=measure.kind,
            force=measure.force,
            type=measure.type,
            target=measure.target,
            matters=frozenset(m.code for m in measure.matters.all()),
            legal_basis=tuple(
                " ".join(part for part in (b.basis.document_number, b.basis.title, b.article) if part)
                for b in measure.measurebasis_set.all()
            ),
            incentive_kind=measure.incentive_kind,
            implementing_department=measure.implementing_department_code,
        )
        for list_type in measure.list_types.all():
            by_list_type.setdefault(list_type.code, []).append(view)
    for views in by_list_type.values():
        # Punishments before rewards, mandatory before recommended: the order an implementer reads.
        views.sort(key=lambda m: (m.kind != "punishment", m.force != "mandatory", m.code))
    return by_list_type


class EntryTable:
    """The active entries as arrays in subject order, as they were when it was made, so a batch finds the
    entries of all its subjects at once instead of one dictionary look-up (and its cache misses) a code.
    Row n: `entry_ids[n]`, `starts[n]`/`ends[n]` (date ordinals, no end = never) and `kinds[n]` = list
    type index × 4 + derived × 2 + under objection; `views[n]` is its `EntryView`. Subject
    `subjects[k]`'s rows are `offsets[k]` up to `offsets[k + 1]`. Subjects whose entries changed since
    are in `moved`: their entries are the snapshot's, not these."""

    def __init__(self, entries: dict[int, list[EntryView]]):
        ordered = sorted(entries.items())
        self.views = [view for _, views in ordered for view in views]
        self.list_types = sorted({view.list_type for view in self.views})
        index = {code: n for n, code in enumerate(self.list_types)}
        self.subjects = np.fromiter((subject for subject, _ in ordered), dtype=np.int64, count=len(ordered))
        self.offsets = np.cumsum([0] + [len(views) for _, views in ordered])
        rows = [
            (
                view.entry_id,
                view.starts_on.toordinal(),
                view.ends_on.toordinal() if view.ends_on else _NEVER,
                index[view.list_type] * 4 + (view.via_organisation is not None) * 2 + view.under_objection,
            )
            for view in self.views
        ]
        columns = np.array(rows, dtype=np.int64).reshape(-1, 4).T.copy()  # one contiguous row per column
        self.entry_ids, self.starts, self.ends, self.kinds = columns
        self.moved: set[int] = set()


class Snapshot:
    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Forget everything; the next check loads afresh (tests roll the database back under it)."""
        self.entries: dict[int, list[EntryView]] = {}
        self.measures: dict[str, list[MeasureView]] = {}
        # Business matter codes: part of the catalog (edited in the admin, which notes a catalog change).
        self.matters: frozenset[str] = frozenset()
        self._subject_of_entry: dict[int, int] = {}
        self._entry_table: EntryTable | None = None
        self._memo: dict = {}
        self.directory: SubjectDirectory | None = None
        self._renewing = False
        self._loaded = False
        self._watermark: dt.datetime | None = None
        self._seen: set[int] = set()
        self._checked_at = 0.0
        self._stale = True

    def mark_stale(self) -> None:
        self._stale = True

    def current(self) -> "Snapshot":
        max_age = settings.XINYONG_SNAPSHOT_MAX_AGE_MS / 1000
        if self._stale or time.monotonic() - self._checked_at > max_age:
            with self._lock:
                try:
                    self._catch_up()
                except Exception:
                    self._stale = True  # the next check tries again rather than trusting a half-load
                    raise
        return self

    def _catch_up(self) -> None:
        self._stale = False
        self._checked_at = time.monotonic()
        if not self._loaded:
            self._reload()
            return
        # Re-read a window behind the watermark: a transaction that started earlier may commit its
        # change row after a later one was already seen (ids and times are not commit order).
        changes = list(
            SnapshotChange.objects.filter(changed_at__gte=self._watermark - COMMIT_WINDOW).values_list(
                "pk", "entry_id", "subject_id", "changed_at", named=True
            )
        )
        fresh = [c for c in changes if c.pk not in self._seen]
        self._seen = {c.pk for c in changes}
        self._renew_directory_if_grown()
        if not fresh:
            return
        self._watermark = max(self._watermark, max(c.changed_at for c in fresh))
        subject_ids = {c.subject_id for c in fresh if c.subject_id is not None}
        if subject_ids:
            self.directory.remember(_subject_views(pk__in=subject_ids))
        if any(c.entry_id is None and c.subject_id is None for c in fresh):  # a catalog change
            self._reload()
            return
        self._apply_entries({c.entry_id for c in fresh if c.entry_id is not None})

    def _renew_directory_if_grown(self) -> None:
        """Subjects found after the directory loaded are kept in its overlay, which would grow for as long
        as the process lives: past XINYONG_DIRECTORY_OVERLAY_MAX a thread loads the directory afresh while
        checks go on with the current one."""
        if self._renewing or self.directory.remembered() <= settings.XINYONG_DIRECTORY_OVERLAY_MAX:
            return
        self._renewing = True
        in_background(self._renew_in_thread)

    def _renew_in_thread(self) -> None:
        try:
            self.renew_directory()
        except Exception:
            logger.exception("主体目录重新加载失败，继续使用当前目录")
        finally:
            self._renewing = False
            connection.close()  # this thread's own connection

    def renew_directory(self) -> None:
        """Load the directory afresh and put it in place of the current one (the subjects found since the
        last load are then in its arrays, the overlay is empty again)."""
        started = timezone.now()
        fresh = SubjectDirectory(_subject_rows())
        with self._lock:
            # A rename committed while the rows were read may be missing from them: the change log has it
            # (read under the lock, so no catch-up applies a change to the old directory in between).
            renamed = SnapshotChange.objects.filter(
                changed_at__gte=started - COMMIT_WINDOW, subject_id__isnull=False
            ).values_list("subject_id", flat=True)
            fresh.remember(_subject_views(pk__in=set(renamed)))
            self.directory = fresh

    def _reload(self) -> None:
        # The snapshot lives as long as the process: kept out of the cyclic garbage collector's full
        # passes, which otherwise walk its ~200,000 objects every few batches (~100 ms each time, most of
        # a 10,000-code batch). Thawed while a reload replaces it, so the old one can be collected.
        gc.unfreeze()
        self._load()
        gc.freeze()

    def _load(self) -> None:
        self._watermark = timezone.now()
        self._seen = set(
            SnapshotChange.objects.filter(changed_at__gte=self._watermark - COMMIT_WINDOW).values_list("pk", flat=True)
        )
        if self.directory is None:
            # Not reloaded with the catalog: subjects change through the log one by one, never all at once.
            self.directory = SubjectDirectory(_subject_rows())
        self.measures = _measure_views()
        self.matters = _matter_codes()
        self._memo = {}
        self.entries = _entry_views(_active_entries())
        self._subject_of_entry = {v.entry_id: s for s, views in self.entries.items() for v in views}
        # Made with the load, not by the first batch after it: ~0.4 s at 100,000 entries (cache misses).
        self._entry_table = EntryTable(self.entries)
        self._loaded = True

    def _apply_entries(self, entry_ids: set[int]) -> None:
        # Drop the changed entries, then add back those still active.
        moved = set()
        for entry_id in entry_ids:
            subject_id = self._subject_of_entry.pop(entry_id, None)
            if subject_id is None:
                continue
            moved.add(subject_id)
            kept = [v for v in self.entries[subject_id] if v.entry_id != entry_id]
            if kept:
                self.entries[subject_id] = kept
            else:
                del self.entries[subject_id]
        for subject_id, views in _entry_views(_active_entries(entry_ids)).items():
            moved.add(subject_id)
            self.entries.setdefault(subject_id, []).extend(views)
            self._subject_of_entry.update((v.entry_id, subject_id) for v in views)
        if self._entry_table is not None:
            self._entry_table.moved |= moved

    def entry_table(self) -> EntryTable:
        """The entries as arrays (`EntryTable`), made with each load and again once many subjects'
        entries changed."""
        table = self._entry_table
        if table is None or len(table.moved) > ENTRY_TABLE_MOVED_MAX:
            table = self._entry_table = EntryTable(self.entries)
        return table

    def entries_of(self, subject_id: int) -> list[EntryView]:
        return self.entries.get(subject_id, [])

    def measures_of(self, list_type: str) -> list[MeasureView]:
        return self.measures.get(list_type, [])

    def memo(self, key, make):
        """What `make()` works out from the catalog, made once per catalog load."""
        memo = self._memo  # taken first: a reload replaces the catalog, then this dict
        found = memo.get(key)
        if found is None:
            found = memo[key] = make()
        return found

    def knows_matter(self, code: str) -> bool:
        return code in self.matters

    def subjects_by_key(self, keys: set[str]) -> dict[str, SubjectView]:
        """The subjects with these keys: from the directory, else (created since it was loaded, perhaps
        in another process) from the database, remembered from then on."""
        found = {key: view for key in keys if (view := self.directory.get(key)) is not None}
        missing = keys - found.keys()
        if missing:
            fresh = {view.key: view for view in _subject_views(key__among=missing)}
            self.directory.remember(fresh.values())
            found.update(fresh)
        return found


def in_background(work) -> None:
    threading.Thread(target=work, name="directory-renewal", daemon=True).start()


SNAPSHOT = Snapshot()


def _note(changes: list[SnapshotChange]) -> None:
    # Wall time, not the rules clock: this orders operational events between processes.
    now = timezone.now()
    for change in changes:
        change.changed_at = now
    SnapshotChange.objects.bulk_create(changes)
    # Stale now for this connection (it already sees its own change), and again once committed.
    SNAPSHOT.mark_stale()
    transaction.on_commit(SNAPSHOT.mark_stale)


def note_entry_changes(entry_ids: list[int]) -> None:
    """Called by every writer of list entries, inside its transaction."""
    _note([SnapshotChange(entry_id=i) for i in entry_ids])


def note_subject_changes(subject_ids: list[int]) -> None:
    """Called when what a check shows of a subject (its name) changes, inside the same transaction."""
    _note([SnapshotChange(subject_id=i) for i in subject_ids])


def note_catalog_change() -> None:
    """Called when measures or list types change: every process reloads the catalog."""
    _note([SnapshotChange()])
