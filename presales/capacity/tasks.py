"""Capacity work for the queue's worker: compute the forecast (scheduled in presales/ops/schedule.py, and on demand
from the forecast page)."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey.contrib.djhuey import db_task

from presales.capacity import forecast, services
from presales.capacity.models import ForecastRun, ForecastStatus

logger = logging.getLogger(__name__)
KEEP_RUNS = 20  # finished runs kept: the page reads the latest; older ones only show the trend of the job


def run_forecast(run_id: int) -> str:
    """Compute one queued run and store its result; a run already taken by another worker is left alone."""
    claimed = ForecastRun.objects.filter(pk=run_id, status=ForecastStatus.QUEUED).update(
        status=ForecastStatus.RUNNING, started_at=timezone.now(), progress=0
    )
    if not claimed:
        return "nothing to do"
    run = ForecastRun.objects.get(pk=run_id)

    def progress(percent: int) -> None:
        ForecastRun.objects.filter(pk=run_id).update(progress=percent)

    try:
        result = forecast.compute(run.as_of, progress)
    except Exception as error:  # stored on the run so the page says what went wrong
        logger.exception("capacity forecast %s failed", run_id)
        ForecastRun.objects.filter(pk=run_id).update(
            status=ForecastStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    ForecastRun.objects.filter(pk=run_id).update(
        status=ForecastStatus.DONE, result=result, progress=100, finished_at=timezone.now()
    )
    stale = ForecastRun.objects.filter(status=ForecastStatus.DONE).order_by("-finished_at", "-pk")[KEEP_RUNS:]
    ForecastRun.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()
    return f"capacity forecast as of {run.as_of}: {result['open_deals']} open deal(s)"


@db_task(name="capacity.compute_forecast")
def compute_forecast(run_id: int) -> str:
    """The on-demand run the forecast page queued."""
    return run_forecast(run_id)


def refresh_forecast() -> str:
    """The nightly run (presales/ops/schedule.py): queue today's forecast and compute it in this worker."""
    run = services.forecast_request(actor=None)
    return run_forecast(run.pk)
