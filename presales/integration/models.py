"""Imports from other CRMs and spreadsheets (jobs, their row errors) and the personal calendar feed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from presales import access
from presales.core.models import BaseModel
from presales.integration.mapping import ImportKind

if TYPE_CHECKING:
    from presales.people.models import User


class ImportStatus(models.TextChoices):
    SCAN_QUEUED = "scan_queued", _("Waiting to be read")
    SCANNING = "scanning", _("Reading the file")
    MAPPING = "mapping", _("Choosing columns")
    CHECK_QUEUED = "check_queued", _("Waiting to be checked")
    CHECKING = "checking", _("Checking rows")
    CHECKED = "checked", _("Ready to import")
    IMPORT_QUEUED = "import_queued", _("Waiting to import")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


RUNNING_STATUSES = (
    ImportStatus.SCAN_QUEUED,
    ImportStatus.SCANNING,
    ImportStatus.CHECK_QUEUED,
    ImportStatus.CHECKING,
    ImportStatus.IMPORT_QUEUED,
    ImportStatus.IMPORTING,
)
# Where a running job goes back to when its worker died (and where Retry sends a failed job).
QUEUED_FOR: dict[str, str] = {
    ImportStatus.SCANNING: ImportStatus.SCAN_QUEUED,
    ImportStatus.CHECKING: ImportStatus.CHECK_QUEUED,
    ImportStatus.IMPORTING: ImportStatus.IMPORT_QUEUED,
}


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def visible_to(self, user: User) -> ImportJobQuerySet:
        return access.import_jobs_visible_to(user, self)


class ImportJob(BaseModel):
    """One uploaded file on its way in: mapping, check (a dry run), then the import in one transaction."""

    owner = models.ForeignKey(
        "people.User", verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    kind = models.CharField(_("records"), max_length=20, choices=ImportKind.choices)
    # Stored under MEDIA_ROOT (outside the web root); never served back.
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=10)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=1, blank=True)
    headers = models.JSONField(_("columns"), default=list)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    defaults = models.JSONField(_("defaults"), default=dict, blank=True)
    # What the scan found in each column: {column index: {"values": {text: rows}, "more": bool}} (bounded).
    value_counts = models.JSONField(_("values per column"), default=dict, blank=True)
    # The value-mapping step: {field: {text in the file: our value}} (see integration.values).
    value_map = models.JSONField(_("value mapping"), default=dict, blank=True)
    # Cells that look like spreadsheet formulas, imported as text: the first few [row, column, text], and how many.
    formulas = models.JSONField(_("formula cells"), default=list, blank=True)
    formula_count = models.PositiveIntegerField(_("formula cells"), default=0)
    # The first data rows, kept by the scan so the columns page never opens the file in the web process.
    sample_rows = models.JSONField(_("first rows"), default=list, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.MAPPING, db_index=True
    )
    skip_errors = models.BooleanField(_("skip rows with errors"), default=False)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    planned_created = models.PositiveIntegerField(_("new records"), default=0)
    planned_updated = models.PositiveIntegerField(_("updated records"), default=0)
    planned_new_accounts = models.PositiveIntegerField(_("new accounts"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    failure = models.TextField(_("why it failed"), blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The worker process ("host:pid") running the job; when it stops beating, the job is taken over.
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # What Retry does for a failed or cancelled job: check the file again, or run the import again.
    retry_from = models.CharField(
        _("retry from"),
        max_length=20,
        blank=True,
        choices=[
            (ImportStatus.SCAN_QUEUED.value, ImportStatus.SCAN_QUEUED.label),
            (ImportStatus.CHECK_QUEUED.value, ImportStatus.CHECK_QUEUED.label),
            (ImportStatus.IMPORT_QUEUED.value, ImportStatus.IMPORT_QUEUED.label),
        ],
    )

    objects = ImportJobQuerySet.as_manager()
    # The scan's value counts are large and derived from the file: not copied into every history row.
    history = HistoricalRecords(excluded_fields=["value_counts", "sample_rows"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_kind_display()})"

    def get_absolute_url(self) -> str:
        return reverse("integration:import_job", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def can_retry(self) -> bool:
        return self.status in (ImportStatus.FAILED, ImportStatus.CANCELLED) and bool(self.retry_from)

    @property
    def can_cancel(self) -> bool:
        return self.status not in (ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.CANCELLED)


class ImportRowError(models.Model):
    """What is wrong with one row of an import, in the uploader's language, found by the check."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    row_number = models.PositiveIntegerField(_("row"))
    messages = models.JSONField(_("errors"), default=list)

    class Meta:
        ordering = ["job", "row_number"]
        constraints = [models.UniqueConstraint(fields=["job", "row_number"], name="unique_import_row_error")]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.row_number}"


class ImportedRecord(models.Model):
    """Which of our activities an external ID became, so re-importing updates it (activities have no such field)."""

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    external_id = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "external_id"], name="unique_imported_record")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.external_id}"


class CalendarFeed(BaseModel):
    """A person's secret calendar address; only a hash of the secret is stored, and revoking it ends the feed."""

    user = models.OneToOneField("people.User", on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user} calendar"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
