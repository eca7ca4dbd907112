"""Converting amounts to the company currency, in SQL (for totals) and in Python (for per-deal figures).

Both follow one rule (docs/domain.md, Money): an amount in the company currency stays as it is; any other amount is
multiplied by the rate of its currency in force on the amount's date (the latest rate dated on or before it, or the
currency's first rate when the date comes before every rate). A currency without any rate cannot be converted: the
SQL expression gives NULL (left out of sums) and `missing_rates` names those currencies so the page says so.
"""

from __future__ import annotations

import bisect
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Case, DecimalField, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, Round

from presales.currencies.models import ExchangeRate, company_currency

MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=24, decimal_places=2)
CENT = Decimal("0.01")


def in_company_currency(amount: Any = "amount", *, currency: str = "currency", on: Any) -> Case:
    """An SQL expression: `amount` (a field path or an expression) converted to the company currency.

    `currency` is the field path of the row's currency; `on` is the date to convert at: a field path of the row
    (e.g. "closed_on"), one date for every row (today, for open pipeline), or an expression over `OuterRef`s.
    """
    value = F(amount) if isinstance(amount, str) else amount
    day: Any
    if isinstance(on, str):
        day = OuterRef(on)
    elif isinstance(on, datetime.date):
        day = Value(on)
    else:
        day = on
    rates = ExchangeRate.objects.filter(currency=OuterRef(currency))
    in_force = rates.filter(valid_from__lte=day).order_by("-valid_from").values("rate")[:1]
    first = rates.order_by("valid_from").values("rate")[:1]
    rate = Coalesce(Subquery(in_force), Subquery(first))
    return Case(
        When(**{currency: company_currency()}, then=value),
        default=Round(value * rate, precision=2),  # to the cent, as RateTable.convert
        output_field=MONEY,
    )


@dataclass
class RateTable:
    """Every rate, loaded in one query, to convert many amounts in Python."""

    by_currency: dict[str, tuple[list[datetime.date], list[Decimal]]] = field(default_factory=dict)
    currency: str = ""

    @classmethod
    def load(cls) -> RateTable:
        grouped: dict[str, list[tuple[datetime.date, Decimal]]] = defaultdict(list)
        for code, valid_from, rate in ExchangeRate.objects.order_by("currency", "valid_from").values_list(
            "currency", "valid_from", "rate"
        ):
            grouped[code].append((valid_from, rate))
        table = cls(currency=company_currency())
        for code, rows in grouped.items():
            table.by_currency[code] = ([day for day, _rate in rows], [rate for _day, rate in rows])
        return table

    def rate(self, currency: str, on: datetime.date) -> Decimal | None:
        """Company-currency units per unit of `currency` on that day; None when the currency has no rate."""
        if currency == self.currency:
            return Decimal(1)
        rows = self.by_currency.get(currency)
        if not rows:
            return None
        days, rates = rows
        index = bisect.bisect_right(days, on) - 1
        return rates[max(index, 0)]

    def convert(self, amount: Decimal, currency: str, on: datetime.date) -> Decimal | None:
        """The amount in the company currency, to the cent; None when its currency has no rate."""
        rate = self.rate(currency, on)
        if rate is None:
            return None
        return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def on_deal_date(today: datetime.date, closed_on: str = "closed_on") -> Coalesce:
    """The date a deal's amount converts at: its close date when closed, else today."""
    return Coalesce(OuterRef(closed_on), Value(today))


def missing_rates(currencies: Iterable[str]) -> list[str]:
    """Which of these currencies (other than the company currency) have no exchange rate at all."""
    wanted = {code for code in currencies if code and code != company_currency()}
    if not wanted:
        return []
    known = set(
        ExchangeRate.objects.filter(currency__in=wanted).order_by().values_list("currency", flat=True).distinct()
    )
    return sorted(wanted - known)
