"""Where each dashboard figure leads: the list behind it, with the same filters (docs/domain.md, Deal figures).

A link carries what the list must show for the figure to be right: `check="count"` (the list's row count equals the
figure) or the name of the list's total that equals it (`amount_sum`, `weighted_sum` of the deal list); no check
where the figure is not a plain count or sum of the rows (shares, averages). tests/test_drilldown_demo.py follows
every checked link, for every demo role.
"""

from __future__ import annotations

import calendar
import datetime
import functools
from dataclasses import dataclass
from typing import Any

from django.urls import get_script_prefix, reverse
from django.utils.http import urlencode

from presales.insights.forms import InsightFilters
from presales.insights.scope import scope_params


@dataclass(frozen=True)
class Link:
    url: str
    check: str = ""  # "count", a total's name, or "" (the figure is not a plain count or sum of the rows)


@functools.lru_cache(maxsize=64)
def _path(name: str, script_prefix: str) -> str:
    # A dashboard links hundreds of figures to a handful of lists: resolve each list's path once (per mount point).
    return reverse(name)


def _url(name: str, params: dict[str, Any]) -> str:
    path = _path(name, get_script_prefix())
    return f"{path}?{urlencode({k: v for k, v in params.items() if v not in (None, '')})}"


def deals(f: InsightFilters, **params: Any) -> str:
    """The deal list with the dashboard's team, industry and region, and `params`."""
    return _url("deals:list", {**scope_params(f), **params})


def open_deals(f: InsightFilters, start: datetime.date, end: datetime.date, **params: Any) -> str:
    return deals(f, outcome="open", close_from=start.isoformat(), close_to=end.isoformat(), **params)


def closed_deals(f: InsightFilters, outcome: str, start: datetime.date, end: datetime.date, **params: Any) -> str:
    return deals(f, outcome=outcome, closed_from=start.isoformat(), closed_to=end.isoformat(), **params)


def activities(f: InsightFilters | None, start: datetime.date, end: datetime.date, **params: Any) -> str:
    """The activity list with the dashboard's team (the owner's), industry and region (none without `f`: figures of
    one's own work), the dates and `params`."""
    scope = scope_params(f) if f is not None else {}
    return _url("work:activity_list", {**scope, "date_from": start.isoformat(), "date_to": end.isoformat(), **params})


def steps(f: InsightFilters | None = None, **params: Any) -> str:
    """The step list (the deal's team, industry and region when a dashboard's filters are given) with `params`."""
    return _url("deals:step_list", {**(scope_params(f) if f is not None else {}), **params})


def month_within(month: datetime.date | datetime.datetime, f: InsightFilters) -> tuple[datetime.date, datetime.date]:
    """The part of a month (a TruncMonth value) inside the dashboard's period."""
    first = month.date() if isinstance(month, datetime.datetime) else month
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return max(first, f.start), min(last, f.end)


def week_within(week: datetime.date | datetime.datetime, f: InsightFilters) -> tuple[datetime.date, datetime.date]:
    """The part of a week (its Monday) inside the dashboard's period."""
    monday = week.date() if isinstance(week, datetime.datetime) else week
    return max(monday, f.start), min(monday + datetime.timedelta(days=6), f.end)


def requests(f: InsightFilters, start: datetime.date, end: datetime.date, **params: Any) -> str:
    """The request list with the dashboard's team, industry and region, the days asked and `params`."""
    return _url(
        "work:request_list",
        {**scope_params(f), "created_from": start.isoformat(), "created_to": end.isoformat(), **params},
    )
