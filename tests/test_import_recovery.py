"""Nothing stuck: imports whose worker died are taken over or failed with a message; Retry and Cancel.

The real kill -9 of a worker process is in tests/test_worker_process.py; here the dead worker is a worker id with
no heartbeat (or a process that no longer exists on this machine), and tasks run in-process.
"""

from __future__ import annotations

import datetime
import os
import socket
import subprocess
import sys

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from presales.core import workers
from presales.deals.models import Opportunity
from presales.integration import runner, services
from presales.integration import tasks as import_tasks
from presales.integration.models import ImportJob, ImportStatus
from presales.people.models import Role
from tests.import_steps import queue_check

pytestmark = pytest.mark.django_db
DEALS = (
    "Deal Name,Associated Company,Close Date,Industry,Region,Record ID\n"
    "Core banking,华东银行,2026-12-01,finance,east,HS-1\n"
    "Data lake,华东银行,2026-12-02,finance,east,HS-2\n"
    "Call centre,NewCo,2026-12-03,finance,east,HS-3\n"
).encode()
DEAD_WORKER = "a-machine-that-is-gone:4242"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def checked_job(personas) -> ImportJob:
    job = services.import_job_create(
        actor=personas.owner, kind="opportunities", upload=SimpleUploadedFile("deals.csv", DEALS)
    )
    queue_check(personas.owner, job)
    assert runner.run_pending() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED, job.failure
    return job


def left_running_by(job: ImportJob, worker: str, *, attempts: int = 1, status: str = ImportStatus.IMPORTING) -> None:
    """What a worker killed in the middle of the job leaves behind (its transaction was rolled back)."""
    ImportJob.objects.filter(pk=job.pk).update(status=status, worker=worker, attempts=attempts)
    runner.write_progress(job, 2)


def imported() -> int:
    return Opportunity.objects.filter(external_id__startswith="HS-").count()


def test_an_import_of_a_dead_worker_is_taken_over_and_completed(personas):
    job = checked_job(personas)
    job.skip_errors = False
    left_running_by(job, DEAD_WORKER)
    assert imported() == 0
    summary = import_tasks.recover_stuck_imports()  # the sweeper (every minute, and at each worker start)
    assert summary.startswith("1 stuck import(s) queued again")
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.failure
    assert (job.created_count, job.attempts) == (3, 2)
    assert job.worker == workers.worker_id()
    assert imported() == 3


def test_after_the_last_attempt_the_job_fails_with_a_clear_message_in_the_uploaders_language(personas, settings):
    settings.PRESALES_IMPORT_MAX_ATTEMPTS = 2
    personas.owner.language = "zh-hans"
    personas.owner.save()
    job = checked_job(personas)
    left_running_by(job, DEAD_WORKER, attempts=2)
    assert runner.recover_stuck_jobs() == []
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.retry_from == ImportStatus.IMPORT_QUEUED
    assert job.failure == (
        "导入此文件的工作进程中断了（崩溃或被重启），共 2 次。未导入任何数据：导入要么全部写入，要么完全不写入。"
        "请点击“重试”重新导入。"
    )
    assert imported() == 0


def test_a_check_of_a_dead_worker_is_checked_again(personas):
    job = checked_job(personas)
    left_running_by(job, DEAD_WORKER, status=ImportStatus.CHECKING)
    import_tasks.recover_stuck_imports()
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED and job.planned_created == 3
    assert imported() == 0


def test_a_live_workers_job_is_left_alone(personas):
    job = checked_job(personas)
    workers.beat(kind="worker", started_at=timezone.now(), worker="busy-machine:88")
    left_running_by(job, "busy-machine:88")
    assert runner.recover_stuck_jobs() == []
    job.refresh_from_db()
    assert job.status == ImportStatus.IMPORTING


def test_a_worker_whose_heartbeat_stopped_45_seconds_ago_is_dead(personas):
    job = checked_job(personas)
    now = timezone.now()
    workers.beat(kind="worker", started_at=now, worker="quiet-machine:9")
    left_running_by(job, "quiet-machine:9")
    with time_machine.travel(now + datetime.timedelta(seconds=30), tick=False):
        assert runner.recover_stuck_jobs() == []
    with time_machine.travel(now + datetime.timedelta(seconds=46), tick=False):
        assert runner.recover_stuck_jobs() == [job.pk]


def test_a_process_gone_from_this_machine_is_dead_at_once_whatever_its_heartbeat(personas):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)  # noqa: S603
    gone = f"{socket.gethostname()}:{finished.stdout.strip()}"
    workers.beat(kind="worker", started_at=timezone.now(), worker=gone)
    assert not workers.is_alive(gone)
    assert workers.is_alive(f"{socket.gethostname()}:{os.getpid()}") is False  # no heartbeat from this test process
    workers.beat(kind="worker", started_at=timezone.now())
    assert workers.is_alive(workers.worker_id())


def test_a_queued_job_whose_task_was_lost_is_sent_again(personas):
    job = checked_job(personas)
    services.import_job_start(actor=personas.owner, job=job, skip_errors=False)  # the task never got sent (no commit)
    job.refresh_from_db()
    assert job.status == ImportStatus.IMPORT_QUEUED
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1), tick=False):
        import_tasks.recover_stuck_imports()
        assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.IMPORT_QUEUED  # may still be on its way
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=3), tick=False):
        summary = import_tasks.recover_stuck_imports()
    assert summary.endswith("1 lost task(s) sent again")
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.DONE
    assert imported() == 3


