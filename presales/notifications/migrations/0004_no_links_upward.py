# The links to the deal and the step are now (target_type, target_id): drop the foreign keys (notifications sit
# below the deals in the layers) and give the table its own app's name.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0003_targets_and_kinds_from_links"),
    ]

    operations = [
        migrations.RemoveField(model_name="notification", name="opportunity"),
        migrations.RemoveField(model_name="notification", name="step"),
        migrations.AlterModelTable(name="notification", table=None),
    ]
