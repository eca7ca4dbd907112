from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0001_initial"),
        ("playbook", "0005_notification_moves_out"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="target_type",
            field=models.CharField(blank=True, max_length=30),
        ),
        migrations.AddField(
            model_name="notification",
            name="target_id",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("step_assigned", "Step assigned to you"),
                    ("step_due_soon", "Step due soon"),
                    ("step_overdue", "Step overdue"),
                    ("request_assigned", "Support request for you"),
                    ("request_done", "Support request done"),
                    ("request_escalated", "Support request nobody picked up"),
                    ("rating_owed", "Rating to give"),
                    ("debrief_owed", "Debrief to write"),
                    ("bid_deadline", "Bid deadline near"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
    ]
