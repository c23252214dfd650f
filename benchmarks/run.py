"""Benchmark runner: ``python -m benchmarks.run --scale N [--smoke] [--load-seconds S] [--no-load]``.

1. creates and migrates the bench databases when missing (BENCH_DATABASE_URL, BENCH_CRT_DATABASE_URL);
2. generates the data at the scale (skipped when the databases already hold that scale);
3. measures every registered operation against its SQL twin (benchmarks/operations.py);
4. runs the load test against gunicorn on 127.0.0.1;
5. writes benchmarks/RESULTS.md (``--smoke`` writes nothing: it only proves the runner works).

Exit status 0 unless the runner itself breaks (an operation that is "not available yet" is fine;
a missed target is reported, not fatal).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run")
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--smoke", action="store_true", help="few repetitions, 3 s load phases, no RESULTS.md")
    parser.add_argument("--load-seconds", type=float, default=None, help="seconds per load phase (default 20, smoke 3)")
    parser.add_argument("--load-users", type=int, default=None, help="simulated users per phase (default 20, smoke 4)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default 2 × CPUs + 1, max 5)")
    parser.add_argument("--no-load", action="store_true")
    parser.add_argument("--regenerate", action="store_true", help="regenerate even when the scale is already there")
    parser.add_argument("--only", nargs="*", help="operation names to run")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "RESULTS.md"))
    args = parser.parse_args(argv)

    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    if args.smoke:  # never overwrite the data of a real run with the smoke scale
        os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_hvt_smoke")
        os.environ.setdefault("BENCH_CRT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_hvt_smoke_crt")
    sys.path.insert(0, str(ROOT))
    import django

    from benchmarks import db

    django.setup()
    from django.db import connections

    t0 = time.perf_counter()
    created = db.ensure_databases()
    print(f"bench databases: {', '.join(created) + ' created' if created else 'present'}", flush=True)
    t = time.perf_counter()
    db.migrate()
    print(f"migrate: {time.perf_counter() - t:.1f} s", flush=True)

    from benchmarks import generate

    generation: list[dict] = []
    scale_key = f"{args.scale:g} v{generate.VERSION}"  # new generator version: regenerate
    # The smoke run (CI) always starts from fresh data: a few seconds at its scale, and what an
    # earlier run's operations left behind (the contention places) never carries over.
    if args.regenerate or args.smoke or db.meta_get("scale") != scale_key:
        if db.meta_get("scale") is not None:
            print(f"bench data at scale {db.meta_get('scale')}: emptying", flush=True)
            generate.truncate_all()
        db.meta_set("scale", "generating")
        t = time.perf_counter()
        generation = generate.generate(args.scale, log=lambda s: print(s, flush=True))
        db.meta_set("scale", scale_key)
        db.meta_set("generation", json.dumps({"seconds": time.perf_counter() - t, "parts": generation}))
        print(f"generation: {time.perf_counter() - t:.1f} s", flush=True)
    else:
        print(f"bench data at scale {scale_key} already present (use --regenerate to rebuild)", flush=True)
        generation = json.loads(db.meta_get("generation") or '{"parts": []}')["parts"]

    from benchmarks import operations  # noqa: F401  (registers the operations)
    from benchmarks.registry import OPERATIONS, measure

    class Ctx:
        pass

    ctx = Ctx()
    ctx.scale, ctx.smoke, ctx.cache = args.scale, args.smoke, {}
    results = []
    for op in OPERATIONS:
        if args.only and op.name not in args.only:
            continue
        t = time.perf_counter()
        result = measure(op, ctx, repeat=2 if args.smoke else None)
        results.append(result)
        print(_line(result) + f"   [{time.perf_counter() - t:.1f} s]", flush=True)
        for alias in connections:
            connections[alias].close()

    load = None
    if not args.no_load and not (args.only and "load" not in args.only):
        load = _load(args, ctx)

    elapsed = time.perf_counter() - t0
    print(f"total: {elapsed:.1f} s", flush=True)
    if not args.smoke:
        from benchmarks.report import write

        write(Path(args.output), scale=args.scale, results=results, load=load, generation=generation, elapsed=elapsed)
        print(f"wrote {args.output}", flush=True)
    broken = [r.name for r in results if r.status == "error"]
    if load and load.get("status") == "error":
        broken.append("load")  # locust or gunicorn could not run: the load figures would silently rot
    if broken:
        print("operations that broke: " + ", ".join(broken), flush=True)
    return 1 if broken else 0


def _line(r) -> str:
    if r.status == "n/a":
        return f"- {r.name}: {r.detail}"
    parts = [f"{r.name}: {r.status}"]
    if r.orm_ms is not None:
        parts.append(f"median {r.orm_ms:.1f} ms")
    if r.sql_ms is not None:
        parts.append(f"SQL {r.sql_ms:.1f} ms (×{r.ratio:.2f})")
    if r.queries is not None:
        parts.append(f"{r.queries} queries")
    if r.rows_per_s:
        parts.append(f"{r.rows_per_s:,.0f} rows/s")
    if r.detail:
        parts.append(r.detail)
    return "- " + "; ".join(parts)


def _load(args, ctx):
    from accounts.models import User
    from benchmarks.generate import BENCH_PASSWORD
    from benchmarks.load import run_load

    users = args.load_users or (4 if args.smoke else 20)
    accounts = {}
    for key, role in (("officer", "hvt_municipal_full"), ("vlot", "hvt_vlot")):
        accounts[key] = list(User.objects.filter(role_assignments__role=role, is_active=True)
                             .order_by("pk").values_list("username", flat=True)[:users])
        if not accounts[key]:
            print(f"- load: not available: no active {role} in the bench data", flush=True)
            return {"status": "n/a", "detail": f"no {role} in the bench data"}
    seconds = args.load_seconds or (3 if args.smoke else 20)
    workers = args.workers or min(5, 2 * (os.cpu_count() or 1) + 1)
    print(f"load: locust, {users} users per phase, {seconds:.0f} s per phase, gunicorn with {workers} workers "
          f"on 127.0.0.1", flush=True)
    try:
        result = run_load(accounts=accounts, password=BENCH_PASSWORD, users=users, seconds=seconds, workers=workers,
                          log=lambda line: print(line, flush=True))
    except Exception as exc:
        print(f"- load: error: {exc}", flush=True)
        return {"status": "error", "detail": str(exc)[:500]}
    shares = ", ".join(f"{p['name']} {p['share']:.0%}" for p in result["phases"]
                       if p["name"] not in ("floor", "floor_again") and p["share"] is not None)
    print(f"- load: {result['status']}: floor {result['floor_rps']:.0f} req/s; share of the floor: {shares}"
          + (f"; {result['detail']}" if result["detail"] else ""), flush=True)
    return result


if __name__ == "__main__":
    sys.exit(main())
