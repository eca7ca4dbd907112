"""What each document shows, read in a bounded number of queries: the POC sign-off, the tender's deviation tables
and submission checklist, the engineer's scorecard and the win/loss debrief of a closed deal.

Each builder takes an object the caller already fetched through `presales.access` (a 404 for anyone who may not see
it) and returns the template context of the document; the figures are counted from the same rows the document lists.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from presales.bids.models import (
    Compliance,
    CriterionResult,
    DeviationTable,
    Poc,
    Tender,
)
from presales.currencies.models import company_currency
from presales.deals.models import Opportunity
from presales.people.models import User
from presales.scoring import selectors as scoring
from presales.scoring.explain import explain
from presales.scoring.models import DebriefReason


@dataclass
class Tally:
    """One figure of a document's summary: its label, its count, and the code the rows carry (to mark them)."""

    code: str
    label: str
    count: int


def _tallies(choices: list[tuple[str, Any]], values: list[str]) -> list[Tally]:
    counted = Counter(values)
    return [Tally(code, str(label), counted.get(code, 0)) for code, label in choices]


def poc_signoff(poc: Poc) -> dict[str, Any]:
    """The POC sign-off: plan, each agreed criterion with its result, the results counted, and the signatures."""
    criteria = list(poc.criteria.all())
    return {
        "poc": poc,
        "opportunity": poc.opportunity,
        "account": poc.opportunity.account,
        "criteria": criteria,
        "results": _tallies(CriterionResult.choices, [criterion.result for criterion in criteria]),
        "not_agreed": sum(1 for criterion in criteria if not criterion.agreed),
    }


@dataclass
class DeviationSection:
    code: str
    label: str
    rows: list[Any]
    tallies: list[Tally]
    mandatory_at_risk: int


def tender_deviations(tender: Tender) -> dict[str, Any]:
    """Both deviation tables (正偏离 / 无偏离 / 负偏离 counted per table) and the submission checklist."""
    rows = list(tender.deviations.all())
    sections = []
    for code, label in DeviationTable.choices:
        table_rows = [row for row in rows if row.table == code]
        sections.append(
            DeviationSection(
                code=code,
                label=str(label),
                rows=table_rows,
                tallies=_tallies(Compliance.choices, [row.compliance for row in table_rows]),
                mandatory_at_risk=sum(
                    1
                    for row in table_rows
                    if row.mandatory and row.compliance not in (Compliance.EXCEEDING, Compliance.COMPLIANT)
                ),
            )
        )
    items = list(tender.submission_items.select_related("owner", "done_by"))
    return {
        "tender": tender,
        "opportunity": tender.opportunity,
        "account": tender.opportunity.account,
        "sections": sections,
        "submission_items": items,
        "submission_done": sum(1 for item in items if item.done),
    }


def scorecard(engineer: User, kind: str, start: datetime.date) -> dict[str, Any]:
    """The engineer's scorecard for one period, as the scorecard page computes and explains it."""
    card = scoring.scorecard_for(engineer, kind, start)
    explanation = explain(card)
    return {
        "engineer": engineer,
        "card": card,
        "parts": explanation.parts,
        "explanation": explanation,
        "company_currency": company_currency(),
    }


def debrief(opportunity: Opportunity) -> dict[str, Any]:
    """A closed deal's win/loss debrief: the outcome and its reason, the competitors, every team member's account
    (main reasons counted) and the tender results."""
    debriefs = list(opportunity.debriefs.select_related("author", "competitor"))
    competitors = list(opportunity.competitor_links.select_related("competitor").order_by("-is_ahead", "pk"))
    tenders = list(opportunity.tenders.select_related("winning_competitor").order_by("submission_deadline", "pk"))
    reasons = [tally for tally in _tallies(DebriefReason.choices, [d.main_reason for d in debriefs]) if tally.count]
    return {
        "opportunity": opportunity,
        "account": opportunity.account,
        "debriefs": debriefs,
        "reasons": reasons,
        "competitors": competitors,
        "tenders": tenders,
    }
