"""The choices each answer kind offers: part of the process definition, shared by the checklist's forms and pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy, pgettext_lazy

from presales.playbook.models import AnswerKind

FIT = [("good", gettext_lazy("Good fit")), ("partial", gettext_lazy("Partial fit")), ("poor", gettext_lazy("Poor fit"))]
BUDGET_STATUS = [
    ("approved", gettext_lazy("Approved")),
    ("planned", gettext_lazy("Planned, not yet approved")),
    ("none", gettext_lazy("No budget")),
    ("unknown", gettext_lazy("Unknown")),
]
# "Go" has a context: Django's admin has its own "Go" (run the bulk action), translated differently.
GO_NO_GO = [("go", pgettext_lazy("go/no-go decision", "Go")), ("no_go", pgettext_lazy("go/no-go decision", "No-go"))]
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
    """The label of `value` among `choices` (the value itself when it is not one of them)."""
    return str(dict(choices).get(value, value))
