"""Running a scheduled job at most once per scheduled moment, and recording what it did (ops.JobRun)."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from presales.core import workers
from presales.ops.models import JobRun, RunOutcome
from presales.ops.schedule import SCHEDULE, ScheduledJob

logger = logging.getLogger(__name__)
# A failed run is tried again at the next scheduler tick after this pause (not every minute: errors stay readable).
RETRY_AFTER_ERROR = datetime.timedelta(minutes=5)
KEEP_RUNS = datetime.timedelta(days=7)
MESSAGE_LENGTH = 500


def is_due(job: ScheduledJob, now: datetime.datetime | None = None) -> bool:
    """Whether the job's latest moment still needs a run: none succeeded, none is running on a live worker,
    and the last failure (if any) is old enough to try again."""
    now = now or timezone.now()
    runs = list(JobRun.objects.filter(job=job.name, slot=job.latest_moment(now)))
    if any(run.outcome == RunOutcome.OK for run in runs):
        return False
    if any(run.outcome == RunOutcome.RUNNING and workers.is_alive(run.worker, now) for run in runs):
        return False
    failures = [run.finished_at for run in runs if run.outcome == RunOutcome.ERROR and run.finished_at]
    return not failures or now - max(failures) >= RETRY_AFTER_ERROR


def job_run(*, job: ScheduledJob, now: datetime.datetime | None = None) -> JobRun | None:
    """Run `job` for its latest moment and record start, end and result; None when another run has it already.

    The claim is the row itself: the database lets one run per job and moment be running or successful, so two
    workers ticking at once run it once. A run left "running" by a dead worker is closed as failed first.
    """
    now = now or timezone.now()
    close_abandoned_runs(now, job=job)
    try:
        with transaction.atomic():
            run = JobRun.objects.create(
                job=job.name, slot=job.latest_moment(now), started_at=now, worker=workers.worker_id()
            )
    except IntegrityError:
        return None
    except OperationalError:
        # SQLite only: a running import holds the write lock longer than the busy timeout. Nothing was claimed;
        # the next tick tries again.
        logger.warning("scheduled job %s: database busy, not started", job.name)
        return None
    try:
        summary = job.run()
    except Exception as error:  # recorded and logged (Sentry gets the log record); the next tick tries again
        logger.exception("scheduled job %s failed", job.name)
        run.outcome, run.message = RunOutcome.ERROR, f"{type(error).__name__}: {error}"[:MESSAGE_LENGTH]
    else:
        run.outcome, run.message = RunOutcome.OK, str(summary)[:MESSAGE_LENGTH]
        logger.info("scheduled job %s: %s", job.name, run.message)
    run.finished_at = timezone.now()
    run.save(update_fields=["outcome", "message", "finished_at"])
    JobRun.objects.filter(job=job.name, started_at__lt=now - KEEP_RUNS).delete()
    return run


def close_abandoned_runs(now: datetime.datetime | None = None, *, job: ScheduledJob | None = None) -> int:
    """Runs still "running" whose worker is dead will never finish: mark them failed, freeing their moment."""
    now = now or timezone.now()
    running = JobRun.objects.filter(outcome=RunOutcome.RUNNING)
    if job is not None:
        running = running.filter(job=job.name)
    closed = 0
    for run in running:
        if not workers.is_alive(run.worker, now):
            closed += JobRun.objects.filter(pk=run.pk, outcome=RunOutcome.RUNNING).update(
                outcome=RunOutcome.ERROR, message="The worker stopped during this run.", finished_at=now
            )
    return closed


@dataclass(frozen=True)
class JobStatus:
    """A scheduled job as /health/ shows it."""

    job: ScheduledJob
    last_run: JobRun | None
    last_success_at: datetime.datetime | None


def job_statuses() -> list[JobStatus]:
    """Every scheduled job with its latest run and its latest success, in two queries."""
    latest = {
        row["job"]: row
        for row in JobRun.objects.values("job").annotate(
            started=Max("started_at"), succeeded=Max("finished_at", filter=Q(outcome=RunOutcome.OK))
        )
    }
    condition = Q(pk__in=[])
    for name, row in latest.items():
        condition |= Q(job=name, started_at=row["started"])
    last_runs = {run.job: run for run in JobRun.objects.filter(condition).order_by("started_at", "pk")}
    return [JobStatus(job, last_runs.get(job.name), latest.get(job.name, {}).get("succeeded")) for job in SCHEDULE]
