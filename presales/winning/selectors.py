"""Reads: the technical win rate's rule (shared by the technical win dashboard and the scorecards), the model in use,
the latest training, a deal's probability and its reasons in words."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from presales.bids.models import PocOutcome
from presales.customers.models import Account, Industry
from presales.deals.models import Opportunity, ThreatLevel
from presales.people.models import User
from presales.winning.models import (
    ASSESSED,
    DealWinProbability,
    TechnicalVerdict,
    TechnicalVerdictQuerySet,
    TechnicalWinFigures,
    Verdict,
    VerdictPhase,
    WinModel,
)


def technical_win_rate(wins: int, assessed: int) -> float | None:
    """Technical wins ÷ (wins + ties + losses) in percent, to one decimal; None without an assessed verdict."""
    return round(100 * wins / assessed, 1) if assessed else None


def verdicts_recorded(start: datetime.date, end: datetime.date) -> TechnicalVerdictQuerySet:
    """The verdicts a period counts: those recorded in it (the dashboard and the scorecards count the same rows)."""
    return TechnicalVerdict.objects.filter(recorded_on__range=(start, end))


def close_verdicts_by_lead(lead_ids: set[int], start: datetime.date, end: datetime.date) -> dict[int, dict[str, int]]:
    """Each presales lead's verdicts at close recorded in the period, on the deals they lead: wins, ties, losses and
    assessed (the three together), in one query. The technical win dashboard's "by presales lead" row counts the same
    rows (insights.technical.rates_by)."""
    rows = (
        verdicts_recorded(start, end)
        .filter(phase=VerdictPhase.CLOSE, opportunity__presales_lead_id__in=lead_ids)
        .values("opportunity__presales_lead_id")
        .annotate(
            wins=Count("pk", filter=Q(verdict=Verdict.WIN)),
            ties=Count("pk", filter=Q(verdict=Verdict.TIE)),
            losses=Count("pk", filter=Q(verdict=Verdict.LOSS)),
            assessed=Count("pk", filter=Q(verdict__in=ASSESSED)),
        )
        .order_by()
    )
    return {
        row["opportunity__presales_lead_id"]: {name: row[name] for name in ("wins", "ties", "losses", "assessed")}
        for row in rows
    }


def figures_changed_stamp() -> int:
    """A number that grows with every verdict recorded, changed or deleted, and with every change to a deal or an
    account (a deal's outcome, lead, teams and product line, an account's industry and region are what the technical
    win figures group and filter by): the sum of the latest rows of their three histories, each of which only
    grows. Three reads of a primary key's maximum."""
    stamp = 0
    for model in (TechnicalVerdict, Opportunity, Account):
        history: Any = model.history.model  # added by simple_history
        stamp += history.objects.aggregate(latest=Max("history_id"))["latest"] or 0
    return stamp


def stored_technical_figures(
    user: User, key: str, stamp: int, computed_since: datetime.datetime
) -> dict[str, Any] | None:
    """The person's stored dashboard figures for these filters, if no verdict changed since and recent enough."""
    row = (
        TechnicalWinFigures.objects.filter(user=user, key=key, changes_seen=stamp, computed_at__gte=computed_since)
        .values_list("data", flat=True)
        .first()
    )
    return row


def lead_verdict_list_url(lead_id: int, start: datetime.date, end: datetime.date, verdict: str = "assessed") -> str:
    """The technical verdict list of one lead's verdicts at close recorded in the period (the rows a count counts)."""
    query: dict[str, str | int] = {
        "lead": lead_id,
        "phase": VerdictPhase.CLOSE,
        "verdict": verdict,
        "recorded_from": start.isoformat(),
        "recorded_to": end.isoformat(),
    }
    return f"{reverse('winning:verdict_list')}?{urlencode(query)}"


def latest_model() -> WinModel | None:
    """The newest training (whatever its status); the fitted bytes are not read."""
    return WinModel.objects.defer("fitted").select_related("requested_by").order_by("-version").first()


def model_in_use() -> WinModel | None:
    return WinModel.objects.defer("fitted").filter(in_use=True).order_by("-version").first()


