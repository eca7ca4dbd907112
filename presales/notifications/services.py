"""Writes for notifications: tell somebody (in the app, then over their channels once the transaction commits), mark
read, and the channel settings of people and teams."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from presales import access
from presales.core.concurrency import save_changes
from presales.core.history import attribute_change, delete_with_history, save_with_history
from presales.core.secrets import encrypt_secret
from presales.notifications import channels, kinds, tasks
from presales.notifications.models import (
    Channel,
    ChatRobot,
    Delivery,
    DeliveryStatus,
    Notification,
    Platform,
)
from presales.people.models import Team, User


def _deliveries_for(notification: Notification) -> list[Delivery]:
    """One delivery per channel the recipient (and their team) chose: their e-mail and the robots wanting this kind."""
    recipient = notification.recipient
    wanted: list[Delivery] = []
    if recipient.email and recipient.email_notifications:
        wanted.append(Delivery(notification=notification, channel=Channel.EMAIL))
    robots = ChatRobot.objects.filter(enabled=True, user=recipient)
    if recipient.team_id:
        robots = robots | ChatRobot.objects.filter(enabled=True, team_id=recipient.team_id)
    for robot in robots:
        if robot.wants(notification.kind):
            wanted.append(Delivery(notification=notification, channel=robot.platform, robot=robot))
    return Delivery.objects.bulk_create(wanted) if wanted else []  # a new notification: no conflict possible


def notify(
    *,
    recipient: User,
    kind: kinds.Kind,
    params: dict[str, Any],
    variant: str = kinds.DEFAULT_VARIANT,
    target_type: str = "",
    target_id: int | None = None,
    dedupe_key: str | None = None,
) -> Notification | None:
    """Tell one person what happened (once per dedupe key): in the app, and over their channels after the commit.

    Inactive people are not told. `params` are built with the helpers of `notifications.kinds`; the text is rendered
    in the reader's language when shown or sent."""
    if not recipient.is_active:
        return None
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind.key,
                variant=variant,
                params=params,
                target_type=target_type,
                target_id=target_id,
                dedupe_key=dedupe_key,
            )
            deliveries = _deliveries_for(notification)
    except IntegrityError:  # another reminder run created it first
        return None
    for delivery in deliveries:
        transaction.on_commit(partial(tasks.send_delivery, delivery.pk))
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


@transaction.atomic
def deliveries_withhold_pending(*, reason: str) -> int:
    """Mark every delivery not yet tried as not to be sent (the demo data's notifications must not mail anybody);
    their tasks then find nothing to do. Returns how many."""
    return Delivery.objects.filter(status=DeliveryStatus.PENDING, attempts=0).update(
        status=DeliveryStatus.FAILED, last_error=reason[:500], next_attempt_at=None
    )


# --- channels: a person's and a team's choices -------------------------------------------------------------------------


@transaction.atomic
def email_choice_set(*, actor: User, enabled: bool) -> User:
    """A person turns their notification e-mails on or off (in-app notifications are always on)."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    if user.email_notifications != enabled:
        user.email_notifications = enabled
        attribute_change(user, actor=actor, reason="notification e-mail on" if enabled else "notification e-mail off")
        user.save(update_fields=["email_notifications"])
    return user


def _check_robot(platform: str, webhook_url: str, secret: str, kinds_chosen: Iterable[str]) -> list[str]:
    if platform not in Platform.values:
        raise ValidationError({"platform": _("Choose a chat platform.")})
    try:
        channels.check_robot_address(webhook_url)
    except channels.SendError as error:
        raise ValidationError(
            {"webhook_url": _("This is not a %(platform)s robot address.") % {"platform": Platform(platform).label}}
        ) from error
    if platform == Platform.DINGTALK and secret and not secret.startswith("SEC"):
        raise ValidationError({"secret": _("A DingTalk signing secret starts with SEC.")})
    unknown = set(kinds_chosen) - set(kinds.KINDS)
    if unknown:
        raise ValidationError({"kinds": _("Unknown kind: %(kinds)s") % {"kinds": ", ".join(sorted(unknown))}})
    return list(kinds_chosen)


@transaction.atomic
def chat_robot_create(
    *,
    actor: User,
    platform: str,
    name: str,
    webhook_url: str,
    secret: str = "",
    kinds_chosen: Iterable[str] = (),
    team: Team | None = None,
) -> ChatRobot:
    """Add a chat robot for the person (no team) or for a team they may manage; its address and secret are encrypted."""
    if team is not None and not access.can_manage_team_channels(actor, team):
        raise PermissionDenied(_("Only the team's manager or an administrator chooses the team's channels."))
    chosen = _check_robot(platform, webhook_url.strip(), secret.strip(), kinds_chosen)
    robot = ChatRobot(
        user=None if team is not None else actor,
        team=team,
        platform=platform,
        name=name.strip()[:100] or str(Platform(platform).label),
        webhook_url_encrypted=encrypt_secret(webhook_url.strip()),
        secret_encrypted=encrypt_secret(secret.strip()),
        kinds=chosen,
    )
    save_with_history(robot, actor=actor, reason="chat robot added")
    return robot


@transaction.atomic
def chat_robot_set_enabled(*, actor: User, robot: ChatRobot, enabled: bool) -> ChatRobot:
    """Pause or resume a robot without forgetting its address."""
    if not access.can_change_chat_robot(actor, owner_id=robot.user_id, team=robot.team):
        raise PermissionDenied
    reason = "chat robot resumed" if enabled else "chat robot paused"
    return save_changes(robot, {"enabled": enabled}, actor=actor, reason=reason)


@transaction.atomic
def chat_robot_delete(*, actor: User, robot: ChatRobot) -> None:
    """Remove a robot (its deliveries go with it)."""
    if not access.can_change_chat_robot(actor, owner_id=robot.user_id, team=robot.team):
        raise PermissionDenied
    delete_with_history(robot, actor=actor, reason="chat robot removed")
