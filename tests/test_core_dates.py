"""core.dates.WeekStart: the database's own "Monday of the week" equals Python's, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import DateField, Value

from presales.core.dates import WeekStart
from presales.people.models import User
from tests.factories import UserFactory


@pytest.mark.django_db
def test_week_start_is_the_monday_python_computes():
    user = UserFactory()
    # Every day of three weeks around a year's end (2026-12-28 is a Monday, 2027-01-03 a Sunday), a leap day.
    days = [datetime.date(2026, 12, 20) + datetime.timedelta(days=n) for n in range(21)] + [datetime.date(2028, 2, 29)]
    annotations = {f"d{n}": WeekStart(Value(day, output_field=DateField())) for n, day in enumerate(days)}
    row = User.objects.filter(pk=user.pk).annotate(**annotations).values(*annotations).get()
    for n, day in enumerate(days):
        assert row[f"d{n}"] == day - datetime.timedelta(days=day.weekday()), day
