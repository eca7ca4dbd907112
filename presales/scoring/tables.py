"""The columns of the team's scorecards: the page (sorted in memory: the figures are computed, not stored) and its
download."""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join
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

    def _rows_link(self, card: Scorecard, name: str, text: Any, extra: str = "", **data: Any) -> SafeString:
        """A figure opening the list of the rows behind it (scoring:credited, scoring:visits), carrying the figure
        (data-count, or data-sum and data-value) as the home page's and the dashboards' figures do."""
        url = f"{reverse(name, args=[card.engineer_id])}?{self.context['query']}{extra}"
        attributes = format_html_join(" ", '{}="{}"', ((f"data-{key}", value) for key, value in data.items()))
        return format_html('<a href="{}" {}>{}</a>', url, attributes, text)

    def render_name(self, card: Scorecard) -> SafeString:
        return self._link(card, card.engineer_name)

    def render_revenue(self, card: Scorecard) -> SafeString:
        attainment = (
            format_html(' <small class="muted">{}%</small>', card.attainment) if card.attainment is not None else ""
        )
        revenue = self._rows_link(
            card,
            "scoring:credited",
            compact_money(card.revenue, company_currency()),
            sum="credited_sum",
            value=card.revenue,
        )
        return format_html("{}{}", revenue, attainment)

    def render_win_rate(self, card: Scorecard) -> SafeString | str:
        if card.win_rate is None:
            return "—"
        won = self._rows_link(card, "scoring:credited", card.won, "&outcome=won", count=card.won)
        return format_html('{}% <small class="muted">{}/{}</small>', card.win_rate, won, card.won + card.lost)

    def render_visits(self, card: Scorecard) -> SafeString:
        visits = self._rows_link(card, "scoring:visits", card.visits, count=card.visits)
        return format_html(
            '{}/{} <small class="muted">{}</small>',
            visits,
            floatformat(card.expected_visits, "-1"),
            self._link(card, display(card.visits_score, "—"), "#visits"),
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


# --- the rows behind a scorecard's figures -------------------------------------------------------------------------


def _deal_link(row: dict[str, Any]) -> SafeString:
    return format_html(
        '{} <small class="muted">{}</small>',
        link(reverse("deals:detail", args=[row["id"]]), row["name"]),
        row["account"],
    )


class CreditedDealTable(Table):
    """The closed deals a scorecard's results count (card.deals): each one's share and credit, and their total."""

    html_id = "credited"
    footer_template = "scoring/_credited_totals.html"

    name = Column(_("Deal"), "name", cell=_deal_link)
    account = Column(_("Account"), page=False)
    closed_on = DateColumn(_("Closed"), classes="hide-phone")
    outcome = Column(_("Outcome"), "outcome_label", cell=lambda row: badge(row["outcome_label"], row["outcome"]))
    amount = MoneyColumn(_("Amount"))
    company_amount = MoneyColumn(_("Amount in the company currency"), currency=None, classes="num hide-phone")
    my_hours = NumberColumn(_("Hours"), classes="num hide-phone")
    total_hours = NumberColumn(_("All presales hours"), classes="num hide-phone")
    share = NumberColumn(_("Share %"))
    credited = MoneyColumn(_("Credited"), currency=None)


class VisitTable(Table):
    """The on-site visits a scorecard counts (card.visit_rows)."""

    html_id = "visits"

    date = DateColumn(_("Date"))
    account = Column(_("Account"))
    opportunity = Column(
        _("Deal"),
        cell=lambda row: (
            link(reverse("deals:detail", args=[row["opportunity_id"]]), row["opportunity"])
            if row["opportunity_id"]
            else ""
        ),
    )
    hours = NumberColumn(_("Hours"))
    outcome = Column(_("Outcome"), classes="hide-phone")
