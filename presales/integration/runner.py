"""Running import jobs: claim a queued job, check or import its rows, report progress, and take over stuck jobs.

The worker first *reads* an upload (`_scan`: encoding, shape, each column's distinct values, formula cells), so no
file is parsed inside the upload request; the person then chooses columns and values.

This is the part of the import that runs in the worker (`integration.tasks.run_import_job`), or in
`manage.py run_imports`; the person's actions (upload, columns, start, retry, cancel) are in services.py.

The check replays every row through the real services inside a transaction that is rolled back, so the preview
shows exactly the errors the import would meet, in the uploader's language. The import replays the rows again,
skipping the rows that failed the check if the person asked to, in ONE transaction: any unexpected error, a
cancellation, or the worker dying rolls everything back, so nothing half-written ever remains.

Files over PRESALES_IMPORT_BULK_THRESHOLD rows (500) of accounts take the bulk path in integration.bulk for both
passes: the same conversions, lookups, model validation and service rules, written in batches with history rows.
Both passes stream the file (csv reader / openpyxl read-only) so memory stays bounded.

Progress and cancellation go through small files next to the upload, because the running transaction is invisible
to the progress page until it commits (and on SQLite it holds the write lock). A job records which worker claimed
it; when that worker is dead (core.workers), `recover_stuck_jobs` queues the job again, at most
PRESALES_IMPORT_MAX_ATTEMPTS times, then marks it failed with a message saying so.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from presales.core import workers
from presales.core.history import attribute_change, save_with_history
from presales.integration import bulk, parsers
from presales.integration import mapping as m
from presales.integration.importers import IMPORTERS, row_outcome
from presales.integration.models import QUEUED_FOR, ImportJob, ImportRowError, ImportStatus
from presales.integration.values import Resolver
from presales.people.models import User

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 250
ERROR_BATCH = 1000
DEFAULT_MAX_ATTEMPTS = 2


class _Rollback(Exception):
    """Raised at the end of the check to undo its writes."""


class ImportCancelled(Exception):
    """The person cancelled the running job; raised at the next progress point so the transaction rolls back."""

    def __init__(self, actor_id: int | None):
        self.actor_id = actor_id
        super().__init__("cancelled")


class TakenOver(Exception):
    """The job was given to another worker while this one ran it (this one was thought dead): undo, say nothing."""


# --- progress and cancellation, outside the database --------------------------------------------------------------


def progress_path(job: ImportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{job.pk}.json"


def cancel_path(job: ImportJob) -> Path:
    return progress_path(job).with_suffix(".cancel")


def write_progress(job: ImportJob, done: int) -> None:
    path = progress_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"done": done, "total": job.total_rows}))
    temporary.replace(path)


def spool_path(job: ImportJob) -> Path:
    """The rows of an .xlsx upload as the scan read them (parsers.scan), so the check and the import do not parse
    the workbook again; removed once the import is done or the file refused."""
    return progress_path(job).with_suffix(".rows.csv")


def read_progress(job: ImportJob) -> int:
    try:
        return int(json.loads(progress_path(job).read_text())["done"])
    except (OSError, ValueError, KeyError):
        return 0


def request_cancel(job: ImportJob, actor: User) -> None:
    """Ask the worker running `job` to stop at its next progress point (a file: the database may be locked)."""
    path = cancel_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"actor": actor.pk}))


def cancel_requested(job: ImportJob) -> bool:
    return cancel_path(job).exists()


def clear_cancel(job: ImportJob) -> None:
    cancel_path(job).unlink(missing_ok=True)


def _cancel_requester(job: ImportJob) -> int | None:
    try:
        return int(json.loads(cancel_path(job).read_text())["actor"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _progress_reporter(job: ImportJob) -> Callable[[int], None]:
    """Write the progress file; stop the job there if the person asked to cancel it."""

    def report(done: int) -> None:
        write_progress(job, done)
        if cancel_requested(job):
            raise ImportCancelled(_cancel_requester(job))

    return report


# --- running ---------------------------------------------------------------------------------------------


def run_pending(limit: int | None = None) -> int:
    """Run every waiting job (oldest first); returns how many ran. `manage.py run_imports` calls this."""
    count = 0
    while limit is None or count < limit:
        job = ImportJob.objects.filter(status__in=QUEUED_FOR.values()).order_by("updated_at", "pk").first()
        if job is None or not run_job(job.pk):
            break
        count += 1
    return count


def run_job(job_id: int) -> bool:
    """Claim and run one queued job (check or import). False when it is not waiting (another runner claimed it,
    it was cancelled, or it ran already): running the same job twice does nothing the second time."""
    me = workers.worker_id()
    for queued, running in (
        (ImportStatus.SCAN_QUEUED, ImportStatus.SCANNING),
        (ImportStatus.CHECK_QUEUED, ImportStatus.CHECKING),
        (ImportStatus.IMPORT_QUEUED, ImportStatus.IMPORTING),
    ):
        claimed = ImportJob.objects.filter(pk=job_id, status=queued).update(
            status=running, started_at=timezone.now(), updated_at=timezone.now(), worker=me, attempts=F("attempts") + 1
        )
        if not claimed:
            continue
        job = ImportJob.objects.select_related("owner").get(pk=job_id)
        logger.info("import %s: %s (attempt %s)", job_id, running, job.attempts)
        with translation.override(job.owner.language or settings.LANGUAGE_CODE):
            try:
                PASSES[running](job)
            except TakenOver:
                logger.warning("import %s was taken over by another worker; this run was rolled back", job_id)
            except ImportCancelled as cancelled:
                _finish_cancelled(job, running=running, actor_id=cancelled.actor_id)
            except parsers.BadFile as error:  # the scan refused the file: nothing to retry, upload another
                logger.info("import %s: file refused: %s", job_id, error)
                _still_mine(job, running).update(
                    status=ImportStatus.FAILED,
                    failure=str(error),
                    retry_from="",
                    finished_at=timezone.now(),
                    updated_at=timezone.now(),
                )
                job.file.delete(save=False)
                spool_path(job).unlink(missing_ok=True)
            except Exception as error:  # the job must end in a state the person sees, whatever happened
                logger.exception("import %s failed", job_id)
                retry_from = {
                    ImportStatus.SCANNING: ImportStatus.SCAN_QUEUED,
                    ImportStatus.CHECKING: ImportStatus.CHECK_QUEUED,
                }.get(running, ImportStatus.IMPORT_QUEUED)
                if isinstance(error, RowFailed):
                    retry_from = ImportStatus.CHECK_QUEUED
                ImportJob.objects.filter(pk=job_id, status=running, worker=me).update(
                    status=ImportStatus.FAILED,
                    failure=getattr(error, "import_message", None)
                    or _("The import failed: %(error)s") % {"error": error},
                    retry_from=retry_from,
                    finished_at=timezone.now(),
                    updated_at=timezone.now(),
                )
            finally:
                clear_cancel(job)
        return True
    return False


def _still_mine(job: ImportJob, running: str) -> QuerySet[ImportJob]:
    """The job row, if this worker still holds it; used to write the result only when nobody took over."""
    return ImportJob.objects.filter(pk=job.pk, status=running, worker=job.worker)


def _finish_cancelled(job: ImportJob, *, running: str, actor_id: int | None) -> None:
    """Record the cancellation the person asked for, with them as the author in the job's history."""
    current = _still_mine(job, running).first()
    if current is None:
        return
    current.status = ImportStatus.CANCELLED
    current.failure = ""
    current.retry_from = QUEUED_FOR[running]
    current.finished_at = timezone.now()
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    attribute_change(current, actor=actor, reason="cancelled while running")
    current.save(update_fields=["status", "failure", "retry_from", "finished_at", "updated_at"])
    logger.info("import %s cancelled while %s", job.pk, running)


