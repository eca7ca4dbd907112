"""Support-request work for the queue's worker (scheduled in presales/ops/schedule.py)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from presales.work.services import requests_escalate_forgotten


@db_task(name="work.escalate_requests")
def escalate_requests() -> str:
    """Escalate requests nobody picked up in time; idempotent (each request once, each manager told once)."""
    escalated = requests_escalate_forgotten()
    return f"{len(escalated)} request(s) escalated"
