"""Print the /health/ report and exit 0 when healthy, 1 when not (a health check for the worker's container)."""

import json

from django.core.management.base import BaseCommand, CommandError

from presales.ops.health import report


class Command(BaseCommand):
    help = "Check the database, the queue, the workers' heartbeats and the scheduled jobs, as /health/ does."

    def handle(self, *args, **options):
        healthy, body = report()
        self.stdout.write(json.dumps(body, indent=2, ensure_ascii=False))
        if not healthy:
            raise CommandError("unhealthy")
