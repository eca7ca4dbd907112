"""Reading a page's query parameters the same way everywhere."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date


def date_param(query: Any, name: str, default: datetime.date | None = None) -> datetime.date:
    """The day `?<name>=` gives (2026-12-15), else `default` (today): a missing, malformed or impossible day (such
    as 2026-02-30) falls back instead of failing."""
    try:
        day = parse_date(query.get(name) or "")
    except ValueError:
        day = None
    return day or default or timezone.localdate()
