"""API tokens get an expiry date and a scope (issue 16, item 7).

Tokens issued before this change keep working as they did (read and write) for 90 more days, then expire; new
tokens are read-only unless their owner asks for read and write.
"""

import datetime

from django.db import migrations, models
from django.utils import timezone


def expire_existing_tokens_in_90_days(apps, schema_editor):
    ApiToken = apps.get_model("people", "ApiToken")
    in_90_days = timezone.now() + datetime.timedelta(days=90)
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=in_90_days)
    apps.get_model("people", "HistoricalApiToken").objects.filter(expires_at__isnull=True).update(expires_at=in_90_days)


SCOPE_CHOICES = [("read", "Read only"), ("write", "Read and write")]


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_history_for_api_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires"),
        ),
        migrations.AddField(
            model_name="historicalapitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires"),
        ),
        migrations.RunPython(expire_existing_tokens_in_90_days, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires"),
        ),
        migrations.AlterField(
            model_name="historicalapitoken",
            name="expires_at",
            field=models.DateTimeField(default=timezone.now, verbose_name="expires"),
            preserve_default=False,
        ),
        # Existing tokens could write: they keep "write"; the default for new ones is "read".
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(choices=SCOPE_CHOICES, default="write", max_length=10, verbose_name="scope"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(choices=SCOPE_CHOICES, default="read", max_length=10, verbose_name="scope"),
        ),
        migrations.AddField(
            model_name="historicalapitoken",
            name="scope",
            field=models.CharField(choices=SCOPE_CHOICES, default="read", max_length=10, verbose_name="scope"),
        ),
    ]
