"""Writes for bookings, leave, travel times and forecast runs: each checks its rule and leaves a history row."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from presales import access
from presales.capacity.models import (
    Booking,
    BookingMode,
    ForecastRun,
    ForecastStatus,
    Leave,
    TravelTime,
)
from presales.capacity.selectors import booking_check, travel_minutes_for
from presales.people.models import User


def _refuse_clashes(**slot: Any) -> None:
    """Refuse a booking that clashes (`slot`: booking_check's arguments) with a ValidationError listing the clashes."""
    check = booking_check(**slot)
    if check.blocking:
        raise ValidationError([conflict.message for conflict in check.blocking])


def _travel(mode: str, region: str) -> int:
    return travel_minutes_for(region) if mode == BookingMode.ON_SITE else 0


@transaction.atomic
def booking_create(
    *,
    actor: User,
    engineer: User,
    date: datetime.date,
    start: datetime.time,
    duration_minutes: int,
    mode: str,
    kind: str,
    account: Any,
    opportunity: Any = None,
    request: Any = None,
    activity: Any = None,
    region: str = "",
    note: str = "",
) -> Booking:
    """Book an engineer's time; refused, naming the clash, when it overlaps another booking or their leave."""
    if not access.can_book(actor, engineer):
        raise PermissionDenied
    if request is not None and opportunity is None:
        opportunity = request.opportunity
    if opportunity is not None and account is None:
        account = opportunity.account
    if account is None:
        raise ValidationError({"account": _("Choose the account the time is for.")})
    region = region or (account.region if mode == BookingMode.ON_SITE else "")
    travel = _travel(mode, region)
    # Lock the engineer's row so two bookings saved at once cannot both pass the clash check.
    User.objects.select_for_update().filter(pk=engineer.pk).first()
    _refuse_clashes(engineer=engineer, date=date, start=start, duration_minutes=duration_minutes, travel_minutes=travel)
    booking = Booking(
        engineer=engineer,
        date=date,
        start=start,
        duration_minutes=duration_minutes,
        mode=mode,
        region=region,
        travel_minutes=travel,
        kind=kind,
        account=account,
        opportunity=opportunity,
        request=request,
        activity=activity,
        note=note,
        booked_by=actor,
    )
    booking.full_clean()
    booking.save()
    return booking


@transaction.atomic
def booking_update(
    *,
    actor: User,
    booking: Booking,
    engineer: User,
    date: datetime.date,
    start: datetime.time,
    duration_minutes: int | None = None,
    mode: str | None = None,
    region: str | None = None,
    note: str | None = None,
) -> Booking:
    """Move or change a booking (the calendar's drag, or its edit form); the clash check runs again."""
    if not access.can_change_booking(actor, booking) or not access.can_book(actor, engineer):
        raise PermissionDenied
    booking.engineer = engineer
    booking.date = date
    booking.start = start
    if duration_minutes is not None:
        booking.duration_minutes = duration_minutes
    if mode is not None:
        booking.mode = mode
    if region is not None:
        booking.region = region
    if note is not None:
        booking.note = note
    if booking.mode == BookingMode.ON_SITE and not booking.region:
        booking.region = booking.account.region
    booking.travel_minutes = _travel(booking.mode, booking.region)
    User.objects.select_for_update().filter(pk=engineer.pk).first()
    _refuse_clashes(
        engineer=engineer,
        date=date,
        start=start,
        duration_minutes=booking.duration_minutes,
        travel_minutes=booking.travel_minutes,
        exclude_pk=booking.pk,
    )
    booking.version += 1
    booking.full_clean()
    booking.save()
    return booking


@transaction.atomic
def booking_cancel(*, actor: User, booking: Booking) -> None:
    """Free the engineer's time (the history keeps the cancelled booking)."""
    if not access.can_change_booking(actor, booking):
        raise PermissionDenied
    booking.delete()


@transaction.atomic
def leave_create(
    *, actor: User, person: User, start_date: datetime.date, end_date: datetime.date, kind: str, note: str = ""
) -> Leave:
    """Record a person's absence: no bookings on those days, and less capacity in the forecast."""
    if not access.can_record_leave_for(actor, person):
        raise PermissionDenied
    leave = Leave(person=person, start_date=start_date, end_date=end_date, kind=kind, note=note)
    leave.full_clean()
    leave.save()
    return leave


@transaction.atomic
def leave_delete(*, actor: User, leave: Leave) -> None:
    """Take back a recorded absence."""
    if not access.can_record_leave_for(actor, leave.person):
        raise PermissionDenied
    leave.delete()


@transaction.atomic
def travel_time_set(*, actor: User, region: str, minutes: int) -> TravelTime:
    """Set the travel minutes (each way) to an on-site visit in a region; later bookings there use them."""
    if not access.can_edit_travel_times(actor):
        raise PermissionDenied
    row = TravelTime.objects.filter(region=region).first()
    if row is None:
        row = TravelTime(region=region, minutes=minutes)
    else:
        row.minutes = minutes
        row.version += 1
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def forecast_request(*, actor: User | None, as_of: datetime.date | None = None) -> ForecastRun:
    """Record a computation of the capacity forecast to be run (the caller hands it to the worker; the page shows its
    status). A run already queued or running is returned instead of a second one."""
    if actor is not None and not access.can_see_capacity_forecast(actor):
        raise PermissionDenied
    pending = ForecastRun.objects.filter(status__in=[ForecastStatus.QUEUED, ForecastStatus.RUNNING]).first()
    if pending is not None:
        return pending
    return ForecastRun.objects.create(as_of=as_of or timezone.localdate(), requested_by=actor)
