"""Writes for evaluation: rubric, capability scores, sales ratings, debriefs, visit quotas, weights, closing periods."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from presales import access
from presales.core.concurrency import save_checked, save_with_version_check
from presales.core.history import attribute_change, save_with_history
from presales.deals.models import Competitor, DealTeamMember, Opportunity, Outcome
from presales.notifications import kinds
from presales.notifications.services import notify
from presales.people.models import User
from presales.scoring import formulas, selectors
from presales.scoring.models import (
    CapabilityDimension,
    CapabilityScore,
    PeriodStatus,
    RatingOccasion,
    SalesRating,
    ScorecardSnapshot,
    ScoringPeriod,
    ScoringWeights,
    VisitQuotaChange,
    WinLossDebrief,
)
from presales.work.models import RequestStatus, SupportRequest

# --- rubric ---------------------------------------------------------------------------------------------------------


def _check_manager(actor: User) -> None:
    if not access.can_manage_scoring(actor):
        raise PermissionDenied(_("Only presales managers and administrators change the scoring set-up."))


@transaction.atomic
def dimension_create(*, actor: User, **data: Any) -> CapabilityDimension:
    """Add a line to the capability rubric."""
    _check_manager(actor)
    return save_checked(CapabilityDimension(**data), actor=actor)


@transaction.atomic
def dimension_update(
    *, actor: User, dimension: CapabilityDimension, expected_version: int | None, **data: Any
) -> CapabilityDimension:
    """Rename, reorder or retire a rubric line (retired lines keep their past scores)."""
    _check_manager(actor)
    return save_with_version_check(dimension, changes=data, expected_version=expected_version, actor=actor)


# --- capability scores -----------------------------------------------------------------------------------------------


@transaction.atomic
def capability_scores_save(
    *,
    actor: User,
    engineer: User,
    period_kind: str,
    period_start: datetime.date,
    scores: dict[CapabilityDimension, tuple[int, str]],
) -> list[CapabilityScore]:
    """The manager's rubric marks (1–5 with a comment) for one engineer and one week or month; re-scoring replaces."""
    if not access.can_score_capability(actor, engineer):
        raise PermissionDenied(_("Only the engineer's manager scores their capability."))
    if period_kind not in (formulas.WEEK, formulas.MONTH):
        raise ValidationError({"period_kind": _("Capability is scored per week or per month.")})
    period_start = formulas.period_bounds(period_kind, period_start)[0]
    saved = []
    for dimension, (score, comment) in scores.items():
        if score is None:
            continue
        if not 1 <= int(score) <= 5:
            raise ValidationError({"score": _("A score is from 1 to 5.")})
        existing = CapabilityScore.objects.filter(
            engineer=engineer, dimension=dimension, period_kind=period_kind, period_start=period_start
        ).first()
        if existing is not None:
            if existing.score != score or existing.comment != comment:
                existing = save_with_version_check(
                    existing,
                    changes={"score": score, "comment": comment, "scored_by": actor},
                    expected_version=None,
                    actor=actor,
                )
            saved.append(existing)
            continue
        record = CapabilityScore(
            engineer=engineer,
            dimension=dimension,
            period_kind=period_kind,
            period_start=period_start,
            score=score,
            comment=comment,
            scored_by=actor,
        )
        save_checked(record, actor=actor)
        saved.append(record)
    return saved


# --- sales ratings ---------------------------------------------------------------------------------------------------


@transaction.atomic
def sales_rating_create(
    *,
    actor: User,
    opportunity: Opportunity,
    request: SupportRequest | None = None,
    responsiveness: int,
    quality: int,
    impact: int,
    comment: str = "",
    rated_on: datetime.date | None = None,
) -> SalesRating:
    """The sales owner rates the presales support on a finished request or a closed supported deal, once."""
    if actor.pk != opportunity.sales_owner_id:
        raise PermissionDenied(_("The deal's sales owner rates the presales support."))
    if request is not None:
        if request.opportunity_id != opportunity.pk:
            raise ValidationError(_("The request is not on this deal."))
        if request.status != RequestStatus.DONE or request.assignee_id is None:
            raise ValidationError(_("A request is rated once it is done."))
        engineer, occasion = request.assignee, RatingOccasion.REQUEST_DONE
        already = SalesRating.objects.filter(request=request, rater=actor)
    else:
        if opportunity.is_open or opportunity.presales_lead_id is None:
            raise ValidationError(_("A deal is rated once it has closed with presales support."))
        engineer, occasion = opportunity.presales_lead, RatingOccasion.DEAL_CLOSED
        already = SalesRating.objects.filter(opportunity=opportunity, rater=actor, request__isnull=True)
    if already.exists():
        raise ValidationError(_("You have already rated this."))
    rating = SalesRating(
        rater=actor,
        engineer=engineer,
        opportunity=opportunity,
        request=request,
        occasion=occasion,
        responsiveness=responsiveness,
        quality=quality,
        impact=impact,
        comment=comment,
        rated_on=rated_on or timezone.localdate(),
    )
    rating.full_clean(validate_constraints=False)
    attribute_change(rating, actor=actor)
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError as exc:  # a second tab submitted first
        raise ValidationError(_("You have already rated this.")) from exc
    return rating


