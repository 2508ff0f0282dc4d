"""Prepared rows as PostgreSQL COPY text, written whole where the rows are prepared.

A record's columns come from `services.CONTENT_COLUMNS` and `services.provenance_columns` (as in
`services._new_record`), a subject's from `subjects.services.identity_columns` (as in
`_subject_from_ref`), so the COPY writer fills the same columns the same way as the ORM one (tests
compare them column by column). Subject ids are reserved from the sequence and times written here,
so the storing process hands a batch's text to PostgreSQL as it is (see `storing`).
"""

from dataclasses import dataclass
from functools import cached_property

from django.db import connection

from xinyong.accounts.models import Department
from xinyong.audit.services import Actor
from xinyong.catalog.models import Category
from xinyong.core import bulk, clock
from xinyong.core.pgcopy import NULL, copy_line, copy_statement, copy_value, encode_json

from .. import services
from ..models import Channel, ImportJob, Record
from ..preparation import Prepared


@dataclass(frozen=True)
class CopyTable:
    """New rows of one model for COPY. The `leading` columns (ids, times) are written by the storing
    process; the `varying` ones are formatted where the row is prepared; all the others are the same
    on every row (the template instance's values: model defaults, the job's provenance)."""

    table: str
    columns: tuple[str, ...]
    leading: tuple[str, ...]
    varying: tuple[str, ...]
    json: frozenset[str]
    defaults: dict
    constant: str

    @classmethod
    def of(cls, template, *, leading: tuple[str, ...], varying: tuple[str, ...] | None = None) -> "CopyTable":
        # A primary key not written here is assigned by the database (identity column).
        fields = [f for f in template._meta.concrete_fields if not f.primary_key or f.attname in leading]
        others = [f.attname for f in fields if f.attname not in leading]
        varying = tuple(others) if varying is None else varying
        fixed = [name for name in others if name not in varying]
        json_columns = frozenset(f.attname for f in fields if f.get_internal_type() == "JSONField")
        defaults = {f.attname: getattr(template, f.attname) for f in fields}
        return cls(
            table=template._meta.db_table,
            columns=(*leading, *varying, *fixed),
            leading=leading,
            varying=varying,
            json=json_columns,
            defaults=defaults,
            constant="".join("\t" + copy_value(defaults[name], name in json_columns) for name in fixed),
        )

    def text(self, values: dict) -> str:
        """The row's columns after the leading ones, from `values` over the template's."""
        defaults = self.defaults
        return self.text_of([values.get(name, defaults[name]) for name in self.varying])

    def text_of(self, cells: list) -> str:
        """The same from the values of the `varying` columns, in their order."""
        for i in self.json_at:
            if cells[i] is not None:
                cells[i] = encode_json(cells[i])
        return copy_line(cells) + self.constant

    @cached_property
    def json_at(self) -> tuple[int, ...]:
        return tuple(i for i, name in enumerate(self.varying) if name in self.json)

    def sql(self) -> str:
        return copy_statement(connection, self.table, self.columns)


@dataclass(frozen=True)
class CopyTables:
    record: CopyTable
    subject: CopyTable
    name: CopyTable


def copy_tables(*, category: Category, provider: Department, actor: Actor, job: ImportJob) -> CopyTables:
    from xinyong.subjects.models import Subject, SubjectName

    provenance = services.provenance_columns(
        category=category, provider=provider, actor=actor, channel=Channel.FILE, job=job
    )
    return CopyTables(
        record=CopyTable.of(
            Record(**provenance),
            leading=("subject_id", "received_at", "published_at"),
            varying=(*services.CONTENT_COLUMNS, "source_line"),
        ),
        subject=CopyTable.of(Subject(), leading=("id", "created_at", "updated_at")),
        name=CopyTable.of(SubjectName(), leading=("subject_id", "valid_from"), varying=("name", "search_name")),
    )


@dataclass
class CopyBatch:
    """A batch's good rows as COPY text, complete with ids and times, so that storing a batch of new
    records about new subjects (the bulk of every file) is three writes of ready text, with no work per
    row in the storing process. One record line per good row, in file order; one subject line and one
    name line per distinct subject of the batch, with an id reserved from the subjects' sequence (an id
    not used, because the subject turns out to exist, is a gap in the sequence, nothing more).
    The lists give each record line's content hash, decision number and subject key, and each subject
    line's key and whether its code was verified: enough to drop lines when some already exist."""

    hashes: list[str]
    numbers: list[str]
    keys: list[str]
    records: bytes  # UTF-8, as PostgreSQL receives it (encoded where the batch is prepared)
    subject_keys: list[str]
    subject_verified: list[bool]
    subjects: bytes
    names: bytes

    @property
    def distinct(self) -> bool:
        """No content hash, and no decision number, twice in the batch."""
        numbers = [n.strip() for n in self.numbers if n]
        return len(set(self.hashes)) == len(self.hashes) and len(set(numbers)) == len(numbers)


def copy_batch(tables: CopyTables, category: Category, good: list[tuple[int, Prepared]]) -> CopyBatch:
    """The good rows of a batch as COPY text (see `CopyBatch`)."""
    from xinyong.subjects.models import Subject
    from xinyong.subjects.services import identity_columns

    now = clock.now()
    stamp, today = copy_value(now), copy_value(now.date())
    first: dict[str, Prepared] = {}
    for _, prepared in good:
        first.setdefault(prepared.subject.key, prepared)
    ids = dict(zip(first, bulk.reserve_ids(Subject, len(first)), strict=True))
    subjects, names = [], []
    for key, prepared in first.items():
        identity = identity_columns(prepared.subject)
        subjects.append(f"{ids[key]}\t{stamp}\t{stamp}\t{tables.subject.text(identity)}\n")
        names.append(f"{ids[key]}\t{today}\t{tables.name.text(identity)}\n")
    record, content = tables.record, services.content_getter()
    records = [
        f"{ids[p.subject.key]}\t{stamp}\t{stamp if services.published_on_receipt(p, category, publish=True) else NULL}"
        f"\t{record.text_of([*content(p), line])}\n"
        for line, p in good
    ]
    return CopyBatch(
        hashes=[p.content_hash for _, p in good],
        numbers=[p.decision_number for _, p in good],
        keys=[p.subject.key for _, p in good],
        records="".join(records).encode(),
        subject_keys=list(first),
        subject_verified=[p.subject.verified for p in first.values()],
        subjects="".join(subjects).encode(),
        names="".join(names).encode(),
    )


def lines(text: bytes) -> list[bytes]:
    """COPY text as its lines (with their line breaks)."""
    return [line + b"\n" for line in text.split(b"\n")[:-1]]
