"""Run the imports waiting to be checked or written (cron, a systemd timer, or `--loop` as a worker)."""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from presales.integration.services import run_pending


class Command(BaseCommand):
    help = "Check and run waiting imports (uploaded on the Import page)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running, looking for new jobs every few seconds.")
        parser.add_argument("--interval", type=float, default=3.0)

    def handle(self, *args, loop=False, interval=3.0, **options):
        while True:
            # A long-running worker must not keep a connection past its max age or after an error.
            close_old_connections()
            count = run_pending()
            if count:
                self.stdout.write(f"{count} import job(s) processed.")
            if not loop:
                return
            time.sleep(interval)
