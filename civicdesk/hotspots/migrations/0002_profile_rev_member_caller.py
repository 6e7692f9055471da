from django.db import migrations, models

from civicdesk.lib.indexes import AddIndexConcurrently


class Migration(migrations.Migration):
    # The members' index is built concurrently on PostgreSQL (civicdesk.lib.indexes): the table
    # holds a row per grouped order, and orders keep being grouped meanwhile. The new column has a
    # constant database default, so adding it rewrites nothing.
    atomic = False

    dependencies = [
        ("hotspots", "0001_hotspots_keys_alerts"),
    ]

    operations = [
        migrations.AddField(
            model_name="hotspot",
            name="profile_rev",
            field=models.BigIntegerField(db_default=0, default=0),
        ),
        AddIndexConcurrently(
            model_name="member",
            index=models.Index(fields=["hotspot", "caller"], name="hotspot_member_caller"),
        ),
    ]
