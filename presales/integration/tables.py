"""The columns of the import pages: a person's imports and the rows an import refused."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from presales.core.tables import Column, DateColumn, NumberColumn, Table, link
from presales.integration.models import ImportJob, ImportRowError, ImportStatus

STATUS_TONES: dict[str, str] = {ImportStatus.DONE: " badge-ok", ImportStatus.FAILED: " badge-danger"}


class ImportJobTable(Table):
    css_class = "table compact"

    original_name = Column(_("File"), cell_classes="primary-cell")
    kind = Column(_("Records"))
    total_rows = NumberColumn(_("Rows"))
    status = Column(_("Status"))
    created_at = DateColumn(_("Uploaded"), classes="hide-phone", cell_classes="")

    def render_original_name(self, job: ImportJob) -> SafeString:
        return link(job.get_absolute_url(), job.original_name)

    def render_status(self, job: ImportJob) -> SafeString:
        return format_html(
            '<span class="badge{}">{}</span>', STATUS_TONES.get(job.status, ""), job.get_status_display()
        )


class ImportRowErrorTable(Table):
    css_class = "table compact"

    row_number = NumberColumn(_("Row"))
    messages = Column(_("What is wrong"))

    def render_messages(self, error: ImportRowError) -> SafeString:
        items = format_html_join("", "<li>{}</li>", ((message,) for message in error.messages))
        return format_html('<ul class="plain">{}</ul>', items)
