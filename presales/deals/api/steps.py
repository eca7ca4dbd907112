"""REST API for a deal's checklist steps: read the checklist, work one step (status, hand-over, complete with its
typed answer) and "my next steps".

Completing a step validates the answer with the same per-kind form as the step page, so the API accepts exactly
what the page accepts (e.g. a budget step needs `status` and, when approved or planned, `amount`).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from presales import access
from presales.core.api_common import (
    READ_ERRORS,
    UPDATE_ERRORS,
    Id,
    InputSchema,
    SafeStr,
    UserRef,
    get_visible,
    resolve,
    text,
)
from presales.core.lookups import get_object_for_user
from presales.deals import services
from presales.deals.models import DealStep, Opportunity, OpportunityCompetitor, StepStatus
from presales.deals.selectors import answer_summary
from presales.deals.services.answers import answer_form
from presales.people.models import User

steps_router = Router(tags=["steps"])

VERSION = Field(..., ge=0, description="The version you read; a stale one gets 409 and nothing is saved.")


class DealRef(Schema):
    id: int
    name: str


class StepStageRef(Schema):
    id: int
    number: int
    label: str


class AnswerOut(Schema):
    choice: str
    amount: Decimal | None
    date: datetime.date | None
    contact_id: int | None
    text: str
    data: dict[str, Any]


class StepOut(Schema):
    id: int
    opportunity: DealRef
    # The step's definition (the playbook's row), read through the relation.
    order: int = Field(alias="definition.order")
    key: str = Field(alias="definition.key")
    name: str
    stage: StepStageRef = Field(alias="definition.stage")
    responsible_role: str = Field(alias="definition.responsible_role")
    answer_kind: str = Field(alias="definition.answer_kind")
    status: str
    reason: str
    due_date: datetime.date | None
    overdue: bool
    responsible: UserRef | None = Field(description="Empty when nobody on the deal has the step's role.")
    unassigned: str = Field(description="What an unassigned step waits for (empty when it has an owner).")
    assigned_by_hand: bool
    completed_at: datetime.datetime | None
    completed_by: UserRef | None
    answer: AnswerOut
    summary: str = Field(description="The answer in words, as the checklist shows it.")
    version: int
    updated_at: datetime.datetime

    @staticmethod
    def resolve_name(obj: DealStep) -> str:
        return str(obj.definition.name)

    @staticmethod
    def resolve_unassigned(obj: DealStep) -> str:
        return "" if obj.responsible_id else obj.unassigned_label

    @staticmethod
    def resolve_overdue(obj: DealStep) -> bool:
        return obj.is_overdue(timezone.localdate())

    @staticmethod
    def resolve_summary(obj: DealStep) -> str:
        return answer_summary(obj)

    @staticmethod
    def resolve_answer(obj: DealStep) -> dict[str, Any]:
        return {
            "choice": obj.answer_choice,
            "amount": obj.answer_amount,
            "date": obj.answer_date,
            "contact_id": obj.answer_contact_id,
            "text": obj.answer_text,
            "data": obj.answer_data or {},
        }


AnswerValue = int | Decimal | bool | SafeStr | list[SafeStr] | None


class StepPatch(InputSchema):
    version: int = VERSION
    status: Literal[tuple(StepStatus.values)] | None = Field(  # type: ignore[valid-type]
        None, description="not_started/in_progress/blocked/skipped, or done to complete the step with `answer`."
    )
    reason: SafeStr = text(max_length=20_000, description="Required to block or skip a step.")
    responsible_id: Id | None = Field(None, description="Hand the step over to this person.")
    answer: dict[SafeStr, AnswerValue] = Field(
        default_factory=dict,
        max_length=50,
        description=(
            "With status=done: the typed answer, keyed like the step page's form fields "
            '(e.g. {"status": "approved", "amount": "100000"} for a budget step; contact ids for contacts; '
            "a list of lines for pain points)."
        ),
    )


def _steps() -> Any:
    return DealStep.objects.select_related(
        "definition__stage", "responsible", "completed_by", "opportunity"
    ).prefetch_related(
        Prefetch("opportunity__competitor_links", queryset=OpportunityCompetitor.objects.select_related("competitor"))
    )


def _step(request: HttpRequest, pk: int) -> DealStep:
    return get_visible(_steps(), request, pk)


def _form_data(step: DealStep, answer: dict[str, Any]) -> dict[str, Any]:
    # The page's forms take prefixed strings; lists (pain points) are one line each.
    data: dict[str, Any] = {}
    for name, value in answer.items():
        if value is None:
            continue
        if isinstance(value, list):
            value = "\n".join(value)
        elif isinstance(value, bool):
            value = "on" if value else ""
        data[f"s{step.pk}-{name}"] = str(value)
    return data


def _complete(request: HttpRequest, step: DealStep, payload: StepPatch, version: int) -> DealStep:
    form = answer_form(step, _form_data(step, payload.answer))
    if not form.is_valid():
        raise ValidationError({name: list(messages) for name, messages in form.errors.items()})
    return services.deal_step_complete(
        actor=request.user,  # type: ignore[arg-type]
        step=step,
        answer=form.answer(),
        expected_version=version,
    )


@steps_router.get(
    "/opportunities/{opportunity_id}/steps",
    response={200: list[StepOut], **READ_ERRORS},
    summary="List a deal's checklist",
)
def list_deal_steps(request: HttpRequest, opportunity_id: int) -> Any:
    """Every step of the deal in playbook order with status, due date, the responsible person and the answer."""
    opportunity = get_visible(Opportunity.objects.all(), request, opportunity_id)
    steps = list(_steps().filter(opportunity=opportunity).order_by("definition__order"))
    return steps


@steps_router.get("/me/steps", response={200: list[StepOut], **READ_ERRORS}, summary="My next steps")
def my_steps(request: HttpRequest, upcoming: bool = False) -> Any:
    """The caller's actionable steps (their stage reached) on open deals they can see: overdue first, then by due
    date; with `upcoming=true`, the steps of stages not reached yet (no due date, never overdue)."""
    mine = _steps().upcoming() if upcoming else _steps().actionable()
    steps = list(
        mine.visible_to(request.user)
        .filter(responsible=request.user)
        .order_by("due_date", "opportunity__expected_close_date", "definition__order", "pk")
    )
    today = timezone.localdate()
    far = datetime.date.max
    # Overdue first; steps without a due date last (SQLite and PostgreSQL sort NULL differently).
    return sorted(steps, key=lambda s: (not s.is_overdue(today), s.due_date or far))


@steps_router.get("/steps/{step_id}", response={200: StepOut, **READ_ERRORS}, summary="Get a step")
def get_step(request: HttpRequest, step_id: int) -> Any:
    return _step(request, step_id)


@steps_router.patch("/steps/{step_id}", response={200: StepOut, **UPDATE_ERRORS}, summary="Work on a step")
def update_step(request: HttpRequest, step_id: int, payload: StepPatch) -> Any:
    """Hand over (`responsible_id`), change the status (with `reason` to block or skip) or complete it
    (`status: done` with `answer`). The person responsible or anybody who may edit the deal."""
    step = _step(request, step_id)
    user: User = request.user  # type: ignore[assignment]
    version = payload.version
    if payload.responsible_id is not None:
        person = resolve(
            User.objects.filter(is_active=True), payload.responsible_id, "responsible_id", _("Choose an active person.")
        )
        step = services.deal_step_reassign(actor=user, step=step, user=person, expected_version=version)
        version = step.version
    if payload.status is not None:
        if not access.can_work_step(user, step):
            raise PermissionDenied
        if payload.status == StepStatus.DONE:
            _complete(request, step, payload, version)
        else:
            services.deal_step_set_status(
                actor=user, step=step, status=payload.status, reason=payload.reason, expected_version=version
            )
    elif payload.responsible_id is None:
        raise ValidationError(_("Send a status, a responsible person or both."))
    return get_object_for_user(_steps(), user, pk=step_id)
