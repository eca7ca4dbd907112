"""Reads for bookings: what a booking would clash with (other bookings, leave, the weekly capacity) and the team
calendar's days."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from presales.capacity.models import Booking, Leave, TravelTime
from presales.people.models import User


def travel_minutes_for(region: str) -> int:
    """Minutes each way to an on-site visit in the region (0 when the table has no row for it)."""
    if not region:
        return 0
    row = TravelTime.objects.filter(region=region).values_list("minutes", flat=True).first()
    return int(row or 0)


def week_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Monday and Sunday of the day's week."""
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=6)


@dataclass(frozen=True)
class Conflict:
    """One thing a booking runs into; `blocking` ones refuse the booking, the others are warnings."""

    kind: str  # "booking", "leave" or "capacity"
    message: str
    blocking: bool


@dataclass
class BookingCheck:
    """What saving a booking would run into, and the engineer's week with it."""

    conflicts: list[Conflict] = field(default_factory=list)
    week_booked_hours: Decimal = Decimal("0")
    week_capacity_hours: Decimal = Decimal("0")

    @property
    def blocking(self) -> list[Conflict]:
        return [conflict for conflict in self.conflicts if conflict.blocking]

    @property
    def warnings(self) -> list[Conflict]:
        return [conflict for conflict in self.conflicts if not conflict.blocking]


def _hhmm(moment: datetime.datetime) -> str:
    return moment.strftime("%H:%M")


def booking_check(
    *,
    engineer: User,
    date: datetime.date,
    start: datetime.time,
    duration_minutes: int,
    travel_minutes: int,
    exclude_pk: int | None = None,
) -> BookingCheck:
    """The clashes (other bookings of the engineer overlapping the time blocked, travel included; leave on the day)
    and the week's load against the engineer's weekly capacity (less leave). Three queries."""
    check = BookingCheck()
    begins = datetime.datetime.combine(date, start) - datetime.timedelta(minutes=travel_minutes)
    ends = datetime.datetime.combine(date, start) + datetime.timedelta(minutes=duration_minutes + travel_minutes)
    monday, sunday = week_of(date)
    others = Booking.objects.filter(engineer=engineer, date__range=(monday, sunday)).select_related("account")
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    booked_minutes = duration_minutes + 2 * travel_minutes
    for other in others:
        booked_minutes += other.duration_minutes + 2 * other.travel_minutes
        if other.date == date and other.blocked_from < ends and begins < other.blocked_until:
            check.conflicts.append(
                Conflict(
                    "booking",
                    _("%(engineer)s is booked %(start)s–%(end)s for %(what)s")
                    % {
                        "engineer": engineer,
                        "start": _hhmm(other.blocked_from),
                        "end": _hhmm(other.blocked_until),
                        "what": other.label,
                    },
                    blocking=True,
                )
            )
    leaves = list(Leave.objects.filter(person=engineer).overlapping(monday, sunday))
    leave_days = 0
    for leave in leaves:
        leave_days += leave.working_days_between(monday, sunday)
        if leave.start_date <= date <= leave.end_date:
            check.conflicts.append(
                Conflict(
                    "leave",
                    _("%(engineer)s is on leave %(first)s–%(last)s (%(kind)s)")
                    % {
                        "engineer": engineer,
                        "first": date_format(leave.start_date, "SHORT_DATE_FORMAT"),
                        "last": date_format(leave.end_date, "SHORT_DATE_FORMAT"),
                        "kind": leave.get_kind_display(),
                    },
                    blocking=True,
                )
            )
    capacity = Decimal(engineer.weekly_capacity_hours) * Decimal(max(0, 5 - leave_days)) / Decimal(5)
    check.week_capacity_hours = capacity.quantize(Decimal("0.1"))
    check.week_booked_hours = (Decimal(booked_minutes) / Decimal(60)).quantize(Decimal("0.1"))
    if check.week_booked_hours > check.week_capacity_hours:
        check.conflicts.append(
            Conflict(
                "capacity",
                _(
                    "%(engineer)s would be booked %(booked)s h in the week of %(monday)s, over a capacity of %(capacity)s h"
                )
                % {
                    "engineer": engineer,
                    "booked": check.week_booked_hours,
                    "monday": date_format(monday, "SHORT_DATE_FORMAT"),
                    "capacity": check.week_capacity_hours,
                },
                blocking=False,
            )
        )
    return check


@dataclass
class CalendarCell:
    """One cell of the team calendar: a day (week view) or an hour of the day (day view) of one engineer."""

    day: datetime.date
    hour: int | None
    bookings: list[Booking]
    on_leave: bool


@dataclass
class CalendarRow:
    """One engineer's line of the team calendar."""

    engineer: User
    cells: list[CalendarCell]


def _in_hour(booking: Booking, hour: int, hours: list[int]) -> bool:
    """The day view's column of a booking: its start hour; earlier starts in the first column, later in the last."""
    start = booking.start.hour
    return start == hour or (hour == hours[0] and start < hour) or (hour == hours[-1] and start > hour)


def calendar_rows(
    *, engineers: list[User], days: list[datetime.date], hours: list[int] | None = None
) -> list[CalendarRow]:
    """The calendar grid: engineers by days (week view) or, for one day, by the hour bookings start (day view). Two
    queries whatever the number of bookings."""
    first, last = days[0], days[-1]
    by_engineer: dict[int, list[Booking]] = defaultdict(list)
    bookings = Booking.objects.filter(engineer__in=engineers, date__range=(first, last)).select_related(
        "account", "opportunity", "engineer"
    )
    for booking in bookings:
        by_engineer[booking.engineer_id].append(booking)
    leaves: dict[int, list[Leave]] = defaultdict(list)
    for leave in Leave.objects.filter(person__in=engineers).overlapping(first, last):
        leaves[leave.person_id].append(leave)
    rows = []
    for engineer in engineers:
        mine = by_engineer.get(engineer.pk, [])

        def away(day: datetime.date, person: int = engineer.pk) -> bool:
            return any(leave.start_date <= day <= leave.end_date for leave in leaves.get(person, []))

        if hours is None:
            cells = [CalendarCell(day, None, [b for b in mine if b.date == day], away(day)) for day in days]
        else:
            cells = [
                CalendarCell(first, hour, [b for b in mine if _in_hour(b, hour, hours)], away(first)) for hour in hours
            ]
        rows.append(CalendarRow(engineer, cells))
    return rows
