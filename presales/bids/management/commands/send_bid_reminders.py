"""Remind owners of unfinished bid work 7, 3 and 1 days before each tender deadline, now (the worker runs this daily)."""

from django.core.management.base import BaseCommand

from presales.bids.reminders import send_bid_reminders


class Command(BaseCommand):
    help = "Send tender deadline reminders (7, 3 and 1 days before) to owners of unfinished items; idempotent."

    def handle(self, *args, **options):
        sent = send_bid_reminders()
        self.stdout.write(f"{sent} bid reminder(s) sent.")
