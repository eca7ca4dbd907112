"""Who downloaded or opened which signed-and-sent document (POC sign-off, deviation tables, scorecard, debrief)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    POC_SIGNOFF = "poc_signoff", _("POC sign-off")
    TENDER_DEVIATIONS = "tender_deviations", _("Deviation tables and submission checklist")
    SCORECARD = "scorecard", _("Engineer scorecard")
    DEBRIEF = "debrief", _("Win/loss debrief")


class DocumentFormat(models.TextChoices):
    PDF = "pdf", _("PDF")
    PRINT = "print", _("Print page")


class DocumentDownload(models.Model):
    """One document produced for one person: the audit record of a download (append-only, itself the trail)."""

    kind = models.CharField(_("document"), max_length=30, choices=DocumentKind.choices)
    file_format = models.CharField(_("format"), max_length=10, choices=DocumentFormat.choices)
    # The object the document is about (a POC, a tender, an engineer, a deal): its id and its name at the time.
    object_id = models.PositiveBigIntegerField(_("object"))
    object_label = models.CharField(_("about"), max_length=300)
    language = models.CharField(_("language"), max_length=10)
    user = models.ForeignKey(
        "people.User", verbose_name=_("by"), on_delete=models.PROTECT, related_name="document_downloads"
    )
    downloaded_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-downloaded_at", "-pk"]
        verbose_name = _("document download")
        verbose_name_plural = _("document downloads")
        indexes = [models.Index(fields=["kind", "object_id"], name="document_download_object")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.object_label}"
