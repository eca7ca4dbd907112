"""The demo company has what the capacity pages need: travel times, step hours, leave, bookings (none clashing), and
a stored forecast with its backtest."""

from __future__ import annotations

import io

import pytest

from presales.capacity.models import Booking, ForecastRun, ForecastStatus, Leave, TravelTime
from presales.capacity.selectors import booking_check
from presales.customers.models import Region
from presales.demo import company
from presales.work.models import Activity
from tests.test_audit_walk import TINY

pytestmark = pytest.mark.django_db


def test_demo_has_bookings_leave_history_and_a_forecast():
    company.generate(TINY, seed=5, stdout=io.StringIO(), stderr=None)
    assert TravelTime.objects.count() == len(Region.values)
    assert Activity.objects.exclude(step_key="").count() > 0
    assert Leave.objects.exists()
    assert Booking.objects.exists()
    for booking in Booking.objects.select_related("engineer"):
        check = booking_check(
            engineer=booking.engineer,
            date=booking.date,
            start=booking.start,
            duration_minutes=booking.duration_minutes,
            travel_minutes=booking.travel_minutes,
            exclude_pk=booking.pk,
        )
        assert not check.blocking
    run = ForecastRun.objects.get()
    assert run.status == ForecastStatus.DONE
    assert len(run.result["weeks"]) == 12 and len(run.result["backtest"]["weeks"]) == 12
    assert run.result["step_cells"]
