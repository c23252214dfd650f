from django.db import migrations

from audit.db import append_only_operation


class Migration(migrations.Migration):
    dependencies = [("crt", "0001_initial")]
    operations = [append_only_operation("crt_auditevent")]
