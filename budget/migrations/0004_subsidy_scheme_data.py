"""Ship the subsidy scheme "BVR 2022" version 1 and its 13 tranches as data (DOMAIN §5)."""

from django.db import migrations


def load(apps, schema_editor):
    from budget.data import load_subsidy_scheme

    load_subsidy_scheme(
        apps.get_model("budget", "SubsidyScheme"), apps.get_model("budget", "SchemeVersion"),
        apps.get_model("budget", "SchemeRate"), apps.get_model("budget", "Tranche"),
    )


class Migration(migrations.Migration):
    dependencies = [("budget", "0003_subsidy")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
