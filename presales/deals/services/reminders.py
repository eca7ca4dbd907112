"""Reminders of checklist steps due soon or overdue, in the app and by e-mail; safe to run as often as you like."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from presales.deals.events import step_event_data
from presales.deals.models import DealStep
from presales.notifications import kinds
from presales.notifications.models import WebhookEvent
from presales.notifications.services import notify
from presales.notifications.webhooks import emit_event

DUE_SOON_DAYS = 2
# Each step reminder's short name: the command's counts and the dedupe keys (unchanged, so nothing is sent twice).
REMINDER_NAMES = {kinds.STEP_DUE_SOON.key: "due_soon", kinds.STEP_OVERDUE.key: "overdue"}


def send_step_reminders(*, today: datetime.date | None = None) -> dict[str, int]:
    """Due-soon and overdue reminders for every actionable step (an upcoming step, of a stage not reached, has no due
    date and is never reminded of); safe to run as often as you like."""
    today = today or timezone.localdate()
    counts = {"due_soon": 0, "overdue": 0}
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    steps = (
        DealStep.objects.actionable()
        # An unassigned step has nobody to remind: it is on its manager's queue.
        .filter(due_date__isnull=False, due_date__lte=soon, responsible__isnull=False)
        .select_related("definition", "opportunity", "responsible")
        .order_by("pk")
    )
    for step in steps.iterator(chunk_size=500):
        if step.due_date is None or step.responsible is None:  # excluded by the query; narrows the types
            continue
        kind = kinds.STEP_OVERDUE if step.due_date < today else kinds.STEP_DUE_SOON
        params = {
            "date": kinds.date(step.due_date),
            "step": kinds.in_each_language(step.definition.__str__),
            "deal": step.opportunity.name,
        }
        key = f"{REMINDER_NAMES[kind.key]}:{step.pk}:{step.responsible_id}:{step.due_date.isoformat()}"
        with transaction.atomic():
            if notify(
                recipient=step.responsible,
                kind=kind,
                params=params,
                target_type="deal_step",
                target_id=step.pk,
                dedupe_key=key,
            ):
                counts[REMINDER_NAMES[kind.key]] += 1
                if kind is kinds.STEP_OVERDUE:
                    emit_event(
                        event=WebhookEvent.STEP_OVERDUE,
                        data=step_event_data(step),
                        key=f"{step.pk}:{step.due_date.isoformat()}",
                    )
    return counts
