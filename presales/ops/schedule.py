"""THE schedule: every background job that runs by itself, and when. Nothing else schedules work.

Each job is an app's task (`<app>/tasks.py`, a thin wrapper over that app's service) and a rule saying which moment
it serves: every few minutes, or daily at a local hour (settings.TIME_ZONE, China time by default). The worker's
scheduler ticks every minute (presales/ops/tasks.py); at each tick a job whose latest moment has no successful run
yet is run. So a fresh worker runs every job within its first minute (catch-up), a daily job missed while no
worker ran runs when one starts, a failed run is tried again a few minutes later, and several workers on several
machines still run each job once per moment (ops.runs claims the moment in the database). Every job is idempotent:
running it twice sends nothing twice.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from presales.bids import tasks as bid_tasks
from presales.capacity import tasks as capacity_tasks
from presales.deals import tasks as deal_tasks
from presales.forecast import tasks as forecast_tasks
from presales.integration import tasks as import_tasks
from presales.notifications import tasks as notification_tasks
from presales.scoring import tasks as scoring_tasks
from presales.winning import tasks as winning_tasks
from presales.work import tasks as work_tasks

EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Every:
    """Every `minutes` minutes, on the clock (every 5 minutes: at :00, :05, :10 ...)."""

    minutes: int

    def latest(self, now: datetime.datetime) -> datetime.datetime:
        step = datetime.timedelta(minutes=self.minutes)
        return EPOCH + ((now - EPOCH) // step) * step

    @property
    def period(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.minutes)

    def describe(self) -> str:
        return f"every {self.minutes} min"


@dataclass(frozen=True)
class DailyAt:
    """Once a day at a local time (settings.TIME_ZONE)."""

    hour: int
    minute: int = 0

    def latest(self, now: datetime.datetime) -> datetime.datetime:
        local_now = now.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
        moment = local_now.replace(hour=self.hour, minute=self.minute, second=0, microsecond=0)
        if moment > local_now:
            moment -= datetime.timedelta(days=1)
        return moment

    @property
    def period(self) -> datetime.timedelta:
        return datetime.timedelta(days=1)

    def describe(self) -> str:
        return f"daily at {self.hour:02d}:{self.minute:02d} {settings.TIME_ZONE}"


@dataclass(frozen=True)
class WeeklyAt:
    """Once a week on a weekday (Monday is 0) at a local time (settings.TIME_ZONE)."""

    weekday: int
    hour: int
    minute: int = 0

    def latest(self, now: datetime.datetime) -> datetime.datetime:
        local_now = now.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
        moment = local_now.replace(hour=self.hour, minute=self.minute, second=0, microsecond=0)
        moment -= datetime.timedelta(days=(local_now.weekday() - self.weekday) % 7)
        if moment > local_now:
            moment -= datetime.timedelta(days=7)
        return moment

    @property
    def period(self) -> datetime.timedelta:
        return datetime.timedelta(days=7)

    def describe(self) -> str:
        day = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[self.weekday]
        return f"weekly on {day} at {self.hour:02d}:{self.minute:02d} {settings.TIME_ZONE}"


@dataclass(frozen=True)
class ScheduledJob:
    """One job of the schedule: a stable name (run records, /health/), what it does and when."""

    name: str
    run: Callable[[], str]  # does the work now, returns a one-line summary
    when: Every | DailyAt | WeeklyAt

    def latest_moment(self, now: datetime.datetime | None = None) -> datetime.datetime:
        """The most recent moment (at or before now) this job is due for."""
        return self.when.latest(now or timezone.now())


SCHEDULE: tuple[ScheduledJob, ...] = (
    ScheduledJob(
        "escalate_requests",
        work_tasks.escalate_requests.call_local,
        Every(minutes=5),
    ),
    ScheduledJob(
        "send_step_reminders",
        deal_tasks.send_step_reminders.call_local,
        Every(minutes=5),
    ),
    ScheduledJob(
        "send_bid_reminders",
        bid_tasks.send_bid_reminders.call_local,
        # Before the working day starts, so the reminder is the first thing people see.
        DailyAt(hour=8, minute=0),
    ),
    ScheduledJob(
        "send_rating_reminders",
        scoring_tasks.send_rating_reminders.call_local,
        DailyAt(hour=8, minute=10),
    ),
    ScheduledJob(
        # Weekly in effect: the first run of a week takes its snapshot (Monday morning, or the first day a worker
        # runs), every later run that week finds it taken and does nothing.
        "take_forecast_snapshot",
        forecast_tasks.take_snapshot.call_local,
        DailyAt(hour=6, minute=30),
    ),
    ScheduledJob(
        # Retries of e-mail, chat and webhook deliveries whose backoff is over, and first tries whose task was lost.
        "deliver_messages",
        notification_tasks.deliver_due,
        Every(minutes=1),
    ),
    ScheduledJob(
        # Overnight, so the forecast page opens on today's pipeline, leave and bookings.
        "refresh_capacity_forecast",
        capacity_tasks.refresh_forecast,
        DailyAt(hour=5, minute=30),
    ),
    ScheduledJob(
        # The safety net under the deals' health columns (deals.health): at night, when a full recomputation
        # (a few seconds at 50,000 deals) is in nobody's way.
        "check_deal_health",
        deal_tasks.check_deal_health.call_local,
        DailyAt(hour=3, minute=15),
    ),
    ScheduledJob(
        "recover_stuck_imports",
        import_tasks.recover_stuck_imports,
        Every(minutes=1),
    ),
    ScheduledJob(
        # The win-probability model learns from the week's newly closed deals; Sunday night, when nobody waits.
        "retrain_win_model",
        winning_tasks.retrain_weekly,
        WeeklyAt(weekday=6, hour=2, minute=30),
    ),
)
JOBS = {job.name: job for job in SCHEDULE}
