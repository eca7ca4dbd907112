"""Imports, the person's side: store and check an upload, choose columns, start, retry or cancel a job.

The upload is stored under MEDIA_ROOT after the cheap checks (size, type from name and content, an .xlsx's unpacked
size from its zip directory) and queued: the worker reads it once (encoding, shape, distinct values), so the upload
request never parses the file. The person then maps columns, then values (integration.values), and the job is
queued again: the worker (integration.tasks.run_import_job, then integration.runner) first *checks* every row
as a dry run through the real services, then, when the person starts it, *imports* them in one transaction. Every
state change a person makes goes through a service here and is kept in the job's history.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from presales import access
from presales.core import workers
from presales.core.history import save_with_history
from presales.integration import mapping as m
from presales.integration import parsers, runner, tasks, values
from presales.integration.models import QUEUED_FOR, ImportJob, ImportStatus
from presales.people.models import User

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
    """Store an upload after the cheap checks and queue the worker's reading of it; a file refused here raises
    ValidationError and leaves nothing behind (a file the worker refuses ends the job with the reason)."""
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
        job.file_format = parsers.check_upload(Path(job.file.path), job.original_name)
    except parsers.BadFile as error:
        job.file.delete(save=False)
        raise ValidationError(str(error)) from error
    with transaction.atomic():
        _queue(job, ImportStatus.SCAN_QUEUED, actor=actor, reason="uploaded")
    return job


def _check_editable(job: ImportJob) -> None:
    if job.is_running:
        raise ValidationError(_("This import is running; wait until it has finished."))
    if job.status == ImportStatus.DONE:
        raise ValidationError(_("This file was imported already. Upload it again to import it again."))
    if not job.headers:
        raise ValidationError(_("The file has not been read; upload it again."))


def import_job_set_mapping(
    *, actor: User, job: ImportJob, mapping: dict[str, int], defaults: dict[str, str]
) -> ImportJob:
    """Save which column feeds which field; the values step comes next (its automatic matches are preset)."""
    _check_owner(actor, job)
    _check_editable(job)
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
        missing.append(pgettext("person", "Name"))
    if missing:
        raise ValidationError(_("Choose a column for: %(fields)s.") % {"fields": ", ".join(missing)})
    columns_changed = job.mapping != mapping
    job.mapping, job.defaults = mapping, defaults
    if columns_changed:
        job.value_map = {}  # the choices were for other columns: start again from the automatic matches
    job.status = ImportStatus.MAPPING
    save_with_history(job, actor=actor, reason="columns chosen")
    return job


def import_job_set_values(*, actor: User, job: ImportJob, value_map: dict[str, dict[str, str]]) -> ImportJob:
    """Save what each value in the file becomes and queue the check (a dry run of every row)."""
    _check_owner(actor, job)
    _check_editable(job)
    if not job.mapping:
        raise ValidationError(_("Choose the columns first."))
    chosen = values.automatic_value_map(job)
    for key, texts in values.clean_value_map(job, value_map, actor=actor).items():
        chosen.setdefault(key, {}).update(texts)
    job.value_map = chosen
    _queue(job, ImportStatus.CHECK_QUEUED, actor=actor, reason="values chosen")
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
    _queue(job, ImportStatus.IMPORT_QUEUED, actor=actor, reason="import started")
    return job


def import_job_retry(*, actor: User, job: ImportJob) -> ImportJob:
    """Run a failed or cancelled job again from where it stopped: the check, or the import (which is all or
    nothing, so a failed import left nothing behind to undo)."""
    _check_owner(actor, job)
    with transaction.atomic():
        current = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not current.can_retry:
            raise ValidationError(_("Only a failed or cancelled import can be retried."))
        _queue(current, current.retry_from, actor=actor, reason="retried")
    return current


def import_job_cancel(*, actor: User, job: ImportJob) -> ImportJob:
    """Stop a job. A waiting job, or one whose worker is gone, is cancelled at once; a running one stops at its next
    progress point and its transaction is rolled back, so nothing of it is kept either way."""
    _check_owner(actor, job)
    if job.status in QUEUED_FOR and workers.is_alive(job.worker):
        # The worker holds the job (and, on SQLite, the write lock): ask it to stop, it records the cancellation.
        runner.request_cancel(job, actor)
        return job
    with transaction.atomic():
        current = ImportJob.objects.select_for_update().get(pk=job.pk)
        if current.status in QUEUED_FOR and workers.is_alive(current.worker):  # claimed since we looked
            runner.request_cancel(current, actor)
            return current
        if not current.can_cancel:
            raise ValidationError(_("This import has ended; there is nothing to cancel."))
        if current.status in (ImportStatus.CHECK_QUEUED, ImportStatus.CHECKING):
            current.retry_from = ImportStatus.CHECK_QUEUED
        elif current.status in (ImportStatus.IMPORT_QUEUED, ImportStatus.IMPORTING):
            current.retry_from = ImportStatus.IMPORT_QUEUED
        else:  # choosing columns, or checked: "Change columns" starts it again
            current.retry_from = ""
        current.status = ImportStatus.CANCELLED
        current.failure = ""
        current.worker = ""
        current.finished_at = timezone.now()
        save_with_history(current, actor=actor, reason="cancelled")
    return current


def _check_owner(actor: User, job: ImportJob) -> None:
    if job.owner_id != actor.pk:
        raise PermissionDenied


def _queue(job: ImportJob, status: str, *, actor: User, reason: str) -> None:
    """Put the job in the queue; the worker picks it up once this transaction has committed."""
    job.status = status
    job.failure = ""
    job.retry_from = ""
    job.worker = ""
    job.attempts = 0
    save_with_history(job, actor=actor, reason=reason)
    runner.write_progress(job, 0)
    runner.clear_cancel(job)
    job_id = job.pk
    transaction.on_commit(lambda: tasks.run_import_job(job_id))
