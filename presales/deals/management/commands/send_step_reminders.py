"""Remind people of steps due soon or overdue, now (the worker runs this every 5 minutes: presales/ops/schedule.py)."""

from django.core.management.base import BaseCommand

from presales.deals.services import send_step_reminders


class Command(BaseCommand):
    help = "Send due-soon and overdue step reminders. Safe to run repeatedly: each reminder goes out once."

    def handle(self, *args, **options):
        counts = send_step_reminders()
        self.stdout.write(f"due soon: {counts['due_soon']}, overdue: {counts['overdue']}")
