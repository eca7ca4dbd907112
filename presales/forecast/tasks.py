"""Forecast work for the queue's worker (scheduled in presales/ops/schedule.py)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from presales.forecast.services import snapshot_take


@db_task(name="forecast.take_snapshot")
def take_snapshot() -> str:
    """This week's snapshot of the open pipeline; running it again the same week changes nothing."""
    snapshot, created = snapshot_take()
    if created:
        return f"snapshot of the week of {snapshot.week_start} taken ({snapshot.rows.count()} deals)"
    return f"snapshot of the week of {snapshot.week_start} already taken"
