"""Demo data for capacity: travel times, two years of step-by-step presales hours on past deals (what the forecast
learns from and is backtested on), leave, bookings for the coming weeks, and a first stored forecast."""

from __future__ import annotations

import datetime
import zlib
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from presales import access
from presales.capacity import services, tasks
from presales.capacity.models import Booking, BookingMode, LeaveKind
from presales.core.bulkinsert import insert_objects
from presales.customers.models import Region
from presales.deals.models import DealStep, Opportunity, Outcome, StepStatus
from presales.people.models import PRESALES_ROLES, User
from presales.work import services as work_services
from presales.work.models import Activity, ActivityStatus, RequestStatus, SupportRequest, WorkType

if TYPE_CHECKING:
    from presales.demo.context import DemoContext

TRAVEL_MINUTES = {
    "north": 60,
    "east": 45,
    "south": 90,
    "central": 120,
    "southwest": 150,
    "northwest": 180,
    "overseas": 240,
}
BAND_FACTOR = {"small": 0.7, "medium": 1.0, "large": 1.6}
INDUSTRY_FACTOR = {"finance": 1.3, "government": 1.2, "healthcare": 1.1}
HISTORY_DEALS = 90  # deals whose presales steps get logged hours (small size, through the services)


def _kind_for(step_key: str) -> str:
    for word, kind in (
        ("poc", WorkType.POC),
        ("demo", WorkType.DEMO),
        ("solution", WorkType.SOLUTION_DESIGN),
        ("bid", WorkType.BID_DOCUMENT),
        ("tender", WorkType.BID_DOCUMENT),
        ("pain", WorkType.ON_SITE_VISIT),
        ("visit", WorkType.ON_SITE_VISIT),
        ("train", WorkType.TRAINING),
    ):
        if word in step_key:
            return kind
    return WorkType.REMOTE_MEETING


def _base_hours(step_key: str) -> float:
    # The same step takes about the same time on every run of the demo: derived from its key, 3 to 12 hours.
    return 3 + zlib.crc32(step_key.encode()) % 10


def _band(amount: Decimal) -> str:
    if amount >= 5_000_000:
        return "large"
    return "medium" if amount >= 1_000_000 else "small"


def _history(ctx: DemoContext) -> int:
    """Hours on each finished presales step of past and current deals, logged by the deal's presales lead around the
    day the step was finished."""
    rng = ctx.rng
    deals = list(
        Opportunity.objects.filter(presales_lead__isnull=False)
        .select_related("account", "presales_lead")
        .order_by("pk")[: HISTORY_DEALS if ctx.spec.use_services else 20000]
    )
    steps_by_deal: dict[int, list[DealStep]] = defaultdict(list)
    finished = (
        DealStep.objects.filter(opportunity__in=deals, status=StepStatus.DONE, completed_at__isnull=False)
        .select_related("definition")
        .order_by("definition__order")
    )
    for step in finished:
        if step.definition.responsible_role in PRESALES_ROLES or "presales" in (step.definition.consulted_roles or []):
            steps_by_deal[step.opportunity_id].append(step)
    rows: list[Activity] = []
    created = 0
    for deal in deals:
        factor = BAND_FACTOR[_band(deal.amount)] * INDUSTRY_FACTOR.get(deal.account.industry, 1.0)
        for step in steps_by_deal.get(deal.pk, []):
            total = _base_hours(step.definition.key) * factor * rng.uniform(0.6, 1.5)
            # One activity per step keeps the small demo fast; its hours are the step's total.
            hours = Decimal(max(1, round(total * 2) / 2)).quantize(Decimal("0.5"))
            day = step.completed_at.date() - datetime.timedelta(days=rng.randint(0, 6))  # type: ignore[union-attr]
            if day >= ctx.today:
                continue
            if ctx.spec.use_services:
                work_services.activity_create(
                    actor=deal.presales_lead,  # the query keeps deals with a lead
                    kind=_kind_for(step.definition.key),
                    date=day,
                    hours=hours,
                    opportunity=deal,
                    step_key=step.definition.key,
                    outcome="按计划完成",
                )
                created += 1
            else:
                rows.append(
                    Activity(
                        kind=_kind_for(step.definition.key),
                        date=day,
                        hours=hours,
                        owner=deal.presales_lead,
                        opportunity=deal,
                        account=deal.account,
                        step_key=step.definition.key,
                        status=ActivityStatus.DONE,
                    )
                )
    if rows:
        insert_objects(rows, Activity, set_pks=False)
        created += len(rows)
    return created


def _leave(ctx: DemoContext, engineers: list[User], booker: dict[int, User]) -> int:
    count = 0
    for index, engineer in enumerate(engineers):
        first = ctx.today + datetime.timedelta(days=7 + 9 * index)
        services.leave_create(
            actor=booker[engineer.pk],
            person=engineer,
            start_date=first,
            end_date=first + datetime.timedelta(days=index % 3 + 1),
            kind=[LeaveKind.ANNUAL, LeaveKind.TRAINING, LeaveKind.SICK][index % 3],
            note="年假" if index % 3 == 0 else "",
        )
        count += 1
    return count


