"""Demo exchange rates: one rate a quarter for every currency the demo's deals use, going back two years, so the
overseas region's USD deals count in every total (docs/domain.md, Money). Through the service: the history names the
administrator."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from presales.currencies import services
from presales.currencies.models import Currency, company_currency

if TYPE_CHECKING:
    from presales.demo.context import DemoContext

# Company-currency (CNY) value of one unit, drifting a little quarter by quarter, newest last.
RATES = {
    Currency.USD: ("7.02", "7.10", "7.18", "7.24", "7.20", "7.16", "7.12", "7.09", "7.11"),
    Currency.EUR: ("7.60", "7.72", "7.85", "7.80", "7.75", "7.83", "7.90", "8.02", "8.10"),
    Currency.HKD: ("0.898", "0.907", "0.918", "0.926", "0.921", "0.916", "0.911", "0.908", "0.910"),
}


def _quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def generate_currencies(ctx: DemoContext) -> None:
    assert ctx.admin is not None  # noqa: S101 - the people generator runs first
    quarters = [_quarter_start(ctx.today)]
    while len(quarters) < len(next(iter(RATES.values()))):
        quarters.append(_quarter_start(quarters[-1] - datetime.timedelta(days=1)))
    quarters.reverse()
    count = 0
    for currency, rates in RATES.items():
        if currency == company_currency():
            continue
        for valid_from, rate in zip(quarters, rates, strict=True):
            services.rate_create(
                actor=ctx.admin, currency=currency, rate=Decimal(rate), valid_from=valid_from, note="demo"
            )
            count += 1
    ctx.counts["exchange rates"] = count
