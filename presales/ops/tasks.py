"""The worker's side of the schedule and its lifecycle hooks (Huey loads this module in `manage.py run_huey`).

- Every minute the scheduler enqueues `scheduler_tick`, which sends each due job of presales/ops/schedule.py to
  the queue as `run_scheduled_job` (several workers may tick; ops.runs lets each moment run once).
- When a worker process starts it begins its heartbeat (core.workers) and at once takes over imports left by a
  dead worker: the "check at worker start"; the every-minute schedule repeats it for workers on other machines.
- Every task runs with its task id as the log lines' request id.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import close_old_connections
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from presales.core import logs, workers
from presales.integration import tasks as import_tasks
from presales.ops import runs
from presales.ops.schedule import JOBS, SCHEDULE

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(), name="ops.scheduler_tick")
def scheduler_tick() -> list[str]:
    """Send every due scheduled job to the queue; returns their names."""
    now = timezone.now()
    due = [job.name for job in SCHEDULE if runs.is_due(job, now)]
    for name in due:
        run_scheduled_job(name)
    return due


@db_task(name="ops.run_scheduled_job")
def run_scheduled_job(name: str) -> None:
    """Run one scheduled job for its current moment (nothing if another worker has it), recording the result."""
    job = JOBS.get(name)
    if job is None:  # a task queued by an older version whose schedule had this job
        logger.warning("no scheduled job named %s", name)
        return
    runs.job_run(job=job)


@HUEY.on_startup()
def worker_started() -> None:
    """Once per worker process (Huey calls this in each worker thread): heartbeat, then recover stuck imports."""
    if not workers.start_process_heartbeat(kind="worker"):
        return
    logger.info("worker %s started", workers.worker_id())
    close_old_connections()
    try:
        logger.info("at start: %s", import_tasks.recover_stuck_imports())
        runs.close_abandoned_runs()
        workers.forget_departed()
    except Exception:  # the database may not be reachable yet; the schedule repeats this every minute
        logger.exception("start-up recovery failed")
    finally:
        close_old_connections()


@HUEY.on_shutdown()
def worker_stopping() -> None:
    workers.stop_process_heartbeat()


@HUEY.pre_execute()
def label_task_logs(task: Any) -> None:
    logs.set_request_id(f"task-{task.id}")


@HUEY.post_execute()
def unlabel_task_logs(task: Any, task_value: Any, exc: Any) -> None:
    logs.set_request_id("-")
