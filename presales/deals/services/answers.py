"""The answer kinds of the checklist, one registry: for each kind, the form that validates an answer (step page, inline
on "my next steps", and the API) and how the cleaned answer is written, to the step's own columns and, where the
answer belongs to the deal's records (source, close date, amount, competitors, stakeholders), through those records'
services. How an answer reads back in one line is presales.deals.selectors.answer_summary.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from presales.customers.models import Attitude, DecisionRole
from presales.customers.services import contact_update
from presales.deals import answer_forms as forms
from presales.deals.models import DealStep
from presales.deals.services.competitors import competitor_create, deal_competitor_add
from presales.deals.services.opportunities import opportunity_update
from presales.people.models import User
from presales.playbook.models import AnswerKind

# A write turns a cleaned answer into changes of the step's answer columns (and writes shared records itself).
Write = Callable[[User, DealStep, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class AnswerType:
    """What one answer kind asks for (its form) and how its answer is recorded (its write)."""

    form: type[forms.AnswerForm]
    write: Write


def _update_deal(actor: User, step: DealStep, **changes: Any) -> None:
    # The actor may work the step (checked by the caller); that is enough to record what the step asks about the deal.
    opportunity_update(
        actor=actor, opportunity=step.opportunity, expected_version=None, enforce_permission=False, **changes
    )


def _analysis(actor: User, step: DealStep, answer: dict[str, Any]) -> dict[str, Any]:
    if answer.get("source") is not None and answer["source"] != step.opportunity.source:
        _update_deal(actor, step, source=answer["source"])
    return {"answer_choice": answer["fit"], "answer_text": answer.get("notes", "")}


def _contact(actor: User, step: DealStep, answer: dict[str, Any]) -> dict[str, Any]:
    return {"answer_contact": answer["contact"], "answer_date": answer["date"]}


def _budget(actor: User, step: DealStep, answer: dict[str, Any]) -> dict[str, Any]:
    return {"answer_choice": answer["status"], "answer_amount": answer.get("amount")}


def _quote(actor: User, step: DealStep, answer: dict[str, Any]) -> dict[str, Any]:
    return {"answer_amount": answer["amount"], "answer_text": answer.get("configuration", "")}


def _go_no_go(actor: User, step: DealStep, answer: dict[str, Any]) -> dict[str, Any]:
    return {
        "answer_choice": answer["decision"],
        "answer_data": {"investment": answer.get("investment", "")},
        "answer_text": answer.get("reason", ""),
    }


def _pains(actor: User, step: DealStep, answer: dict[str, Any]) -> dict[str, Any]:
    return {"answer_data": {"pains": list(answer["pains"])}}


def _solution(actor: User, step: DealStep, answer: dict[str, Any]) -> dict[str, Any]:
    return {"answer_choice": answer["accepted"], "answer_text": answer.get("document", "")}


def _yes_no(actor: User, step: DealStep, answer: dict[str, Any]) -> dict[str, Any]:
    return {"answer_choice": answer["answer"]}


def _poc(actor: User, step: DealStep, answer: dict[str, Any]) -> dict[str, Any]:
    return {"answer_choice": answer["result"], "answer_data": {"criteria": answer["criteria"]}}


def _competitors(actor: User, step: DealStep, answer: dict[str, Any]) -> dict[str, Any]:
    opportunity = step.opportunity
    competitor = answer.get("competitor")
    if competitor is None and answer.get("new_competitor"):
        competitor = competitor_create(actor=actor, name=answer["new_competitor"])
    if competitor is not None:
        deal_competitor_add(
            actor=actor,
            opportunity=opportunity,
            competitor=competitor,
            notes=answer.get("notes", ""),
            is_ahead=bool(answer.get("is_ahead")),
        )
    if not opportunity.competitor_links.exists() and not answer.get("none_known"):
        raise ValidationError(_("Name at least one competitor, or say that none is known."))
    return {"answer_text": answer.get("differentiators", "")}


def _stakeholders(actor: User, step: DealStep, answer: dict[str, Any]) -> dict[str, Any]:
    contact = answer["decision_maker"]
    if contact.decision_role != DecisionRole.DECISION_MAKER:
        contact_update(actor=actor, contact=contact, expected_version=None, decision_role=DecisionRole.DECISION_MAKER)
    return {"answer_contact": contact, "answer_choice": answer["method"]}


def _champion(actor: User, step: DealStep, answer: dict[str, Any]) -> dict[str, Any]:
    contact = answer["champion"]
    if contact.attitude != Attitude.CHAMPION:
        contact_update(actor=actor, contact=contact, expected_version=None, attitude=Attitude.CHAMPION)
    return {"answer_contact": contact}


def _amount(actor: User, step: DealStep, answer: dict[str, Any]) -> dict[str, Any]:
    return {"answer_amount": answer["amount"]}


def _procurement(actor: User, step: DealStep, answer: dict[str, Any]) -> dict[str, Any]:
    return {"answer_choice": answer["method"]}


def _risks(actor: User, step: DealStep, answer: dict[str, Any]) -> dict[str, Any]:
    return {"answer_data": {"risks": list(answer["risks"])}}


def _order_date(actor: User, step: DealStep, answer: dict[str, Any]) -> dict[str, Any]:
    # The answer is the deal's close date itself; the step keeps nothing of its own.
    if answer["date"] != step.opportunity.expected_close_date:
        _update_deal(actor, step, expected_close_date=answer["date"])
    return {}


def _order(actor: User, step: DealStep, answer: dict[str, Any]) -> dict[str, Any]:
    return {"answer_data": {"order_number": answer["order_number"]}, "answer_text": answer.get("terms", "")}


def _review(actor: User, step: DealStep, answer: dict[str, Any]) -> dict[str, Any]:
    if answer["status"] != "approved":
        raise ValidationError(_("The step is done once both sides approved the contract; keep it in progress."))
    return {"answer_choice": answer["status"]}


def _signed(actor: User, step: DealStep, answer: dict[str, Any]) -> dict[str, Any]:
    if answer["amount"] != step.opportunity.amount:
        _update_deal(actor, step, amount=answer["amount"])
    return {"answer_date": answer["date"]}


def _nothing(actor: User, step: DealStep, answer: dict[str, Any]) -> dict[str, Any]:
    return {}


ANSWER_TYPES: dict[str, AnswerType] = {
    AnswerKind.ANALYSIS: AnswerType(forms.AnalysisForm, _analysis),
    AnswerKind.CONTACT: AnswerType(forms.ContactForm, _contact),
    AnswerKind.BUDGET: AnswerType(forms.BudgetForm, _budget),
    AnswerKind.QUOTE: AnswerType(forms.QuoteForm, _quote),
    AnswerKind.GO_NO_GO: AnswerType(forms.GoNoGoForm, _go_no_go),
    AnswerKind.PAIN_POINTS: AnswerType(forms.PainPointsForm, _pains),
    AnswerKind.PAIN_SOLVABLE: AnswerType(forms.PainSolvableForm, _pains),
    AnswerKind.SOLUTION: AnswerType(forms.SolutionForm, _solution),
    AnswerKind.YES_NO: AnswerType(forms.YesNoForm, _yes_no),
    AnswerKind.POC: AnswerType(forms.PocForm, _poc),
    AnswerKind.COMPETITORS: AnswerType(forms.CompetitorsForm, _competitors),
    AnswerKind.STAKEHOLDERS: AnswerType(forms.StakeholdersForm, _stakeholders),
    AnswerKind.CHAMPION: AnswerType(forms.ChampionForm, _champion),
    AnswerKind.AMOUNT: AnswerType(forms.AmountForm, _amount),
    AnswerKind.PROCUREMENT: AnswerType(forms.ProcurementForm, _procurement),
    AnswerKind.RISKS: AnswerType(forms.RisksForm, _risks),
    AnswerKind.ORDER_DATE: AnswerType(forms.OrderDateForm, _order_date),
    AnswerKind.ORDER: AnswerType(forms.OrderForm, _order),
    AnswerKind.REVIEW: AnswerType(forms.ReviewForm, _review),
    AnswerKind.SIGNED: AnswerType(forms.SignedForm, _signed),
    AnswerKind.NONE: AnswerType(forms.AnswerForm, _nothing),
}
# A kind added to the playbook's vocabulary without a registry entry asks for nothing and records nothing.
NO_ANSWER = ANSWER_TYPES[AnswerKind.NONE]


def answer_type(step: DealStep) -> AnswerType:
    return ANSWER_TYPES.get(step.definition.answer_kind, NO_ANSWER)


def answer_form(step: DealStep, data: Any = None) -> forms.AnswerForm:
    """The form for this step's answer kind (prefixed by the step, so several fit on one page)."""
    return answer_type(step).form(data, step=step, prefix=f"s{step.pk}")


def write(*, actor: User, step: DealStep, answer: dict[str, Any]) -> dict[str, Any]:
    """Turn a cleaned answer into step columns, writing shared records through their own services."""
    return answer_type(step).write(actor, step, answer)
