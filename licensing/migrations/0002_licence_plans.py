"""The 2023 and 2024 licence plans of the note as data (see licensing/data.py for the 2023 split)."""

from django.db import migrations


def load(apps, schema_editor):
    from licensing.data import PERIODS, plan_rows

    PlanPeriod = apps.get_model("licensing", "PlanPeriod")
    LicencePool = apps.get_model("licensing", "LicencePool")
    periods = {}
    for code, fields in PERIODS.items():
        periods[code], _ = PlanPeriod.objects.get_or_create(code=code, defaults=fields)
    for code, tool, licence_type, group, seats, price in plan_rows():
        LicencePool.objects.get_or_create(
            period=periods[code], tool=tool, licence_type=licence_type, group=group,
            defaults={"seats": seats, "unit_price": price},
        )


class Migration(migrations.Migration):
    dependencies = [("licensing", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
