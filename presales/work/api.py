"""REST API for presales work: activities (log, plan, change) and support requests with their flow and the three looks.

Activities and requests are not deleted through the API (the work app has no delete service: the hours feed the
scorecards and the workload); a request that is no longer needed is cancelled with a reason.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from presales import access
from presales.core.api_common import (
    READ_ERRORS,
    UPDATE_ERRORS,
    WRITE_ERRORS,
    Id,
    InputSchema,
    SafeStr,
    UserRef,
    VersionedOut,
    get_visible,
    list_endpoint,
    resolve,
    text,
)
from presales.customers.models import Account
from presales.deals.models import Opportunity
from presales.people.models import Skill, User
from presales.people.typing import AuthenticatedHttpRequest
from presales.work import selectors, services, triage
from presales.work.filters import ActivityFilter, SupportRequestFilter
from presales.work.models import Activity, ActivityStatus, RequestStatus, SupportRequest, WorkType

activities_router = Router(tags=["activities"])
requests_router = Router(tags=["support requests"])

VERSION = Field(..., ge=0, description="The version you read; a stale one gets 409 and nothing is saved.")
Hours = Annotated[Decimal, Field(ge=Decimal("0.5"), le=999, max_digits=5, decimal_places=1)]
Uplift = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=1)]


class NamedRef(Schema):
    id: int
    name: str


class RequestRef(Schema):
    id: int
    status: str


# --- Activities ------------------------------------------------------------------------------------------------------


class ActivityOut(VersionedOut):
    id: int
    kind: str
    date: datetime.date
    hours: Decimal
    status: str
    owner: UserRef
    participants: list[UserRef]
    opportunity: NamedRef | None
    account: NamedRef
    step_key: str
    request: RequestRef | None
    outcome: str
    win_rate_answer: str
    expected_uplift: Decimal | None

    @staticmethod
    def resolve_participants(obj: Activity) -> list[User]:
        return list(obj.participants.all())


class ActivityIn(InputSchema):
    kind: WorkType
    date: datetime.date
    hours: Hours = Decimal("2")
    status: ActivityStatus = ActivityStatus.DONE
    opportunity_id: Id | None = Field(None, description="The deal the work was for (or give account_id).")
    account_id: Id | None = Field(None, description="The account, when the work was for no particular deal.")
    owner_id: Id | None = Field(None, description="Defaults to the caller; a presales manager may log for others.")
    participant_ids: list[Id] = Field(default_factory=list, max_length=50)
    step_key: SafeStr = text(max_length=50, description="The playbook step served (its key).")
    request_id: Id | None = Field(None, description="The support request this work answers.")
    outcome: SafeStr = text(max_length=20_000)
    win_rate_answer: SafeStr = text(max_length=20_000)
    expected_uplift: Uplift | None = None


class ActivityPatch(InputSchema):
    version: int = VERSION
    kind: WorkType | None = None
    date: datetime.date | None = None
    hours: Hours | None = None
    status: ActivityStatus | None = None
    opportunity_id: Id | None = None
    participant_ids: list[Id] | None = Field(None, max_length=50)
    step_key: SafeStr | None = text(None, max_length=50)
    outcome: SafeStr | None = text(None, max_length=20_000)
    win_rate_answer: SafeStr | None = text(None, max_length=20_000)
    expected_uplift: Uplift | None = None


def _activities(request: AuthenticatedHttpRequest) -> Any:
    return Activity.objects.visible_to(request.user).with_list_relations()


def _people(ids: list[int], field: str) -> list[User]:
    people = list(User.objects.filter(pk__in=ids, is_active=True))
    if len(people) != len(set(ids)):
        from django.core.exceptions import ValidationError

        raise ValidationError({field: [_("Choose active people.")]})
    return people


def _visible_deal(request: AuthenticatedHttpRequest, pk: int | None, field: str) -> Opportunity | None:
    return resolve(
        Opportunity.objects.visible_to(request.user),
        pk,
        field,
        _("Choose an opportunity you can see."),
    )


@list_endpoint(activities_router, ActivityFilter, ActivityOut, summary="List activities")
def list_activities(request: AuthenticatedHttpRequest) -> Any:
    """Activities the caller can see, filtered and sorted like the activity list (newest first)."""
    return _activities(request)


@activities_router.get("/{activity_id}", response={200: ActivityOut, **READ_ERRORS}, summary="Get an activity")
def get_activity(request: AuthenticatedHttpRequest, activity_id: int) -> Any:
    return get_visible(_activities(request), request, activity_id)


@activities_router.post("/", response={201: ActivityOut, **WRITE_ERRORS}, summary="Log or plan an activity")
def create_activity(request: AuthenticatedHttpRequest, payload: ActivityIn) -> Any:
    """Presales people log done work or plan work, on a deal or on an account."""
    if not access.can_log_activity(request.user):
        raise PermissionDenied
    opportunity = _visible_deal(request, payload.opportunity_id, "opportunity_id")
    account = resolve(
        Account.objects.visible_to(request.user),
        payload.account_id,
        "account_id",
        _("Choose an account you can see."),
    )
    owner = resolve(User.objects.filter(is_active=True), payload.owner_id, "owner_id", _("Choose an active person."))
    support = resolve(
        SupportRequest.objects.visible_to(request.user),
        payload.request_id,
        "request_id",
        _("Choose a support request you can see."),
    )
    activity = services.activity_create(
        actor=request.user,
        kind=payload.kind,
        date=payload.date,
        hours=payload.hours,
        status=payload.status,
        opportunity=opportunity,
        account=account,
        owner=owner,
        participants=_people(payload.participant_ids, "participant_ids"),
        step_key=payload.step_key,
        outcome=payload.outcome,
        win_rate_answer=payload.win_rate_answer,
        expected_uplift=payload.expected_uplift,
        request=support,
    )
    return Status(201, get_visible(_activities(request), request, activity.pk))


@activities_router.patch("/{activity_id}", response={200: ActivityOut, **UPDATE_ERRORS}, summary="Update an activity")
def update_activity(request: AuthenticatedHttpRequest, activity_id: int, payload: ActivityPatch) -> Any:
    """The owner, a manager over the owner's team, or an admin: mark it done, fix the hours, write the outcome."""
    activity = get_visible(_activities(request), request, activity_id)
    if not access.can_edit_activity(request.user, activity):
        raise PermissionDenied
    values = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k == "expected_uplift"}
    values.pop("version", None)
    participant_ids = values.pop("participant_ids", None)
    if "opportunity_id" in values:
        values["opportunity"] = _visible_deal(request, values.pop("opportunity_id"), "opportunity_id")
    services.activity_update(
        actor=request.user,
        activity=activity,
        expected_version=payload.version,
        participants=None if participant_ids is None else _people(participant_ids, "participant_ids"),
        **values,
    )
    return get_visible(_activities(request), request, activity_id)


