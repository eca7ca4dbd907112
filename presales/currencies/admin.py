"""Admin: the rates with their history; the exchange-rates page is the normal way to keep them."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from presales.currencies.models import ExchangeRate


@admin.register(ExchangeRate)
class ExchangeRateAdmin(SimpleHistoryAdmin):
    list_display = ["currency", "rate", "valid_from", "note"]
    list_filter = ["currency"]
    date_hierarchy = "valid_from"
