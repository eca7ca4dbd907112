"""The columns of the account and contact lists: the pages, their downloads and their sorting (FilterSets and API)."""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from presales.core.tables import Column, DateColumn, MoneyColumn, NumberColumn, Table, badge, join, link
from presales.customers.models import Account, Contact
from presales.customers.templatetags.customers import influence


def _subtitle(*parts: str) -> SafeString | str:
    """The small grey line under a name: the parts that are filled in, joined with a middle dot."""
    filled = [part for part in parts if part]
    return format_html('<div class="muted small">{}</div>', " · ".join(filled)) if filled else ""


class AccountTable(Table):
    name = Column(_("Name"), sort="name", cell_classes="primary-cell")
    short_name = Column(_("Short name"), page=False)
    industry = Column(_("Industry"), sort="industry", classes="hide-phone")
    region = Column(_("Region"), sort="region", classes="hide-phone")
    city = Column(_("City"), page=False)
    is_key_account = Column(_("Key account"), page=False)
    owner = Column(_("Owner"), sort="owner__display_name", classes="hide-phone")
    open_deals = NumberColumn(_("Open deals"), "open_deal_count", sort="open_deal_count")
    open_pipeline = MoneyColumn(_("Open pipeline"), currency=None, compact=True, sort="open_pipeline")
    website = Column(_("Website"), page=False)
    external_id = Column(_("External ID"), page=False)

    def render_name(self, account: Account) -> SafeString:
        return join(
            link(account.get_absolute_url(), account.name),
            badge(_("Key account"), "warn") if account.is_key_account else "",
            _subtitle(account.short_name, account.city),
        )


class ContactTable(Table):
    name = Column(pgettext_lazy("person", "Name"), sort="name", cell_classes="primary-cell")
    title = Column(pgettext_lazy("job title", "Title"), page=False)
    department = Column(_("Department"), page=False)
    account = Column(_("Account"), "account.name", sort="account__name")
    level = Column(_("Level"), sort="level", classes="hide-phone")
    decision_role = Column(_("Decision role"), sort="decision_role")
    attitude = Column(_("Attitude"), sort="attitude", classes="hide-phone")
    influence = Column(_("Influence"), sort="influence", classes="hide-phone", cell_classes="nowrap", cell=influence)
    reports_to = Column(_("Reports to"), "reports_to.name", classes="hide-phone")
    phone = Column(_("Phone"), page=False)
    email = Column(_("E-mail"), page=False)
    external_id = Column(_("External ID"), page=False)

    def render_name(self, contact: Contact) -> SafeString:
        return join(link(contact.get_absolute_url(), contact.name), _subtitle(contact.title, contact.department))

    def render_account(self, contact: Contact) -> SafeString:
        return link(contact.account.get_absolute_url(), contact.account.name)

    def render_decision_role(self, contact: Contact) -> SafeString:
        return format_html(
            '<span class="badge role-{}">{}</span>', contact.decision_role, contact.get_decision_role_display()
        )

    def render_attitude(self, contact: Contact) -> SafeString:
        return format_html(
            '<span class="badge attitude-{}">{}</span>', contact.attitude, contact.get_attitude_display()
        )

    def render_reports_to(self, contact: Contact) -> SafeString | str:
        boss = contact.reports_to
        return link(boss.get_absolute_url(), boss.name) if boss is not None else "—"


class AccountDealTable(Table):
    """The deals on an account's page (the rows are the account's opportunities; customers sit below the deals app,
    so they are read through the account's reverse relation, not imported)."""

    name = Column(_("Opportunity"), cell_classes="primary-cell")
    stage = Column(_("Stage"), "stage.label")
    amount = MoneyColumn(_("Amount"), compact=True)
    expected_close_date = DateColumn(_("Close date"), classes="hide-phone")
    outcome = Column(_("Outcome"))

    def render_name(self, deal: Any) -> SafeString:
        people = " · ".join(str(person) for person in (deal.sales_owner, deal.presales_lead) if person)
        return join(link(deal.get_absolute_url(), deal.name), format_html('<div class="muted small">{}</div>', people))

    def render_outcome(self, deal: Any) -> SafeString:
        return badge(deal.get_outcome_display(), deal.outcome)
