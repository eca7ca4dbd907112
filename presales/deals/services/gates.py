"""Gates: what the checklist demands before a deal may be won, or a step skipped."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from presales.deals.models import DealStep, Opportunity, StepStatus
from presales.playbook.models import AnswerKind

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
