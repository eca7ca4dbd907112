"""GET /health/: 200 when the database answers and a worker was seen in the last two minutes, else 503.

Time is frozen with time-machine; the worker's heartbeat is written as a worker writes it (core.workers.beat).
"""

from __future__ import annotations

import datetime
import json
import zoneinfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from presales.core import workers
from presales.ops import runs
from presales.ops.schedule import JOBS, SCHEDULE, ScheduledJob

pytestmark = pytest.mark.django_db
NOON = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def get_health(client: Client | None = None, **headers):
    response = (client or Client()).get("/health/", **headers)
    return response, json.loads(response.content)


def worker_beat_at(moment: datetime.datetime, worker: str = "worker-host:101") -> None:
    with time_machine.travel(moment, tick=False):
        workers.beat(kind="worker", started_at=moment, worker=worker)


@time_machine.travel(NOON, tick=False)
def test_healthy_with_a_live_worker_and_every_scheduled_job_listed():
    worker_beat_at(NOON - datetime.timedelta(seconds=20))
    for job in SCHEDULE:
        runs.job_run(job=job)
    response, body = get_health()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["queue"]["ok"] is True and body["queue"]["pending"] == 0
    assert body["worker"] == {
        "ok": True,
        "last_heartbeat": "2026-03-02T03:59:40+00:00",
        "seconds_since_heartbeat": 20,
        "alive": 1,
    }
    assert [job["name"] for job in body["scheduled_jobs"]] == [job.name for job in SCHEDULE]
    for job in body["scheduled_jobs"]:
        assert job["result"] == "ok", job
        assert job["last_run"] == job["last_success"] == "2026-03-02T04:00:00+00:00"
        assert job["due_since"] is None


@time_machine.travel(NOON, tick=False)
def test_no_worker_ever_seen_is_unhealthy():
    response, body = get_health()
    assert response.status_code == 503
    assert body["status"] == "unhealthy"
    assert body["worker"]["ok"] is False and body["worker"]["last_heartbeat"] is None
    assert body["database"]["ok"] is True
    # Jobs that never ran are reported as due, with no result.
    assert all(job["result"] is None and job["due_since"] for job in body["scheduled_jobs"])


def test_a_worker_silent_for_two_minutes_makes_it_unhealthy():
    worker_beat_at(NOON)
    with time_machine.travel(NOON + datetime.timedelta(seconds=119), tick=False):
        assert get_health()[0].status_code == 200
    with time_machine.travel(NOON + datetime.timedelta(seconds=121), tick=False):
        response, body = get_health()
    assert response.status_code == 503
    assert body["worker"]["ok"] is False
    assert body["worker"]["seconds_since_heartbeat"] == 121


@time_machine.travel(NOON, tick=False)
def test_database_down_is_unhealthy_and_says_nothing_more(monkeypatch):
    worker_beat_at(NOON)

    def refuse(*args, **kwargs):
        raise OperationalError('could not connect to server at "db.internal" (10.0.0.5), password authentication')

    monkeypatch.setattr("presales.ops.health.connection.cursor", refuse)
    response, body = get_health()
    assert response.status_code == 503
    assert body["database"] == {"ok": False}
    assert body["scheduled_jobs"] == []
    assert "db.internal" not in response.content.decode() and "password" not in response.content.decode()


@time_machine.travel(NOON, tick=False)
def test_a_failed_job_shows_its_error_type_but_not_its_text():
    worker_beat_at(NOON)

    def fail() -> str:
        raise ValueError("customer 华东银行 has no e-mail")

    job = JOBS["send_bid_reminders"]
    runs.job_run(job=ScheduledJob(job.name, fail, job.when))
    response, body = get_health()
    assert response.status_code == 200  # a failed job is reported, it does not take the site down
    report = next(item for item in body["scheduled_jobs"] if item["name"] == "send_bid_reminders")
    assert report["result"] == "error" and report["error"] == "ValueError"
    assert report["last_success"] is None
    assert "华东银行" not in response.content.decode()


@time_machine.travel(NOON, tick=False)
def test_health_needs_no_login_holds_no_secrets_and_bypasses_host_check_and_https_redirect(settings):
    settings.ALLOWED_HOSTS = ["presales.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    settings.DATABASES["default"]["PASSWORD"] = "s3cret-db-password"  # noqa: S105
    worker_beat_at(NOON, worker="secret-hostname:7")
    # As the container health check calls it: plain HTTP, to 127.0.0.1, no cookies.
    response, body = get_health(HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    text = response.content.decode()
    for secret in ("s3cret-db-password", "secret-hostname", settings.SECRET_KEY, "redis://"):
        assert secret not in text
    assert response["Cache-Control"].startswith("max-age=0")
    # Other pages still get the host check.
    assert Client().get("/", HTTP_HOST="127.0.0.1:8000").status_code == 400


def test_health_only_reads():
    assert Client().post("/health/").status_code == 405


@time_machine.travel(NOON, tick=False)
def test_health_query_count_does_not_grow_with_runs(django_assert_max_num_queries):
    worker_beat_at(NOON)
    for minutes in range(0, 60, 5):
        with time_machine.travel(NOON - datetime.timedelta(minutes=minutes), tick=False):
            for job in SCHEDULE:
                runs.job_run(job=job)
    with django_assert_max_num_queries(3 + len(SCHEDULE)):
        assert get_health()[0].status_code == 200


def test_the_health_command_exits_non_zero_when_unhealthy(capsys):
    with time_machine.travel(NOON, tick=False):
        with pytest.raises(CommandError):
            call_command("health")
        worker_beat_at(NOON)
        call_command("health")
    assert '"status": "ok"' in capsys.readouterr().out


def test_heartbeats_of_workers_gone_for_a_day_are_forgotten():
    worker_beat_at(NOON - datetime.timedelta(days=2), worker="old-host:1")
    worker_beat_at(NOON, worker="new-host:2")
    with time_machine.travel(NOON, tick=False):
        assert workers.forget_departed() == 1
        assert [heartbeat.worker for heartbeat in workers.heartbeats()] == ["new-host:2"]
        assert timezone.now() == NOON
