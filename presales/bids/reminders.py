"""Bid reminders: 7, 3 and 1 days before each tender deadline, to the owners of unfinished items.

Each (tender, deadline, threshold, person) is sent once: the notification's dedupe key refuses a repeat,
so running the command twice a day, or catching up after a missed day, sends nothing twice.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.utils import timezone

from presales.bids.models import OPEN_TENDER_STATUSES, Tender
from presales.notifications import kinds
from presales.notifications.services import notify

THRESHOLDS = (7, 3, 1)


def threshold_for(days_left: int) -> int | None:
    """The smallest threshold the deadline is within (2 days left -> the 3-day reminder), or None."""
    if days_left < 0:
        return None
    within = [t for t in THRESHOLDS if days_left <= t]
    return min(within) if within else None


def _owners_of_unfinished(tender: Tender, deadline_kind: str) -> dict[Any, list[Any]]:
    """Who still has something open before this deadline, and what."""
    todo: dict[Any, list[Any]] = defaultdict(list)
    if deadline_kind == "question":
        # Before questions close the writers of each section should have raised what is unclear.
        for section in tender.sections.all():
            if not section.done and section.owner is not None:
                todo[section.owner].append(section.name)
        return todo
    for section in tender.sections.all():
        if not section.done and section.owner is not None:
            todo[section.owner].append(section.name)
    for item in tender.submission_items.all():
        if item.done_at is None and item.owner is not None:
            todo[item.owner].append(item.name)
    for row in tender.deviations.all():
        if row.compliance == "open" and row.owner is not None:
            todo[row.owner].append(kinds.deviation_row(row.position))
    return todo


def send_bid_reminders(now: datetime.datetime | None = None) -> int:
    """Send due reminders in the app and by e-mail; returns how many new ones were sent."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    horizon = now + datetime.timedelta(days=max(THRESHOLDS) + 1)
    tenders = (
        Tender.objects.filter(status__in=OPEN_TENDER_STATUSES)
        .filter(submission_deadline__gte=now, submission_deadline__lte=horizon)
        .select_related("opportunity")
        .prefetch_related("sections__owner", "submission_items__owner", "deviations__owner")
    )
    questions = (
        Tender.objects.filter(status__in=OPEN_TENDER_STATUSES)
        .filter(question_deadline__gte=now, question_deadline__lte=horizon)
        .select_related("opportunity")
        .prefetch_related("sections__owner")
    )
    sent = 0
    for kind, queryset in (("submission", tenders), ("question", questions)):
        for tender in queryset:
            deadline = tender.submission_deadline if kind == "submission" else tender.question_deadline
            assert deadline is not None  # noqa: S101 - filtered above
            days_left = (timezone.localtime(deadline).date() - today).days
            threshold = threshold_for(days_left)
            if threshold is None:
                continue
            for person, things in _owners_of_unfinished(tender, kind).items():
                key = f"bid:{tender.pk}:{kind}:{deadline.date().isoformat()}:{threshold}:{person.pk}"
                if notify(
                    recipient=person,
                    kind=kinds.BID_DEADLINE,
                    variant="question" if kind == "question" else kinds.DEFAULT_VARIANT,
                    params={"tender": tender.title, "days": days_left, "things": kinds.items(things)},
                    target_type="opportunity",
                    target_id=tender.opportunity_id,
                    dedupe_key=key,
                ):
                    sent += 1
    return sent