# --- win/loss debriefs -------------------------------------------------------------------------------------------------


@transaction.atomic
def debrief_create(
    *,
    actor: User,
    opportunity: Opportunity,
    main_reason: str,
    explanation: str = "",
    competitor: Competitor | None = None,
    product_gap: str = "",
) -> WinLossDebrief:
    """A deal-team member's debrief of a closed deal, in the role they held on it; one per member."""
    if opportunity.is_open:
        raise ValidationError(_("A deal is debriefed once it has closed."))
    role = selectors.debrief_role(
        actor, opportunity, DealTeamMember.objects.filter(opportunity=opportunity, user=actor)
    )
    if role is None:
        raise PermissionDenied(_("Only the deal team debriefs a deal."))
    if WinLossDebrief.objects.filter(opportunity=opportunity, author=actor).exists():
        raise ValidationError(_("You have already debriefed this deal."))
    debrief = WinLossDebrief(
        opportunity=opportunity,
        author=actor,
        role=role,
        outcome=opportunity.outcome,
        main_reason=main_reason,
        explanation=explanation,
        competitor=competitor,
        product_gap=product_gap,
    )
    debrief.full_clean(validate_constraints=False)
    save_with_history(debrief, actor=actor)
    return debrief


# --- visit quotas --------------------------------------------------------------------------------------------------------


@transaction.atomic
def visit_quota_set(
    *, actor: User, engineer: User, quota: int, effective_from: datetime.date, reason: str = ""
) -> VisitQuotaChange:
    """Change an engineer's weekly visit quota from a week on; the history keeps the quota earlier weeks had."""
    _check_manager(actor)
    if not access.can_see_scorecard(actor, engineer):
        raise PermissionDenied
    if not 0 <= quota <= 50:
        raise ValidationError({"quota": _("A weekly quota is from 0 to 50 visits.")})
    week = formulas.period_bounds(formulas.WEEK, effective_from)[0]
    changes = list(
        VisitQuotaChange.objects.filter(engineer=engineer)
        .exclude(effective_from=week)
        .values_list("effective_from", "quota", "previous_quota")
    )
    previous = formulas.quota_for_week(week, changes, engineer.weekly_visit_quota)
    change, _created = VisitQuotaChange.objects.update_or_create(
        engineer=engineer,
        effective_from=week,
        defaults={"quota": quota, "previous_quota": previous, "changed_by": actor, "reason": reason},
    )
    # The person's current quota (shown on their profile) follows the change once it is in force.
    this_week = formulas.period_bounds(formulas.WEEK, timezone.localdate())[0]
    all_changes = [*changes, (week, quota, previous)]
    current = formulas.quota_for_week(this_week, all_changes, engineer.weekly_visit_quota)
    if current != engineer.weekly_visit_quota:
        engineer.weekly_visit_quota = current
        attribute_change(engineer, actor=actor)
        engineer.save(update_fields=["weekly_visit_quota"])
    return change


# --- weights ---------------------------------------------------------------------------------------------------------------


def weights_get() -> ScoringWeights:
    weights = ScoringWeights.objects.order_by("pk").first()
    return weights or ScoringWeights.objects.create()


@transaction.atomic
def weights_update(
    *,
    actor: User,
    expected_version: int | None,
    results: int,
    visits: int,
    capability: int,
    rating: int,
    technical: int = 0,
) -> ScoringWeights:
    """Set the weights of the scorecard parts (the technical win rate's is optional, 0 by default); they must add up
    to 100."""
    if not access.can_edit_scoring_weights(actor):
        raise PermissionDenied
    if results + visits + capability + rating + technical != 100:
        raise ValidationError(_("The weights must add up to 100."))
    return save_with_version_check(
        weights_get(),
        changes={
            "results": results,
            "visits": visits,
            "capability": capability,
            "rating": rating,
            "technical": technical,
        },
        expected_version=expected_version,
        actor=actor,
    )


# --- closing and reopening periods -------------------------------------------------------------------------------------------


