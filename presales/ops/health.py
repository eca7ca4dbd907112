"""What /health/ reports: the database, the queue, the workers' last heartbeat and each scheduled job's last run.

Healthy (HTTP 200) when the database answers and a worker was seen within WORKER_SILENT_AFTER; otherwise 503.
The report holds no secrets: no addresses, host names, user data or error texts, only states, times and counts.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import connection
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from presales.core import workers
from presales.ops import runs

logger = logging.getLogger(__name__)
WORKER_SILENT_AFTER = datetime.timedelta(minutes=2)


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds") if moment else None


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means "down"; the details go to the log, not to an anonymous caller
        logger.exception("health: database check failed")
        return {"ok": False}
    return {"ok": True, "vendor": connection.vendor}


def queue_backend() -> str:
    return {"RedisHuey": "redis", "SqliteHuey": "sqlite"}.get(type(HUEY).__name__, type(HUEY).__name__.lower())


def check_queue_and_workers(now: datetime.datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """The queue (reachable, waiting tasks) and the workers (their heartbeats live in the queue's storage)."""
    try:
        pending = HUEY.pending_count()
        beats = [heartbeat for heartbeat in workers.heartbeats() if heartbeat.kind == "worker"]
    except Exception:
        logger.exception("health: queue check failed")
        return {"ok": False, "backend": queue_backend()}, {"ok": False, "last_heartbeat": None, "alive": 0}
    last = beats[0].seen_at if beats else None
    alive = [heartbeat for heartbeat in beats if now - heartbeat.seen_at < WORKER_SILENT_AFTER]
    queue = {"ok": True, "backend": queue_backend(), "pending": pending}
    worker = {
        "ok": bool(alive),
        "last_heartbeat": _iso(last),
        "seconds_since_heartbeat": round((now - last).total_seconds()) if last else None,
        "alive": len(alive),
    }
    return queue, worker


def scheduled_jobs(now: datetime.datetime) -> list[dict[str, Any]]:
    report = []
    for status in runs.job_statuses():
        run = status.last_run
        report.append(
            {
                "name": status.job.name,
                "schedule": status.job.when.describe(),
                "last_run": _iso(run.started_at) if run else None,
                "finished": _iso(run.finished_at) if run else None,
                "result": run.outcome if run else None,
                # The error's type only: its text may quote data, and this page needs no sign-in.
                "error": run.message.split(":", 1)[0] if run and run.outcome == "error" else None,
                "last_success": _iso(status.last_success_at),
                "due_since": _iso(status.job.latest_moment(now)) if runs.is_due(status.job, now) else None,
            }
        )
    return report


def report(now: datetime.datetime | None = None) -> tuple[bool, dict[str, Any]]:
    """(healthy, the JSON body)."""
    now = now or timezone.now()
    database = check_database()
    queue, worker = check_queue_and_workers(now)
    jobs = scheduled_jobs(now) if database["ok"] else []
    healthy = database["ok"] and worker["ok"]
    body = {
        "status": "ok" if healthy else "unhealthy",
        "time": _iso(now),
        "database": database,
        "queue": queue,
        "worker": worker,
        "scheduled_jobs": jobs,
    }
    return healthy, body
