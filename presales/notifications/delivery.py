"""Sending what is pending: one attempt at a delivery (e-mail, chat robot or webhook), retried with backoff.

A delivery is `pending` until the outside server accepts it (`sent`), or until its last attempt failed (`failed`,
logged as an error so Sentry and the delivery log show it). Each attempt locks its row (`SELECT ... FOR UPDATE SKIP
LOCKED`) and only acts on a pending row that is due, so a task delivered twice, two workers, or the every-minute sweep
racing the first task still send once.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from presales.core.secrets import UnreadableSecretError, decrypt_secret
from presales.notifications import channels, kinds
from presales.notifications.models import Attempts, Channel, Delivery, DeliveryStatus, WebhookDelivery

logger = logging.getLogger(__name__)

# Wait after the 1st, 2nd ... failed attempt; after the last one the delivery is reported failed.
BACKOFF = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
SWEEP_BATCH = 200


def _record_failure(row: Attempts, error: str, now: datetime.datetime) -> None:
    row.attempts += 1
    row.last_error = error[:500]
    if row.attempts >= MAX_ATTEMPTS:
        row.status = DeliveryStatus.FAILED
        row.next_attempt_at = None
        logger.error("%s %s failed after %s attempts: %s", type(row).__name__, row.pk, row.attempts, error)
    else:
        row.next_attempt_at = now + BACKOFF[row.attempts - 1]
        logger.warning("%s %s attempt %s failed: %s", type(row).__name__, row.pk, row.attempts, error)


def _record_success(row: Attempts, now: datetime.datetime) -> None:
    row.attempts += 1
    row.status = DeliveryStatus.SENT
    row.sent_at = now
    row.next_attempt_at = None
    row.last_error = ""


def _message_for(delivery: Delivery) -> tuple[channels.Message, str]:
    notification = delivery.notification
    reader = notification.recipient
    language = reader.language or settings.LANGUAGE_CODE
    text = notification.text_for(reader)
    title = kinds.label_in(notification.kind, language)
    if delivery.robot is not None and delivery.robot.team_id is not None:
        text = f"{reader}: {text}"  # a team's group: say whom it is for
    return channels.Message(title=title, text=text, link=notification.absolute_open_url()), language


def _send(delivery: Delivery) -> None:
    message, language = _message_for(delivery)
    with translation.override(language):  # the payloads' own words ("Open") in the reader's language too
        _send_message(delivery, message, language)


def _send_message(delivery: Delivery, message: channels.Message, language: str) -> None:
    if delivery.channel == Channel.EMAIL:
        channels.send_email(to=delivery.notification.recipient.email, message=message)
        return
    robot = delivery.robot
    if robot is None:
        raise channels.SendError("the robot was removed")
    try:
        url, secret = decrypt_secret(robot.webhook_url_encrypted), decrypt_secret(robot.secret_encrypted)
    except UnreadableSecretError as error:
        raise channels.SendError("the robot's address cannot be decrypted: enter it again") from error
    channels.send_chat(platform=robot.platform, url=url, secret=secret, message=message, language=language)


def delivery_attempt(delivery_id: int, *, now: datetime.datetime | None = None) -> str:
    """Try one notification delivery if it is pending and due; returns what happened ("sent", "retry", "failed",
    "nothing")."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("notification__recipient", "robot")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or not delivery.is_due(now):
            return "nothing"
        try:
            _send(delivery)
        except channels.SendError as error:
            _record_failure(delivery, str(error), now)
        else:
            _record_success(delivery, now)
        delivery.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "sent_at"])
        return _outcome(delivery)


def webhook_delivery_attempt(delivery_id: int, *, now: datetime.datetime | None = None) -> str:
    """Try one webhook delivery if it is pending and due; same outcomes as `delivery_attempt`."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("webhook")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or not delivery.is_due(now):
            return "nothing"
        try:
            if not delivery.webhook.enabled:
                raise channels.SendError("the webhook is switched off")
            try:
                secret = decrypt_secret(delivery.webhook.secret_encrypted)
            except UnreadableSecretError as error:
                raise channels.SendError("the webhook's secret cannot be decrypted: make a new one") from error
            delivery.response_status = channels.send_webhook(
                url=delivery.webhook.url,
                secret=secret,
                event=delivery.event,
                delivery_id=str(delivery.event_id),
                payload=delivery.payload,
            )
        except channels.SendError as error:
            _record_failure(delivery, str(error), now)
        else:
            _record_success(delivery, now)
        delivery.save(
            update_fields=["status", "attempts", "last_error", "next_attempt_at", "sent_at", "response_status"]
        )
        return _outcome(delivery)


def _outcome(row: Attempts) -> str:
    if row.status == DeliveryStatus.SENT:
        return "sent"
    return "failed" if row.status == DeliveryStatus.FAILED else "retry"


def deliver_due(*, now: datetime.datetime | None = None) -> str:
    """Send every pending delivery whose time has come (retries, and first tries whose task was lost); a summary."""
    now = now or timezone.now()
    counts = {"sent": 0, "retry": 0, "failed": 0, "nothing": 0}
    due = DeliveryStatus.PENDING
    for delivery_id in Delivery.objects.filter(status=due, next_attempt_at__lte=now).values_list("pk", flat=True)[
        :SWEEP_BATCH
    ]:
        counts[delivery_attempt(delivery_id, now=now)] += 1
    for delivery_id in WebhookDelivery.objects.filter(status=due, next_attempt_at__lte=now).values_list(
        "pk", flat=True
    )[:SWEEP_BATCH]:
        counts[webhook_delivery_attempt(delivery_id, now=now)] += 1
    return f"{counts['sent']} sent, {counts['retry']} to retry, {counts['failed']} failed"
