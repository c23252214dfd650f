"""Every place has at least one period (its effective-dated facts, docs/SUBSIDY.md).

The services create a place's first period in the same transaction as the place (``place_register``,
``places_import``, the demo and bench loads through ``periods_create_missing``), and the readings
of "available" (``hvt.periods``, ``hvt.querysets``) read the periods only. On PostgreSQL two
constraint triggers, checked at commit, refuse a transaction that leaves a place without any period:
a place inserted without one, or the last period of a remaining place deleted or moved. SQLite (the
embedded default) has no deferred triggers; the same services run there.
"""

import datetime as dt

from django.db import migrations

EARLIEST_START = dt.date(2022, 3, 14)  # hvt.constants.EARLIEST_START, frozen for this migration
FACTS = ("capacity", "category", "category_2_subtype", "start_date", "end_date")

CREATE = """
CREATE FUNCTION hvt_place_has_period() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    pid bigint;
BEGIN
    IF TG_TABLE_NAME = 'hvt_receptionplace' THEN
        pid := NEW.id;
    ELSE
        pid := OLD.place_id;
    END IF;
    IF EXISTS (SELECT 1 FROM hvt_receptionplace WHERE id = pid)
       AND NOT EXISTS (SELECT 1 FROM hvt_placeperiod WHERE place_id = pid) THEN
        RAISE EXCEPTION 'reception place % has no period', pid
            USING ERRCODE = 'check_violation', CONSTRAINT = 'hvt_place_has_period';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER hvt_place_has_period AFTER INSERT ON hvt_receptionplace
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION hvt_place_has_period();
CREATE CONSTRAINT TRIGGER hvt_period_keeps_place_period AFTER DELETE OR UPDATE OF place_id ON hvt_placeperiod
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION hvt_place_has_period();
"""

DROP = """
DROP TRIGGER IF EXISTS hvt_period_keeps_place_period ON hvt_placeperiod;
DROP TRIGGER IF EXISTS hvt_place_has_period ON hvt_receptionplace;
DROP FUNCTION IF EXISTS hvt_place_has_period();
"""



def backfill(apps):
    """A period for any place without one (0002 gave every place one; this catches any since), as
    hvt.periods.periods_create_missing writes it."""
    ReceptionPlace = apps.get_model("hvt", "ReceptionPlace")  # noqa: N806
    PlacePeriod = apps.get_model("hvt", "PlacePeriod")  # noqa: N806
    bare = ReceptionPlace.objects.filter(periods__isnull=True)
    PlacePeriod.objects.bulk_create([
        PlacePeriod(place_id=p.pk, valid_from=EARLIEST_START, **{f: getattr(p, f) for f in FACTS}) for p in bare.iterator()
    ], batch_size=1000)


def create(apps, schema_editor):
    backfill(apps)
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:  # no parameters: the % of RAISE stays as it is
            cursor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("hvt", "0007_place_address_key")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
