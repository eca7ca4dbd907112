"""Deal conflicts (撞单): two reps' open deals for the same account and product line, flagged and resolved."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from presales import access
from presales.core.history import save_with_history
from presales.deals.models import (
    ConflictResolution,
    DealConflict,
    DealRole,
    DealTeamMember,
    Opportunity,
    Outcome,
    OutcomeReason,
)
from presales.deals.services.opportunities import opportunity_close
from presales.notifications import kinds
from presales.notifications.services import notify
from presales.people.models import User

# A deal that collides with more open deals than this has a data problem a person must look at; flag these.
MAX_FLAGGED = 10


def _people_to_tell(conflict: DealConflict) -> list[User]:
    """Both reps and the managers of their teams, each once."""
    people: dict[int, User] = {}
    for deal in (conflict.first, conflict.second):
        people[deal.sales_owner.pk] = deal.sales_owner
        if deal.team is not None and deal.team.manager is not None:
            people[deal.team.manager.pk] = deal.team.manager
    return list(people.values())


def _tell(conflict: DealConflict) -> None:
    """The one place 撞单 reaches people (notifications.notify): both reps and their managers."""
    params = {
        "account": conflict.first.account.name,
        "first": conflict.first.name,
        "first_owner": str(conflict.first.sales_owner),
        "second": conflict.second.name,
        "second_owner": str(conflict.second.sales_owner),
    }
    for person in _people_to_tell(conflict):
        notify(
            recipient=person,
            kind=kinds.DEAL_CONFLICT,
            params=params,
            target_type="deal_conflict",
            target_id=conflict.pk,
            dedupe_key=f"deal_conflict:{conflict.pk}:{person.pk}",
        )


def deal_conflicts_detect(*, opportunity: Opportunity, actor: User | None) -> list[DealConflict]:
    """Flag every other rep's open deal for the same account and product line (once per pair of deals)."""
    if not opportunity.is_open or opportunity.product_line_id is None:
        return []
    others = list(
        Opportunity.objects.open()
        .filter(account_id=opportunity.account_id, product_line_id=opportunity.product_line_id)
        .exclude(pk=opportunity.pk)
        .exclude(sales_owner_id=opportunity.sales_owner_id)
        .exclude(conflicts_as_first__second=opportunity)
        .exclude(conflicts_as_second__first=opportunity)
        .select_related("account", "sales_owner", "team__manager")
        .order_by("pk")[:MAX_FLAGGED]
    )
    if not others:
        return []
    opportunity = Opportunity.objects.select_related("account", "sales_owner", "team__manager").get(pk=opportunity.pk)
    flagged = []
    for other in others:
        first, second = (other, opportunity) if other.pk < opportunity.pk else (opportunity, other)
        conflict = DealConflict(first=first, second=second)
        save_with_history(conflict, actor=actor)
        _tell(conflict)
        flagged.append(conflict)
    return flagged


def deal_conflicts_for(opportunity: Opportunity) -> list[DealConflict]:
    """The deal's conflicts, open ones first (one query)."""
    return list(
        DealConflict.objects.filter(Q(first=opportunity) | Q(second=opportunity))
        .select_related("first__sales_owner", "second__sales_owner", "resolved_by")
        .order_by("-resolved_at", "-pk")
    )


@transaction.atomic
def deal_conflict_resolve(*, actor: User, conflict: DealConflict, resolution: str, reason: str) -> DealConflict:
    """A manager settles 撞单 with a reason: keep one deal (the other is abandoned with that reason), both are
    legitimate, or merge (the second deal's rep joins the first deal's team and the second is abandoned)."""
    conflict = DealConflict.objects.select_for_update().select_related("first", "second").get(pk=conflict.pk)
    if not access.can_resolve_deal_conflict(actor, conflict):
        raise PermissionDenied
    if not conflict.is_open:
        raise ValidationError(_("This conflict was already resolved."))
    if resolution not in ConflictResolution.values:
        raise ValidationError({"resolution": _("Choose how the conflict is resolved.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why.")})
    why = _("Deal conflict resolved: %(reason)s") % {"reason": reason.strip()}
    dropped = {
        ConflictResolution.KEEP_FIRST: conflict.second,
        ConflictResolution.KEEP_SECOND: conflict.first,
        ConflictResolution.MERGE: conflict.second,
    }.get(ConflictResolution(resolution))
    if resolution == ConflictResolution.MERGE:
        rep = conflict.second.sales_owner
        kept = conflict.first
        if rep.pk != kept.sales_owner_id and not DealTeamMember.objects.filter(opportunity=kept, user=rep).exists():
            member = DealTeamMember(opportunity=kept, user=rep, role=DealRole.COMMERCIAL)
            save_with_history(member, actor=actor, reason=why[:100])
    if dropped is not None and dropped.is_open:
        opportunity_close(
            actor=actor,
            opportunity=dropped,
            outcome=Outcome.ABANDONED,
            reason=why,
            win_loss_reason=OutcomeReason.objects.active().filter(key="duplicate").first(),
            expected_version=None,
            enforce_permission=False,
        )
    conflict.resolution = resolution
    conflict.reason = reason.strip()
    conflict.resolved_by = actor
    conflict.resolved_at = timezone.now()
    save_with_history(conflict, actor=actor, reason=why[:100])
    return conflict
