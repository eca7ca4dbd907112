"""Forecast writes: a deal's category override, the stage categories, quotas, a manager's call and the weekly
snapshot. Every write is checked against presales.access and leaves a history row."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from presales import access
from presales.core.bulkinsert import insert_objects
from presales.core.concurrency import upsert_row
from presales.core.history import attribute_change, delete_with_history
from presales.deals.models import Opportunity
from presales.forecast import selectors
from presales.forecast.models import (
    OPEN_CATEGORIES,
    CategoryOverride,
    ManagerCall,
    Quota,
    Snapshot,
    SnapshotRow,
    StageCategory,
)
from presales.forecast.periods import Period, week_start
from presales.people.models import Team, User
from presales.playbook.models import Stage


def _check_category(category: str) -> None:
    if category not in OPEN_CATEGORIES:
        raise ValidationError({"category": _("Choose pipeline, best case or commit.")})


@transaction.atomic
def category_override_set(*, actor: User, opportunity: Opportunity, category: str, note: str) -> CategoryOverride:
    """Put an open deal in a forecast category of the owner's (or their manager's) choosing, saying why."""
    if not access.can_set_forecast_category(actor, opportunity):
        raise PermissionDenied
    _check_category(category)
    if not note.strip():
        raise ValidationError({"note": _("Say why the deal belongs in this category.")})
    return upsert_row(
        CategoryOverride,
        key={"opportunity": opportunity},
        values={"category": category, "note": note.strip(), "set_by": actor},
        actor=actor,
    )


@transaction.atomic
def category_override_clear(*, actor: User, opportunity: Opportunity) -> None:
    """Let the deal follow its stage's category again (the history keeps the override that was)."""
    if not access.can_set_forecast_category(actor, opportunity):
        raise PermissionDenied
    override = CategoryOverride.objects.filter(opportunity=opportunity).first()
    if override is not None:
        delete_with_history(override, actor=actor, reason="cleared")


@transaction.atomic
def stage_category_set(*, actor: User, stage: Stage, category: str) -> StageCategory:
    """Choose the category a stage gives its open deals (an administrator's setting)."""
    if not access.can_edit_forecast_categories(actor):
        raise PermissionDenied
    _check_category(category)
    return upsert_row(StageCategory, key={"stage": stage}, values={"category": category}, actor=actor)


@transaction.atomic
def quota_set(
    *, actor: User, period: Period, amount: Decimal | None, person: User | None = None, team: Team | None = None
) -> Quota | None:
    """Set (or, with no amount, remove) a person's or a team's quota for a month or a quarter."""
    if (person is None) == (team is None):
        raise ValidationError(_("A quota is for one person or one team."))
    if not access.can_set_quota(actor, person=person, team=team):
        raise PermissionDenied
    if amount is not None and amount < 0:
        raise ValidationError({"amount": _("A quota cannot be negative.")})
    key = {"person": person, "team": team, "period_kind": period.kind, "period_start": period.start}
    if amount is None:
        existing = Quota.objects.select_for_update().filter(**key).first()
        if existing is not None:
            delete_with_history(existing, actor=actor, reason="cleared")
        return None
    return upsert_row(Quota, key=key, values={"amount": amount}, actor=actor)


@transaction.atomic
def manager_call_set(*, actor: User, team: Team, period: Period, amount: Decimal, note: str = "") -> ManagerCall:
    """The team manager's own figure for the period, with a note, shown beside the reps' figures."""
    if not access.can_make_forecast_call(actor, team):
        raise PermissionDenied
    if amount < 0:
        raise ValidationError({"amount": _("A call cannot be negative.")})
    return upsert_row(
        ManagerCall,
        key={"team": team, "period_kind": period.kind, "period_start": period.start},
        values={"amount": amount, "note": note, "made_by": actor},
        actor=actor,
    )


@transaction.atomic
def snapshot_record(
    *, week: datetime.date, entries: dict[int, selectors.Entry], taken_at: datetime.datetime | None = None
) -> tuple[Snapshot, bool]:
    """Store the week's snapshot from these entries; a week that already has one keeps it (returns it, False)."""
    start = week_start(week)
    existing = Snapshot.objects.filter(week_start=start).first()
    if existing is not None:
        return existing, False
    snapshot = Snapshot(week_start=start, taken_at=taken_at or timezone.now())
    attribute_change(snapshot, reason="weekly snapshot")
    try:
        with transaction.atomic():
            snapshot.save()
    except IntegrityError:  # another worker took it a moment ago
        return Snapshot.objects.get(week_start=start), False
    # One row per open deal (tens of thousands at a company's size): inserted without Django compiling each value.
    insert_objects(
        [
            SnapshotRow(
                snapshot=snapshot,
                opportunity_id=pk,
                category=entry.category,
                amount=entry.amount,
                expected_close_date=entry.expected_close_date,
                stage_id=entry.stage_id,
                owner_id=entry.owner_id,
                team_id=entry.team_id,
            )
            for pk, entry in entries.items()
        ],
        SnapshotRow,
        set_pks=False,
    )
    return snapshot, True


def snapshot_take(*, today: datetime.date | None = None) -> tuple[Snapshot, bool]:
    """This week's snapshot of every open deal (the worker's weekly job); idempotent: a second run the same week
    changes nothing."""
    today = today or timezone.localdate()
    existing = Snapshot.objects.filter(week_start=week_start(today)).first()
    if existing is not None:
        return existing, False
    return snapshot_record(week=today, entries=selectors.live_entries(Opportunity.objects.all(), today))
