"""Deal-checklist work for the queue's worker (scheduled in presales/ops/schedule.py)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from presales.deals import health
from presales.deals.services import send_step_reminders as send_step_reminders_now


@db_task(name="deals.send_step_reminders")
def send_step_reminders() -> str:
    """Due-soon and overdue reminders for open steps; each reminder goes out once, however often this runs."""
    counts = send_step_reminders_now()
    return f"due soon: {counts['due_soon']}, overdue: {counts['overdue']}"


@db_task(name="deals.check_deal_health")
def check_deal_health() -> str:
    """Recompute every open deal's health columns and correct those that drifted; nothing to do the second time."""
    return f"corrected: {health.check_deal_health()}"
