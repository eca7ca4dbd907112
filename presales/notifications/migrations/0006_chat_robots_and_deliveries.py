# The chat robots people and teams choose, and one delivery per notification and channel.
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models




class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0005_notification_kind_params'),
        ('people', '0004_user_email_notifications'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ChatRobot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('platform', models.CharField(choices=[('wecom', 'WeCom group robot'), ('dingtalk', 'DingTalk custom robot'), ('feishu', 'Feishu custom bot')], max_length=10, verbose_name='platform')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('webhook_url_encrypted', models.TextField()),
                ('secret_encrypted', models.TextField(blank=True)),
                ('kinds', models.JSONField(blank=True, default=list, verbose_name='kinds')),
                ('enabled', models.BooleanField(default=True, verbose_name='enabled')),
                ('team', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='chat_robots', to='people.team')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='chat_robots', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'chat robot',
                'verbose_name_plural': 'chat robots',
                'ordering': ['name', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Delivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('sent', 'Sent'), ('failed', 'Failed')], default='pending', max_length=10, verbose_name='status')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('last_error', models.CharField(blank=True, max_length=500, verbose_name='last error')),
                ('next_attempt_at', models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True, verbose_name='next attempt')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('channel', models.CharField(choices=[('email', 'E-mail'), ('wecom', 'WeCom group robot'), ('dingtalk', 'DingTalk custom robot'), ('feishu', 'Feishu custom bot')], max_length=10, verbose_name='channel')),
                ('notification', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='notifications.notification')),
                ('robot', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='notifications.chatrobot')),
            ],
            options={
                'verbose_name': 'delivery',
                'verbose_name_plural': 'deliveries',
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalChatRobot',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('platform', models.CharField(choices=[('wecom', 'WeCom group robot'), ('dingtalk', 'DingTalk custom robot'), ('feishu', 'Feishu custom bot')], max_length=10, verbose_name='platform')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('kinds', models.JSONField(blank=True, default=list, verbose_name='kinds')),
                ('enabled', models.BooleanField(default=True, verbose_name='enabled')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('team', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='people.team')),
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical chat robot',
                'verbose_name_plural': 'historical chat robots',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddConstraint(
            model_name='chatrobot',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('team__isnull', True), ('user__isnull', False)), models.Q(('team__isnull', False), ('user__isnull', True)), _connector='OR'), name='chat_robot_one_owner'),
        ),
        migrations.AddIndex(
            model_name='delivery',
            index=models.Index(fields=['status', 'next_attempt_at'], name='delivery_due'),
        ),
        migrations.AddConstraint(
            model_name='delivery',
            constraint=models.UniqueConstraint(condition=models.Q(('robot__isnull', True)), fields=('notification',), name='delivery_one_email'),
        ),
        migrations.AddConstraint(
            model_name='delivery',
            constraint=models.UniqueConstraint(fields=('notification', 'robot'), name='delivery_once_per_robot'),
        ),
    ]
