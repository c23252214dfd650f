"""The operation registry: one small function per operation, measured side by side with its SQL twin.

An operation is a function ``(ctx) -> Bench`` decorated with ``@operation(...)``. It raises
``NotAvailable("reason")`` (or fails to import the model/service it needs) when the feature it
measures does not exist yet; the runner then reports "not available yet: <reason>".
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, transaction


class NotAvailable(Exception):
    """The model or service this operation needs does not exist (yet)."""


@dataclass
class Bench:
    """What to measure. ``orm()`` is the application's way; ``sql()`` the hand-written SQL giving the
    same answer (the floor). Both return comparable values (``same`` compares them)."""

    orm: Callable[[], Any]
    sql: Callable[[], Any] | None = None
    same: Callable[[Any, Any], bool] | None = None
    rollback: bool = False  # run each repetition in a transaction that is rolled back (writes)
    databases: tuple[str, ...] = ("default",)
    repeat: int = 7
    rows: int | None = None  # rows handled per call, for a rows/s figure
    note: str = ""
    setup: Callable[[], Any] | None = None  # before each repetition, inside the transaction, not timed
    warmup: bool = True  # one untimed call first (off for operations too long to run twice)


@dataclass
class Result:
    name: str
    title: str
    target: str
    status: str = "ok"  # ok | missed | n/a | error
    orm_ms: float | None = None
    sql_ms: float | None = None
    queries: int | None = None
    sql_queries: int | None = None
    same_answer: bool | None = None
    rows_per_s: float | None = None
    detail: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.orm_ms is None or not self.sql_ms:
            return None
        return self.orm_ms / self.sql_ms


@dataclass
class Operation:
    name: str
    title: str
    target: str
    check: Callable[[Result], str | None] | None  # None when met, else why missed
    fn: Callable[[Any], Bench]
    smoke: bool = True


OPERATIONS: list[Operation] = []


def operation(name: str, *, title: str, target: str = "", check=None, smoke: bool = True):
    def register(fn):
        OPERATIONS.append(Operation(name, title, target, check, fn, smoke))
        return fn

    return register


class _Counter:
    """Counts the statements sent to a database (no log-size limit). SAVEPOINT statements are left
    out: they come from the benchmark's own rollback wrapper, not from the operation."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        if not str(sql).lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            self.n += 1
        return execute(sql, params, many, context)


def _time(fn, bench: Bench) -> tuple[float, int, Any]:
    """(milliseconds, statements on the bench's databases, return value) of one call."""
    counters = {alias: _Counter() for alias in bench.databases}
    wrappers = [connections[alias].execute_wrapper(counters[alias]) for alias in bench.databases]
    atomics = [transaction.atomic(using=alias) for alias in bench.databases] if bench.rollback else []
    for a in atomics:
        a.__enter__()
    try:
        if bench.setup is not None:
            bench.setup()
        for w in wrappers:
            w.__enter__()
        started = time.perf_counter()
        try:
            value = fn()
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            for w in reversed(wrappers):
                w.__exit__(None, None, None)
    finally:
        for alias in bench.databases if bench.rollback else ():
            transaction.set_rollback(True, using=alias)
        for a in reversed(atomics):
            a.__exit__(None, None, None)
    return elapsed, sum(c.n for c in counters.values()), value


def _vacuum(aliases) -> None:
    """Reclaim what rolled-back repetitions left (dead rows, index entries), so that a writing
    operation does not bloat the tables the operations after it read: the place import rolls back
    100,000 rows per repetition at scale 10. VACUUM skips the pages the visibility map says are
    clean, so the untouched tables cost little."""
    for alias in aliases:
        if connections[alias].in_atomic_block:  # inside a test's transaction: VACUUM cannot run there
            continue
        with connections[alias].cursor() as cur:
            cur.execute("VACUUM (ANALYZE)")


def measure(op: Operation, ctx, *, repeat: int | None = None) -> Result:
    result = Result(op.name, op.title, op.target)
    try:
        bench = op.fn(ctx)
    except NotAvailable as exc:
        result.status, result.detail = "n/a", f"not available yet: {exc}"
        return result
    except (ImportError, LookupError, AttributeError) as exc:
        result.status, result.detail = "n/a", f"not available yet: {exc.__class__.__name__}: {exc}"
        return result
    n = repeat or bench.repeat
    try:
        if bench.warmup:
            _time(bench.orm, bench)  # warm-up (caches, plans)
        runs = [_time(bench.orm, bench) for _ in range(n)]
        result.orm_ms = statistics.median(r[0] for r in runs)
        result.queries = runs[-1][1]
        orm_value = runs[-1][2]
        if bench.sql is not None:
            _time(bench.sql, bench)
            sql_runs = [_time(bench.sql, bench) for _ in range(n)]
            result.sql_ms = statistics.median(r[0] for r in sql_runs)
            result.sql_queries = sql_runs[-1][1]
            if bench.same is not None:
                result.same_answer = bool(bench.same(orm_value, sql_runs[-1][2]))
        result.extra.update(getattr(bench, "state", {}))
        if bench.rows:
            result.rows_per_s = bench.rows / (result.orm_ms / 1000)
        result.detail = bench.note
    except Exception as exc:  # a broken operation is reported, it does not stop the run
        result.status, result.detail = "error", f"{exc.__class__.__name__}: {exc}"[:500]
        return result
    finally:
        if bench.rollback:
            _vacuum(bench.databases)
    if result.same_answer is False:
        result.status = "error"
        result.detail = ("ORM and SQL answers differ. " + result.detail).strip()
        return result
    if op.check is not None:
        why = op.check(result)
        if why:
            result.status = "missed"
            result.detail = (why + ". " + result.detail).strip()
    return result
