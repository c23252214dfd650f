"""One index for a place's periods: the unique (place_id, valid_from) constraint's. The plain
(place_id, valid_from) index and the foreign key's own place_id index repeated it (three indexes
to write on every period, and to read nothing the first does not serve)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('hvt', '0008_place_always_has_a_period'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='placeperiod',
            name='hvt_period_place_idx',
        ),
        migrations.AlterField(
            model_name='placeperiod',
            name='place',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='periods', to='hvt.receptionplace', verbose_name='opvangplaats'),
        ),
    ]
