"""Imports: store and check an upload, choose columns, dry-run every row, then write in one transaction.

How an import runs. The upload is stored under MEDIA_ROOT and scanned once (type, encoding, size, shape). After
the person maps columns, the *check* replays every row through the real services inside a transaction that is
rolled back: the preview therefore shows exactly the errors the import would meet, in the uploader's language.
The *import* then replays the rows again, skipping the rows that failed the check if the person asked to, in ONE
transaction: any unexpected error rolls everything back and the job fails with the row and the reason.

Files over PRESALES_IMPORT_BULK_THRESHOLD rows (500) of accounts take the bulk path in integration.bulk for both
passes: the same conversions, lookups, model validation and service rules, written in batches with history rows.

Both passes stream the file (csv reader / openpyxl read-only) so memory stays bounded. They run outside the web
request: `manage.py run_imports` processes waiting jobs (cron or a loop), and, unless
PRESALES_IMPORT_IN_THREAD is False, the web process also starts a thread after commit so small imports need no
extra process. Progress goes to a small file next to the upload, because the running transaction is invisible
to the progress page until it commits.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import close_old_connections, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from presales import access
from presales.integration import bulk, parsers
from presales.integration import mapping as m
from presales.integration.importers import IMPORTERS, error_messages
from presales.integration.models import ImportJob, ImportRowError, ImportStatus
from presales.people.models import User

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 250
ERROR_BATCH = 1000


class _Rollback(Exception):
    """Raised at the end of the check to undo its writes."""


# --- who may import what ---------------------------------------------------------------------------------


def allowed_kinds(user: User) -> list[tuple[str, Any]]:
    """What the person may import (presales.access decides): the same roles that may create those records."""
    allowed = {
        m.ImportKind.ACCOUNTS: access.can_create_account(user),
        m.ImportKind.CONTACTS: access.can_import_contacts(user),
        m.ImportKind.OPPORTUNITIES: access.can_create_opportunity(user),
        m.ImportKind.ACTIVITIES: access.can_import_activities(user),
    }
    return [(value, label) for value, label in m.ImportKind.choices if allowed[value]]


# --- the job's steps ---------------------------------------------------------------------------------------


def import_job_create(*, actor: User, kind: str, upload: UploadedFile) -> ImportJob:
    """Store an upload and scan it; a bad file raises ValidationError and leaves nothing behind."""
    if not access.can_import(actor) or kind not in dict(allowed_kinds(actor)):
        raise PermissionDenied
    limit = getattr(settings, "PRESALES_IMPORT_MAX_MB", 100)
    if upload.size and upload.size > limit * 1024 * 1024:
        raise ValidationError(
            _("The file is larger than %(limit)s MB. Split it into smaller files.") % {"limit": limit}
        )
    job = ImportJob(owner=actor, kind=kind, original_name=Path(upload.name or "upload").name[:255])
    job.file.save(
        f"{timezone.now():%Y%m%d%H%M%S}-{actor.pk}{Path(job.original_name).suffix.lower()}", upload, save=False
    )
    try:
        info = parsers.scan(Path(job.file.path), job.original_name)
    except parsers.BadFile as error:
        job.file.delete(save=False)
        raise ValidationError(str(error)) from error
    job.file_format, job.encoding, job.delimiter = info.file_format, info.encoding, info.delimiter
    job.headers = info.headers
    job.total_rows = info.total_rows
    job.mapping = m.auto_mapping(kind, info.headers)
    job.save()
    return job


def import_job_set_mapping(
    *, actor: User, job: ImportJob, mapping: dict[str, int], defaults: dict[str, str]
) -> ImportJob:
    """Save which column feeds which field and queue the check (a dry run of every row)."""
    _check_owner(actor, job)
    if job.is_running:
        raise ValidationError(_("This import is running; wait until it has finished."))
    if job.status == ImportStatus.DONE:
        raise ValidationError(_("This file was imported already. Upload it again to import it again."))
    missing = [
        str(spec.label)
        for spec in m.fields_for(job.kind)
        if spec.required and spec.key not in mapping and not defaults.get(spec.key)
    ]
    if job.kind in (m.ImportKind.CONTACTS, m.ImportKind.OPPORTUNITIES) and not (
        {"account_name", "account_external_id"} & set(mapping)
    ):
        missing.append(_("Account name"))
    if job.kind == m.ImportKind.CONTACTS and not ({"name", "first_name", "last_name"} & set(mapping)):
        missing.append(_("Name"))
    if missing:
        raise ValidationError(_("Choose a column for: %(fields)s.") % {"fields": ", ".join(missing)})
    job.mapping, job.defaults = mapping, defaults
    _queue(job, ImportStatus.CHECK_QUEUED)
    return job


def import_job_start(*, actor: User, job: ImportJob, skip_errors: bool) -> ImportJob:
    """Queue the import of a checked file; with errors only if the person chose to skip those rows."""
    _check_owner(actor, job)
    if job.status != ImportStatus.CHECKED:
        raise ValidationError(_("Only a checked file can be imported."))
    if job.error_rows and not skip_errors:
        raise ValidationError(
            _("%(count)s rows have errors. Fix the file, or choose to skip those rows.") % {"count": job.error_rows}
        )
    job.skip_errors = skip_errors
    _queue(job, ImportStatus.IMPORT_QUEUED)
    return job


def _check_owner(actor: User, job: ImportJob) -> None:
    if job.owner_id != actor.pk:
        raise PermissionDenied


def _queue(job: ImportJob, status: str) -> None:
    job.status = status
    job.failure = ""
    job.save()
    write_progress(job, 0)
    if getattr(settings, "PRESALES_IMPORT_IN_THREAD", True):
        # After commit, so the thread's own connection sees the queued job.
        transaction.on_commit(lambda: threading.Thread(target=_run_in_thread, args=(job.pk,), daemon=True).start())


def _run_in_thread(job_id: int) -> None:
    # A fresh thread gets its own connection; drop it when done so it never lingers past its max age.
    close_old_connections()
    try:
        run_job(job_id)
    finally:
        connection.close()


# --- progress, outside the database ------------------------------------------------------------------------


def progress_path(job: ImportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{job.pk}.json"


def write_progress(job: ImportJob, done: int) -> None:
    path = progress_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"done": done, "total": job.total_rows}))
    temporary.replace(path)


def read_progress(job: ImportJob) -> int:
    try:
        return int(json.loads(progress_path(job).read_text())["done"])
    except (OSError, ValueError, KeyError):
        return 0


# --- running ---------------------------------------------------------------------------------------------


def run_pending(limit: int | None = None) -> int:
    """Run every waiting job (oldest first); returns how many ran. `manage.py run_imports` calls this."""
    count = 0
    while limit is None or count < limit:
        job = (
            ImportJob.objects.filter(status__in=(ImportStatus.CHECK_QUEUED, ImportStatus.IMPORT_QUEUED))
            .order_by("updated_at", "pk")
            .first()
        )
        if job is None or not run_job(job.pk):
            break
        count += 1
    return count


def run_job(job_id: int) -> bool:
    """Claim and run one queued job (check or import). False when another runner claimed it first."""
    for queued, running in (
        (ImportStatus.CHECK_QUEUED, ImportStatus.CHECKING),
        (ImportStatus.IMPORT_QUEUED, ImportStatus.IMPORTING),
    ):
        if ImportJob.objects.filter(pk=job_id, status=queued).update(status=running, started_at=timezone.now()):
            job = ImportJob.objects.select_related("owner").get(pk=job_id)
            with translation.override(job.owner.language or settings.LANGUAGE_CODE):
                try:
                    _check(job) if running == ImportStatus.CHECKING else _import(job)
                except Exception as error:  # the job must end in a state the person sees, whatever happened
                    logger.exception("import %s failed", job_id)
                    ImportJob.objects.filter(pk=job_id).update(
                        status=ImportStatus.FAILED,
                        failure=getattr(error, "import_message", None)
                        or _("The import failed: %(error)s") % {"error": error},
                        finished_at=timezone.now(),
                    )
            return True
    return False


def _rows(job: ImportJob) -> Iterator[tuple[int, dict[str, str], list[str]]]:
    """(row number, {field: text}, problems with the cells themselves) for each data row, streamed."""
    mapping = {key: int(index) for key, index in job.mapping.items()}
    for number, cells in parsers.data_rows(Path(job.file.path), job.file_format, job.encoding, job.delimiter):
        row: dict[str, str] = {}
        problems: list[str] = []
        for key, index in mapping.items():
            value = cells[index] if index < len(cells) else ""
            if value and m.looks_like_formula(value):
                problems.append(
                    _("Column “%(column)s” holds a formula (%(formula)s); formulas are not imported.")
                    % {"column": job.headers[index], "formula": value[:40]}
                )
            row[key] = value
        yield number, row, problems


def _replay(job: ImportJob, *, skip: set[int] | None, on_error: Any) -> dict[str, int]:
    """Send every row through its importer, each in a savepoint; count what happened.

    Large files of a kind with a bulk writer go through integration.bulk instead (same rules, batched writes).
    """
    if bulk.uses_bulk(job.kind, job.total_rows):
        return bulk.replay(
            job, _rows(job), skip=skip, on_error=on_error, progress=lambda done: write_progress(job, done)
        )
    importer = IMPORTERS[job.kind](actor=job.owner, defaults=job.defaults, lookups=m.Lookups.build())
    counts = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0, "errors": 0}
    done = 0
    for number, row, problems in _rows(job):
        done += 1
        if done % PROGRESS_EVERY == 0:
            write_progress(job, done)
        if skip is not None and number in skip:
            counts["skipped"] += 1
            continue
        if problems:
            counts["errors"] += 1
            on_error(number, problems)
            continue
        try:
            with transaction.atomic():
                result = importer.process(row)
        except (m.CellError, ValidationError, PermissionDenied) as error:
            counts["errors"] += 1
            on_error(number, error_messages(error))
            continue
        counts[result] += 1
    write_progress(job, done)
    return counts


def _check(job: ImportJob) -> None:
    """The dry run: every row through the services, then roll back; the errors become the preview."""
    ImportRowError.objects.filter(job=job).delete()
    pending: list[ImportRowError] = []
    # Errors are collected outside the rolled-back transaction, in batches, so memory stays bounded.
    errors_path = progress_path(job).with_suffix(".errors.jsonl")
    errors_path.parent.mkdir(parents=True, exist_ok=True)
    with errors_path.open("w", encoding="utf-8") as errors_file:

        def on_error(number: int, messages: list[str]) -> None:
            errors_file.write(json.dumps([number, [str(text) for text in messages]], ensure_ascii=False) + "\n")

        try:
            with transaction.atomic():
                counts = _replay(job, skip=None, on_error=on_error)
                raise _Rollback
        except _Rollback:
            pass
    with errors_path.open(encoding="utf-8") as errors_file:
        for line in errors_file:
            number, messages = json.loads(line)
            pending.append(ImportRowError(job=job, row_number=number, messages=messages))
            if len(pending) >= ERROR_BATCH:
                ImportRowError.objects.bulk_create(pending)
                pending = []
    ImportRowError.objects.bulk_create(pending)
    errors_path.unlink(missing_ok=True)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.CHECKED,
        error_rows=counts["errors"],
        planned_created=counts["created"],
        planned_updated=counts["updated"],
        finished_at=timezone.now(),
    )


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
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.DONE,
            created_count=counts["created"],
            updated_count=counts["updated"],
            skipped_count=counts["skipped"],
            finished_at=timezone.now(),
        )
