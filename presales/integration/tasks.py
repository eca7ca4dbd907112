"""Import work for the queue's worker: run one job, and take over jobs whose worker died or whose task was lost."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone
from huey.contrib.djhuey import HUEY, db_task

from presales.integration import runner

logger = logging.getLogger(__name__)
# A queued job untouched for this long, with no task for it in the queue, lost its task (e.g. the queue was wiped).
LOST_AFTER = datetime.timedelta(minutes=2)


@db_task(name="integration.run_import_job")
def run_import_job(job_id: int) -> None:
    """Check or import one queued job; a second delivery of the same task finds it claimed and does nothing."""
    runner.run_job(job_id)


def recover_stuck_imports() -> str:
    """Give jobs of dead workers another attempt (or mark them failed), and re-send queued jobs whose task is lost.

    Run by the schedule every minute and by each worker when it starts (presales.ops)."""
    now = timezone.now()
    again = runner.recover_stuck_jobs(now)
    waiting = set(runner.queued_jobs_waiting_since(now - LOST_AFTER))
    lost = []
    if waiting:
        in_queue = {task.args[0] for task in HUEY.pending() if task.name == run_import_job.name and task.args}
        lost = sorted(waiting - in_queue - set(again))
    for job_id in [*again, *lost]:
        run_import_job(job_id)
    if lost:
        logger.warning("import jobs %s had no task in the queue; sent again", lost)
    return f"{len(again)} stuck import(s) queued again, {len(lost)} lost task(s) sent again"
