# The checklist (DealPlaybook, DealStep and their history) moves here from the playbook app: the deal's checklist is
# part of the deal (creating, staffing and winning a deal update it in one transaction), while the playbook keeps the
# process definitions. This migration only tells Django's state that the models now belong to deals, on the same
# tables (no SQL); playbook 0006 drops them from the playbook's state and deals 0004 renames the tables.

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0002_initial'),
        ('deals', '0002_initial'),
        ('playbook', '0005_notification_moves_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DealPlaybook',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                        ('opportunity', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='playbook', to='deals.opportunity')),
                        ('playbook', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='playbook.playbookversion', verbose_name='playbook version')),
                    ],
                    options={
                        'verbose_name': 'deal playbook',
                        'verbose_name_plural': 'deal playbooks',
                        'db_table': 'playbook_dealplaybook',
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalDealPlaybook',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created')),
                        ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated')),
                        ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('opportunity', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='deals.opportunity')),
                        ('playbook', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='playbook.playbookversion', verbose_name='playbook version')),
                    ],
                    options={
                        'verbose_name': 'historical deal playbook',
                        'verbose_name_plural': 'historical deal playbooks',
                        'db_table': 'playbook_historicaldealplaybook',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalDealStep',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created')),
                        ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated')),
                        ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                        ('status', models.CharField(choices=[('not_started', 'Not started'), ('in_progress', 'In progress'), ('done', 'Done'), ('skipped', 'Skipped'), ('blocked', 'Blocked')], db_index=True, default='not_started', max_length=20, verbose_name='status')),
                        ('reason', models.TextField(blank=True, help_text='Why the step was skipped or is blocked.', verbose_name='reason')),
                        ('due_date', models.DateField(blank=True, null=True, verbose_name='due date')),
                        ('assigned_by_hand', models.BooleanField(default=False, help_text='Not re-resolved from the deal team when it changes.', verbose_name='assigned by hand')),
                        ('completed_at', models.DateTimeField(blank=True, null=True, verbose_name='completed')),
                        ('answer_choice', models.CharField(blank=True, max_length=30, verbose_name='answer')),
                        ('answer_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True, verbose_name='amount')),
                        ('answer_date', models.DateField(blank=True, null=True, verbose_name='date')),
                        ('answer_text', models.TextField(blank=True, verbose_name='notes')),
                        ('answer_data', models.JSONField(blank=True, default=dict, verbose_name='details')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('answer_contact', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.contact', verbose_name='contact')),
                        ('completed_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='completed by')),
                        ('definition', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='playbook.stepdefinition', verbose_name='step')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('opportunity', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='deals.opportunity')),
                        ('responsible', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='responsible')),
                    ],
                    options={
                        'verbose_name': 'historical deal step',
                        'verbose_name_plural': 'historical deal steps',
                        'db_table': 'playbook_historicaldealstep',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='DealStep',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                        ('status', models.CharField(choices=[('not_started', 'Not started'), ('in_progress', 'In progress'), ('done', 'Done'), ('skipped', 'Skipped'), ('blocked', 'Blocked')], db_index=True, default='not_started', max_length=20, verbose_name='status')),
                        ('reason', models.TextField(blank=True, help_text='Why the step was skipped or is blocked.', verbose_name='reason')),
                        ('due_date', models.DateField(blank=True, null=True, verbose_name='due date')),
                        ('assigned_by_hand', models.BooleanField(default=False, help_text='Not re-resolved from the deal team when it changes.', verbose_name='assigned by hand')),
                        ('completed_at', models.DateTimeField(blank=True, null=True, verbose_name='completed')),
                        ('answer_choice', models.CharField(blank=True, max_length=30, verbose_name='answer')),
                        ('answer_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True, verbose_name='amount')),
                        ('answer_date', models.DateField(blank=True, null=True, verbose_name='date')),
                        ('answer_text', models.TextField(blank=True, verbose_name='notes')),
                        ('answer_data', models.JSONField(blank=True, default=dict, verbose_name='details')),
                        ('answer_contact', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='deal_steps', to='customers.contact', verbose_name='contact')),
                        ('completed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='completed by')),
                        ('definition', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='playbook.stepdefinition', verbose_name='step')),
                        ('opportunity', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='steps', to='deals.opportunity')),
                        ('responsible', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deal_steps', to=settings.AUTH_USER_MODEL, verbose_name='responsible')),
                    ],
                    options={
                        'verbose_name': 'deal step',
                        'verbose_name_plural': 'deal steps',
                        'db_table': 'playbook_dealstep',
                        'ordering': ['opportunity', 'definition__order'],
                        'indexes': [models.Index(fields=['responsible', 'status', 'due_date'], name='deal_step_owner_status_due'), models.Index(fields=['status', 'due_date'], name='deal_step_status_due')],
                        'constraints': [models.UniqueConstraint(fields=('opportunity', 'definition'), name='unique_deal_step'), models.CheckConstraint(condition=models.Q(models.Q(('status__in', ['skipped', 'blocked']), _negated=True), models.Q(('reason', ''), _negated=True), _connector='OR'), name='deal_step_reason_when_skipped_or_blocked')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
