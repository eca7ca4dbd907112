"""Keeping the exchange rates: every change is checked, permitted to administrators only and recorded in history."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from presales import access
from presales.core.concurrency import full_clean
from presales.core.history import delete_with_history, save_with_history
from presales.currencies.models import ExchangeRate, company_currency
from presales.people.models import User


@transaction.atomic
def rate_create(
    *, actor: User, currency: str, rate: Decimal, valid_from: datetime.date, note: str = ""
) -> ExchangeRate:
    """Record the rate of a currency from a date on (a correction of a day's rate is a delete and a new rate)."""
    if not access.can_manage_exchange_rates(actor):
        raise PermissionDenied
    if currency == company_currency():
        raise ValidationError(
            {"currency": _("%(currency)s is the company currency: it needs no rate.") % {"currency": currency}}
        )
    if ExchangeRate.objects.filter(currency=currency, valid_from=valid_from).exists():
        raise ValidationError(
            {
                "valid_from": _("%(currency)s already has a rate from this date: delete it first to correct it.")
                % {"currency": currency}
            }
        )
    exchange_rate = ExchangeRate(currency=currency, rate=rate, valid_from=valid_from, note=note)
    full_clean(exchange_rate)
    save_with_history(exchange_rate, actor=actor)
    return exchange_rate


@transaction.atomic
def rate_delete(*, actor: User, exchange_rate: ExchangeRate, reason: str = "") -> None:
    """Remove a rate entered by mistake; its history keeps what it was and who removed it."""
    if not access.can_manage_exchange_rates(actor):
        raise PermissionDenied
    delete_with_history(exchange_rate, actor=actor, reason=reason)
