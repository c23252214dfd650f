"""Load the budget of the government note (section D) as data."""

from django.db import migrations


def load(apps, schema_editor):
    from budget.data import NOTE_BUDGET

    BudgetLine = apps.get_model("budget", "BudgetLine")
    for tool, year, category, amount in NOTE_BUDGET:
        BudgetLine.objects.get_or_create(tool=tool, year=year, category=category, defaults={"amount": amount})


class Migration(migrations.Migration):
    dependencies = [("budget", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
