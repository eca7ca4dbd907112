"""Scoring work for the queue's worker (scheduled in presales/ops/schedule.py)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from presales.scoring.services import send_rating_reminders as send_rating_reminders_now


@db_task(name="scoring.send_rating_reminders")
def send_rating_reminders() -> str:
    """Reminders of owed sales ratings and win/loss debriefs; running it twice sends nothing new."""
    counts = send_rating_reminders_now()
    return f"{counts['ratings']} rating and {counts['debriefs']} debrief reminder(s) sent"
