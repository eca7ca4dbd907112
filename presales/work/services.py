"""Writes for presales work: log and plan activities, file support requests and move them through their flow."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from presales import access
from presales.core.concurrency import save_checked, save_with_version_check
from presales.core.history import attribute_change
from presales.customers.models import Account
from presales.deals.models import Opportunity
from presales.notifications import kinds
from presales.notifications.models import WebhookEvent
from presales.notifications.services import notify
from presales.notifications.webhooks import emit_event
from presales.people.models import PRESALES_ROLES, Role, Skill, User
from presales.work.defaults import FALLBACK_TARGET_HOURS
from presales.work.models import (
    Activity,
    ActivityStatus,
    RequestStatus,
    ResponseTarget,
    SupportRequest,
)
from presales.work.selectors import is_presales_duty

ACTIVITY_FIELDS = (
    "kind",
    "date",
    "hours",
    "status",
    "opportunity",
    "account",
    "step_key",
    "outcome",
    "win_rate_answer",
    "expected_uplift",
    "request",
)


def _check_deal_visible(actor: User, opportunity: Opportunity) -> None:
    if not Opportunity.objects.filter(pk=opportunity.pk).visible_to(actor).exists():
        raise PermissionDenied(_("You cannot see this opportunity."))


def _check_participants(participants: Iterable[User]) -> list[User]:
    people = list(participants)
    if any(not person.is_active for person in people):
        raise ValidationError({"participants": _("Only active people can take part.")})
    return people


# --- activities ---------------------------------------------------------------------------------


@transaction.atomic
def activity_create(
    *,
    actor: User,
    kind: str,
    date: datetime.date,
    hours: Decimal,
    opportunity: Opportunity | None = None,
    account: Account | None = None,
    owner: User | None = None,
    participants: Iterable[User] = (),
    status: str = ActivityStatus.DONE,
    step_key: str = "",
    outcome: str = "",
    win_rate_answer: str = "",
    expected_uplift: Decimal | None = None,
    request: SupportRequest | None = None,
) -> Activity:
    """Log done work or plan work on a deal or an account; the account follows the deal."""
    if not access.can_log_activity(actor):
        raise PermissionDenied(_("Only presales people log presales activities."))
    owner = owner or actor
    if not access.can_log_activity_for(actor, owner):
        raise PermissionDenied(_("Only a presales manager logs work for somebody else."))
    if opportunity is not None:
        _check_deal_visible(actor, opportunity)
        account = opportunity.account
    elif account is None:
        raise ValidationError({"opportunity": _("Choose the opportunity or the account the work was for.")})
    elif not Account.objects.filter(pk=account.pk).visible_to(actor).exists():
        raise PermissionDenied(_("You cannot see this account."))
    activity = Activity(
        kind=kind,
        date=date,
        hours=hours,
        status=status,
        owner=owner,
        opportunity=opportunity,
        account=account,
        step_key=step_key,
        outcome=outcome,
        win_rate_answer=win_rate_answer,
        expected_uplift=expected_uplift,
        request=request,
    )
    save_checked(activity, actor=actor)
    people = [p for p in _check_participants(participants) if p.pk != owner.pk]
    if people:
        activity.participants.set(people)
    return activity


@transaction.atomic
def activity_update(
    *,
    actor: User,
    activity: Activity,
    expected_version: int | None,
    participants: Iterable[User] | None = None,
    **changes: Any,
) -> Activity:
    """Change an activity (mark it done, fix the hours, write the outcome) unless somebody changed it meanwhile."""
    if not access.can_edit_activity(actor, activity):
        raise PermissionDenied(_("You cannot change this activity."))
    unknown = set(changes) - set(ACTIVITY_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}")
    if changes.get("opportunity") is not None:
        _check_deal_visible(actor, changes["opportunity"])
        changes["account"] = changes["opportunity"].account
    updated = cast(
        Activity, save_with_version_check(activity, changes=changes, expected_version=expected_version, actor=actor)
    )
    if participants is not None:
        updated.participants.set([p for p in _check_participants(participants) if p.pk != updated.owner_id])
    return updated


# --- support requests ---------------------------------------------------------------------------


def response_target_for(amount: Decimal) -> tuple[int, int]:
    """Hours to triage and to first response for a deal of this amount (the highest threshold it reaches)."""
    target = ResponseTarget.objects.filter(min_amount__lte=amount).order_by("-min_amount").first()
    if target is None:
        return FALLBACK_TARGET_HOURS
    return target.hours_to_triage, target.hours_to_first_response


@transaction.atomic
def request_create(
    *,
    actor: User,
    opportunity: Opportunity,
    kind: str,
    description: str,
    needed_by: datetime.date,
    estimate_hours: Decimal,
    win_rate_answer: str,
    expected_uplift: Decimal | None,
    skills: Iterable[Skill] = (),
) -> SupportRequest:
    """Sales asks presales for help on a deal; the duty flag and the response-time targets are set here."""

    if not access.can_create_request(actor):
        raise PermissionDenied(_("Only sales and commercial people file support requests."))
    _check_deal_visible(actor, opportunity)
    if needed_by < timezone.localdate():
        raise ValidationError({"needed_by": _("The needed-by date is in the past.")})
    if not (win_rate_answer or "").strip():
        raise ValidationError({"win_rate_answer": _("Say how this raises the chance of winning the deal.")})
    now = timezone.now()
    triage_hours, response_hours = response_target_for(opportunity.amount)
    request = SupportRequest(
        opportunity=opportunity,
        requester=actor,
        kind=kind,
        description=description,
        needed_by=needed_by,
        estimate_hours=estimate_hours,
        win_rate_answer=win_rate_answer,
        expected_uplift=expected_uplift,
        is_duty=is_presales_duty(kind, opportunity),
        triage_due_at=now + datetime.timedelta(hours=triage_hours),
        response_due_at=now + datetime.timedelta(hours=response_hours),
    )
    save_checked(request, actor=actor)
    request.skills.set(list(skills))
    emit_event(event=WebhookEvent.REQUEST_CREATED, data=request_event_data(request))
    return request


# --- notifications (in the app and by e-mail) ----------------------


def presales_managers_for(request: SupportRequest) -> list[User]:
    """Who answers for a request: the managers of the deal's presales team, else every presales manager."""
    team = request.opportunity.presales_team
    people: dict[int, User] = {}
    if team is not None:
        if team.manager is not None and team.manager.is_active:
            people[team.manager.pk] = team.manager
        for person in User.objects.filter(team=team, role=Role.PRESALES_MANAGER, is_active=True):
            people.setdefault(person.pk, person)
    if not people:
        for person in User.objects.filter(role=Role.PRESALES_MANAGER, is_active=True).order_by("pk"):
            people[person.pk] = person
    return list(people.values())


