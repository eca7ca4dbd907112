from __future__ import annotations

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from presales.core.tables import Column, DateColumn, NumberColumn, Table, post_button
from presales.currencies.models import ExchangeRate


class ExchangeRateTable(Table):
    html_id = "exchange-rates"

    currency = Column(_("Currency"))
    rate = NumberColumn(_("Rate"), cell=lambda rate: f"{rate.rate.normalize():f}")
    valid_from = DateColumn(_("Valid from"))
    note = Column(_("Note"), classes="hide-phone")
    change = Column("", export=False)

    def render_change(self, rate: ExchangeRate) -> SafeString:
        return post_button(self.request, reverse("currencies:rate_delete", args=[rate.pk]), _("Delete"))
