# Each deal's checklist (DealPlaybook, DealStep and their history) now belongs to the deals app (its 0003 takes the
# models over in Django's state); the tables stay, so nothing happens in the database here.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("deals", "0003_checklist_moves_in"),
        ("notifications", "0004_no_links_upward"),
        ("playbook", "0005_notification_moves_out"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="HistoricalDealStep"),
                migrations.DeleteModel(name="HistoricalDealPlaybook"),
                migrations.DeleteModel(name="DealStep"),
                migrations.DeleteModel(name="DealPlaybook"),
            ],
            database_operations=[],
        ),
    ]