def _request_label(request: SupportRequest) -> dict[str, Any]:
    """A request as notifications name it: its kind (in each language) and its deal."""
    return kinds.in_each_language(lambda: request)


def request_event_data(request: SupportRequest) -> dict[str, Any]:
    """A support request as integrators see it in `request.*` events."""
    return {
        "request": {
            "id": request.pk,
            "kind": request.kind,
            "status": request.status,
            "deal_id": request.opportunity_id,
            "requester_id": request.requester_id,
            "assignee_id": request.assignee_id,
            "needed_by": request.needed_by.isoformat(),
            "decision_reason": request.decision_reason,
            "url": settings.PRESALES_BASE_URL.rstrip("/") + request.get_absolute_url(),
        }
    }


def _notify(
    *,
    recipient: User | None,
    actor: User | None,
    kind: kinds.Kind,
    params: dict[str, Any],
    request: SupportRequest,
    key: str,
    variant: str = kinds.DEFAULT_VARIANT,
):
    """One notification per request, event and person (dedupe key), never to the person who caused it."""
    if recipient is None or (actor is not None and recipient.pk == actor.pk):
        return None
    return notify(
        recipient=recipient,
        kind=kind,
        variant=variant,
        params=params,
        target_type="opportunity",
        target_id=request.opportunity_id,
        dedupe_key=f"{key}:{request.pk}:{recipient.pk}",
    )


