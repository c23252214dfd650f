"""benchmarks/RESULTS.md: date, machine, commit, and one table of the measured operations."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except Exception:
        return "?"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "?"


def machine() -> dict:
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
    return {
        "nproc": os.cpu_count(), "memory": _memory(), "postgresql": pg, "python": platform.python_version(),
        "cpu": next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name")), platform.processor() or "?"),
    }


def _ms(v):
    return "–" if v is None else (f"{v:,.0f}" if v >= 100 else f"{v:.1f}")


def _share(v):
    return "–" if v is None else f"{v:.0%}"


def load_lines(load) -> list[str]:
    if not load:
        return ["not run"]
    if load.get("status") in ("n/a", "error"):
        return [f"{load['status']}: {load.get('detail')}"]
    logins = ", ".join(f"{n} {role}" for role, n in load["logins"].items())
    drift = "" if load.get("floor_drift") is None else f"; the two floor phases differ by {load['floor_drift']:.0%}"
    lines = [
        f"- `locust --headless`, {load['users']} users per phase, no think time, {load['seconds']:g} s per phase, "
        f"one phase after the other on the same gunicorn ({load['workers']} sync workers); sessions opened through "
        f"the login form before the phases ({logins} accounts)",
        f"- share = the page's requests/s ÷ the floor's (mean of the first and last floor phase: "
        f"{load['floor_rps']:.0f} req/s{drift}); goal ≥ 50 %",
        "",
        "| phase | who | req/s | share of the floor | p50 | p95 | p99 | requests | failures |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for ph in load["phases"]:
        lines.append(
            f"| {ph['title']} (`{ph['path']}`) | {ph['who']} | {ph['rps']:.1f} | {_share(ph['share'])} | "
            f"{_ms(ph['p50_ms'])} ms | {_ms(ph['p95_ms'])} ms | {_ms(ph['p99_ms'])} ms | {ph['requests']:,} | "
            f"{ph['failures']} |"
        )
    lines += ["", f"- goal: 0 failures and every page ≥ 50 % of the floor → "
                  f"{'met' if load['status'] == 'ok' else '**missed**: ' + load['detail']}"]
    errors = [e for ph in load["phases"] for e in ph.get("errors", [])]
    if errors:
        lines.append(f"- failure samples: {errors[:5]}")
    return lines


RUN_MARKER = "<!-- benchmarks.run writes the latest run below this line; keep the summary above it -->"


def write(path: Path, *, scale: float, results, load, generation, elapsed: float) -> None:
    m = machine()
    commit = _git("rev-parse", "--short", "HEAD")
    dirty = " (+ uncommitted changes in the tree)" if _git("status", "--porcelain", "--untracked-files=no") else ""
    lines = [
        f"# Benchmark results — scale {scale:g}",
        "",
        f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- commit: {commit}{dirty}",
        f"- machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory']} memory, PostgreSQL {m['postgresql']}, "
        f"Python {m['python']}; shared with other work while measured (not an idle machine)",
        f"- command: `python -m benchmarks.run --scale {scale:g}` (total {elapsed:.0f} s)",
        "",
        "## Operations (median of repetitions; ORM = the application's code, SQL = hand-written twin)",
        "",
        "| operation | target | median | SQL | ratio | queries | SQL queries | result |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        if r.status == "n/a":
            lines.append(f"| {r.title} | {r.target} | | | | | | {r.detail} |")
            continue
        extra = f"; {r.rows_per_s:,.0f} rows/s" if r.rows_per_s else ""
        same = "" if r.same_answer is None else (" same answer" if r.same_answer else " **answers differ**")
        verdict = {"ok": "met", "missed": "**missed**", "error": "**error**"}.get(r.status, r.status)
        lines.append(
            f"| {r.title} | {r.target} | {_ms(r.orm_ms)} ms | {_ms(r.sql_ms)} ms | "
            f"{'–' if r.ratio is None else f'{r.ratio:.2f}×'} | {r.queries if r.queries is not None else '–'} | "
            f"{r.sql_queries if r.sql_queries is not None else '–'} | {verdict}{extra};{same} {r.detail} |"
        )
    lines += ["", "## Load run (locust against gunicorn on 127.0.0.1)", ""]
    lines += load_lines(load)
    lines += ["", "## Data generation", ""]
    for part in generation or []:
        rate = f" ({part['rows'] / part['seconds']:,.0f} rows/s)" if part.get("rows") and part.get("seconds") else ""
        lines.append(f"- {part['what']}: {part.get('rows', 0):,} rows in {part.get('seconds', 0):.1f} s{rate}")
    # A hand-written summary above the marker survives; the run below it is replaced.
    kept = ""
    if path.exists() and RUN_MARKER in (text := path.read_text()):
        kept = text[: text.index(RUN_MARKER) + len(RUN_MARKER)] + "\n\n"
        lines[0] = lines[0].replace("# Benchmark results", "## Latest run", 1)
        lines = [line.replace("## ", "### ", 1) if line.startswith("## ") and i else line for i, line in enumerate(lines)]
    path.write_text(kept + "\n".join(lines) + "\n")
