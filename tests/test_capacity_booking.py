"""Engineer booking (issue 18, item 3): clashes with other bookings (travel included) and leave are refused with the
clash named, capacity is shown before saving, the team calendar moves bookings by drag or form, bookings go out in
the engineer's iCalendar feed; who may do what; bounded queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from presales.capacity import services
from presales.capacity.models import Booking, BookingMode, Leave, LeaveKind
from presales.customers.models import Region
from presales.integration import calendar
from presales.people.models import Role, User
from presales.work import services as work_services
from presales.work.models import ActivityStatus, WorkType
from tests.factories import UserFactory
from tests.factories.work import log_activity
from tests.test_ical import parse_ics

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    # A Wednesday two weeks ahead: bookings, leave and the week's capacity all fall in one working week.
    today = timezone.localdate()
    return today + datetime.timedelta(days=14 + (2 - today.weekday()))


def _book(personas, day, start, minutes=120, mode=BookingMode.REMOTE, kind=WorkType.POC, engineer=None, actor=None):
    return services.booking_create(
        actor=actor or personas.presales_manager,
        engineer=engineer or personas.engineer,
        date=day,
        start=start,
        duration_minutes=minutes,
        mode=mode,
        kind=kind,
        account=personas.account,
        opportunity=personas.deal,
    )


def test_a_clashing_booking_is_refused_with_the_clash_named(personas, day):
    _book(personas, day, datetime.time(14, 0))
    with pytest.raises(ValidationError) as refused:
        _book(personas, day, datetime.time(15, 0), minutes=60, kind=WorkType.DEMO)
    assert refused.value.messages == [f"Engineer Zhao is booked 14:00–16:00 for {personas.account.name} POC / test"]
    assert Booking.objects.count() == 1
    # Back to back is no clash.
    _book(personas, day, datetime.time(16, 0), minutes=60)
    assert Booking.objects.count() == 2


def test_travel_time_of_an_on_site_visit_blocks_the_time_around_it(personas, day):
    services.travel_time_set(actor=personas.presales_manager, region=Region.EAST, minutes=60)
    visit = _book(
        personas, day, datetime.time(10, 0), minutes=60, mode=BookingMode.ON_SITE, kind=WorkType.ON_SITE_VISIT
    )
    assert (visit.region, visit.travel_minutes) == (Region.EAST, 60)
    with pytest.raises(ValidationError) as refused:
        _book(personas, day, datetime.time(11, 30), minutes=30)
    assert "is booked 09:00–12:00 for" in refused.value.messages[0]
    _book(personas, day, datetime.time(12, 0), minutes=30)


def test_leave_refuses_a_booking(personas, day):
    services.leave_create(
        actor=personas.engineer, person=personas.engineer, start_date=day, end_date=day, kind=LeaveKind.ANNUAL
    )
    with pytest.raises(ValidationError) as refused:
        _book(personas, day, datetime.time(9, 0))
    assert refused.value.messages[0].startswith("Engineer Zhao is on leave ")
    assert "(Annual leave)" in refused.value.messages[0]


def test_the_page_shows_clashes_and_capacity_before_saving(personas, day, client):
    _book(personas, day, datetime.time(14, 0))
    User.objects.filter(pk=personas.engineer.pk).update(weekly_capacity_hours=Decimal("2.5"))
    client.force_login(personas.presales_manager)
    data = {
        "engineer": personas.engineer.pk,
        "date": day.isoformat(),
        "start": "15:00",
        "duration_minutes": "60",
        "mode": BookingMode.REMOTE,
        "kind": WorkType.DEMO,
        "opportunity": personas.deal.pk,
    }
    check = client.post(reverse("capacity:booking_check"), data).content.decode()
    assert f"Engineer Zhao is booked 14:00–16:00 for {personas.account.name} POC / test" in check
    assert "3.0 h booked of 2.5 h available" in check
    assert "over a capacity of 2.5 h" in check
    # Saving is refused with the same words, and nothing is saved.
    page = client.post(reverse("capacity:booking_new"), data)
    assert page.status_code == 200
    assert "is booked 14:00–16:00" in page.content.decode()
    assert Booking.objects.count() == 1
    # Another time saves, over capacity (a warning, not a refusal).
    data["start"] = "09:00"
    assert client.post(reverse("capacity:booking_new"), data).status_code == 302
    assert Booking.objects.count() == 2


def test_a_support_request_books_its_assignee(personas, day, client):
    request = _request_for(personas, day)
    client.force_login(personas.presales_manager)
    form = client.get(reverse("capacity:booking_new"), {"request": request.pk})
    assert form.status_code == 200
    response = client.post(reverse("capacity:booking_new"), _booking_post({"request": request.pk}, personas, day))
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.request, booking.opportunity, booking.account) == (request, personas.deal, personas.account)


def test_drag_moves_and_rechecks(personas, day, client):
    first = _book(personas, day, datetime.time(9, 0))
    second = _book(personas, day + datetime.timedelta(days=1), datetime.time(9, 0), kind=WorkType.DEMO)
    client.force_login(personas.presales_manager)
    url = reverse("capacity:booking_move", args=[second.pk])
    refused = client.post(url, {"engineer": personas.engineer.pk, "date": day.isoformat()})
    assert refused.status_code == 409
    assert refused.json()["message"] == f"Engineer Zhao is booked 09:00–11:00 for {personas.account.name} POC / test"
    moved = client.post(url, {"engineer": personas.engineer.pk, "date": day.isoformat(), "hour": "13"})
    assert moved.status_code == 200 and moved.json()["ok"]
    second.refresh_from_db()
    assert (second.date, second.start) == (day, datetime.time(13, 0))
    assert second.history.count() == 2  # the move is audited
    # The edit form is the keyboard alternative: the same check.
    edit = client.post(
        reverse("capacity:booking_edit", args=[first.pk]),
        {
            "engineer": personas.engineer.pk,
            "date": day.isoformat(),
            "start": "12:30",
            "duration_minutes": "60",
            "mode": BookingMode.REMOTE,
        },
    )
    assert edit.status_code == 200 and "is booked 13:00–15:00" in edit.content.decode()


def test_team_calendar_week_and_day(personas, day, client, django_assert_max_num_queries):
    for hour in (9, 13):
        _book(personas, day, datetime.time(hour, 0), minutes=60)
    colleague = UserFactory(role=Role.PRESALES, team=personas.engineer.team, display_name="Colleague Sun")
    for offset in range(5):
        _book(personas, day + datetime.timedelta(days=offset - 2), datetime.time(10, 0), engineer=colleague)
    services.leave_create(
        actor=personas.presales_manager,
        person=colleague,
        start_date=day + datetime.timedelta(days=3),
        end_date=day + datetime.timedelta(days=3),
        kind=LeaveKind.SICK,
    )
    client.force_login(personas.presales_manager)
    with django_assert_max_num_queries(16):
        week = client.get(reverse("capacity:calendar"), {"date": day.isoformat()})
    assert week.status_code == 200
    html = week.content.decode()
    assert html.count('data-booking="') == 7  # 2 of the engineer's, 5 of the colleague's (Monday to Friday)
    assert "On leave" in html and 'draggable="true"' in html and "calendar.js" in html
    with django_assert_max_num_queries(16):
        one_day = client.get(reverse("capacity:calendar"), {"date": day.isoformat(), "view": "day"})
    assert one_day.content.decode().count('data-booking="') == 3
    assert 'data-hour="13"' in one_day.content.decode()


def test_ical_feed_includes_bookings_with_travel(personas, day):
    services.travel_time_set(actor=personas.presales_manager, region=Region.EAST, minutes=30)
    booking = _book(
        personas, day, datetime.time(10, 0), minutes=90, mode=BookingMode.ON_SITE, kind=WorkType.ON_SITE_VISIT
    )
    events = {event["UID"]: event for event in parse_ics(calendar.feed_text(personas.engineer))}
    event = events[f"booking-{booking.pk}@presales-hub"]
    # 10:00 Shanghai less 30 minutes of travel = 01:30 UTC; 11:30 plus 30 minutes = 04:00 UTC.
    assert event["DTSTART"] == day.strftime("%Y%m%dT013000Z")
    assert event["DTEND"] == day.strftime("%Y%m%dT040000Z")
    assert personas.account.name in event["SUMMARY"]
    # Nobody else's feed carries it.
    assert f"booking-{booking.pk}@" not in calendar.feed_text(personas.presales_manager)


def test_who_may_book_and_see(personas, day, client):
    booking = _book(personas, day, datetime.time(9, 0))
    # An engineer books only themselves; a sales rep nobody; the manager the team's engineers.
    with pytest.raises(PermissionDenied):
        _book(personas, day, datetime.time(13, 0), actor=personas.owner)
    with pytest.raises(PermissionDenied):
        _book(personas, day, datetime.time(13, 0), engineer=personas.presales_manager, actor=personas.engineer)
    _book(personas, day, datetime.time(13, 0), actor=personas.engineer)
    assert set(Booking.objects.visible_to(personas.outsider)) == set()
    assert booking in Booking.objects.visible_to(personas.engineer)
    for person, calendar_status in (
        (personas.presales_manager, 200),
        (personas.admin, 200),
        (personas.engineer, 403),
        (personas.owner, 403),
    ):
        client.force_login(person)
        assert client.get(reverse("capacity:calendar")).status_code == calendar_status
    client.force_login(personas.outsider)
    assert client.get(reverse("capacity:booking_edit", args=[booking.pk])).status_code == 404
    assert client.post(reverse("capacity:booking_move", args=[booking.pk]), {}).status_code == 404
    assert client.get(reverse("capacity:booking_new")).status_code == 403
    assert client.get(reverse("capacity:travel_times")).status_code == 403
    client.force_login(personas.engineer)
    assert client.post(reverse("capacity:booking_move", args=[booking.pk]), {}).status_code == 400  # own booking


def test_leave_page(personas, day, client, django_assert_max_num_queries):
    client.force_login(personas.engineer)
    response = client.post(
        reverse("capacity:leave_list"),
        {
            "person": personas.engineer.pk,
            "kind": LeaveKind.TRAINING,
            "start_date": day.isoformat(),
            "end_date": day.isoformat(),
        },
    )
    assert response.status_code == 302
    leave = Leave.objects.get()
    # An engineer cannot record a colleague's leave; the outsider sees none of it.
    assert (
        client.post(
            reverse("capacity:leave_list"),
            {
                "person": personas.presales_manager.pk,
                "kind": LeaveKind.ANNUAL,
                "start_date": day.isoformat(),
                "end_date": day.isoformat(),
            },
        ).status_code
        == 200
    )
    assert Leave.objects.count() == 1
    client.force_login(personas.outsider)
    assert client.post(reverse("capacity:leave_delete", args=[leave.pk])).status_code == 404
    client.force_login(personas.presales_manager)
    for offset in range(5):
        services.leave_create(
            actor=personas.presales_manager,
            person=personas.engineer,
            kind=LeaveKind.ANNUAL,
            start_date=day + datetime.timedelta(days=30 + offset),
            end_date=day + datetime.timedelta(days=30 + offset),
        )
    with django_assert_max_num_queries(14):
        page = client.get(reverse("capacity:leave_list"))
    assert page.content.decode().count("Engineer Zhao") >= 6


def test_travel_times_page(personas, client):
    client.force_login(personas.presales_manager)
    assert client.post(reverse("capacity:travel_times"), {Region.EAST: "45", Region.NORTH: "90"}).status_code == 302
    from presales.capacity.models import TravelTime

    assert dict(TravelTime.objects.values_list("region", "minutes")) == {Region.EAST: 45, Region.NORTH: 90}
    assert TravelTime.history.count() == 2


def test_booking_list_queries_do_not_grow(personas, day, client, django_assert_max_num_queries):
    for hour in range(8, 18, 2):
        _book(personas, day, datetime.time(hour, 0), minutes=60)
    client.force_login(personas.engineer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("capacity:booking_list"))
    assert page.content.decode().count(reverse("capacity:booking_edit", args=[Booking.objects.first().pk])) >= 1


def _request_for(personas, day):
    return work_services.request_create(
        actor=personas.owner,
        opportunity=personas.deal,
        kind=WorkType.POC,
        description="POC",
        needed_by=day,
        estimate_hours=Decimal("3"),
        win_rate_answer="shows the difference",
        expected_uplift=Decimal("5"),
    )


def _booking_post(source: dict, personas, day) -> dict:
    return {
        **source,
        "engineer": personas.engineer.pk,
        "date": day.isoformat(),
        "start": "09:00",
        "duration_minutes": "180",
        "mode": BookingMode.REMOTE,
        "kind": WorkType.POC,
    }


def test_book_an_engineer_from_a_support_request(personas, day, client):
    support = _request_for(personas, day)
    panel_url = reverse("capacity:source_bookings", args=["request", support.pk])
    book_url = f"{reverse('capacity:booking_new')}?request={support.pk}"
    # The request page loads the panel; the panel offers the action to those who may book, not to the sales rep.
    client.force_login(personas.owner)
    assert panel_url in client.get(support.get_absolute_url()).content.decode()
    panel = client.get(panel_url)
    assert panel.status_code == 200
    assert book_url not in panel.content.decode()
    assert "No engineer booked for this request yet." in panel.content.decode()
    for person in (personas.presales_manager, personas.engineer):
        client.force_login(person)
        assert f'href="{book_url}"'.replace("&", "&amp;") in client.get(panel_url).content.decode()
    # Someone who cannot see the request does not get its panel.
    client.force_login(personas.outsider)
    assert client.get(panel_url).status_code == 404
    # Booked from it: prefilled, tied to the request, and back on the request page, which lists the booking.
    client.force_login(personas.presales_manager)
    form = client.get(book_url)
    assert form.context["form"].initial["date"] == day
    response = client.post(reverse("capacity:booking_new"), _booking_post({"request": support.pk}, personas, day))
    assert response.status_code == 302
    assert response["Location"] == support.get_absolute_url()
    booking = Booking.objects.get()
    assert (booking.request, booking.activity, booking.opportunity) == (support, None, personas.deal)
    panel = client.get(panel_url).content.decode()
    assert booking.get_absolute_url() in panel
    assert str(personas.engineer) in panel
    # The requester sees the booking made for their request, without the action.
    client.force_login(personas.owner)
    panel = client.get(panel_url).content.decode()
    assert booking.get_absolute_url() in panel
    assert 'id="book-engineer"' not in panel


def test_book_an_engineer_from_a_planned_activity(personas, day, client):
    planned = log_activity(personas, kind=WorkType.POC, date=day, hours=Decimal("4"), status=ActivityStatus.PLANNED)
    done = log_activity(personas)
    book_url = f"{reverse('capacity:booking_new')}?activity={planned.pk}"
    escaped = book_url.replace("&", "&amp;")
    client.force_login(personas.engineer)
    # The activity page loads the panel for a planned activity only; the panel, the week and the deal page offer it.
    page = client.get(reverse("work:activity_edit", args=[planned.pk])).content.decode()
    assert reverse("capacity:source_bookings", args=["activity", planned.pk]) in page
    done_page = client.get(reverse("work:activity_edit", args=[done.pk])).content.decode()
    assert reverse("capacity:source_bookings", args=["activity", done.pk]) not in done_page
    assert (
        'id="book-engineer"'
        in client.get(reverse("capacity:source_bookings", args=["activity", planned.pk])).content.decode()
    )
    assert (
        'id="book-engineer"'
        not in client.get(reverse("capacity:source_bookings", args=["activity", done.pk])).content.decode()
    )
    week = client.get(reverse("work:activity_week"), {"week": day.isoformat()}).content.decode()
    assert escaped in week
    assert escaped in client.get(personas.deal.get_absolute_url()).content.decode()
    # A sales rep sees the deal's planned activity but is not offered to book.
    client.force_login(personas.owner)
    assert escaped not in client.get(personas.deal.get_absolute_url()).content.decode()
    # The engineer books their own time for it: prefilled from the activity, tied to it, listed on its page.
    client.force_login(personas.engineer)
    form = client.get(book_url)
    assert form.context["form"].initial["duration_minutes"] == 240
    response = client.post(reverse("capacity:booking_new"), _booking_post({"activity": planned.pk}, personas, day))
    assert response.status_code == 302
    assert response["Location"] == reverse("work:activity_edit", args=[planned.pk])
    booking = Booking.objects.get()
    assert (booking.activity, booking.request, booking.engineer) == (planned, None, personas.engineer)
    panel = client.get(reverse("capacity:source_bookings", args=["activity", planned.pk])).content.decode()
    assert booking.get_absolute_url() in panel
    # Someone who cannot see the activity gets neither its panel nor the booking form for it; no other kind of source.
    client.force_login(personas.outsider)
    assert client.get(reverse("capacity:source_bookings", args=["activity", planned.pk])).status_code == 404
    assert client.get(book_url).status_code == 404
    client.force_login(personas.engineer)
    assert client.get(reverse("capacity:source_bookings", args=["deal", personas.deal.pk])).status_code == 404


def test_booking_oneself_for_a_colleagues_activity_lands_on_a_page_one_may_open(personas, day, client):
    """A second engineer of the team sees the planned activity (the deal is the team's) and books their own time
    for it; they may not edit the colleague's activity, so they go to the booking list, not to a refusal."""
    peer = UserFactory(username="peer", role=Role.PRESALES, team=personas.engineer.team)
    planned = log_activity(personas, kind=WorkType.POC, date=day, hours=Decimal("4"), status=ActivityStatus.PLANNED)
    client.force_login(peer)
    assert client.get(f"{reverse('capacity:booking_new')}?activity={planned.pk}").status_code == 200
    data = {**_booking_post({"activity": planned.pk}, personas, day), "engineer": peer.pk}
    response = client.post(reverse("capacity:booking_new"), data)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('capacity:booking_list')}?date={day.isoformat()}"
    assert client.get(response["Location"]).status_code == 200
    assert Booking.objects.get().activity == planned


def test_the_bookings_panel_queries_do_not_grow(personas, day, client):
    support = _request_for(personas, day)
    url = reverse("capacity:source_bookings", args=["request", support.pk])
    client.force_login(personas.presales_manager)
    counts = []
    for hours in ((9,), (10, 13, 15, 17)):
        for hour in hours:
            booking = _book(personas, day, datetime.time(hour, 0), minutes=60)
            booking.request = support
            booking.save(update_fields=["request"])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert Booking.objects.filter(request=support).count() == 5
    assert counts[0] == counts[1], counts
