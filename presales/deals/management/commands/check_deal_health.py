"""Recompute every open deal's health columns now (the worker does it nightly: presales/ops/schedule.py)."""

from django.core.management.base import BaseCommand

from presales.deals.health import check_deal_health


class Command(BaseCommand):
    help = (
        "Recompute every open deal's health columns (stage entry, earliest open due date, missing qualification "
        "answers) from its steps and history, and correct those that drifted. Safe to run repeatedly."
    )

    def handle(self, *args, **options):
        corrected = check_deal_health()
        self.stdout.write(f"corrected: {corrected}")
