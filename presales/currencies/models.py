"""The company currency and the dated exchange rates every total converts with (docs/domain.md, Money)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from presales.core.models import BaseModel


class Currency(models.TextChoices):
    CNY = "CNY", _("CNY (¥)")
    USD = "USD", _("USD ($)")
    EUR = "EUR", _("EUR (€)")
    HKD = "HKD", _("HKD (HK$)")


def company_currency() -> str:
    """The currency every total, forecast, ranking and scorecard is expressed in (setting COMPANY_CURRENCY)."""
    return str(getattr(settings, "COMPANY_CURRENCY", Currency.CNY))


class ExchangeRate(BaseModel):
    """From `valid_from` on, one unit of `currency` is worth `rate` units of the company currency.

    The rate in force on a day is the latest one dated on or before it; an amount dated before the first rate of its
    currency uses that first rate (docs/domain.md, Money).
    """

    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    rate = models.DecimalField(
        _("rate"),
        max_digits=18,
        decimal_places=8,
        validators=[MinValueValidator(Decimal("0.00000001"))],
        help_text=_("How much one unit of this currency is worth in the company currency."),
    )
    valid_from = models.DateField(_("valid from"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["currency", "-valid_from"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["currency", "valid_from"], name="exchange_rate_one_per_day"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate.normalize():f} {company_currency()} ({self.valid_from})"