# --- Support requests ------------------------------------------------------------------------------------------------


class SkillRef(Schema):
    id: int
    name: str


class SupportRequestOut(VersionedOut):
    id: int
    opportunity: NamedRef
    requester: UserRef
    kind: str
    description: str
    needed_by: datetime.date
    estimate_hours: Decimal
    skills: list[SkillRef]
    win_rate_answer: str
    expected_uplift: Decimal | None
    status: str
    is_duty: bool
    assignee: UserRef | None
    decided_at: datetime.datetime | None
    decision_reason: str
    recommendation: str
    plan: str
    triage_due_at: datetime.datetime | None
    response_due_at: datetime.datetime | None
    triaged_at: datetime.datetime | None
    first_response_at: datetime.datetime | None
    escalated_at: datetime.datetime | None

    @staticmethod
    def resolve_skills(obj: SupportRequest) -> list[Skill]:
        return list(obj.skills.all())


class SupportRequestIn(InputSchema):
    opportunity_id: Id
    kind: WorkType
    description: SafeStr = text(..., min_length=1, max_length=20_000)
    needed_by: datetime.date
    estimate_hours: Hours
    win_rate_answer: SafeStr = text(..., max_length=20_000, description="How this raises the chance of winning.")
    expected_uplift: Uplift | None = None
    skill_ids: list[Id] = Field(default_factory=list, max_length=30)


class VersionIn(InputSchema):
    version: int = VERSION


class TriageIn(InputSchema):
    version: int = VERSION
    assignee_id: Id | None = Field(None, description="The engineer picked to do the work.")
    recommendation: SafeStr = text(max_length=30, description="The three looks' recommendation, kept for the record.")


class DecisionIn(InputSchema):
    version: int = VERSION
    reason: SafeStr = text(..., max_length=20_000, description="Why: the requester reads it.")
    assignee_id: Id | None = Field(None, description="Defaults to the engineer picked at triage.")