def _rows(job: ImportJob) -> Iterator[tuple[int, dict[str, str], list[str]]]:
    """(row number, {field: text}, problems with the cells themselves) for each data row, streamed.

    Cells of value fields (owner, stage, industry ...) become the value step's choices (integration.values). A cell
    that looks like a formula is kept as text (never evaluated; downloads quote it) and was flagged by the scan.
    """
    mapping = {key: int(index) for key, index in job.mapping.items()}
    resolver = Resolver(job)
    rows = parsers.data_rows(Path(job.file.path), job.file_format, job.encoding, job.delimiter, spool_path(job))
    for number, cells in rows:
        row = {key: cells[index] if index < len(cells) else "" for key, index in mapping.items()}
        resolver.apply(row)
        yield number, row, []


def _replay(job: ImportJob, *, skip: set[int] | None, on_error: Any, checking: bool = False) -> dict[str, int]:
    """Send every row through its importer, each in a savepoint; count what happened.

    Large files of a kind with a bulk writer go through integration.bulk instead (same rules, batched writes).
    """
    progress = _progress_reporter(job)
    if bulk.uses_bulk(job.kind, job.total_rows):
        return bulk.replay(job, _rows(job), skip=skip, on_error=on_error, progress=progress, checking=checking)
    importer = IMPORTERS[job.kind](actor=job.owner, defaults=job.defaults, lookups=m.Lookups.build())
    counts = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0, "errors": 0, "new_accounts": 0}

    def write(row: dict[str, str]) -> str:
        with transaction.atomic():  # a savepoint: a row that fails leaves nothing behind
            return importer.process(row)

    done = 0
    for number, row, problems in _rows(job):
        done += 1
        if done % PROGRESS_EVERY == 0:
            progress(done)
        counts[row_outcome(number, row, problems, write=write, skip=skip, on_error=on_error)] += 1
    progress(done)
    counts["new_accounts"] = importer.new_accounts
    return counts


