# Outbound webhooks for integrators and their delivery log.
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
import uuid
from django.conf import settings
from django.db import migrations, models




class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0006_chat_robots_and_deliveries'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Webhook',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('url', models.URLField(max_length=500, verbose_name='address')),
                ('secret_encrypted', models.TextField()),
                ('events', models.JSONField(default=list, verbose_name='events')),
                ('enabled', models.BooleanField(default=True, verbose_name='enabled')),
            ],
            options={
                'verbose_name': 'webhook',
                'verbose_name_plural': 'webhooks',
                'ordering': ['name', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalWebhook',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('url', models.URLField(max_length=500, verbose_name='address')),
                ('events', models.JSONField(default=list, verbose_name='events')),
                ('enabled', models.BooleanField(default=True, verbose_name='enabled')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical webhook',
                'verbose_name_plural': 'historical webhooks',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('sent', 'Sent'), ('failed', 'Failed')], default='pending', max_length=10, verbose_name='status')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('last_error', models.CharField(blank=True, max_length=500, verbose_name='last error')),
                ('next_attempt_at', models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True, verbose_name='next attempt')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('event', models.CharField(choices=[('deal.stage_changed', 'Deal stage changed'), ('deal.won', 'Deal won'), ('deal.lost', 'Deal lost'), ('request.created', 'Support request created'), ('request.decided', 'Support request decided'), ('step.overdue', 'Step overdue')], max_length=30, verbose_name='event')),
                ('event_id', models.UUIDField(default=uuid.uuid4, verbose_name='event id')),
                ('payload', models.JSONField(default=dict)),
                ('response_status', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='response status')),
                ('webhook', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='notifications.webhook')),
            ],
            options={
                'verbose_name': 'webhook delivery',
                'verbose_name_plural': 'webhook deliveries',
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.AddIndex(
            model_name='webhookdelivery',
            index=models.Index(fields=['status', 'next_attempt_at'], name='webhook_delivery_due'),
        ),
        migrations.AddConstraint(
            model_name='webhookdelivery',
            constraint=models.UniqueConstraint(fields=('webhook', 'event_id'), name='webhook_delivery_once'),
        ),
    ]
