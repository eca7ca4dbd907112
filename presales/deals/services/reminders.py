"""Reminders of checklist steps due soon or overdue, in the app and by e-mail; safe to run as often as you like."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from presales.deals.models import DealStep
from presales.notifications.models import NotificationKind
from presales.notifications.services import notify

DUE_SOON_DAYS = 2
# Each step reminder's short name: the command's counts and the dedupe keys (unchanged, so nothing is sent twice).
REMINDER_NAMES = {NotificationKind.STEP_DUE_SOON: "due_soon", NotificationKind.STEP_OVERDUE: "overdue"}


def send_step_reminders(*, today: datetime.date | None = None) -> dict[str, int]:
    """Due-soon and overdue reminders for every open step; safe to run as often as you like."""
    today = today or timezone.localdate()
    counts = {"due_soon": 0, "overdue": 0}
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    steps = (
        DealStep.objects.open()
        .filter(due_date__isnull=False, due_date__lte=soon)
        .select_related("definition", "opportunity", "responsible")
        .order_by("pk")
    )
    for step in steps.iterator(chunk_size=500):
        if step.due_date is None:  # excluded by the query; narrows the type
            continue
        if step.due_date < today:
            kind, message = NotificationKind.STEP_OVERDUE, _("Overdue since %(date)s: %(step)s on %(deal)s.")
        else:
            kind, message = NotificationKind.STEP_DUE_SOON, _("Due %(date)s: %(step)s on %(deal)s.")
        text = message % {"date": step.due_date.isoformat(), "step": step.definition, "deal": step.opportunity}
        key = f"{REMINDER_NAMES[kind]}:{step.pk}:{step.responsible_id}:{step.due_date.isoformat()}"
        with transaction.atomic():
            if notify(
                recipient=step.responsible,
                kind=kind,
                message=text,
                target_type="deal_step",
                target_id=step.pk,
                dedupe_key=key,
            ):
                counts[REMINDER_NAMES[kind]] += 1
    return counts
