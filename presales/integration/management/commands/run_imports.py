"""Run the imports waiting to be checked or written, now, in this process (the worker normally does this)."""

from django.core.management.base import BaseCommand

from presales.core.workers import heartbeat_while
from presales.integration.runner import run_pending


class Command(BaseCommand):
    help = "Check and run waiting imports now (uploaded on the Import page); the queue's worker does this by itself."

    def handle(self, *args, **options):
        # Seen alive while it runs, so the worker's sweeper does not take its job for a dead worker's.
        with heartbeat_while("command"):
            count = run_pending()
        self.stdout.write(f"{count} import job(s) processed.")
