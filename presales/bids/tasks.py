"""Tender work for the queue's worker (scheduled in presales/ops/schedule.py)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from presales.bids.reminders import send_bid_reminders as send_bid_reminders_now


@db_task(name="bids.send_bid_reminders")
def send_bid_reminders() -> str:
    """The 7/3/1-day tender deadline reminders; each threshold is sent once per person and tender."""
    sent = send_bid_reminders_now()
    return f"{sent} bid reminder(s) sent"