class PlanDecisionIn(DecisionIn):
    plan: SafeStr = text(..., max_length=20_000, description="What moves and who helps.")


class CancelIn(InputSchema):
    version: int = VERSION
    reason: SafeStr = text(..., max_length=20_000)


def _requests(request: AuthenticatedHttpRequest) -> Any:
    return SupportRequest.objects.visible_to(request.user).with_list_relations()


def _support(request: AuthenticatedHttpRequest, pk: int) -> SupportRequest:
    return get_visible(_requests(request), request, pk)


def _engineer(pk: int | None) -> User | None:
    return resolve(User.objects.filter(is_active=True), pk, "assignee_id", _("Choose an active presales engineer."))


@list_endpoint(requests_router, SupportRequestFilter, SupportRequestOut, summary="List support requests")
def list_requests(request: AuthenticatedHttpRequest) -> Any:
    """Requests the caller asked, works on, sees through a deal or (presales managers) triages."""
    return _requests(request)


@requests_router.get("/{request_id}", response={200: SupportRequestOut, **READ_ERRORS}, summary="Get a request")
def get_request(request: AuthenticatedHttpRequest, request_id: int) -> Any:
    return _support(request, request_id)


@requests_router.post("/", response={201: SupportRequestOut, **WRITE_ERRORS}, summary="Ask presales for help")
def create_request(request: AuthenticatedHttpRequest, payload: SupportRequestIn) -> Any:
    """Sales and commercial people ask for help on a deal they can see; the response-time targets start now."""
    if not access.can_create_request(request.user):
        raise PermissionDenied
    opportunity = _visible_deal(request, payload.opportunity_id, "opportunity_id")
    skills = list(Skill.objects.filter(pk__in=payload.skill_ids))
    if len(skills) != len(set(payload.skill_ids)):
        from django.core.exceptions import ValidationError

        raise ValidationError({"skill_ids": [_("Choose known skills.")]})
    created = services.request_create(
        actor=request.user,
        opportunity=opportunity,  # type: ignore[arg-type]
        kind=payload.kind,
        description=payload.description,
        needed_by=payload.needed_by,
        estimate_hours=payload.estimate_hours,
        win_rate_answer=payload.win_rate_answer,
        expected_uplift=payload.expected_uplift,
        skills=skills,
    )
    return Status(201, _support(request, created.pk))


def _check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


ACTION = {200: SupportRequestOut, **UPDATE_ERRORS}


def _act(
    request: AuthenticatedHttpRequest,
    request_id: int,
    allowed: Callable[[Any, SupportRequest], bool],
    service: Callable[..., Any],
    **arguments: Any,
) -> SupportRequest:
    """Run `service` on a request the caller can see (else 404) and is `allowed` to act on (else 403); answer with the
    request as it is now."""
    support = _support(request, request_id)
    _check(allowed(request.user, support))
    service(actor=request.user, request=support, **arguments)
    return _support(request, request_id)


@requests_router.post("/{request_id}/triage", response=ACTION, summary="Triage: pick the engineer")
def triage_request(request: AuthenticatedHttpRequest, request_id: int, payload: TriageIn) -> Any:
    support = _support(request, request_id)
    _check(access.can_decide_request(request.user, support))
    services.request_triage(
        actor=request.user,
        request=support,
        assignee=_engineer(payload.assignee_id),
        recommendation=payload.recommendation,
        expected_version=payload.version,
    )
    return _support(request, request_id)


def _decide(
    request: AuthenticatedHttpRequest, request_id: int, payload: DecisionIn, decision: str, plan: str = ""
) -> Any:
    support = _support(request, request_id)
    _check(access.can_decide_request(request.user, support))
    services.request_decide(
        actor=request.user,
        request=support,
        decision=decision,
        reason=payload.reason,
        plan=plan,
        assignee=_engineer(payload.assignee_id),
        expected_version=payload.version,
    )
    return _support(request, request_id)


@requests_router.post("/{request_id}/accept", response=ACTION, summary="Accept")
def accept_request(request: AuthenticatedHttpRequest, request_id: int, payload: DecisionIn) -> Any:
    return _decide(request, request_id, payload, RequestStatus.ACCEPTED)


@requests_router.post("/{request_id}/accept-with-plan", response=ACTION, summary="Accept with a plan")
def accept_request_with_plan(request: AuthenticatedHttpRequest, request_id: int, payload: PlanDecisionIn) -> Any:
    return _decide(request, request_id, payload, RequestStatus.ACCEPTED_WITH_PLAN, plan=payload.plan)


