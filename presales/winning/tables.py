"""The technical verdict list's columns (page and download)."""

from __future__ import annotations

from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from presales.core.tables import Column, DateColumn, Table, badge, join, link
from presales.deals.tables import outcome_badge
from presales.winning.models import TechnicalVerdict, Verdict

VERDICT_TONES: dict[str, str] = {
    Verdict.WIN: "ok",
    Verdict.TIE: "warn",
    Verdict.LOSS: "danger",
    Verdict.NOT_ASSESSED: "",
}


def verdict_badge(verdict: TechnicalVerdict) -> SafeString:
    return badge(verdict.get_verdict_display(), VERDICT_TONES.get(verdict.verdict, ""))


class TechnicalVerdictTable(Table):
    """One row per verdict: the deal and its outcome, the verdict, against whom, why, and why the deal was lost."""

    deal = Column(_("Opportunity"), "opportunity.name", sort="opportunity__name", cell_classes="primary-cell")
    verdict = Column(_("Technical verdict"), "get_verdict_display", sort="verdict")
    phase = Column(_("Phase"), "get_phase_display", classes="hide-phone")
    competitor = Column(_("Against"), "competitor.name", sort="competitor__name", empty="—")
    lead = Column(_("Presales lead"), "opportunity.presales_lead", classes="hide-phone", empty="—")
    reasons = Column(_("Reasons"), classes="hide-phone", cell_classes="small")
    outcome_reason = Column(_("Outcome reason"), "opportunity.outcome_reason", classes="hide-phone", empty="—")
    recorded_on = DateColumn(_("Recorded"), sort="recorded_on")

    def render_deal(self, verdict: TechnicalVerdict) -> SafeString:
        deal = verdict.opportunity
        return join(link(deal.get_absolute_url(), deal.name), outcome_badge(deal))

    def render_verdict(self, verdict: TechnicalVerdict) -> SafeString:
        return verdict_badge(verdict)

    def render_reasons(self, verdict: TechnicalVerdict) -> str:
        return Truncator(verdict.reasons).chars(140)

    def render_outcome_reason(self, verdict: TechnicalVerdict) -> str:
        return Truncator(verdict.opportunity.outcome_reason).chars(140) or "—"
