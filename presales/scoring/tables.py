"""The columns of the team's scorecards: the page (sorted in memory: the figures are computed, not stored) and its
download."""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from presales.core.tables import Column, DateColumn, MoneyColumn, NumberColumn, Table, badge, display, link
from presales.core.templatetags.presales import compact_money
from presales.currencies.models import company_currency
from presales.scoring import formulas
from presales.scoring.models import CapabilityDimension
from presales.scoring.selectors import OwedDebrief, OwedRating, Scorecard


def _weights(card: Scorecard) -> str:
    return "/".join(str(card.weights[part]) for part in formulas.PARTS)


class ScorecardTable(Table):
    """One row per engineer for one period. `sort` here is a key function: the cards are sorted in Python."""

    html_id = "scorecards"

    name = Column(_("Engineer"), "engineer_name", sort=lambda card: card.engineer_name.lower())
    team = Column(_("Team"), "team_name", sort=lambda card: card.team_name.lower(), classes="hide-phone")
    kind = Column(_("Period"), page=False)
    start = DateColumn(_("Start"), page=False)
    end = DateColumn(_("End"), page=False)
    revenue = MoneyColumn(
        _("Influenced revenue"),
        currency=None,
        sort=lambda card: card.revenue,
        export_label=_("Influenced won revenue"),
    )
    target = MoneyColumn(_("Target for the period"), currency=None, page=False)
    attainment = NumberColumn(_("Attainment %"), page=False)
    won = NumberColumn(_("Won"), page=False)
    lost = NumberColumn(_("Lost"), page=False)
    win_rate = NumberColumn(
        _("Win rate"), sort=lambda card: card.win_rate, classes="num hide-phone", export_label=_("Win rate %")
    )
    results = NumberColumn(
        _("Results"), "results_score", sort=lambda card: card.results_score, export_label=_("Results score"), empty="—"
    )
    visits = NumberColumn(_("Visits"), sort=lambda card: card.visits_score)
    expected_visits = NumberColumn(_("Visits owed"), page=False)
    visits_score = NumberColumn(_("Visits score"), page=False)
    capability_mean = NumberColumn(_("Capability mean (1–5)"), page=False)
    capability = NumberColumn(
        _("Capability"), "capability_score", sort=lambda card: card.capability_score, export_label=_("Capability score")
    )
    rating_count = NumberColumn(_("Ratings"), page=False)
    rating_mean = NumberColumn(_("Rating mean (1–5)"), page=False)
    rating = NumberColumn(
        _("Sales rating"), "rating_score", sort=lambda card: card.rating_score, export_label=_("Rating score")
    )
    weights = Column(_("Weights"), _weights, page=False)
    composite = NumberColumn(_("Composite"), sort=lambda card: card.composite)
    rank = NumberColumn(_("Rank"), sort=lambda card: card.rank, export_label=_("Rank in team"))
    frozen = Column(_("Frozen"), page=False)

    @staticmethod
    def default_order(card: Scorecard) -> Any:
        """Without a chosen sort: by team, then rank in the team (unranked last), then name."""
        return (card.team_name, card.rank or 10**6, card.engineer_name)

    def _link(self, card: Scorecard, text: Any, anchor: str = "") -> SafeString:
        url = f"{reverse('scoring:scorecard', args=[card.engineer_id])}?{self.context['query']}{anchor}"
        return format_html('<a href="{}">{}</a>', url, text)

    def render_name(self, card: Scorecard) -> SafeString:
        return self._link(card, card.engineer_name)

    def render_revenue(self, card: Scorecard) -> SafeString:
        attainment = (
            format_html(' <small class="muted">{}%</small>', card.attainment) if card.attainment is not None else ""
        )
        return format_html(
            "{}{}", self._link(card, compact_money(card.revenue, company_currency()), "#deals"), attainment
        )

    def render_win_rate(self, card: Scorecard) -> SafeString | str:
        if card.win_rate is None:
            return "—"
        return format_html('{}% <small class="muted">{}/{}</small>', card.win_rate, card.won, card.won + card.lost)

    def render_visits(self, card: Scorecard) -> SafeString:
        visits = f"{card.visits}/{floatformat(card.expected_visits, '-1')}"
        return format_html(
            '{} <small class="muted">{}</small>', self._link(card, visits, "#visits"), display(card.visits_score, "—")
        )

    def render_capability(self, card: Scorecard) -> SafeString:
        return self._link(card, display(card.capability_score, "—"), "#capability")

    def render_rating(self, card: Scorecard) -> SafeString:
        return format_html(
            '{} <small class="muted">({})</small>',
            self._link(card, display(card.rating_score, "—"), "#ratings"),
            card.rating_count,
        )

    def render_composite(self, card: Scorecard) -> SafeString:
        return format_html("<strong>{}</strong>", display(card.composite, "—"))

    def render_rank(self, card: Scorecard) -> str:
        return f"{card.rank}/{card.team_size}" if card.rank else "—"


class OwedRatingTable(Table):
    """Ratings the person still owes (on the to-do page), each with its button."""

    opportunity = Column(_("Deal"))
    engineer = Column(_("Engineer"))
    reason = Column(_("For"))
    rate = Column("")

    def render_reason(self, item: OwedRating) -> SafeString:
        reason = f"{item.request.get_kind_display()} · {_('request done')}" if item.request else str(_("deal closed"))
        return format_html('{} <small class="muted">{}</small>', reason, display(item.since))

    def render_rate(self, item: OwedRating) -> SafeString:
        url = reverse("scoring:rate", args=[item.opportunity.pk])
        if item.request:
            url += f"?request={item.request.pk}"
        return format_html('<a class="btn btn-primary" href="{}">{}</a>', url, _("Rate"))


class OwedDebriefTable(Table):
    opportunity = Column(_("Deal"))
    outcome = Column(_("Outcome"), "opportunity.outcome")
    debrief = Column("")

    def render_opportunity(self, item: OwedDebrief) -> SafeString:
        return format_html('{} <small class="muted">{}</small>', item.opportunity, item.opportunity.account)

    def render_outcome(self, item: OwedDebrief) -> SafeString:
        return badge(item.opportunity.get_outcome_display(), item.opportunity.outcome)

    def render_debrief(self, item: OwedDebrief) -> SafeString:
        url = reverse("scoring:debrief", args=[item.opportunity.pk])
        return format_html('<a class="btn btn-primary" href="{}">{}</a>', url, _("Debrief"))


class DimensionTable(Table):
    """The capability rubric on the set-up page."""

    html_id = "rubric"

    order = NumberColumn("#")
    # One column in the reader's language (the dimension's name, or its English name for an English reader); the
    # edit form has both names.
    name = Column(_("Dimension"))
    is_active = Column(_("In use"))

    def render_name(self, dimension: CapabilityDimension) -> SafeString:
        return link(reverse("scoring:dimension_edit", args=[dimension.pk]), dimension)

    def render_is_active(self, dimension: CapabilityDimension) -> str:
        return str(_("yes") if dimension.is_active else _("no"))
