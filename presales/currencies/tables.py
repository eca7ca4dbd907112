from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from presales.core.tables import Column, DateColumn, NumberColumn, Table
from presales.currencies.models import ExchangeRate


class ExchangeRateTable(Table):
    html_id = "exchange-rates"

    currency = Column(_("Currency"))
    rate = NumberColumn(_("Rate"), cell=lambda rate: f"{rate.rate.normalize():f}")
    valid_from = DateColumn(_("Valid from"))
    note = Column(_("Note"), classes="hide-phone")
    change = Column("", export=False)

    def render_change(self, rate: ExchangeRate) -> SafeString:
        return format_html(
            '<form class="inline-cell-form" method="post" action="{}">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<button class="linklike" type="submit">{}</button></form>',
            reverse("currencies:rate_delete", args=[rate.pk]),
            get_token(cast(HttpRequest, self.request)),
            _("Delete"),
        )
