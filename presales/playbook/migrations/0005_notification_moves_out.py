# Notification now belongs to the notifications app (its 0001 takes the model over in Django's state); the table
# stays as it is, so nothing happens in the database here.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("playbook", "0004_default_playbook"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
