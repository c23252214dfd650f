from django.db import migrations

from audit.db import no_truncate_operations


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]
    operations = no_truncate_operations("audit_auditevent")
