from django.db import migrations

from audit.db import no_truncate_operations


class Migration(migrations.Migration):
    dependencies = [("crt", "0004_address_periods")]
    operations = no_truncate_operations("crt_auditevent")
