"""The columns of the notifications' settings pages and of the webhook delivery log."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from presales.core.tables import Column, DateColumn, NumberColumn, Table, badge, muted
from presales.notifications.models import DeliveryStatus, WebhookDelivery

STATUS_TONES = {DeliveryStatus.SENT: "ok", DeliveryStatus.FAILED: "danger", DeliveryStatus.PENDING: "warn"}


def status_badge(row: WebhookDelivery) -> SafeString:
    return badge(row.get_status_display(), STATUS_TONES.get(DeliveryStatus(row.status), ""))


class WebhookDeliveryTable(Table):
    css_class = "table compact"

    created_at = DateColumn(_("Created"), sort="created_at")
    webhook = Column(_("Webhook"), "webhook.name", sort="webhook__name")
    event = Column(_("Event"), lambda row: row.get_event_display(), sort="event")
    status = Column(_("Status"), lambda row: row.get_status_display(), sort="status", cell=status_badge)
    attempts = NumberColumn(_("Attempts"), sort="attempts")
    response_status = NumberColumn(_("Response"), classes="num hide-phone")
    last_error = Column(_("Last error"), classes="hide-phone")
    retry = Column("", page=True, export=False)

    def render_last_error(self, row: WebhookDelivery) -> SafeString:
        return muted(row.last_error) if row.last_error else muted("—")

    def render_retry(self, row: WebhookDelivery) -> SafeString | str:
        if row.status != DeliveryStatus.FAILED:
            return ""
        # The page holds one form (id "retry", with the CSRF token); each button posts it to its own row's address.
        return format_html(
            '<button class="btn btn-small" type="submit" form="retry" formaction="{}">{}</button>',
            reverse("notifications:webhook_delivery_retry", args=[row.pk]),
            _("Send again"),
        )
