"""Writes for notifications: tell somebody (in the app, and by e-mail once the transaction commits), mark read."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from presales.notifications.models import Notification
from presales.people.models import User


def _send_email(notification_id: int) -> None:
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    if notification.emailed_at or not notification.recipient.email:
        return
    body = f"{notification.message}\n\n{notification.get_absolute_url()}"
    send_mail(
        subject=notification.message[:120],
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[notification.recipient.email],
        fail_silently=True,
    )
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


def notify(
    *,
    recipient: User,
    kind: str,
    message: str,
    target_type: str = "",
    target_id: int | None = None,
    dedupe_key: str | None = None,
) -> Notification | None:
    """Tell one person something in the app and by e-mail (once per dedupe key); inactive people are not told."""
    if not recipient.is_active:
        return None
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                message=message[:300],
                target_type=target_type,
                target_id=target_id,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:  # another reminder run created it first
        return None
    transaction.on_commit(lambda: _send_email(notification.pk))
    return notification


@transaction.atomic
def notification_mark_read(*, actor: User, notification: Notification | None = None) -> int:
    """Mark one of the person's notifications read, or all of them."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification is not None:
        if notification.recipient_id != actor.pk:
            raise PermissionDenied
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def notifications_forget(*, target_type: str, target_ids: list[int]) -> int:
    """Delete the notifications about rows that are being deleted (they would link to nothing)."""
    if not target_ids:
        return 0
    deleted, _by_model = Notification.objects.filter(target_type=target_type, target_id__in=target_ids).delete()
    return deleted
