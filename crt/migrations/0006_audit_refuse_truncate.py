from django.db import migrations

from audit.db import no_truncate_operations


class Migration(migrations.Migration):
    dependencies = [("crt", "0005_audit_event_persons")]
    operations = [*no_truncate_operations("crt_auditevent"), *no_truncate_operations("crt_auditeventperson")]
