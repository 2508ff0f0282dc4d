"""Helper processes that prepare the rows of large files while the importing process stores, in file
order, with a bounded number of batches in flight (so memory stays flat, whatever the file size).

Helpers are forked: they share the parent's Django, the job's context is installed once per process
by the pool's initializer, and each opens its own database connection if it needs one.
"""

import gc
import logging
import multiprocessing
import signal
import threading
from collections import deque
from collections.abc import Iterator

from asgiref.local import Local
from django.conf import settings
from django.db import connection, connections

from .preparing import Batch, Context, prepare_rows

logger = logging.getLogger("xinyong.imports")

# Helper processes: the context is installed once per process by the pool's initializer.
_helper_context: Context | None = None


_inherited_connections: list = []


def _helper_init(ctx: Context) -> None:
    global _helper_context
    _helper_context = ctx
    # The forked helper must never use, nor close, the parent's database connections (closing would
    # end the parent's session on the shared socket): keep them referenced, unused, and let the helper
    # open its own if it needs one (e.g. to read the working-day calendar).
    _inherited_connections.extend(connections.all(initialized_only=True))
    connections._connections = Local(connections.thread_critical)
    # The parent decides when to stop (Ctrl-C in the CLI, the task worker's shutdown); a helper
    # only ends when its pool is terminated, whatever handlers the parent had installed.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # Everything inherited (Django, the context) lives as long as the helper: keep it out of the
    # collector, which would otherwise walk it again and again as rows are prepared (a third of the
    # helper's time) and copy every page it touches. (The parent froze what it had before forking.)
    gc.freeze()


def _helper_prepare(rows: list[tuple[int, list[str]]]) -> Batch:
    assert _helper_context is not None
    return prepare_rows(_helper_context, rows)


def prepare_workers() -> int:
    """Helper processes preparing rows for large files (0: prepare in the importing process)."""
    return settings.XINYONG_IMPORT_WORKERS


def can_fork() -> bool:
    """Helpers are forked and open their own database connections: not from a process running other
    threads (a threaded web server, should imports ever run there: a fork copies their held locks),
    nor on an in-memory SQLite database (tests), which another process cannot see."""
    if threading.active_count() > 1:
        return False
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())


class Preparer:
    """Prepares batches in file order, in this process or in a pool of helper processes with a
    bounded number of batches in flight (so memory stays flat, whatever the file size)."""

    def __init__(self, ctx: Context, workers: int):
        self.ctx = ctx
        self.pool = None
        if workers > 0:
            logger.info("import job %s: %d helper processes prepare the rows", ctx.job.pk, workers)
            self.pool = multiprocessing.get_context("fork").Pool(workers, _helper_init, (ctx,))
            self.in_flight = workers * 2

    def __enter__(self) -> "Preparer":
        return self

    def __exit__(self, *exc_info) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None

    def __call__(self, batches: Iterator[list]) -> Iterator[tuple[list, Batch]]:
        """(raw rows, prepared batch) in file order."""
        if self.pool is None:
            for rows in batches:
                yield rows, prepare_rows(self.ctx, rows)
            return
        pending: deque = deque()
        for rows in batches:
            pending.append((rows, self.pool.apply_async(_helper_prepare, (rows,))))
            if len(pending) >= self.in_flight:
                rows_, result = pending.popleft()
                yield rows_, result.get()
        while pending:
            rows_, result = pending.popleft()
            yield rows_, result.get()
