"""The technical win dashboard's reads (its panels are in panels.py): technical win rate by engineer, team, product line and competitor (verdicts at
close), the verdicts by phase, and the deals won technically but lost commercially, with their loss reasons.

A technical win rate is wins / (wins + ties + losses) of the verdicts recorded in the period; "not assessed" counts
in neither. Each count links to the technical verdict list with the same filters, and equals its rows.

The counts are computed with the reader's visibility and kept per person and filters (winning.TechnicalWinFigures):
at 50,000 deals one computation reads ~48,000 verdicts, so the page reads the stored figures while no verdict, deal
or account has changed since (winning.selectors.figures_changed_stamp) and they are younger than FRESH_FOR (a
change to what the person may see, such as their teams or the work given to them, shows within that time).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language

from presales.deals.models import Competitor, Outcome, ProductLine
from presales.insights.forms import InsightFilters
from presales.insights.links import Link
from presales.insights.scope import in_scope, scope_params
from presales.people.models import Team, User
from presales.winning.models import ASSESSED, TechnicalVerdict, Verdict, VerdictPhase
from presales.winning.selectors import (
    figures_changed_stamp,
    stored_technical_figures,
    technical_win_rate,
    verdicts_recorded,
)
from presales.winning.services import technical_figures_store

# How long stored figures stand for changes that write no history (who may see what: teams, work given).
FRESH_FOR = datetime.timedelta(minutes=10)
LOST_ROWS = 50

# The dimension, the verdict list's filter for it, and the field the verdict reaches it by.
DIMENSIONS = {
    "lead": ("lead", "opportunity__presales_lead"),
    "team": ("presales_team", "opportunity__presales_team"),
    "product_line": ("product_line", "opportunity__product_line"),
    "competitor": ("competitor", "competitor"),
}


def verdicts(user: User, f: InsightFilters) -> QuerySet[TechnicalVerdict]:
    """The verdicts the person can see, recorded in the period, in the dashboard's scope."""
    team = ("opportunity__team", "opportunity__presales_team")
    return in_scope(verdicts_recorded(f.start, f.end).visible_to(user), f, team=team, account="opportunity__account")


def verdict_list_urls(f: InsightFilters) -> Callable[..., str]:
    """A maker of technical verdict list links with the dashboard's period and scope and the given params: the list's
    address and the scope are encoded once, since a dashboard has hundreds of counts."""
    scope: dict[str, Any] = {"recorded_from": f.start.isoformat(), "recorded_to": f.end.isoformat(), **scope_params(f)}
    base = reverse("winning:verdict_list")

    def url(**params: Any) -> str:
        query = {key: value for key, value in {**scope, **params}.items() if value not in (None, "")}
        return f"{base}?{urlencode(query)}"

    return url


def verdict_list_url(f: InsightFilters, **params: Any) -> str:
    """The technical verdict list with the dashboard's period and scope, and `params`."""
    return verdict_list_urls(f)(**params)


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


def _counts(row: dict[str, Any]) -> dict[str, int]:
    return {name: row[name] for name in COUNTS}


def _grouped(user: User, f: InsightFilters, dimension: str, phase: str) -> list[dict[str, Any]]:
    """[{key, label, counts...}] of one dimension's verdicts of a phase."""
    _param, field = DIMENSIONS[dimension]
    grouped = list(
        verdicts(user, f).filter(phase=phase, **{f"{field}__isnull": False}).values(field).annotate(**COUNTS).order_by()
    )
    names = _names(dimension, [row[field] for row in grouped])
    return [{"key": row[field], "label": names.get(row[field], "—"), **_counts(row)} for row in grouped]


def _lost(user: User, f: InsightFilters, limit: int) -> tuple[int, list[dict[str, Any]]]:
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
            "closed_on": verdict.opportunity.closed_on.isoformat() if verdict.opportunity.closed_on else None,
        }
        for verdict in queryset.select_related("opportunity__presales_lead", "competitor").order_by(
            "-opportunity__closed_on", "pk"
        )[:limit]
    ]
    return total, rows


def compute_figures(user: User, f: InsightFilters) -> dict[str, Any]:
    """Every count of the dashboard, live, as JSON-ready data: phases, the four dimensions at close, the deals won
    technically and lost commercially."""
    phases = {row["phase"]: _counts(row) for row in verdicts(user, f).values("phase").annotate(**COUNTS).order_by()}
    total, lost = _lost(user, f, LOST_ROWS)
    return {
        "phases": phases,
        "by": {dimension: _grouped(user, f, dimension, VerdictPhase.CLOSE) for dimension in DIMENSIONS},
        "lost_total": total,
        "lost": lost,
    }


def _key(f: InsightFilters) -> str:
    return json.dumps(
        [f.start.isoformat(), f.end.isoformat(), f.team.pk if f.team else None, f.industry, f.region, get_language()]
    )


def figures(user: User, f: InsightFilters) -> dict[str, Any]:
    """The dashboard's counts for this person and these filters: stored ones while fresh, else computed and kept."""
    key = _key(f)
    # Read before computing: a verdict recorded meanwhile leaves the stored figures one change behind, so stale.
    stamp = figures_changed_stamp()
    now = timezone.now()
    stored = stored_technical_figures(user, key, stamp, now - FRESH_FOR)
    if stored is not None:
        return stored
    data = compute_figures(user, f)
    technical_figures_store(user=user, key=key, stamp=stamp, data=data, stale_before=now - FRESH_FOR)
    return data


def rates_by(
    user: User,
    f: InsightFilters,
    dimension: str,
    phase: str = VerdictPhase.CLOSE,
    data: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Verdicts of a phase by engineer, presales team, product line or competitor, with the technical win rate."""
    param, _field = DIMENSIONS[dimension]
    if phase == VerdictPhase.CLOSE:
        grouped = (data or figures(user, f))["by"][dimension]
    else:
        grouped = _grouped(user, f, dimension, phase)
    url = verdict_list_urls(f)
    rows = []
    for row in grouped:
        key = row["key"]
        rows.append(
            {
                **row,
                "win_rate": technical_win_rate(row["wins"], row["assessed"]),
                "links": {
                    name: Link(url(phase=phase, verdict=verdict, **{param: key}), "count")
                    for name, verdict in VERDICT_PARAMS.items()
                },
            }
        )
    rows.sort(key=lambda row: (-row["assessed"], row["label"]))
    return rows


def by_phase(user: User, f: InsightFilters, data: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """All verdicts of each phase (the denominator behind every other panel), with the technical win rate."""
    grouped = (data or figures(user, f))["phases"]
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


def technical_win_commercial_loss(
    user: User, f: InsightFilters, data: dict[str, Any] | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """Deals won technically at close and lost all the same: a signal for sales, with the reasons they were lost."""
    data = data or figures(user, f)
    rows = [
        {**row, "closed_on": datetime.date.fromisoformat(row["closed_on"]) if row["closed_on"] else None}
        for row in data["lost"]
    ]
    return data["lost_total"], rows
