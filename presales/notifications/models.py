"""Notifications: a message to one person about something that happened, with a link to what it is about."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from presales.notifications import targets


class NotificationKind(models.TextChoices):
    """One kind per source, so a reader (and a filter) can tell a rating reminder from a step handed over."""

    STEP_ASSIGNED = "step_assigned", _("Step assigned to you")
    STEP_DUE_SOON = "step_due_soon", _("Step due soon")
    STEP_OVERDUE = "step_overdue", _("Step overdue")
    REQUEST_ASSIGNED = "request_assigned", _("Support request for you")
    REQUEST_DONE = "request_done", _("Support request done")
    REQUEST_ESCALATED = "request_escalated", _("Support request nobody picked up")
    RATING_OWED = "rating_owed", _("Rating to give")
    DEBRIEF_OWED = "debrief_owed", _("Debrief to write")
    BID_DEADLINE = "bid_deadline", _("Bid deadline near")


URGENT_KINDS = {NotificationKind.STEP_OVERDUE, NotificationKind.REQUEST_ESCALATED}
SOON_KINDS = {NotificationKind.STEP_DUE_SOON, NotificationKind.BID_DEADLINE}


class Notification(models.Model):
    """A message to one person, shown in the app and sent by e-mail once."""

    recipient = models.ForeignKey("people.User", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    # What it is about: a type registered in `targets` by the app that owns it, and the row's id.
    target_type = models.CharField(max_length=30, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    message = models.CharField(_("message"), max_length=300)
    # Reminders carry a key (kind, target, due date) so running the reminder command twice sends nothing new.
    dedupe_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.message

    def get_absolute_url(self) -> str:
        """The page the notification is about; its own list when its target has no page."""
        return targets.link_for(self.target_type, self.target_id) or reverse("notifications:list")

    @property
    def tone(self) -> str:
        """How loudly the list shows it: overdue and escalated in red, deadlines coming up in amber."""
        if self.kind in URGENT_KINDS:
            return "danger"
        if self.kind in SOON_KINDS:
            return "warn"
        return "primary"
