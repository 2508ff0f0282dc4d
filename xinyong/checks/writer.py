"""Check rows and batches written behind the answer (R12 hot path, docs/scaling.md).

Storing a check row alone costs a commit — a disk flush, 0.4–4 ms on these machines, ten to thirty times
the in-memory answer. So with `XINYONG_CHECK_WRITE_DELAY_MS` > 0 a check only queues its row; a thread
in each process writes the queue in one COPY and one commit at most that many milliseconds later (or at
once when `MAX_PENDING` rows wait). What that costs, said plainly: a process killed without warning loses
the rows of its last few milliseconds, and another process may not find a check number for those
milliseconds. A process that stops normally writes its queue first (`core.lifecycle`: commands at exit,
server workers when Granian stops them), and in this process `services.storage.get_check` writes the
queue first, so feedback right after a check always finds it. With 0 (tests, strict deployments) every
check is stored before it is answered.

A batch is one item of its own writer (`services.storage.BATCH_WRITER`): written at once by the thread,
while the next batch is answered (its ~15 ms of storing is PostgreSQL's work, on the other core), and at
most a few wait: past `max_backlog` a batch is stored before it is answered.

An item the database refuses for what it is (integrity or data error, e.g. a check number taken twice) would
otherwise fail every later write of the queue, and every `get_check` of the process with it: the items are
then written one by one and a refused one is set aside (`set_aside`: logged as an error and kept in a file of
the data directory, to be looked into), never silently dropped. Other failures (the database unreachable)
leave every item queued for the next try.
"""

import logging
import os
import threading

from django.conf import settings
from django.db import DataError, IntegrityError, close_old_connections

from xinyong.core import lifecycle

logger = logging.getLogger("xinyong.checks")

MAX_PENDING = 5_000
# Past this, a failing database makes checks store their own rows (and fail visibly) instead of queuing
# without bound.
MAX_BACKLOG = 200_000
# The thread ends after this many quiet rounds (a process that stopped checking holds no thread); the
# next check starts it again.
IDLE_ROUNDS = 100


_REFUSED = (DataError, IntegrityError)


class CheckWriter:
    def __init__(self, store, set_aside, max_pending: int = MAX_PENDING, max_backlog: int = MAX_BACKLOG):
        self._store = store  # callable(rows): writes check rows, all or none
        self._set_aside = set_aside  # callable(row, error): keeps a row the database refused
        self._max_pending, self._max_backlog = max_pending, max_backlog
        self._pending: list[tuple] = []
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()

    def submit(self, rows: list[tuple]) -> None:
        delay_ms = settings.XINYONG_CHECK_WRITE_DELAY_MS
        if delay_ms <= 0 or len(self._pending) >= self._max_backlog:
            self._store(rows)
            return
        with self._lock:
            self._pending.extend(rows)
            waiting = len(self._pending)
            self._ensure_thread(delay_ms)
        if waiting >= self._max_pending:
            self._wake.set()

    def pending(self) -> int:
        return len(self._pending)

    def flush(self) -> int:
        """Write what waits, in the calling thread; returns how many rows were stored. A row the database
        refuses is set aside; on any other failure the rows go back to the front of the queue (the next
        flush tries again) and the error is raised."""
        with self._flushing:
            with self._lock:
                rows, self._pending = self._pending, []
            if not rows:
                return 0
            try:
                self._store(rows)
            except _REFUSED:
                return self._store_one_by_one(rows)
            except Exception:
                self._put_back(rows)
                raise
            return len(rows)

    def _store_one_by_one(self, rows: list) -> int:
        stored = 0
        for position, row in enumerate(rows):
            try:
                self._store([row])
            except _REFUSED as refused:
                self._set_aside(row, refused)
                continue
            except Exception:
                self._put_back(rows[position:])
                raise
            stored += 1
        return stored

    def _put_back(self, rows: list) -> None:
        with self._lock:
            self._pending[:0] = rows

    def _ensure_thread(self, delay_ms: int) -> None:
        """Under `_lock`: the thread runs whenever rows wait."""
        if os.getpid() != self._pid:  # forked (a server worker): the parent's thread did not come along
            self._pid, self._thread = os.getpid(), None
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, args=(delay_ms / 1000,), name="check-writer", daemon=True)
            self._thread.start()

    def _run(self, delay: float) -> None:
        quiet = 0
        while True:
            self._wake.wait(delay)
            self._wake.clear()
            try:
                quiet = 0 if self.flush() else quiet + 1
            except Exception:
                logger.exception("核查记录写入失败，%d 条待重试", self.pending())
                close_old_connections()
            with self._lock:
                if quiet >= IDLE_ROUNDS and not self._pending:
                    self._thread = None
                    return


def make_writer(store, set_aside, **limits) -> CheckWriter:
    """A writer of the items `store` takes: written together once `max_pending` wait, or after the delay."""
    writer = CheckWriter(store, set_aside, **limits)
    lifecycle.at_exit(writer.flush)  # on failure the hook runner logs it; the rows are lost with the process
    return writer
