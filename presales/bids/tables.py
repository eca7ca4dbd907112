"""The columns of the bid lists (tenders, POCs, product gaps, test cases): pages, downloads and sorting."""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from presales.bids.models import Poc, Tender, TestCase
from presales.core.tables import (
    Column,
    DateColumn,
    DeadlineColumn,
    MoneyColumn,
    NumberColumn,
    Table,
    badge,
    join,
    link,
)
from presales.core.templatetags.presales import deadline


def days_left_badge(days: int) -> SafeString:
    return badge(ngettext("%(days)s day left", "%(days)s days left", days) % {"days": days}, "warn")


def deal_link(record: Tender | Poc) -> SafeString:
    return link(record.opportunity.get_absolute_url(), record.opportunity)


class TenderTable(Table):
    html_id = "tender-table"

    title = Column(_("Tender"), sort="title", cell_classes="primary-cell", export_label=_("Title"))
    reference = Column(_("Tender number"), page=False)
    opportunity = Column(_("Opportunity"), "opportunity.name")
    account = Column(_("Account"), "opportunity.account.name", page=False)
    published_on = DateColumn(_("Published on"), page=False)
    question_deadline = DeadlineColumn(_("Question deadline"), page=False)
    submission_deadline = DeadlineColumn(_("Submission deadline"), sort="submission_deadline")
    opening_at = DateColumn(_("Bid opening"), page=False)
    status = Column(_("Status"), sort="status")
    procurement_method = Column(_("Method"), classes="hide-phone", export_label=_("Procurement method"))
    bid_bond = MoneyColumn(_("Bid bond"), currency=None, page=False)
    rank = NumberColumn(_("Our rank"), page=False)

    def render_title(self, tender: Tender) -> SafeString:
        reference = format_html('<span class="muted">{}</span>', tender.reference) if tender.reference else ""
        return join(link(reverse("bids:tender_detail", args=[tender.pk]), tender.title), reference)

    def render_opportunity(self, tender: Tender) -> SafeString:
        return join(
            deal_link(tender), format_html('<span class="muted hide-phone">{}</span>', tender.opportunity.account)
        )

    def render_submission_deadline(self, tender: Tender) -> SafeString:
        soon = tender.is_open and 0 <= tender.days_left <= 7
        return join(deadline(tender.submission_deadline), days_left_badge(tender.days_left) if soon else "")


class PocTable(Table):
    html_id = "poc-table"

    title = Column(_("POC"), sort="title", cell_classes="primary-cell", export_label=_("Title"))
    opportunity = Column(_("Opportunity"), "opportunity.name")
    account = Column(_("Account"), "opportunity.account.name", page=False)
    start_date = DateColumn(_("Start"), sort="start_date")
    end_date = DeadlineColumn(_("End"), sort="end_date")
    status = Column(_("Status"))
    outcome = Column(_("Outcome"), page=False)
    lead = Column(_("Lead"), classes="hide-phone")
    signed_off_by = Column(_("Signed off by (customer)"), page=False)
    signed_off_on = DateColumn(_("Signed off on"), page=False)

    def render_title(self, poc: Poc) -> SafeString:
        return link(reverse("bids:poc_detail", args=[poc.pk]), poc.title)

    def render_opportunity(self, poc: Poc) -> SafeString:
        return deal_link(poc)

    def render_end_date(self, poc: Poc) -> SafeString:
        return join(
            deadline(poc.end_date), days_left_badge(poc.days_left) if poc.is_open and poc.days_left >= 0 else ""
        )

    def render_status(self, poc: Poc) -> str:
        return f"{poc.get_status_display()} · {poc.get_outcome_display()}"


class ProductGapTable(Table):
    """Gaps ranked by what is at stake (the rows are the ranking's dictionaries, one per gap, in the company currency)."""

    html_id = "gap-table"

    title = Column(_("Gap"), cell_classes="primary-cell")
    product = Column(_("Product"), classes="hide-phone")
    deals = NumberColumn(_("Deals"))
    deal_breakers = NumberColumn(_("Deal-breakers"))
    open_pipeline = MoneyColumn(_("Open pipeline"), currency=None, compact=True)
    lost_revenue = MoneyColumn(_("Lost revenue"), currency=None, compact=True)
    at_stake = MoneyColumn(_("At stake"), currency=None, compact=True, strong=True)


class TestCaseTable(Table):
    html_id = "test-case-table"

    title = Column(_("Test case"), cell_classes="primary-cell")
    category = Column(_("Category"), classes="hide-phone")
    validation = Column(_("How success is validated"))
    use_count = NumberColumn(_("Used in POCs"))

    def render_title(self, case: TestCase) -> SafeString:
        text = case.description_text
        description = format_html('<br><small class="muted">{}</small>', text) if text else ""
        return format_html("{}{}", case.title_text, description)

    def render_category(self, case: TestCase) -> str:
        return case.category_text

    def render_validation(self, case: Any) -> SafeString:
        return linebreaksbr(case.validation_text)
