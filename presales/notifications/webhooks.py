"""Outbound webhooks for integrators: the administrators' writes, and `emit_event` that the domain services call.

An event is JSON: `{"id": <uuid>, "event": "deal.won", "occurred_at": <ISO 8601>, "data": {...}}`, POSTed to each
enabled webhook subscribed to it, signed `X-Presales-Signature: sha256=<hex HMAC-SHA256 of the body>` with the
webhook's secret, retried with backoff (`notifications.delivery`). An event with a `key` (e.g. a step's overdue
reminder) gets the same id each time it is emitted, so emitting it twice sends it once.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from presales import access
from presales.core.concurrency import save_changes
from presales.core.history import delete_with_history, save_with_history
from presales.core.secrets import encrypt_secret, new_secret
from presales.notifications import tasks
from presales.notifications.models import Webhook, WebhookDelivery, WebhookEvent
from presales.people.models import User

logger = logging.getLogger(__name__)
EVENT_NAMESPACE = uuid.UUID("5b0f1c0e-8d3a-4c55-9a57-0d5a0c1f7e21")


def emit_event(*, event: WebhookEvent, data: dict[str, Any], key: str = "") -> list[WebhookDelivery]:
    """Queue an event for every webhook that wants it (sent after the transaction commits)."""
    hooks = [hook for hook in Webhook.objects.filter(enabled=True) if event.value in hook.events]
    if not hooks:
        return []
    event_id = uuid.uuid5(EVENT_NAMESPACE, f"{event.value}:{key}") if key else uuid.uuid4()
    payload = {"id": str(event_id), "event": event.value, "occurred_at": timezone.now().isoformat(), "data": data}
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(webhook=hook, event=event.value, event_id=event_id, payload=payload) for hook in hooks],
        ignore_conflicts=True,
    )
    # ignore_conflicts leaves the pk unset: look the rows up (only the new ones are still pending and untried).
    created = list(WebhookDelivery.objects.filter(event_id=event_id, webhook__in=hooks, attempts=0, status="pending"))
    for row in created:
        transaction.on_commit(partial(tasks.send_webhook_delivery, row.pk))
    return created


def _check(name: str, url: str, events: Iterable[str]) -> list[str]:
    chosen = list(events)
    if not name.strip():
        raise ValidationError({"name": _("Give the webhook a name.")})
    if not url.startswith(("https://", "http://")):
        raise ValidationError({"url": _("Enter an http or https address.")})
    if not chosen:
        raise ValidationError({"events": _("Choose at least one event.")})
    unknown = set(chosen) - set(WebhookEvent.values)
    if unknown:
        raise ValidationError({"events": _("Unknown event: %(events)s") % {"events": ", ".join(sorted(unknown))}})
    return chosen


@transaction.atomic
def webhook_create(*, actor: User, name: str, url: str, events: Iterable[str]) -> tuple[Webhook, str]:
    """Add a webhook; returns it and its signing secret, shown to the administrator once (stored encrypted)."""
    if not access.can_manage_webhooks(actor):
        raise PermissionDenied(_("Only an administrator manages webhooks."))
    chosen = _check(name, url, events)
    secret = new_secret("whsec_")
    webhook = Webhook(name=name.strip(), url=url.strip(), events=chosen, secret_encrypted=encrypt_secret(secret))
    save_with_history(webhook, actor=actor, reason="webhook added")
    return webhook, secret


@transaction.atomic
def webhook_set_enabled(*, actor: User, webhook: Webhook, enabled: bool) -> Webhook:
    """Pause or resume a webhook (paused: its pending deliveries fail with a clear reason)."""
    if not access.can_manage_webhooks(actor):
        raise PermissionDenied(_("Only an administrator manages webhooks."))
    reason = "webhook resumed" if enabled else "webhook paused"
    return save_changes(webhook, {"enabled": enabled}, actor=actor, reason=reason)


@transaction.atomic
def webhook_delete(*, actor: User, webhook: Webhook) -> None:
    """Remove a webhook and its delivery log."""
    if not access.can_manage_webhooks(actor):
        raise PermissionDenied(_("Only an administrator manages webhooks."))
    delete_with_history(webhook, actor=actor, reason="webhook removed")


@transaction.atomic
def webhook_delivery_retry(*, actor: User, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a failed delivery again now (after the integrator fixed their receiver)."""
    if not access.can_manage_webhooks(actor):
        raise PermissionDenied(_("Only an administrator manages webhooks."))
    if delivery.status != "failed":
        raise ValidationError(_("Only a failed delivery is sent again."))
    delivery.status = "pending"
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    logger.info("webhook delivery %s sent again by %s", delivery.pk, actor.pk)  # the audit line for this action
    delivery_id = delivery.pk
    transaction.on_commit(lambda: tasks.send_webhook_delivery(delivery_id))
    return delivery