def _bookings(ctx: DemoContext, engineers: list[User], booker: dict[int, User]) -> int:
    """Bookings over the next two weeks: for accepted support requests, for planned activities and for open deals;
    none clashes (a clash is refused, and the demo skips it)."""
    rng = ctx.rng
    open_deals = list(
        Opportunity.objects.filter(outcome=Outcome.OPEN, presales_lead__in=engineers)
        .select_related("account")
        .order_by("pk")[:60]
    )
    requests = list(
        SupportRequest.objects.filter(assignee__in=engineers, status=RequestStatus.ACCEPTED)
        .select_related("opportunity__account")
        .order_by("pk")
    )
    planned = list(
        Activity.objects.filter(owner__in=engineers, status=ActivityStatus.PLANNED, opportunity__isnull=False)
        .select_related("account", "opportunity")
        .order_by("pk")[:6]
    )
    count = 0

    def book(**kwargs: object) -> None:
        nonlocal count
        try:
            services.booking_create(**kwargs)
            count += 1
        except ValidationError:
            pass  # the engineer is taken then (or away): a real manager would pick another time too

    for request in requests:
        assignee = request.assignee
        if assignee is None or request.opportunity.account is None:
            continue
        book(
            actor=booker[assignee.pk],
            engineer=assignee,
            date=max(ctx.today + datetime.timedelta(days=1), request.needed_by - datetime.timedelta(days=2)),
            start=datetime.time(14, 0),
            duration_minutes=120,
            mode=BookingMode.REMOTE,
            kind=request.kind,
            account=request.opportunity.account,
            opportunity=request.opportunity,
            request=request,
        )
    for activity in planned:
        book(
            actor=booker[activity.owner_id],
            engineer=activity.owner,
            date=activity.date,
            start=datetime.time(10, 0),
            duration_minutes=min(480, int(activity.hours * 60)),
            mode=BookingMode.ON_SITE if activity.kind == WorkType.ON_SITE_VISIT else BookingMode.REMOTE,
            kind=activity.kind,
            account=activity.account,
            opportunity=activity.opportunity,
            activity=activity,
        )
    by_lead: dict[int, list[Opportunity]] = defaultdict(list)
    for deal in open_deals:
        by_lead[deal.presales_lead_id].append(deal)
    for engineer in engineers:
        for number, deal in enumerate(by_lead.get(engineer.pk, [])[:5]):
            day = ctx.today + datetime.timedelta(days=1 + number * 2 + rng.randint(0, 1))
            on_site = number % 2 == 0
            book(
                actor=booker[engineer.pk],
                engineer=engineer,
                date=day,
                start=datetime.time(9 + 4 * (number % 2), 0),
                duration_minutes=rng.choice([60, 90, 120, 180]),
                mode=BookingMode.ON_SITE if on_site else BookingMode.REMOTE,
                kind=WorkType.ON_SITE_VISIT if on_site else WorkType.DEMO,
                account=deal.account,
                opportunity=deal,
            )
    return count


def _changes(ctx: DemoContext, engineers: list[User], booker: dict[int, User]) -> None:
    """Plans change: a booking moved to the next morning, another cancelled, a leave taken back (the history keeps
    each)."""
    bookings = list(Booking.objects.filter(engineer__in=engineers).select_related("account", "engineer").order_by("pk"))
    if bookings:
        moved = bookings[0]
        try:
            services.booking_update(
                actor=booker[moved.engineer_id],
                booking=moved,
                engineer=moved.engineer,
                date=moved.date + datetime.timedelta(days=1),
                start=datetime.time(8, 0),
            )
        except ValidationError:
            pass  # taken then: it stays where it was
    if len(bookings) > 1:
        services.booking_cancel(actor=booker[bookings[-1].engineer_id], booking=bookings[-1])
    extra = services.leave_create(
        actor=booker[engineers[0].pk],
        person=engineers[0],
        start_date=ctx.today + datetime.timedelta(days=60),
        end_date=ctx.today + datetime.timedelta(days=61),
        kind=LeaveKind.OTHER,
        note="计划调整",
    )
    services.leave_delete(actor=booker[engineers[0].pk], leave=extra)


def generate_capacity(ctx: DemoContext) -> None:
    """Travel times, step hours history, leave, bookings, then the first forecast (as the nightly job would)."""
    manager = ctx.logins.get("presalesmgr") or ctx.admin
    engineers = [person for person in ctx.presales_people if person.is_active and person.team_id]
    if manager is None or not engineers:
        return
    admin = ctx.admin or manager
    for region in Region.values:
        services.travel_time_set(actor=admin, region=region, minutes=TRAVEL_MINUTES.get(region, 90))
    ctx.counts["logged step activities"] = _history(ctx)
    # The demo books as a person allowed to: the engineer's manager, else an admin, else the engineer.
    booker = {
        engineer.pk: (
            manager if access.can_book(manager, engineer) else (admin if access.can_book(admin, engineer) else engineer)
        )
        for engineer in engineers
    }
    ctx.counts["leave"] = _leave(ctx, engineers, booker)
    ctx.counts["bookings"] = _bookings(ctx, engineers, booker)
    _changes(ctx, engineers, booker)
    run = services.forecast_request(actor=None, as_of=ctx.today)
    tasks.run_forecast(run.pk)
