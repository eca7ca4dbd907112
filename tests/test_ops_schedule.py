"""The schedule: when each job is due, once per moment however many workers tick, failures retried, runs recorded.

Time is frozen with time-machine (never slept); tasks run in-process (HUEY immediate mode in test settings).
"""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from presales.core import workers
from presales.notifications.models import Notification
from presales.ops import runs
from presales.ops.models import JobRun, RunOutcome
from presales.ops.schedule import JOBS, SCHEDULE, DailyAt, Every, ScheduledJob, WeeklyAt
from presales.ops.tasks import scheduler_tick
from presales.work.models import SupportRequest
from tests.factories.work import make_support_request

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    """A moment in China time."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


# --- when a job is due ------------------------------------------------------------------------------------


def test_every_five_minutes_is_on_the_clock():
    rule = Every(minutes=5)
    assert rule.latest(at("2026-03-02 10:07:59")) == at("2026-03-02 10:05")
    assert rule.latest(at("2026-03-02 10:10:00")) == at("2026-03-02 10:10")


def test_daily_jobs_run_at_the_local_hour_not_utc():
    rule = DailyAt(hour=8)
    # 07:59 in Shanghai is 23:59 UTC the day before: the latest 08:00 is yesterday's.
    assert rule.latest(at("2026-03-02 07:59")) == at("2026-03-01 08:00")
    assert rule.latest(at("2026-03-02 08:00")) == at("2026-03-02 08:00")
    assert rule.latest(at("2026-03-02 23:30")) == at("2026-03-02 08:00")


def test_the_schedule_has_every_background_job_once_with_the_agreed_rhythm():
    assert [job.name for job in SCHEDULE] == [
        "escalate_requests",
        "send_step_reminders",
        "send_bid_reminders",
        "send_rating_reminders",
        "take_forecast_snapshot",
        "deliver_messages",
        "refresh_capacity_forecast",
        "check_deal_health",
        "recover_stuck_imports",
        "retrain_win_model",
    ]
    assert JOBS["escalate_requests"].when == Every(minutes=5)
    assert JOBS["deliver_messages"].when == Every(minutes=1)  # the shortest backoff is a minute
    assert JOBS["send_step_reminders"].when == Every(minutes=5)
    assert isinstance(JOBS["send_bid_reminders"].when, DailyAt)
    assert isinstance(JOBS["send_rating_reminders"].when, DailyAt)
    assert 7 <= JOBS["send_bid_reminders"].when.hour <= 9
    assert JOBS["refresh_capacity_forecast"].when == DailyAt(hour=5, minute=30)  # before the working day
    assert JOBS["retrain_win_model"].when.period == datetime.timedelta(days=7)
    assert JOBS["check_deal_health"].when == DailyAt(hour=3, minute=15)  # at night


def test_weekly_jobs_run_on_their_local_weekday():
    rule = WeeklyAt(weekday=6, hour=2, minute=30)
    # Sunday 2026-03-08 02:30 in Shanghai (Saturday 18:30 UTC).
    assert rule.latest(at("2026-03-08 02:29")) == at("2026-03-01 02:30")
    assert rule.latest(at("2026-03-08 02:30")) == at("2026-03-08 02:30")
    assert rule.latest(at("2026-03-11 12:00")) == at("2026-03-08 02:30")


# --- the escalation, end to end through the scheduler --------------------------------------------------------


def make_request(personas) -> SupportRequest:
    return make_support_request(personas, kind="bid_document")


def test_an_overdue_request_is_escalated_by_the_scheduled_task(personas, django_capture_on_commit_callbacks):
    support = make_request(personas)
    assert support.triage_due_at is not None
    with time_machine.travel(support.triage_due_at + datetime.timedelta(minutes=1), tick=False):
        # Nothing has run yet at this moment: the tick finds every job due and runs it.
        with django_capture_on_commit_callbacks(execute=True):
            due = scheduler_tick.call_local()
        assert "escalate_requests" in due
        support.refresh_from_db()
        assert support.escalated_at == timezone.now()
        run = JobRun.objects.get(job="escalate_requests")
        assert (run.outcome, run.message) == (RunOutcome.OK, "1 request(s) escalated")
        assert Notification.objects.filter(recipient=personas.presales_manager, kind="request_escalated").count() == 1
        # The same moment again (a second worker's tick): nothing is due, nothing runs twice.
        assert scheduler_tick.call_local() == []
    with time_machine.travel(support.triage_due_at + datetime.timedelta(minutes=6), tick=False):
        assert "escalate_requests" in scheduler_tick.call_local()
        latest = JobRun.objects.filter(job="escalate_requests").first()
        assert latest.message == "0 request(s) escalated"
    assert Notification.objects.filter(recipient=personas.presales_manager, kind="request_escalated").count() == 1


def test_a_request_not_yet_overdue_is_left_alone_by_the_schedule(personas):
    support = make_request(personas)
    with time_machine.travel(support.triage_due_at - datetime.timedelta(minutes=10), tick=False):
        scheduler_tick.call_local()
    support.refresh_from_db()
    assert support.escalated_at is None
    assert JobRun.objects.get(job="escalate_requests").outcome == RunOutcome.OK


# --- once per moment, failures retried, abandoned runs closed ----------------------------------------------------


def counting_job(calls: list[str], when=None, fail: bool = False) -> ScheduledJob:
    def run() -> str:
        calls.append("ran")
        if fail:
            raise RuntimeError("mail server said no")
        return "did it"

    return ScheduledJob("test_job", run, when or Every(minutes=5))


@time_machine.travel(at("2026-03-02 10:07"), tick=False)
def test_two_workers_ticking_at_once_run_a_job_once():
    calls: list[str] = []
    job = counting_job(calls)
    first = runs.job_run(job=job)
    second = runs.job_run(job=job)
    assert first is not None and first.outcome == RunOutcome.OK and first.message == "did it"
    assert first.slot == at("2026-03-02 10:05")
    assert second is None
    assert calls == ["ran"]
    assert not runs.is_due(job)


def test_a_failed_run_is_recorded_and_tried_again_after_a_pause():
    calls: list[str] = []
    job = counting_job(calls, when=Every(minutes=15), fail=True)
    with time_machine.travel(at("2026-03-02 10:00:30"), tick=False):
        run = runs.job_run(job=job)
        assert run.outcome == RunOutcome.ERROR
        assert run.message == "RuntimeError: mail server said no"
    with time_machine.travel(at("2026-03-02 10:03"), tick=False):
        assert not runs.is_due(job)  # failed 2.5 minutes ago: wait
    with time_machine.travel(at("2026-03-02 10:05:31"), tick=False):
        assert runs.is_due(job)  # still the 10:00 moment, five minutes after the failure: try again
        assert runs.job_run(job=job).outcome == RunOutcome.ERROR
    assert calls == ["ran", "ran"]


def test_a_daily_job_runs_once_a_day_and_catches_up_when_the_worker_was_down():
    calls: list[str] = []
    job = counting_job(calls, when=DailyAt(hour=8))
    with time_machine.travel(at("2026-03-02 15:00"), tick=False):
        # A fresh install at 15:00: today's 08:00 run never happened, so it runs now.
        assert runs.is_due(job)
        runs.job_run(job=job)
        assert not runs.is_due(job)
    with time_machine.travel(at("2026-03-03 07:59"), tick=False):
        assert not runs.is_due(job)
    with time_machine.travel(at("2026-03-03 08:00"), tick=False):
        assert runs.is_due(job)


def test_a_run_left_running_by_a_dead_worker_is_closed_and_its_moment_run_again():
    calls: list[str] = []
    job = counting_job(calls)
    with time_machine.travel(at("2026-03-02 10:06"), tick=False):
        JobRun.objects.create(
            job=job.name, slot=at("2026-03-02 10:05"), started_at=timezone.now(), worker="gone-host:4242"
        )
        assert runs.is_due(job)  # its worker has no heartbeat: the run will never finish
        run = runs.job_run(job=job)
    assert run is not None and run.outcome == RunOutcome.OK
    abandoned = JobRun.objects.get(worker="gone-host:4242")
    assert abandoned.outcome == RunOutcome.ERROR
    assert abandoned.message == "The worker stopped during this run."


def test_a_run_in_progress_on_a_live_worker_is_not_started_again():
    calls: list[str] = []
    job = counting_job(calls)
    with time_machine.travel(at("2026-03-02 10:06"), tick=False):
        workers.beat(kind="worker", started_at=timezone.now(), worker="busy-host:77")
        JobRun.objects.create(
            job=job.name, slot=at("2026-03-02 10:05"), started_at=timezone.now(), worker="busy-host:77"
        )
        assert not runs.is_due(job)
        assert runs.job_run(job=job) is None
    assert calls == []


def test_old_run_records_are_pruned_after_a_week():
    calls: list[str] = []
    job = counting_job(calls)
    with time_machine.travel(at("2026-03-01 10:00"), tick=False):
        runs.job_run(job=job)
    with time_machine.travel(at("2026-03-09 10:00"), tick=False):
        runs.job_run(job=job)
    assert JobRun.objects.filter(job=job.name).count() == 1


# --- the commands stay thin "run it now" wrappers of the same services ---------------------------------------


def test_the_run_it_now_commands_call_the_scheduled_services(personas, capsys):
    support = make_request(personas)
    call_command("escalate_requests", now=(support.triage_due_at + datetime.timedelta(minutes=1)).isoformat())
    call_command("send_step_reminders")
    call_command("send_bid_reminders")
    call_command("send_rating_reminders")
    output = capsys.readouterr().out
    assert "1 request(s) escalated" in output
    support.refresh_from_db()
    assert support.escalated_at is not None


def test_a_busy_database_leaves_the_moment_for_the_next_tick(monkeypatch):
    """On SQLite a long import holds the write lock past the busy timeout: the job is not started, not lost."""
    calls: list[str] = []
    job = counting_job(calls)

    def locked(**fields):
        raise OperationalError("database is locked")

    with time_machine.travel(at("2026-03-02 10:06"), tick=False):
        monkeypatch.setattr(JobRun.objects, "create", locked)
        assert runs.job_run(job=job) is None
        monkeypatch.undo()
        assert calls == [] and runs.is_due(job)
        assert runs.job_run(job=job).outcome == RunOutcome.OK
