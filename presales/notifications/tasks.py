"""Sending for the queue's worker: one delivery now, and the every-minute sweep of retries (presales/ops/schedule.py)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from presales.notifications import delivery


@db_task(name="notifications.send_delivery")
def send_delivery(delivery_id: int) -> str:
    """First attempt at a notification's delivery; a second run of the same task finds it sent and does nothing."""
    return delivery.delivery_attempt(delivery_id)


@db_task(name="notifications.send_webhook_delivery")
def send_webhook_delivery(delivery_id: int) -> str:
    """First attempt at sending an event to a webhook; idempotent like `send_delivery`."""
    return delivery.webhook_delivery_attempt(delivery_id)


def deliver_due() -> str:
    """Retries whose time has come, and first attempts whose task was lost (scheduled every minute)."""
    return delivery.deliver_due()
