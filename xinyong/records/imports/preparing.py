"""Preparing a batch of rows: validated, subject identified, hashed, personal data encrypted (the
CPU-heavy part of an import, in helper processes for large files, see `pool`), the good rows as COPY
text on PostgreSQL. Pure computation: nothing is written here."""

import datetime as dt
from dataclasses import dataclass, field

from xinyong.accounts.models import Department
from xinyong.audit.services import Actor
from xinyong.catalog.models import Category
from xinyong.catalog.schema import CompiledSchema
from xinyong.core.memory import collector_paused

from ..models import ImportJob
from ..preparation import prepare
from .copytext import CopyBatch, CopyTables, copy_batch
from .header import Columns


@dataclass
class Context:
    """What preparing a row needs; sent once to each helper process."""

    category: Category
    schema: CompiledSchema
    columns: Columns
    provider: Department
    job: ImportJob
    actor: Actor
    today: dt.date
    tables: CopyTables | None  # PostgreSQL: rows come back as COPY text for these tables


@dataclass
class Batch:
    last_line: int = 0
    rows: int = 0
    good: list = field(default_factory=list)  # ORM: (line, prepared, None)
    copy: CopyBatch | None = None  # COPY: the good rows as COPY text
    errors: list = field(default_factory=list)  # (line, column, reason)
    bad_rows: int = 0
    warnings: int = 0

    @property
    def good_rows(self) -> int:
        return len(self.copy.hashes) if self.copy is not None else len(self.good)


def prepare_rows(ctx: Context, rows: list[tuple[int, list[str]]]) -> Batch:
    """Validate and prepare one batch of rows; pure computation, runs in a helper process or here.
    The cyclic garbage collector waits until the batch is done: a batch makes a few hundred thousand
    objects that live until its COPY text is written (the collector would walk them again and again,
    finding nothing, since rows hold no reference cycles); reference counting frees them as always."""
    with collector_paused():
        return _prepare_batch(ctx, rows)


def _prepare_batch(ctx: Context, rows: list[tuple[int, list[str]]]) -> Batch:
    last_line, _ = rows[-1]
    batch = Batch(last_line=last_line, rows=len(rows))
    columns = ctx.columns
    titles, width = columns.titles, columns.width
    category, schema, code = ctx.category, ctx.schema, ctx.provider.code
    for line, cells in rows:
        values = columns.values_of(cells)
        result = prepare(category, schema, values, provider_code=code, today=ctx.today, allow_unverified=True)
        if isinstance(result, list):
            batch.bad_rows += 1
            batch.errors.extend((line, titles.get(e.column, e.column), e.reason) for e in result)
            continue
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            batch.bad_rows += 1
            batch.errors.append((line, "", f"该行有{len(cells)}列，多于表头的{width}列（可能含未转义的逗号）"))
            continue
        if result.warnings:
            batch.warnings += 1
        batch.good.append((line, result, None))
    if ctx.tables is not None and batch.good:
        batch.copy = copy_batch(ctx.tables, category, [(line, prepared) for line, prepared, _ in batch.good])
        batch.good = []
    return batch
