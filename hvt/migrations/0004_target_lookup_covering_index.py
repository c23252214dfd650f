"""A covering index for "the target of a municipality in a round" (the VLOT overview, the map).

``hvt.selectors.capacity_overview_for_user`` and ``hvt.maps`` read each municipality's target with
one small correlated subquery (``municipality = outer AND round = the round in force``). The unique
constraint's index (round_id, municipality_id) needs a heap visit per probe, which the planner
costs above a scan of the whole (small) table, so it scanned all targets once per municipality:
285 × 285 rows, 10–15 ms of the overview at scale 1, growing with every round. With ``assigned``
in the index the probe is an index-only scan (≈ 0.01 ms): measured 14.6 → 5.9 ms under EXPLAIN
ANALYZE, 12–15 → 2 ms as a statement (benchmarks/RESULTS.md, "Capacity aggregate after periods").

PostgreSQL only (INCLUDE); the model state is unchanged (no Meta entry), so SQLite runs and
``makemigrations`` are unaffected.
"""

from django.db import migrations

INDEX = "hvt_target_municipality_round_cover"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON hvt_municipalitytarget (municipality_id, round_id) INCLUDE (assigned)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("hvt", "0003_constraint_messages"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
