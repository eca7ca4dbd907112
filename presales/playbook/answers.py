"""The choices each answer kind offers, and how a captured answer reads in one line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from presales.playbook.models import AnswerKind

if TYPE_CHECKING:
    from presales.playbook.models import DealStep

FIT = [("good", gettext_lazy("Good fit")), ("partial", gettext_lazy("Partial fit")), ("poor", gettext_lazy("Poor fit"))]
BUDGET_STATUS = [
    ("approved", gettext_lazy("Approved")),
    ("planned", gettext_lazy("Planned, not yet approved")),
    ("none", gettext_lazy("No budget")),
    ("unknown", gettext_lazy("Unknown")),
]
GO_NO_GO = [("go", gettext_lazy("Go")), ("no_go", gettext_lazy("No-go"))]
INVESTMENT = [("high", gettext_lazy("High")), ("medium", gettext_lazy("Medium")), ("low", gettext_lazy("Low"))]
SOLVABLE = [("yes", gettext_lazy("Yes")), ("partly", gettext_lazy("Partly")), ("no", gettext_lazy("No"))]
YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]
POC_RESULT = [
    ("passed", gettext_lazy("Passed")),
    ("partly", gettext_lazy("Partly passed")),
    ("failed", gettext_lazy("Failed")),
]
DECISION_METHOD = [
    ("individual", gettext_lazy("One decision maker")),
    ("committee", gettext_lazy("Committee vote")),
    ("tender_panel", gettext_lazy("Tender evaluation panel")),
    ("executive_meeting", gettext_lazy("Executive meeting")),
]
PROCUREMENT = [
    ("public_tender", gettext_lazy("Public tender")),
    ("invited_tender", gettext_lazy("Invited tender")),
    ("competitive_negotiation", gettext_lazy("Competitive negotiation")),
    ("single_source", gettext_lazy("Single source")),
    ("inquiry", gettext_lazy("Inquiry")),
    ("direct_purchase", gettext_lazy("Direct purchase")),
]
RISK_LEVEL = [("low", gettext_lazy("Low")), ("medium", gettext_lazy("Medium")), ("high", gettext_lazy("High"))]
REVIEW = [("approved", gettext_lazy("Approved by both sides")), ("changes", gettext_lazy("Changes requested"))]

CHOICES_BY_KIND = {
    AnswerKind.ANALYSIS: FIT,
    AnswerKind.BUDGET: BUDGET_STATUS,
    AnswerKind.GO_NO_GO: GO_NO_GO,
    AnswerKind.SOLUTION: YES_NO,
    AnswerKind.YES_NO: YES_NO,
    AnswerKind.POC: POC_RESULT,
    AnswerKind.STAKEHOLDERS: DECISION_METHOD,
    AnswerKind.PROCUREMENT: PROCUREMENT,
    AnswerKind.REVIEW: REVIEW,
}


def label(choices: list, value: str) -> str:
    return str(dict(choices).get(value, value))


def _money(amount, currency: str) -> str:  # noqa: ANN001
    from presales.core.templatetags.presales import money

    return str(money(amount, currency)) if amount is not None else ""


def summary(step: DealStep) -> str:
    """One line saying what the step captured; reads the deal's own records where the answer lives there."""
    kind = step.definition.answer_kind
    opp = step.opportunity
    parts: list[str] = []
    if kind in CHOICES_BY_KIND and step.answer_choice:
        parts.append(label(CHOICES_BY_KIND[AnswerKind(kind)], step.answer_choice))
    if kind == AnswerKind.ANALYSIS and opp.source:
        parts.insert(0, opp.source)
    if kind == AnswerKind.GO_NO_GO and step.answer_data.get("investment"):
        parts.append(_("investment: %(level)s") % {"level": label(INVESTMENT, step.answer_data["investment"])})
    if step.answer_contact_id:
        parts.append(str(step.answer_contact))
    if step.answer_date and kind != AnswerKind.SIGNED:
        parts.append(date_format(step.answer_date, "SHORT_DATE_FORMAT"))
    if step.answer_amount is not None:
        parts.append(_money(step.answer_amount, opp.currency))
    if kind == AnswerKind.PAIN_POINTS:
        parts.append("; ".join(step.answer_data.get("pains", [])))
    if kind == AnswerKind.PAIN_SOLVABLE:
        parts.append(
            "; ".join(f"{p['pain']}: {label(SOLVABLE, p['solvable'])}" for p in step.answer_data.get("pains", []))
        )
    if kind == AnswerKind.POC and step.answer_data.get("criteria"):
        parts.append(step.answer_data["criteria"])
    if kind == AnswerKind.COMPETITORS and step.status == "done":
        links = list(opp.competitor_links.all())
        parts.append(
            ", ".join(f"{link.competitor}{' ▲' if link.is_ahead else ''}" for link in links) or _("no competitor")
        )
    if kind == AnswerKind.RISKS:
        parts.append(
            "; ".join(f"{r['risk']} ({label(RISK_LEVEL, r['level'])})" for r in step.answer_data.get("risks", []))
        )
    if kind == AnswerKind.ORDER_DATE and step.status == "done":
        parts.append(date_format(opp.expected_close_date, "SHORT_DATE_FORMAT"))
    if kind == AnswerKind.ORDER and step.answer_data.get("order_number"):
        parts.append(_("order %(number)s") % {"number": step.answer_data["order_number"]})
    if kind == AnswerKind.SIGNED and step.status == "done":
        if step.answer_date:
            parts.append(date_format(step.answer_date, "SHORT_DATE_FORMAT"))
        parts.append(_money(opp.amount, opp.currency))
    if step.answer_text and kind in (AnswerKind.SOLUTION, AnswerKind.QUOTE, AnswerKind.ORDER):
        parts.append(step.answer_text)
    return " · ".join(p for p in parts if p)
