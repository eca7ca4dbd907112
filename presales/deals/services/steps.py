"""Working one checklist step: complete it with its typed answer, start, block, skip or reopen it, hand it over.

The deal follows its checklist here, in the same transaction: its stage moves to the stage of the first unfinished
step, a no-go closes it as abandoned, and the signed last step wins it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from presales import access
from presales.core.concurrency import save_with_version_check
from presales.deals.health import refresh_health
from presales.deals.models import FINISHED_STATUSES, DealStep, Opportunity, Outcome, OutcomeReason, StepStatus
from presales.deals.services import answers
from presales.deals.services.checklist import notify_assignments
from presales.deals.services.gates import hold_gate, skip_gate
from presales.deals.services.opportunities import opportunity_change_stage, opportunity_close
from presales.people.models import User
from presales.playbook.models import AnswerKind


def _check_can_work(actor: User, step: DealStep) -> None:
    if not Opportunity.objects.filter(pk=step.opportunity_id).visible_to(actor).exists():
        raise PermissionDenied
    if not access.can_work_step(actor, step):
        raise PermissionDenied


def _save_step(
    step: DealStep, actor: User, expected_version: int | None, changes: dict[str, Any], reason: str
) -> DealStep:
    saved: DealStep = save_with_version_check(
        step, changes=changes, expected_version=expected_version, actor=actor, reason=reason
    )
    # The definition never changes here: keep it instead of reading it again (the deal is read afresh when needed).
    if DealStep.definition.is_cached(step) and step.definition_id == saved.definition_id:
        saved.definition = step.definition
    return saved


def _advance(actor: User, opportunity_id: int) -> None:
    """Stage follows the checklist: the deal moves to the stage of its first unfinished step."""
    # Only the first unfinished step (and, once all are finished, the signing step) matters: read just that row,
    # with the deal and its stage in the same query.
    steps = DealStep.objects.filter(opportunity_id=opportunity_id).order_by("definition__order")
    unfinished = (
        steps.exclude(status__in=FINISHED_STATUSES).select_related("definition__stage", "opportunity__stage").first()
    )
    opportunity = (
        unfinished.opportunity
        if unfinished is not None
        else Opportunity.objects.select_related("stage").get(pk=opportunity_id)
    )
    if not opportunity.is_open:
        return
    if unfinished is not None:
        target = unfinished.definition.stage
        if target.number > opportunity.stage.number and not target.is_after_sale:
            opportunity_change_stage(
                actor=actor, opportunity=opportunity, stage=target, expected_version=None, enforce_permission=False
            )
        return
    signed = steps.filter(definition__answer_kind=AnswerKind.SIGNED).first()
    if signed is not None and signed.status == StepStatus.DONE:
        # Every step is finished and the contract is signed: the sale is complete.
        opportunity_close(
            actor=actor,
            opportunity=opportunity,
            outcome=Outcome.WON,
            closed_on=signed.answer_date,
            expected_version=None,
            enforce_permission=False,
        )


@transaction.atomic
def deal_step_complete(
    *, actor: User, step: DealStep, answer: dict[str, Any] | None = None, expected_version: int | None = None
) -> DealStep:
    """Record a step's answer and mark it done; the deal's stage, probability and outcome follow."""
    _check_can_work(actor, step)
    if not step.opportunity.is_open:
        raise ValidationError(_("This deal is closed; reopen it to work on its steps."))
    if step.status != StepStatus.DONE:
        # Changing the answer of a step already done is not held; completing it is (an approval it waits for).
        hold_gate(step)
    changes = answers.write(actor=actor, step=step, answer=answer or {})
    changes.update(status=StepStatus.DONE, reason="", completed_at=timezone.now(), completed_by=actor)
    step = _save_step(step, actor, expected_version, changes, "completed")
    if step.definition.answer_kind == AnswerKind.GO_NO_GO and step.answer_choice == "no_go":
        reason = step.answer_text or _("No-go at step %(order)s.") % {"order": step.definition.order}
        opportunity_close(
            actor=actor,
            opportunity=Opportunity.objects.get(pk=step.opportunity_id),
            outcome=Outcome.ABANDONED,
            reason=reason,
            win_loss_reason=OutcomeReason.objects.active().filter(key="no_go").first(),
            expected_version=None,
            enforce_permission=False,
        )
    else:
        _advance(actor, step.opportunity_id)
    refresh_health([step.opportunity_id])
    return step


@transaction.atomic
def deal_step_set_status(
    *, actor: User, step: DealStep, status: str, reason: str = "", expected_version: int | None = None
) -> DealStep:
    """Start, block, skip or reopen a step; skipping and blocking need a reason."""
    _check_can_work(actor, step)
    if status == StepStatus.DONE:
        raise ValidationError(_("Complete a step with its answer."))
    if status not in StepStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    if status in (StepStatus.SKIPPED, StepStatus.BLOCKED) and not reason.strip():
        raise ValidationError({"reason": _("Say why the step is skipped or blocked.")})
    if not step.opportunity.is_open:
        raise ValidationError(_("This deal is closed; reopen it to work on its steps."))
    if status == StepStatus.SKIPPED:
        skip_gate(step)
        hold_gate(step)
    needs_reason = status in (StepStatus.SKIPPED, StepStatus.BLOCKED)
    changes: dict[str, Any] = {"status": status, "reason": reason.strip() if needs_reason else ""}
    changes["completed_at"] = timezone.now() if status == StepStatus.SKIPPED else None
    changes["completed_by"] = actor if status == StepStatus.SKIPPED else None
    step = _save_step(step, actor, expected_version, changes, status)
    if status == StepStatus.SKIPPED:
        _advance(actor, step.opportunity_id)
    refresh_health([step.opportunity_id])
    return step


@transaction.atomic
def deal_step_reassign(*, actor: User, step: DealStep, user: User, expected_version: int | None = None) -> DealStep:
    """Hand a step over to an active person (who can open the deal from then on), or give an unassigned step its
    owner from the manager's queue; the hand-over stays in the step's history."""
    if not access.can_assign_step(actor, step):
        raise PermissionDenied
    if not user.is_active:
        raise ValidationError({"responsible": _("Choose an active person.")})
    # No visibility check on the new owner: owning a step is what lets them open the deal (access.WORK_RELATIONS).
    step = _save_step(step, actor, expected_version, {"responsible": user, "assigned_by_hand": True}, "handed over")
    notify_assignments([step], actor)
    return step