@requests_router.post("/{request_id}/decline", response=ACTION, summary="Decline")
def decline_request(request: AuthenticatedHttpRequest, request_id: int, payload: DecisionIn) -> Any:
    return _decide(request, request_id, payload, RequestStatus.DECLINED)


@requests_router.post("/{request_id}/start", response=ACTION, summary="Start the work")
def start_request(request: AuthenticatedHttpRequest, request_id: int, payload: VersionIn) -> Any:
    return _act(request, request_id, access.can_work_request, services.request_start, expected_version=payload.version)


@requests_router.post("/{request_id}/done", response=ACTION, summary="Mark the work done")
def finish_request(request: AuthenticatedHttpRequest, request_id: int, payload: VersionIn) -> Any:
    return _act(
        request, request_id, access.can_work_request, services.request_complete, expected_version=payload.version
    )


@requests_router.post("/{request_id}/cancel", response=ACTION, summary="Cancel (withdraw) the request")
def cancel_request(request: AuthenticatedHttpRequest, request_id: int, payload: CancelIn) -> Any:
    return _act(
        request,
        request_id,
        access.can_cancel_request,
        services.request_cancel,
        reason=payload.reason,
        expected_version=payload.version,
    )


# --- The three looks --------------------------------------------------------------------------------------------------


class LookOut(Schema):
    ok: bool
    reasons: list[str]
    score: Decimal


class WorkItemOut(Schema):
    label: str
    hours: Decimal
    value_per_hour: Decimal | None


class RankedEngineerOut(Schema):
    engineer_id: int
    name: str
    score: Decimal
    free_hours: Decimal
    confident: bool
    reasons: list[str]


class VerdictOut(Schema):
    engineer_id: int
    recommendation: str
    label: str
    time: LookOut
    matter: LookOut
    person: LookOut
    reasons: list[str]
    failed_looks: list[str]
    work_to_move: list[WorkItemOut]
    colleagues: list[RankedEngineerOut]


class TriageOut(Schema):
    verdict: VerdictOut | None = Field(description="The three looks for the chosen engineer (none without engineers).")
    ranked: list[RankedEngineerOut] = Field(description="Every presales engineer, best match first.")


class TriageParams(Schema):
    engineer_id: Id | None = Field(
        None, description="Look at this engineer; defaults to the assignee, the deal's presales lead or the best match."
    )


def _ranked(row: triage.RankedEngineer) -> dict[str, Any]:
    return {
        "engineer_id": row.engineer.engineer_id,
        "name": row.engineer.name,
        "score": row.score,
        "free_hours": row.free_hours,
        "confident": row.confident,
        "reasons": [str(r) for r in row.reasons],
    }


def _look(look: triage.Look) -> dict[str, Any]:
    return {"ok": look.ok, "reasons": [str(r) for r in look.reasons], "score": look.score}


@requests_router.get(
    "/{request_id}/triage",
    response={200: TriageOut, **WRITE_ERRORS},
    summary="The three looks: recommendation, reasons and ranked engineers",
)
def triage_recommendation(request: AuthenticatedHttpRequest, request_id: int, params: Query[TriageParams]) -> Any:
    """For whoever decides the request (presales managers, admins, the assigned engineer)."""
    support = _support(request, request_id)
    _check(access.can_decide_request(request.user, support))
    inputs = selectors.triage_inputs(support)
    ranked = triage.rank_engineers(inputs.request, inputs.engineers)
    chosen = params.engineer_id or support.assignee_id or support.opportunity.presales_lead_id
    engineer = inputs.engineer(chosen) or (ranked[0].engineer if ranked else None)
    verdict = None
    if engineer is not None:
        found = triage.recommend(inputs.request, engineer, inputs.engineers)
        verdict = {
            "engineer_id": engineer.engineer_id,
            "recommendation": found.recommendation,
            "label": str(found.label),
            "time": _look(found.time),
            "matter": _look(found.matter),
            "person": _look(found.person),
            "reasons": [str(r) for r in found.reasons],
            "failed_looks": [str(f) for f in found.failed_looks],
            "work_to_move": [
                {"label": str(i.label), "hours": i.hours, "value_per_hour": i.value_per_hour}
                for i in found.work_to_move
            ],
            "colleagues": [_ranked(r) for r in found.colleagues],
        }
    return {"verdict": verdict, "ranked": [_ranked(r) for r in ranked]}
