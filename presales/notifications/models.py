"""Notifications and how they reach people: the message (a kind and its parameters), the channels a person or a team
chose (e-mail, chat robots), each delivery over a channel, and the outbound webhooks for integrators."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from presales import access
from presales.core.models import BaseModel
from presales.notifications import kinds, targets


class Notification(models.Model):
    """A message to one person: what happened (kind and parameters), rendered in the reader's language when shown."""

    recipient = models.ForeignKey("people.User", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=20, choices=kinds.CHOICES)
    # Which of the kind's templates (e.g. one step or many) and the values it shows: never rendered text.
    variant = models.CharField(max_length=20, default=kinds.DEFAULT_VARIANT)
    params = models.JSONField(default=dict, blank=True)
    # What it is about: a type registered in `targets` by the app that owns it, and the row's id.
    target_type = models.CharField(max_length=30, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    # The text of a notification made before kinds carried parameters, when its parameters could not be recovered.
    legacy_text = models.CharField(max_length=300, blank=True)
    # Reminders carry a key (kind, target, due date) so running the reminder command twice sends nothing new.
    dedupe_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        """The page the notification is about; its own list when its target has no page."""
        return targets.link_for(self.target_type, self.target_id) or reverse("notifications:list")

    @property
    def text(self) -> str:
        """The message in the active language and time zone (the reader's, on a page)."""
        if self.legacy_text and not self.params:
            return self.legacy_text
        return kinds.render_text(self.kind, self.variant, self.params)

    def text_for(self, reader: Any) -> str:
        """The message in a reader's own language and time zone (for e-mail and chat, sent outside any request)."""
        if self.legacy_text and not self.params:
            return self.legacy_text
        return kinds.render_for(
            self.kind, self.variant, self.params, language=reader.language, time_zone=reader.timezone
        )

    def absolute_open_url(self) -> str:
        """The full address that opens it (and marks it read), for e-mail and chat: PRESALES_BASE_URL + path."""
        return settings.PRESALES_BASE_URL.rstrip("/") + reverse("notifications:open", args=[self.pk])

    @property
    def tone(self) -> str:
        """How loudly the list shows it: overdue and escalated in red, deadlines coming up in amber."""
        kind = kinds.KINDS.get(self.kind)
        return kind.tone if kind else "primary"


class Platform(models.TextChoices):
    """The chat platforms whose group robots we post to (formats and signatures in `notifications.channels`)."""

    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk custom robot")
    FEISHU = "feishu", _("Feishu custom bot")


class ChatRobot(BaseModel):
    """A chat group's robot that a person or a team chose to receive notifications in; its address is a secret."""

    user = models.ForeignKey("people.User", null=True, blank=True, on_delete=models.CASCADE, related_name="chat_robots")
    team = models.ForeignKey("people.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="chat_robots")
    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices)
    name = models.CharField(_("name"), max_length=100)
    # The webhook address holds the robot's key (WeCom) or access token (DingTalk): encrypted, never shown again.
    webhook_url_encrypted = models.TextField()
    secret_encrypted = models.TextField(blank=True)
    # Which kinds it receives; empty means every kind.
    kinds = models.JSONField(_("kinds"), default=list, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)

    history = HistoricalRecords(excluded_fields=["webhook_url_encrypted", "secret_encrypted"])

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("chat robot")
        verbose_name_plural = _("chat robots")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, team__isnull=True)
                | models.Q(user__isnull=True, team__isnull=False),
                name="chat_robot_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} · {self.name}"

    def wants(self, kind: str) -> bool:
        return self.enabled and (not self.kinds or kind in self.kinds)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Attempts(models.Model):
    """Sending something to the outside world: tried until the server accepts it, with backoff, then given up."""

    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        abstract = True

    def is_due(self, now: datetime.datetime) -> bool:
        return self.status == DeliveryStatus.PENDING and (self.next_attempt_at is None or self.next_attempt_at <= now)


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WECOM = Platform.WECOM.value, Platform.WECOM.label
    DINGTALK = Platform.DINGTALK.value, Platform.DINGTALK.label
    FEISHU = Platform.FEISHU.value, Platform.FEISHU.label


class Delivery(Attempts):
    """One notification sent over one channel (the person's e-mail, or one chat robot): at most once each."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    robot = models.ForeignKey(ChatRobot, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification"], condition=models.Q(robot__isnull=True), name="delivery_one_email"
            ),
            models.UniqueConstraint(fields=["notification", "robot"], name="delivery_once_per_robot"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.notification_id} · {self.get_channel_display()} · {self.get_status_display()}"


class WebhookEvent(models.TextChoices):
    """What integrators may subscribe to; each event's data is documented in docs/architecture.md."""

    DEAL_STAGE_CHANGED = "deal.stage_changed", _("Deal stage changed")
    DEAL_WON = "deal.won", _("Deal won")
    DEAL_LOST = "deal.lost", _("Deal lost")
    REQUEST_CREATED = "request.created", _("Support request created")
    REQUEST_DECIDED = "request.decided", _("Support request decided")
    STEP_OVERDUE = "step.overdue", _("Step overdue")


class Webhook(BaseModel):
    """An integrator's address that receives our events as signed JSON (HMAC-SHA256 of the body)."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("address"), max_length=500)
    secret_encrypted = models.TextField()
    events = models.JSONField(_("events"), default=list)
    enabled = models.BooleanField(_("enabled"), default=True)

    history = HistoricalRecords(excluded_fields=["secret_encrypted"])

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.name


class WebhookDeliveryQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> WebhookDeliveryQuerySet:
        return access.webhook_deliveries_visible_to(user, self)


class WebhookDelivery(Attempts):
    """One event sent to one webhook; the event id makes a second send of the same event a no-op."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=30, choices=WebhookEvent.choices)
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4)
    payload = models.JSONField(default=dict)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [models.UniqueConstraint(fields=["webhook", "event_id"], name="webhook_delivery_once")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.webhook_id} · {self.event} · {self.get_status_display()}"
