"""Writes for competitors (the shared competitor profiles and who competes in which deal) and the win/loss reasons."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from presales import access
from presales.core.concurrency import save_checked, save_with_version_check
from presales.core.history import delete_with_history, save_with_history
from presales.deals.models import Competitor, Opportunity, OpportunityCompetitor, OutcomeReason
from presales.people.models import User


@transaction.atomic
def deal_competitor_add(
    *, actor: User, opportunity: Opportunity, competitor: Competitor, notes: str = "", is_ahead: bool = False
) -> OpportunityCompetitor:
    """Record that a competitor is in this deal."""
    if not access.can_edit_opportunity(actor, opportunity):
        raise PermissionDenied
    link, _created = OpportunityCompetitor.objects.get_or_create(opportunity=opportunity, competitor=competitor)
    link.notes = notes
    link.is_ahead = is_ahead
    save_with_history(link, actor=actor)
    return link


@transaction.atomic
def deal_competitor_remove(*, actor: User, link: OpportunityCompetitor) -> None:
    """Take a competitor off a deal."""
    if not access.can_edit_opportunity(actor, link.opportunity):
        raise PermissionDenied
    delete_with_history(link, actor=actor)


@transaction.atomic
def competitor_create(*, actor: User, **data: Any) -> Competitor:
    """Add a shared competitor profile."""
    if not access.can_edit_competitors(actor):
        raise PermissionDenied
    return save_checked(Competitor(**data), actor=actor)


@transaction.atomic
def competitor_update(*, actor: User, competitor: Competitor, expected_version: int | None, **data: Any) -> Competitor:
    """Change a competitor profile (threat level, strengths, weaknesses)."""
    if not access.can_edit_competitors(actor):
        raise PermissionDenied
    return save_with_version_check(competitor, changes=data, expected_version=expected_version, actor=actor)


# --- The win/loss reasons ---------------------------------------------------------------------------------------


@transaction.atomic
def outcome_reason_create(*, actor: User, **data: Any) -> OutcomeReason:
    """Add a reason to the list offered when a deal is closed."""
    if not access.can_manage_outcome_reasons(actor):
        raise PermissionDenied
    return save_checked(OutcomeReason(**data), actor=actor)


@transaction.atomic
def outcome_reason_update(
    *, actor: User, reason: OutcomeReason, expected_version: int | None, **data: Any
) -> OutcomeReason:
    """Rename a reason, change what it is offered for, its place in the list, or take it out of use (deals closed
    with it keep it: a reason is never deleted)."""
    if not access.can_manage_outcome_reasons(actor):
        raise PermissionDenied
    return save_with_version_check(reason, changes=data, expected_version=expected_version, actor=actor)
