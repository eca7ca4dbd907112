"""Forecast periods: a calendar month or quarter, named by a key ("2026-12", "2026-Q4") in links and forms."""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from presales.forecast.models import PeriodKind

KEY = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$")


@dataclass(frozen=True)
class Period:
    """A month or a quarter (its first day and kind)."""

    kind: str
    start: datetime.date

    @classmethod
    def containing(cls, kind: str, day: datetime.date) -> Period:
        if kind == PeriodKind.MONTH:
            return cls(PeriodKind.MONTH, day.replace(day=1))
        return cls(PeriodKind.QUARTER, datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1))

    @classmethod
    def parse(cls, key: str | None, today: datetime.date) -> Period:
        """The period a key names; the current quarter for a missing or malformed key."""
        match = KEY.match((key or "").strip())
        if match is None:
            return cls.containing(PeriodKind.QUARTER, today)
        year = int(match.group(1))
        if match.group(2):
            return cls(PeriodKind.MONTH, datetime.date(year, int(match.group(2)), 1))
        return cls(PeriodKind.QUARTER, datetime.date(year, 3 * (int(match.group(3)) - 1) + 1, 1))

    @property
    def months(self) -> int:
        return 1 if self.kind == PeriodKind.MONTH else 3

    @property
    def end(self) -> datetime.date:
        last_month = self.start.month + self.months - 1
        return datetime.date(self.start.year, last_month, calendar.monthrange(self.start.year, last_month)[1])

    @property
    def quarter(self) -> int:
        return (self.start.month - 1) // 3 + 1

    @property
    def key(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.start.year}-{self.start.month:02d}"
        return f"{self.start.year}-Q{self.quarter}"

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return date_format(self.start, "YEAR_MONTH_FORMAT")
        return _("Q%(quarter)s %(year)s") % {"quarter": self.quarter, "year": self.start.year}

    def shifted(self, steps: int) -> Period:
        """The period `steps` months or quarters later (earlier when negative)."""
        index = self.start.year * 12 + self.start.month - 1 + steps * self.months
        return Period(self.kind, datetime.date(index // 12, index % 12 + 1, 1))

    def month_periods(self) -> list[Period]:
        return [Period(PeriodKind.MONTH, self.start).shifted(i) for i in range(self.months)]

    def __str__(self) -> str:
        return self.label


def period_choices(today: datetime.date) -> list[tuple[str, str]]:
    """The selector's periods: quarters from a year back to two ahead, then months from six back to six ahead."""
    quarter = Period.containing(PeriodKind.QUARTER, today)
    month = Period.containing(PeriodKind.MONTH, today)
    periods = [quarter.shifted(i) for i in range(-4, 3)] + [month.shifted(i) for i in range(-6, 7)]
    return [(p.key, p.label) for p in periods]


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of the week holding `day` (snapshots are named by it)."""
    return day - datetime.timedelta(days=day.weekday())
