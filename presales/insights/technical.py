"""The technical win dashboard's reads (its panels are in panels.py): technical win rate by engineer, team, product line and competitor (verdicts at
close), the verdicts by phase, and the deals won technically but lost commercially, with their loss reasons.

A technical win rate is wins / (wins + ties + losses) of the verdicts recorded in the period; "not assessed" counts
in neither. Each count links to the technical verdict list with the same filters, and equals its rows.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from presales.deals.models import Competitor, Outcome, ProductLine
from presales.insights.forms import InsightFilters
from presales.insights.links import Link
from presales.people.models import Team, User
from presales.winning.models import ASSESSED, TechnicalVerdict, Verdict, VerdictPhase

# The dimension, the verdict list's filter for it, and the field the verdict reaches it by.
DIMENSIONS = {
    "lead": ("lead", "opportunity__presales_lead"),
    "team": ("presales_team", "opportunity__presales_team"),
    "product_line": ("product_line", "opportunity__product_line"),
    "competitor": ("competitor", "competitor"),
}


def verdicts(user: User, f: InsightFilters) -> QuerySet[TechnicalVerdict]:
    """The verdicts the person can see, recorded in the period, in the dashboard's scope."""
    queryset = TechnicalVerdict.objects.visible_to(user).filter(recorded_on__range=(f.start, f.end))
    if f.team is not None:
        queryset = queryset.filter(Q(opportunity__team=f.team) | Q(opportunity__presales_team=f.team))
    if f.industry:
        queryset = queryset.filter(opportunity__account__industry=f.industry)
    if f.region:
        queryset = queryset.filter(opportunity__account__region=f.region)
    return queryset


def verdict_list_url(f: InsightFilters, **params: Any) -> str:
    """The technical verdict list with the dashboard's period and scope, and `params`."""
    scope: dict[str, Any] = {"recorded_from": f.start.isoformat(), "recorded_to": f.end.isoformat()}
    if f.team is not None:
        scope["team"] = f.team.pk
    if f.industry:
        scope["industry"] = f.industry
    if f.region:
        scope["region"] = f.region
    query = {key: value for key, value in {**scope, **params}.items() if value not in (None, "")}
    return f"{reverse('winning:verdict_list')}?{urlencode(query)}"


def technical_win_rate(wins: int, assessed: int) -> float | None:
    return round(100 * wins / assessed, 1) if assessed else None


COUNTS = {
    "assessed": Count("pk", filter=Q(verdict__in=ASSESSED)),
    "wins": Count("pk", filter=Q(verdict=Verdict.WIN)),
    "ties": Count("pk", filter=Q(verdict=Verdict.TIE)),
    "losses": Count("pk", filter=Q(verdict=Verdict.LOSS)),
    "not_assessed": Count("pk", filter=Q(verdict=Verdict.NOT_ASSESSED)),
}
VERDICT_PARAMS = {"assessed": "assessed", "wins": Verdict.WIN, "ties": Verdict.TIE, "losses": Verdict.LOSS}


def _names(dimension: str, ids: list[int]) -> dict[int, str]:
    if dimension == "lead":
        return {user.pk: str(user) for user in User.objects.filter(pk__in=ids)}
    model: Any = {"team": Team, "product_line": ProductLine, "competitor": Competitor}[dimension]
    return {row.pk: str(row) for row in model.objects.filter(pk__in=ids)}


def rates_by(user: User, f: InsightFilters, dimension: str, phase: str = VerdictPhase.CLOSE) -> list[dict[str, Any]]:
    """Verdicts of a phase by engineer, presales team, product line or competitor, with the technical win rate."""
    param, field = DIMENSIONS[dimension]
    grouped = list(
        verdicts(user, f).filter(phase=phase, **{f"{field}__isnull": False}).values(field).annotate(**COUNTS).order_by()
    )
    names = _names(dimension, [row[field] for row in grouped])
    rows = []
    for row in grouped:
        key = row[field]
        rows.append(
            {
                "key": key,
                "label": names.get(key, "—"),
                "assessed": row["assessed"],
                "wins": row["wins"],
                "ties": row["ties"],
                "losses": row["losses"],
                "not_assessed": row["not_assessed"],
                "win_rate": technical_win_rate(row["wins"], row["assessed"]),
                "links": {
                    name: Link(verdict_list_url(f, phase=phase, verdict=verdict, **{param: key}), "count")
                    for name, verdict in VERDICT_PARAMS.items()
                },
            }
        )
    rows.sort(key=lambda row: (-row["assessed"], row["label"]))
    return rows


def by_phase(user: User, f: InsightFilters) -> list[dict[str, Any]]:
    """All verdicts of each phase (the denominator behind every other panel), with the technical win rate."""
    grouped = {row["phase"]: row for row in verdicts(user, f).values("phase").annotate(**COUNTS).order_by()}
    rows = []
    for phase, label in VerdictPhase.choices:
        row = grouped.get(phase, dict.fromkeys(COUNTS, 0))
        rows.append(
            {
                "key": phase,
                "label": label,
                **{name: row[name] for name in COUNTS},
                "win_rate": technical_win_rate(row["wins"], row["assessed"]),
                "links": {
                    **{
                        name: Link(verdict_list_url(f, phase=phase, verdict=verdict), "count")
                        for name, verdict in VERDICT_PARAMS.items()
                    },
                    "not_assessed": Link(verdict_list_url(f, phase=phase, verdict=Verdict.NOT_ASSESSED), "count"),
                },
            }
        )
    return rows


def technical_win_commercial_loss(user: User, f: InsightFilters, limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """Deals won technically at close and lost all the same: a signal for sales, with the reasons they were lost."""
    queryset = verdicts(user, f).filter(
        phase=VerdictPhase.CLOSE, verdict=Verdict.WIN, opportunity__outcome=Outcome.LOST
    )
    total = queryset.count()
    rows = [
        {
            "deal": verdict.opportunity.name,
            "url": verdict.opportunity.get_absolute_url(),
            "competitor": verdict.competitor.name if verdict.competitor else "",
            "lead": str(verdict.opportunity.presales_lead or ""),
            "loss_reason": verdict.opportunity.outcome_reason,
            "reasons": verdict.reasons,
            "closed_on": verdict.opportunity.closed_on,
        }
        for verdict in queryset.select_related("opportunity__presales_lead", "competitor").order_by(
            "-opportunity__closed_on", "pk"
        )[:limit]
    ]
    return total, rows