def test_a_job_taken_over_while_its_old_worker_still_ran_keeps_only_one_run(personas, monkeypatch):
    """The old worker was thought dead but finishes after all: its result must not be written twice."""
    job = checked_job(personas)
    services.import_job_start(actor=personas.owner, job=job, skip_errors=False)
    reporter = runner._progress_reporter

    def taken_over_midway(job):
        report = reporter(job)

        def progress(done):
            ImportJob.objects.filter(pk=job.pk).update(worker="the-new-worker:1")
            report(done)

        return progress

    monkeypatch.setattr(runner, "_progress_reporter", taken_over_midway)
    assert runner.run_job(job.pk)
    assert imported() == 0  # this run was rolled back; the job is the new worker's


# --- Retry and Cancel on the import page ----------------------------------------------------------------------


def test_retry_on_the_page_runs_a_failed_import_again(personas, login, django_capture_on_commit_callbacks):
    job = checked_job(personas)
    left_running_by(job, DEAD_WORKER, attempts=5)
    runner.recover_stuck_jobs()
    client = login(personas.owner)
    page = client.get(f"/integration/import/{job.pk}/")
    assert f'action="/integration/import/{job.pk}/retry/"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/integration/import/{job.pk}/retry/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.attempts == 1
    assert imported() == 3
    retried = job.history.filter(history_change_reason="retried").get()
    assert retried.history_user == personas.owner and retried.status == ImportStatus.IMPORT_QUEUED


def test_retry_is_refused_for_a_job_that_did_not_fail(personas, login):
    job = checked_job(personas)
    response = login(personas.owner).post(f"/integration/import/{job.pk}/retry/", follow=True)
    assert "Only a failed or cancelled import can be retried." in response.content.decode()
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.CHECKED


def test_cancel_a_waiting_import_keeps_nothing_and_is_audited(personas, login):
    job = checked_job(personas)
    services.import_job_start(actor=personas.owner, job=job, skip_errors=False)  # queued, not yet run
    client = login(personas.owner)
    response = client.post(f"/integration/import/{job.pk}/cancel/", follow=True)
    assert "The import was cancelled. Nothing was imported." in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED and job.retry_from == ImportStatus.IMPORT_QUEUED
    assert not runner.run_job(job.pk)  # its task arriving later does nothing
    assert imported() == 0
    cancelled = job.history.filter(history_change_reason="cancelled").get()
    assert cancelled.history_user == personas.owner


def test_cancel_a_running_import_stops_it_at_the_next_progress_point_and_rolls_back(personas, login):
    job = checked_job(personas)
    services.import_job_start(actor=personas.owner, job=job, skip_errors=False)
    job.refresh_from_db()
    workers.beat(kind="worker", started_at=timezone.now())  # this process is the live worker running it
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING, worker=workers.worker_id())
    response = login(personas.owner).post(f"/integration/import/{job.pk}/cancel/", follow=True)
    assert "The import is stopping." in response.content.decode()
    assert runner.cancel_requested(job)
    assert "Stopping: the rows done so far are being undone." in response.content.decode()
    # The worker, at its next progress point, sees the request:
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORT_QUEUED, worker="")
    assert runner.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED
    assert imported() == 0
    assert job.history.filter(history_change_reason="cancelled while running").get().history_user == personas.owner
    assert not runner.cancel_requested(job)


def test_only_the_uploader_may_retry_or_cancel(personas, login):
    job = checked_job(personas)
    for user, status in ((personas.admin, 403), (personas.teammate, 404), (personas.outsider, 404)):
        for action in ("retry", "cancel"):
            assert login(user).post(f"/integration/import/{job.pk}/{action}/").status_code == status
    assert login(personas.owner).get(f"/integration/import/{job.pk}/retry/").status_code == 405
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.CHECKED


def test_the_page_says_when_no_worker_runs_and_when_the_worker_stopped(personas, login):
    job = checked_job(personas)
    services.import_job_start(actor=personas.owner, job=job, skip_errors=False)
    client = login(personas.owner)
    assert (
        "No worker is running, so this import is waiting."
        in client.get(f"/integration/import/{job.pk}/").content.decode()
    )
    workers.beat(kind="worker", started_at=timezone.now(), worker="live-worker:3")
    assert "No worker is running" not in client.get(f"/integration/import/{job.pk}/").content.decode()
    left_running_by(job, DEAD_WORKER)
    assert (
        "Another worker takes it over within a minute" in client.get(f"/integration/import/{job.pk}/").content.decode()
    )


def test_retry_and_cancel_speak_chinese(personas, login):
    personas.owner.language = "zh-hans"
    personas.owner.role = Role.SALES
    personas.owner.save()
    job = checked_job(personas)
    left_running_by(job, DEAD_WORKER, attempts=9)
    runner.recover_stuck_jobs()
    page = login(personas.owner).get(f"/integration/import/{job.pk}/").content.decode()
    assert ">重试</button>" in page and "取消导入" not in page  # a failed job can be retried, not cancelled
    assert "未导入任何数据" in page
