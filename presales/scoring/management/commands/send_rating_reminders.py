"""Remind people of sales ratings and debriefs they still owe, now (the worker runs this daily; safe to repeat)."""

from django.core.management.base import BaseCommand

from presales.scoring.services import send_rating_reminders


class Command(BaseCommand):
    help = "Notify sales owners of ratings and deal-team members of debriefs still owed; idempotent."

    def handle(self, *args, **options):
        counts = send_rating_reminders()
        if options["verbosity"]:
            self.stdout.write(f"Sent {counts['ratings']} rating and {counts['debriefs']} debrief reminder(s).")
