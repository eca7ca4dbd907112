"""Gates: what the checklist demands before a deal may move on, be won, or have a step skipped.

One function decides a stage move (`stage_gate`), and `opportunity_change_stage` applies it, so the board (drag and
drop or the select), the deal form and the API all meet the same gate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from presales.deals.models import OPEN_STATUSES, DealStep, Opportunity, StepStatus
from presales.playbook import gates as step_holds
from presales.playbook.models import AnswerKind, Stage

# Steps whose answer decides the deal (signing, go/no-go): they are answered, never skipped.
DECIDING_KINDS = (AnswerKind.SIGNED, AnswerKind.GO_NO_GO)


def signed_gate(opportunity: Opportunity) -> None:
    """Raise unless the deal's signing step (签单) is done; deals without a checklist are not gated."""
    signed = DealStep.objects.filter(opportunity=opportunity, definition__answer_kind=AnswerKind.SIGNED).first()
    if signed is not None and signed.status != StepStatus.DONE:
        raise ValidationError(
            _("A deal can only be marked won once its step “%(step)s” is done.") % {"step": signed.definition.name}
        )


def skip_gate(step: DealStep) -> None:
    """Raise when the step decides the deal: it cannot be skipped."""
    if step.definition.answer_kind in DECIDING_KINDS:
        raise ValidationError(_("This step decides the deal and cannot be skipped."))


def hold_gate(step: DealStep) -> None:
    """Raise when an app above the playbook holds the step (an approval it waits for: playbook.gates)."""
    hold = step_holds.holds_for(step.opportunity_id, [step.definition.key]).get(step.definition.key)
    if hold is not None:
        raise ValidationError(hold.message)


@dataclass
class StageGate:
    """What stands between a deal and the stage it is to move to."""

    target: Stage
    # Open steps of the stages the move passes: the move needs a confirmation and a reason.
    open_steps: list[DealStep] = field(default_factory=list)
    # A go/no-go decision among them that has not been passed: the move is refused.
    blocking: list[DealStep] = field(default_factory=list)
    # Open steps held by an app above the playbook (an approval not granted yet), with why: the move is refused.
    held: list[tuple[DealStep, step_holds.StepHold]] = field(default_factory=list)

    @property
    def needs_reason(self) -> bool:
        return bool(self.open_steps) and not self.blocking and not self.held


class StageGateClosed(ValidationError):
    """The move is refused: a go/no-go decision on a stage it passes has not been passed."""

    def __init__(self, gate: StageGate):
        self.gate = gate
        step = gate.blocking[0]
        super().__init__(
            _(
                "The go/no-go decision “%(step)s” has not been passed: the deal cannot move past stage %(stage)s until "
                "it is answered “go”."
            )
            % {"step": step.definition.name, "stage": step.definition.stage.number}
        )


class StageGateHeld(ValidationError):
    """The move is refused: a step of a stage it passes waits for something (an approval: playbook.gates)."""

    def __init__(self, gate: StageGate):
        self.gate = gate
        super().__init__(gate.held[0][1].message)


class StageGateNeedsReason(ValidationError):
    """The move passes open steps: it goes ahead only when confirmed with a reason."""

    def __init__(self, gate: StageGate):
        self.gate = gate
        count = len(gate.open_steps)
        names = ", ".join(str(s.definition) for s in gate.open_steps[:5]) + ("…" if count > 5 else "")
        super().__init__(
            ngettext(
                "%(count)s step of the stages this move passes is still open (%(steps)s). Confirm the move and say "
                "why.",
                "%(count)s steps of the stages this move passes are still open (%(steps)s). Confirm the move and say "
                "why.",
                count,
            )
            % {"count": count, "steps": names}
        )


def stage_gate(opportunity: Opportunity, target: Stage) -> StageGate:
    """The open steps (and unpassed go/no-go decisions) of every stage before `target`, for a forward move of an open
    deal within the sales stages; nothing for a move back or into the after-sale stages (a won deal)."""
    gate = StageGate(target=target)
    if target.is_after_sale or not opportunity.is_open or target.number <= opportunity.stage.number:
        return gate
    gate.open_steps = list(
        DealStep.objects.filter(
            opportunity=opportunity, status__in=OPEN_STATUSES, definition__stage__number__lt=target.number
        )
        .select_related("definition__stage", "responsible")
        .order_by("definition__order")
    )
    gate.blocking = [s for s in gate.open_steps if s.definition.answer_kind == AnswerKind.GO_NO_GO]
    holds = step_holds.holds_for(opportunity.pk, [s.definition.key for s in gate.open_steps])
    gate.held = [(s, holds[s.definition.key]) for s in gate.open_steps if s.definition.key in holds]
    return gate


def check_stage_gate(opportunity: Opportunity, target: Stage, reason: str) -> StageGate:
    """Raise StageGateClosed for an unpassed go/no-go, StageGateHeld for a step held by an approval not granted,
    StageGateNeedsReason for open steps without a reason."""
    gate = stage_gate(opportunity, target)
    if gate.blocking:
        raise StageGateClosed(gate)
    if gate.held:
        raise StageGateHeld(gate)
    if gate.open_steps and not reason.strip():
        raise StageGateNeedsReason(gate)
    return gate