def _scan(job: ImportJob) -> None:
    """Read the upload once (type, encoding, shape, distinct values, formulas): the columns page needs it."""
    info = parsers.scan(Path(job.file.path), job.original_name, spool=spool_path(job))
    with transaction.atomic():
        current = _still_mine(job, ImportStatus.SCANNING).select_for_update().first()
        if current is None:
            raise TakenOver
        current.file_format, current.encoding, current.delimiter = info.file_format, info.encoding, info.delimiter
        current.headers = info.headers
        current.total_rows = info.total_rows
        current.value_counts = info.value_counts
        current.formulas, current.formula_count = info.formulas, info.formula_count
        current.sample_rows = info.sample
        current.mapping = m.auto_mapping(job.kind, info.headers)
        current.status = ImportStatus.MAPPING
        current.worker = ""
        current.finished_at = timezone.now()
        save_with_history(current, actor=None, reason="file read")


def _check(job: ImportJob) -> None:
    """The dry run: every row through the services, then roll back; the errors become the preview."""
    pending: list[ImportRowError] = []
    # Errors are collected outside the rolled-back transaction, in batches, so memory stays bounded.
    errors_path = progress_path(job).with_suffix(".errors.jsonl")
    errors_path.parent.mkdir(parents=True, exist_ok=True)
    with errors_path.open("w", encoding="utf-8") as errors_file:

        def on_error(number: int, messages: list[str]) -> None:
            errors_file.write(json.dumps([number, [str(text) for text in messages]], ensure_ascii=False) + "\n")

        try:
            with transaction.atomic():
                counts = _replay(job, skip=None, on_error=on_error, checking=True)
                raise _Rollback
        except _Rollback:
            pass
    with transaction.atomic():
        if not _still_mine(job, ImportStatus.CHECKING).select_for_update().exists():
            raise TakenOver
        ImportRowError.objects.filter(job=job).delete()
        with errors_path.open(encoding="utf-8") as errors_file:
            for line in errors_file:
                number, messages = json.loads(line)
                pending.append(ImportRowError(job=job, row_number=number, messages=messages))
                if len(pending) >= ERROR_BATCH:
                    ImportRowError.objects.bulk_create(pending)
                    pending = []
        ImportRowError.objects.bulk_create(pending)
        _still_mine(job, ImportStatus.CHECKING).update(
            status=ImportStatus.CHECKED,
            error_rows=counts["errors"],
            planned_created=counts["created"],
            planned_updated=counts["updated"],
            planned_new_accounts=counts.get("new_accounts", 0),
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
    errors_path.unlink(missing_ok=True)


class RowFailed(Exception):
    """A row failed during the real import although the check passed it (the data changed meanwhile)."""

    def __init__(self, number: int, messages: list[str]):
        self.import_message = _("Row %(row)s: %(errors)s Nothing was imported.") % {
            "row": number,
            "errors": " ".join(messages),
        }
        super().__init__(self.import_message)


def _import(job: ImportJob) -> None:
    """The real import: all rows (minus skipped ones) in one transaction, or nothing."""
    skip = (
        set(ImportRowError.objects.filter(job=job).values_list("row_number", flat=True)) if job.skip_errors else set()
    )

    def on_error(number: int, messages: list[str]) -> None:
        raise RowFailed(number, messages)

    with transaction.atomic():
        counts = _replay(job, skip=skip, on_error=on_error)
        finished = _still_mine(job, ImportStatus.IMPORTING).update(
            status=ImportStatus.DONE,
            created_count=counts["created"],
            updated_count=counts["updated"],
            skipped_count=counts["skipped"],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        if not finished:
            # Another worker was given this job while this one was thought dead: its run counts, this one is undone.
            raise TakenOver
    spool_path(job).unlink(missing_ok=True)


PASSES: dict[str, Callable[[ImportJob], None]] = {
    ImportStatus.SCANNING: _scan,
    ImportStatus.CHECKING: _check,
    ImportStatus.IMPORTING: _import,
}


# --- jobs whose worker died --------------------------------------------------------------------------------


def max_attempts() -> int:
    return int(getattr(settings, "PRESALES_IMPORT_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def recover_stuck_jobs(now: datetime.datetime | None = None) -> list[int]:
    """Jobs left "checking" or "importing" by a dead worker: queue them again, or, after the last attempt, mark
    them failed with a message saying what happened. Returns the ids queued again (the caller sends them to a
    worker). The dead worker's transaction was rolled back by the database, so nothing of it remains."""
    now = now or timezone.now()
    queued_again = []
    stuck = ImportJob.objects.filter(
        status__in=(ImportStatus.SCANNING, ImportStatus.CHECKING, ImportStatus.IMPORTING)
    ).select_related("owner")
    for job in stuck:
        if workers.is_alive(job.worker, now):
            continue
        same_job = ImportJob.objects.filter(pk=job.pk, status=job.status, worker=job.worker)
        queued = QUEUED_FOR[job.status]
        if job.attempts < max_attempts():
            if same_job.update(status=queued, worker="", failure="", updated_at=now):
                logger.warning("import %s: worker %s stopped while %s; queued again", job.pk, job.worker, job.status)
                queued_again.append(job.pk)
            continue
        with translation.override(job.owner.language or settings.LANGUAGE_CODE):
            if job.status in (ImportStatus.SCANNING, ImportStatus.CHECKING):
                message = _(
                    "The worker checking this file stopped (it crashed or was restarted), %(attempts)s times. "
                    "Nothing was changed. Press Retry to check the file again."
                ) % {"attempts": job.attempts}
            else:
                message = _(
                    "The worker importing this file stopped (it crashed or was restarted), %(attempts)s times. "
                    "Nothing was imported: an import is written completely or not at all. Press Retry to run it "
                    "again."
                ) % {"attempts": job.attempts}
        if same_job.update(
            status=ImportStatus.FAILED, failure=message, retry_from=queued, finished_at=now, updated_at=now
        ):
            logger.error("import %s: worker %s stopped while %s; marked failed", job.pk, job.worker, job.status)
    return queued_again


def queued_jobs_waiting_since(before: datetime.datetime) -> list[int]:
    """Queued jobs untouched since `before`: if no task for them is waiting in the queue, it was lost."""
    return list(
        ImportJob.objects.filter(status__in=QUEUED_FOR.values(), updated_at__lt=before)
        .order_by("updated_at", "pk")
        .values_list("pk", flat=True)
    )