def deal_verdicts(opportunity: Opportunity) -> list[TechnicalVerdict]:
    return list(TechnicalVerdict.objects.filter(opportunity=opportunity).select_related("competitor", "recorded_by"))


def _verdict_words(value: str) -> str:
    words: dict[str, str] = {
        Verdict.WIN: _("technical win recorded"),
        Verdict.TIE: _("technical tie recorded"),
        Verdict.LOSS: _("technical loss recorded"),
        Verdict.NOT_ASSESSED: _("technical verdict not assessed"),
    }
    return words.get(value, _("no technical verdict yet"))


def _poc_words(value: str) -> str:
    words: dict[str, str] = {
        PocOutcome.PASSED: _("POC passed"),
        PocOutcome.PARTLY: _("POC partly passed"),
        PocOutcome.FAILED: _("POC failed"),
        PocOutcome.PENDING: _("POC finished without a result"),
        "running": _("POC under way"),
    }
    return words.get(value, _("no POC"))


def _threat_words(value: str) -> str:
    words: dict[str, str] = {
        ThreatLevel.HIGH: _("a high-threat competitor in the deal"),
        ThreatLevel.MEDIUM: _("a medium-threat competitor at most"),
        ThreatLevel.LOW: _("only low-threat competitors"),
    }
    return words.get(value, _("no competitor recorded"))


def reason_words(feature: str, value: Any) -> str:
    """One reason of a deal's probability, in the reader's language (stored as a feature key and its value)."""
    if feature == "progress":
        return _("%(percent)s%% of the playbook's steps done") % {"percent": round(float(value) * 100)}
    if feature == "skipped_steps":
        count = int(value)
        if count == 0:
            return _("no step skipped")
        return ngettext("%(count)s step skipped", "%(count)s steps skipped", count) % {"count": count}
    if feature == "presales_hours":
        return _("%(hours)s presales hours logged") % {"hours": round(float(value))}
    if feature == "hands_on_share":
        return _("%(percent)s%% of presales hours hands-on (POC, demo, configuration)") % {
            "percent": round(float(value) * 100)
        }
    if feature == "customer_share":
        return _("%(percent)s%% of presales hours with the customer") % {"percent": round(float(value) * 100)}
    if feature == "competitors":
        count = int(value)
        if count == 0:
            return _("no competitor recorded")
        return ngettext("%(count)s competitor", "%(count)s competitors", count) % {"count": count}
    if feature == "age_days":
        return _("open for %(days)s days") % {"days": int(value)}
    if feature == "amount":
        return _("deal size %(amount)s") % {"amount": f"{round(float(value)):,}"}
    if feature == "stage":
        return _("at stage %(number)s") % {"number": value}
    if feature == "poc_result":
        return _poc_words(str(value))
    if feature == "technical_verdict":
        return _verdict_words(str(value))
    if feature == "top_threat":
        return _threat_words(str(value))
    if feature == "supporter_found":
        return _("a supporter found") if value == "yes" else _("no supporter found")
    if feature == "decision_maker_met":
        return _("the decision maker met") if value == "yes" else _("the decision maker not met")
    if feature == "industry":
        return _("industry: %(industry)s") % {"industry": dict(Industry.choices).get(value, _("none"))}
    return str(feature)


@dataclass
class Reason:
    points: int
    text: str

    @property
    def signed(self) -> str:
        # U+2212, the minus sign, reads better than a hyphen beside a number.
        return f"+{self.points}" if self.points > 0 else f"\u2212{abs(self.points)}"

    def __str__(self) -> str:
        return _("%(points)s points: %(reason)s") % {"points": self.signed, "reason": self.text}


def reasons(score: DealWinProbability) -> list[Reason]:
    return [Reason(int(item["points"]), reason_words(item["feature"], item["value"])) for item in score.reasons]


def deal_probability(opportunity: Opportunity) -> DealWinProbability | None:
    """The model's probability for an open deal, when a model is in use and has scored it."""
    return (
        DealWinProbability.objects.filter(opportunity=opportunity, model__in_use=True)
        .select_related("model")
        .defer("model__fitted")
        .first()
    )
