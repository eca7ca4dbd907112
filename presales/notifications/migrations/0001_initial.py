# The Notification model moves here from the playbook app, keeping its table and rows: this migration only tells
# Django's state that the model now belongs to this app (no SQL); 0002-0004 then reshape it.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("deals", "0002_initial"),
        ("playbook", "0004_default_playbook"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("assigned", "Assigned to you"), ("due_soon", "Due soon"), ("overdue", "Overdue")], max_length=20, verbose_name="kind")),
                        ("message", models.CharField(max_length=300, verbose_name="message")),
                        ("dedupe_key", models.CharField(blank=True, max_length=100, null=True, unique=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="read")),
                        ("emailed_at", models.DateTimeField(blank=True, null=True, verbose_name="e-mailed")),
                        ("opportunity", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to="deals.opportunity")),
                        ("recipient", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to=settings.AUTH_USER_MODEL)),
                        ("step", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to="playbook.dealstep")),
                    ],
                    options={
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [models.Index(fields=["recipient", "read_at"], name="notification_unread")],
                        "db_table": "playbook_notification",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