@transaction.atomic
def period_close(*, actor: User, kind: str, start: datetime.date, note: str = "") -> ScoringPeriod:
    """Freeze the period's scorecards for every presales engineer: later edits no longer change them."""
    _check_manager(actor)
    start, end = formulas.period_bounds(kind, start)
    if start > timezone.localdate():
        raise ValidationError(_("A period that has not started cannot be closed."))
    period, _created = ScoringPeriod.objects.select_for_update().get_or_create(
        kind=kind, start=start, defaults={"end": end}
    )
    if period.status == PeriodStatus.CLOSED:
        raise ValidationError(_("This period is already closed."))
    cards = selectors.compute_scorecards(selectors.scorable_engineers(), kind, start)
    ScorecardSnapshot.objects.filter(period=period).delete()
    ScorecardSnapshot.objects.bulk_create(
        [
            ScorecardSnapshot(
                period=period,
                engineer_id=card.engineer_id,
                team_id=card.team_id,
                composite=card.composite,
                rank=card.rank,
                data=card.to_data(),
            )
            for card in cards
        ],
        batch_size=500,
    )
    return save_with_version_check(
        period,
        changes={"status": PeriodStatus.CLOSED, "closed_by": actor, "closed_at": timezone.now(), "note": note},
        expected_version=None,
        actor=actor,
        reason="close",
    )


@transaction.atomic
def period_reopen(*, actor: User, period: ScoringPeriod, reason: str) -> ScoringPeriod:
    """Reopen a closed period (its scorecards go live again); who, when and why stay in the period's history."""
    _check_manager(actor)
    if period.status != PeriodStatus.CLOSED:
        raise ValidationError(_("This period is open already."))
    if not reason.strip():
        raise ValidationError({"note": _("Say why the period is reopened.")})
    ScorecardSnapshot.objects.filter(period=period).delete()
    return save_with_version_check(
        period,
        changes={"status": PeriodStatus.OPEN, "note": reason},
        expected_version=None,
        actor=actor,
        reason=f"reopen: {reason}"[:100],
    )


# --- reminders ---------------------------------------------------------------------------------------------------------------


def send_rating_reminders(*, today: datetime.date | None = None) -> dict[str, int]:
    """Remind sales owners of ratings and deal-team members of debriefs still owed; running it twice sends nothing new."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=selectors.OWED_WINDOW_DAYS)
    counts = {"ratings": 0, "debriefs": 0}
    rated_request = SalesRating.objects.filter(request=OuterRef("pk"), rater=OuterRef("opportunity__sales_owner"))
    requests = (
        SupportRequest.objects.filter(status=RequestStatus.DONE, assignee__isnull=False, updated_at__date__gte=since)
        .exclude(Exists(rated_request))
        .select_related("opportunity", "opportunity__sales_owner", "assignee")
    )
    for request in requests.iterator(chunk_size=500):
        key = f"rate-request:{request.pk}:{request.opportunity.sales_owner_id}"
        if notify(
            recipient=request.opportunity.sales_owner,
            kind=kinds.RATING_OWED,
            params={"engineer": str(request.assignee), "deal": request.opportunity.name},
            target_type="opportunity",
            target_id=request.opportunity_id,
            dedupe_key=key,
        ):
            counts["ratings"] += 1
    rated_deal = SalesRating.objects.filter(
        opportunity=OuterRef("pk"), rater=OuterRef("sales_owner"), request__isnull=True
    )
    closed = (
        Opportunity.objects.closed()
        .filter(closed_on__gte=since)
        .select_related("sales_owner", "presales_lead")
        .prefetch_related("members__user", "debriefs")
    )
    for deal in closed.filter(presales_lead__isnull=False).exclude(Exists(rated_deal)).iterator(chunk_size=500):
        if notify(
            recipient=deal.sales_owner,
            kind=kinds.RATING_OWED,
            variant="deal_closed",
            params={"engineer": str(deal.presales_lead), "deal": deal.name},
            target_type="opportunity",
            target_id=deal.pk,
            dedupe_key=f"rate-deal:{deal.pk}:{deal.sales_owner_id}",
        ):
            counts["ratings"] += 1
    for deal in closed.iterator(chunk_size=500):
        done = {debrief.author_id for debrief in deal.debriefs.all()}
        people: dict[int, User | None] = {deal.sales_owner_id: deal.sales_owner}
        if deal.presales_lead_id:
            people[deal.presales_lead_id] = deal.presales_lead
        for member in deal.members.all():
            people.setdefault(member.user_id, member.user)
        for person_id, person in people.items():
            if person_id in done or person is None:
                continue
            outcome = Outcome(deal.outcome)
            if notify(
                recipient=person,
                kind=kinds.DEBRIEF_OWED,
                params={"deal": deal.name, "outcome": kinds.in_each_language(outcome.label.__str__)},
                target_type="opportunity",
                target_id=deal.pk,
                dedupe_key=f"debrief:{deal.pk}:{person_id}",
            ):
                counts["debriefs"] += 1
    return counts