def _notify_assignee(request: SupportRequest, actor: User, *, accepted: bool) -> None:
    if request.assignee is None:
        return
    _notify(
        recipient=request.assignee,
        actor=actor,
        kind=kinds.REQUEST_ASSIGNED,
        variant="accepted" if accepted else kinds.DEFAULT_VARIANT,
        params={"request": _request_label(request), "needed_by": kinds.date(request.needed_by)},
        request=request,
        key="request-accepted" if accepted else "request-assigned",
    )


# Which statuses each transition may start from (the status flow of issue 4).
ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    RequestStatus.TRIAGED: (RequestStatus.NEW, RequestStatus.TRIAGED),
    RequestStatus.ACCEPTED: (RequestStatus.TRIAGED,),
    RequestStatus.ACCEPTED_WITH_PLAN: (RequestStatus.TRIAGED,),
    RequestStatus.DECLINED: (RequestStatus.TRIAGED,),
    RequestStatus.IN_PROGRESS: (RequestStatus.ACCEPTED, RequestStatus.ACCEPTED_WITH_PLAN),
    RequestStatus.DONE: (RequestStatus.IN_PROGRESS,),
    RequestStatus.CANCELLED: (
        RequestStatus.NEW,
        RequestStatus.TRIAGED,
        RequestStatus.ACCEPTED,
        RequestStatus.ACCEPTED_WITH_PLAN,
        RequestStatus.IN_PROGRESS,
    ),
}


def _check_transition(request: SupportRequest, target: str) -> None:
    if request.status not in ALLOWED_FROM[target]:
        raise ValidationError(
            _("A request that is “%(current)s” cannot become “%(target)s”.")
            % {"current": request.get_status_display(), "target": RequestStatus(target).label}
        )


def _move(
    request: SupportRequest, *, actor: User, expected_version: int | None, changes: dict[str, Any], reason: str = ""
) -> SupportRequest:
    return save_with_version_check(
        request, changes=changes, expected_version=expected_version, actor=actor, reason=reason[:100]
    )


def _check_engineer(engineer: User | None) -> None:
    if engineer is not None and (engineer.role not in PRESALES_ROLES or not engineer.is_active):
        raise ValidationError({"assignee": _("Choose an active presales engineer.")})


@transaction.atomic
def request_triage(
    *,
    actor: User,
    request: SupportRequest,
    assignee: User | None,
    recommendation: str = "",
    expected_version: int | None = None,
) -> SupportRequest:
    """A presales manager (or the engineer) looks at the request: picks the engineer and keeps the recommendation."""
    if not access.can_decide_request(actor, request):
        raise PermissionDenied(_("Only a presales manager or the assigned engineer triages a request."))
    _check_transition(request, RequestStatus.TRIAGED)
    _check_engineer(assignee)
    changes: dict[str, Any] = {
        "status": RequestStatus.TRIAGED,
        "assignee": assignee,
        "recommendation": recommendation,
    }
    if request.triaged_at is None:
        changes["triaged_at"] = timezone.now()
    moved = _move(request, actor=actor, expected_version=expected_version, changes=changes)
    _notify_assignee(moved, actor, accepted=False)
    return moved


