# Two branches each added a 0006 after 0005_audit_event_persons; this joins them (no operations).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("crt", "0006_audit_refuse_truncate"), ("crt", "0006_count_changes")]
    operations = []
