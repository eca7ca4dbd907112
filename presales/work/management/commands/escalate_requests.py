"""Flag support requests nobody picked up in time, now (the worker runs this every 5 minutes: presales/ops/schedule.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from presales.work.services import requests_escalate_forgotten


class Command(BaseCommand):
    help = "Escalate forgotten support requests to the presales managers' queue."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--now", help="Pretend it is this ISO date-time (for tests and catch-up runs).")

    def handle(self, *args: Any, **options: Any) -> None:
        now = None
        if options.get("now"):
            now = parse_datetime(options["now"])
            if now is None:
                raise CommandError("--now must be an ISO date-time")
        escalated = requests_escalate_forgotten(now=now)
        self.stdout.write(f"{len(escalated)} request(s) escalated")