@transaction.atomic
def request_decide(
    *,
    actor: User,
    request: SupportRequest,
    decision: str,
    reason: str,
    plan: str = "",
    assignee: User | None = None,
    expected_version: int | None = None,
) -> SupportRequest:
    """A person decides: accept, accept with a plan, or decline; the decision and its reason are kept."""
    if decision not in (RequestStatus.ACCEPTED, RequestStatus.ACCEPTED_WITH_PLAN, RequestStatus.DECLINED):
        raise ValueError(f"Not a decision: {decision}")
    if not access.can_decide_request(actor, request):
        raise PermissionDenied(_("Only a presales manager or the assigned engineer decides on a request."))
    _check_transition(request, decision)
    assignee = assignee or request.assignee
    _check_engineer(assignee)
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["decision_reason"] = _("Say why: the requester reads it.")
    if decision == RequestStatus.ACCEPTED_WITH_PLAN and not plan.strip():
        errors["plan"] = _("Write the plan: what moves, who helps.")
    if decision != RequestStatus.DECLINED and assignee is None:
        errors["assignee"] = _("Choose the engineer who does the work.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    changes: dict[str, Any] = {
        "status": decision,
        "decision_reason": reason,
        "plan": plan if decision == RequestStatus.ACCEPTED_WITH_PLAN else "",
        "decided_by": actor,
        "decided_at": now,
        "assignee": assignee,
    }
    if request.first_response_at is None:
        changes["first_response_at"] = now
    moved = _move(request, actor=actor, expected_version=expected_version, changes=changes, reason=reason)
    if decision != RequestStatus.DECLINED:
        _notify_assignee(moved, actor, accepted=True)
    emit_event(event=WebhookEvent.REQUEST_DECIDED, data=request_event_data(moved))
    return moved


@transaction.atomic
def request_start(*, actor: User, request: SupportRequest, expected_version: int | None = None) -> SupportRequest:
    """The engineer starts the accepted work."""
    if not access.can_work_request(actor, request):
        raise PermissionDenied(_("Only the assigned engineer or a presales manager starts the work."))
    _check_transition(request, RequestStatus.IN_PROGRESS)
    return _move(request, actor=actor, expected_version=expected_version, changes={"status": RequestStatus.IN_PROGRESS})


@transaction.atomic
def request_complete(*, actor: User, request: SupportRequest, expected_version: int | None = None) -> SupportRequest:
    """The work is done; the requester sees it."""
    if not access.can_work_request(actor, request):
        raise PermissionDenied(_("Only the assigned engineer or a presales manager finishes the work."))
    _check_transition(request, RequestStatus.DONE)
    moved = _move(request, actor=actor, expected_version=expected_version, changes={"status": RequestStatus.DONE})
    _notify(
        recipient=moved.requester,
        actor=actor,
        kind=kinds.REQUEST_DONE,
        params={"request": _request_label(moved), "engineer": str(moved.assignee or actor)},
        request=moved,
        key="request-done",
    )
    return moved


@transaction.atomic
def request_cancel(
    *, actor: User, request: SupportRequest, reason: str, expected_version: int | None = None
) -> SupportRequest:
    """The requester (or a presales manager) withdraws a request that is no longer needed."""
    if not access.can_cancel_request(actor, request):
        raise PermissionDenied(_("Only the requester or a presales manager cancels a request."))
    _check_transition(request, RequestStatus.CANCELLED)
    if not reason.strip():
        raise ValidationError({"decision_reason": _("Say why the request is cancelled.")})
    return _move(
        request,
        actor=actor,
        expected_version=expected_version,
        changes={"status": RequestStatus.CANCELLED, "decision_reason": reason},
        reason=reason,
    )


@transaction.atomic
def requests_escalate_forgotten(*, now: datetime.datetime | None = None) -> list[SupportRequest]:
    """Mark requests nobody picked up in time as escalated and tell the presales managers who answer for them.

    Idempotent: a request is escalated once (escalated_at) and each manager is told once (the dedupe key).
    """
    now = now or timezone.now()
    forgotten = list(
        SupportRequest.objects.forgotten(now)
        .filter(escalated_at__isnull=True)
        .select_for_update(of=("self",))
        .select_related("opportunity__presales_team__manager", "opportunity__account", "requester")
    )
    for request in forgotten:
        request.escalated_at = now
        attribute_change(request, reason="escalated")
        request.save(update_fields=["escalated_at", "updated_at"])
        params = {
            "request": _request_label(request),
            "requester": str(request.requester),
            "needed_by": kinds.date(request.needed_by),
        }
        for manager in presales_managers_for(request):
            _notify(
                recipient=manager,
                actor=None,
                kind=kinds.REQUEST_ESCALATED,
                params=params,
                request=request,
                key="request-escalated",
            )
    return forgotten
