"""The columns of the forecast lists: the deals behind a figure, and the deals that moved between two snapshots."""

from __future__ import annotations

from typing import Any

from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from presales.core.tables import Column, DateColumn, MoneyColumn, Table, join, link, muted
from presales.core.templatetags.presales import money
from presales.currencies.models import company_currency
from presales.deals.models import Opportunity
from presales.forecast.models import Category
from presales.forecast.selectors import Entry, Move


class ForecastDealTable(Table):
    """The rows of one roll-up figure (annotated by selectors.figure_rows)."""

    html_id = "forecast-deal-table"

    name = Column(_("Opportunity"), cell_classes="primary-cell")
    account = Column(_("Account"), "account.name", classes="hide-phone")
    stage = Column(_("Stage"), "stage.label", classes="hide-phone")
    category = Column(_("Forecast category"), "forecast_bucket")
    amount = MoneyColumn(_("Amount"), "company_amount", currency=None)
    close = DateColumn(_("Close date"))
    sales_owner = Column(_("Sales owner"), "sales_owner", classes="hide-phone")

    def render_name(self, deal: Opportunity) -> SafeString:
        return link(deal.get_absolute_url(), deal.name)

    def render_category(self, deal: Any) -> str:
        return str(Category(deal.forecast_bucket).label)

    def render_close(self, deal: Opportunity) -> str:
        day = deal.closed_on if deal.closed_on else deal.expected_close_date
        return date_format(day, "SHORT_DATE_FORMAT")


def _category(entry: Entry | None) -> str:
    return str(Category(entry.category).label) if entry else "—"


def _date(entry: Entry | None) -> str:
    return date_format(entry.expected_close_date, "SHORT_DATE_FORMAT") if entry else "—"


def _money(entry: Entry | None) -> str:
    return money(entry.amount, company_currency()) if entry else "—"


def _was_now(before: str, after: str) -> SafeString:
    if before == after:
        return format_html("{}", after)
    return join(muted(before), "→", format_html("<strong>{}</strong>", after))


class MoveTable(Table):
    """Deals that moved, each with its figures then and now (rows are selectors.Move)."""

    html_id = "moved-deal-table"

    deal = Column(_("Opportunity"), cell_classes="primary-cell")
    owner = Column(_("Sales owner"), classes="hide-phone")
    category = Column(_("Forecast category"))
    close = Column(_("Close date"))
    amount = Column(_("Amount"), classes="num")
    stage = Column(_("Stage"), classes="hide-phone")

    def _deal(self, move: Move) -> Opportunity | None:
        return self.context["deals"].get(move.opportunity_id)

    def render_deal(self, move: Move) -> SafeString:
        deal = self._deal(move)
        if deal is None:
            return format_html("#{}", move.opportunity_id)
        return join(link(deal.get_absolute_url(), deal.name), muted(deal.account, extra=" hide-phone"))

    def render_owner(self, move: Move) -> str:
        deal = self._deal(move)
        return str(deal.sales_owner) if deal else ""

    def render_category(self, move: Move) -> SafeString:
        return _was_now(_category(move.before), _category(move.after))

    def render_close(self, move: Move) -> SafeString:
        return _was_now(_date(move.before), _date(move.after))

    def render_amount(self, move: Move) -> SafeString:
        return _was_now(_money(move.before), _money(move.after))

    def render_stage(self, move: Move) -> SafeString:
        stages = self.context["stages"]
        before = str(stages[move.before.stage_id].label) if move.before else "—"
        after = str(stages[move.after.stage_id].label) if move.after else "—"
        return _was_now(before, after)
