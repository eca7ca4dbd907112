"""The columns of the people list, declared once for the page and its download."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from presales.core.tables import Column, MoneyColumn, NumberColumn, Table, badge, join, link, muted
from presales.people.models import User


class PersonTable(Table):
    name = Column(pgettext_lazy("person", "Name"), str, sort="display_name", cell_classes="primary-cell")
    username = Column(_("User name"), sort="username", classes="hide-phone")
    role = Column(_("Role"), "role", sort="role")
    team = Column(_("Team"), "team.name", sort="team__name")
    title = Column(_("Job title"), page=False)
    email = Column(_("E-mail"), page=False)
    weekly_capacity_hours = NumberColumn(_("Hours a week"), sort="weekly_capacity_hours", classes="num hide-phone")
    weekly_visit_quota = NumberColumn(_("Visits a week"), sort="weekly_visit_quota", classes="num hide-phone")
    revenue_target = MoneyColumn(
        _("Revenue target"), currency=None, compact=True, sort="revenue_target", classes="num hide-phone"
    )
    is_active = Column(_("Active"), sort="is_active")

    def render_name(self, person: User) -> str:
        return join(
            link(reverse("staff:person_detail", args=[person.pk]), str(person)),
            muted(person.title) if person.title else "",
        )

    def render_is_active(self, person: User) -> str:
        return badge(_("Active"), "ok") if person.is_active else badge(_("Deactivated"), "warn")
