"""Pages: book an engineer (with the clash check before saving), the team calendar (day and week, drag to move),
bookings, leave, travel times, and the capacity forecast read from the worker's stored result."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from presales import access
from presales.capacity import forecast, services, tasks
from presales.capacity.forms import (
    BookingEditForm,
    BookingForm,
    BookingMoveForm,
    LeaveForm,
    TravelTimesForm,
    WhatIfForm,
)
from presales.capacity.models import Booking, BookingMode, ForecastRun, ForecastStatus, Leave, TravelTime
from presales.capacity.selectors import booking_check, calendar_rows, travel_minutes_for, week_of
from presales.capacity.tables import BookingTable, LeaveTable
from presales.core.lookups import get_object_for_user
from presales.core.views import date_param, paginate, requires, run_action, run_service, submit_form
from presales.customers.models import Industry
from presales.deals.models import Opportunity
from presales.people.models import Team, TeamKind, User
from presales.people.typing import AuthenticatedHttpRequest
from presales.work.models import CLOSED_STATUSES, Activity, ActivityStatus, SupportRequest

DAY_HOURS = list(range(8, 20))  # the day view's columns: the hour a booking starts (earlier and later at the ends)


# --- booking -----------------------------------------------------------------------------------------------------


def _booking_source(request: AuthenticatedHttpRequest) -> tuple[SupportRequest | None, Activity | None]:
    """The support request or planned activity the booking is for (`?request=` / `?activity=`), if the person sees it."""
    source = request.POST if request.method == "POST" else request.GET
    support_request = activity = None
    if source.get("request"):
        support_request = get_object_for_user(
            SupportRequest.objects.select_related("opportunity__account"), request.user, pk=source["request"]
        )
    elif source.get("activity"):
        activity = get_object_for_user(
            Activity.objects.filter(status=ActivityStatus.PLANNED).select_related("account", "opportunity"),
            request.user,
            pk=source["activity"],
        )
    return support_request, activity


def _initial_from(support_request: SupportRequest | None, activity: Activity | None, user: User) -> dict[str, Any]:
    if support_request is not None:
        return {
            "engineer": support_request.assignee or user,
            "date": support_request.needed_by,
            "kind": support_request.kind,
            "duration_minutes": min(720, int(support_request.estimate_hours * 60)),
            "start": datetime.time(9, 0),
        }
    if activity is not None:
        return {
            "engineer": activity.owner,
            "date": activity.date,
            "kind": activity.kind,
            "duration_minutes": min(720, int(activity.hours * 60)),
            "start": datetime.time(9, 0),
            "mode": BookingMode.ON_SITE if activity.kind == "on_site_visit" else BookingMode.REMOTE,
        }
    return {"engineer": user, "date": timezone.localdate() + datetime.timedelta(days=1), "start": datetime.time(9, 0)}


def _check_for(form: Any, *, account_region: str = "", exclude_pk: int | None = None) -> Any:
    """The clash check of what the form holds now (None until engineer, day, start and length are valid)."""
    data = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else {}
    needed = ("engineer", "date", "start", "duration_minutes")
    if not all(data.get(name) for name in needed):
        return None
    travel = 0
    if data.get("mode") == BookingMode.ON_SITE:
        travel = travel_minutes_for(data.get("region") or account_region)
    return booking_check(
        engineer=data["engineer"],
        date=data["date"],
        start=data["start"],
        duration_minutes=data["duration_minutes"],
        travel_minutes=travel,
        exclude_pk=exclude_pk,
    )


@login_required
def booking_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    support_request, activity = _booking_source(request)
    form = BookingForm(
        request.POST or None,
        user=request.user,
        fixed_deal=support_request is not None or activity is not None,
        initial=_initial_from(support_request, activity, request.user),
    )
    if not form.fields["engineer"].queryset.exists():  # type: ignore[attr-defined]
        raise PermissionDenied
    check = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        deal = data.get("opportunity") or (
            support_request.opportunity if support_request else (activity.opportunity if activity else None)
        )
        account = deal.account if deal is not None else (activity.account if activity else None)
        # The deal comes from the request or activity booked for, when the form does not ask for it.
        booking = {**form.service_data(), "account": account, "opportunity": deal}
        saved = run_service(
            form,
            lambda: services.booking_create(actor=request.user, request=support_request, activity=activity, **booking),
            keep_typed=False,
        )
        if saved.ok and saved.value is not None:
            messages.success(request, _("Booked: %(booking)s.") % {"booking": saved.value.label})
            # Back to the request or planned activity it was booked from, which lists its bookings (the activity's
            # page is its edit page: an engineer booking themselves for a colleague's activity goes to the list).
            if support_request is not None:
                return redirect(support_request.get_absolute_url())
            if activity is not None and access.can_edit_activity(request.user, activity):
                return redirect("work:activity_edit", activity.pk)
            return redirect(f"{reverse('capacity:booking_list')}?date={saved.value.date.isoformat()}")
        check = _check_for(form, account_region=account.region if account else "")
    return render(
        request,
        "capacity/booking_form.html",
        {"form": form, "check": check, "support_request": support_request, "activity": activity},
    )


@login_required
def source_bookings(request: AuthenticatedHttpRequest, source: str, pk: int) -> HttpResponse:
    """The bookings of a support request or a planned activity and the "Book an engineer" action (for those who may
    book): loaded by htmx from the request page and the activity page, which live in the work app below this one."""
    support_request: SupportRequest | None = None
    activity: Activity | None = None
    if source == "request":
        support_request = get_object_for_user(SupportRequest.objects.all(), request.user, pk=pk)
        bookings = Booking.objects.filter(request=support_request)
        bookable = support_request.status not in CLOSED_STATUSES
        query = f"request={support_request.pk}"
    elif source == "activity":
        activity = get_object_for_user(Activity.objects.all(), request.user, pk=pk)
        bookings = Booking.objects.filter(activity=activity)
        bookable = activity.status == ActivityStatus.PLANNED
        query = f"activity={activity.pk}"
    else:
        raise Http404
    return render(
        request,
        "capacity/partials/source_bookings.html",
        {
            "bookings": list(bookings.visible_to(request.user).with_relations()),
            "book_url": f"{reverse('capacity:booking_new')}?{query}"
            if bookable and access.can_book_someone(request.user)
            else "",
            "support_request": support_request,
            "activity": activity,
        },
    )


@login_required
@require_POST
def booking_check_partial(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The clash check of the form as typed so far (htmx, on each change): shown before saving."""
    pk = request.POST.get("booking")
    booking = None
    if pk:
        booking = get_object_for_user(Booking.objects.with_relations(), request.user, pk=pk)
        form: Any = BookingEditForm(request.POST, user=request.user, booking=booking)
    else:
        form = BookingForm(request.POST, user=request.user, fixed_deal=True)
    form.is_valid()
    region = booking.account.region if booking is not None else ""
    if booking is None and request.POST.get("opportunity"):
        deal = (
            Opportunity.objects.visible_to(request.user)
            .select_related("account")
            .filter(pk=request.POST["opportunity"])
            .first()
        )
        region = deal.account.region if deal else ""
    check = _check_for(form, account_region=region, exclude_pk=booking.pk if booking else None)
    return render(request, "capacity/partials/booking_check.html", {"check": check})


@login_required
def booking_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The calendar's keyboard alternative to dragging: move or change a booking with a form."""
    booking = get_object_for_user(Booking.objects.with_relations(), request.user, pk=pk)
    can_change = access.can_change_booking(request.user, booking)
    form = BookingEditForm(request.POST or None, user=request.user, booking=booking)
    check = None
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            saved = run_service(
                form,
                lambda: services.booking_update(actor=request.user, booking=booking, **form.service_data()),
                keep_typed=False,
            )
            if saved.ok:
                messages.success(request, _("Booking moved."))
                return redirect(
                    _calendar_url(booking.date)
                    if access.can_see_team_calendar(request.user)
                    else "capacity:booking_list"
                )
            booking.refresh_from_db()
            check = _check_for(form, account_region=booking.account.region, exclude_pk=booking.pk)
    return render(
        request,
        "capacity/booking_edit.html",
        {"form": form, "booking": booking, "can_change": can_change, "check": check},
    )


def _calendar_url(day: datetime.date, view: str = "week") -> str:
    return f"{reverse('capacity:calendar')}?view={view}&date={day.isoformat()}"


@login_required
@require_POST
def booking_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """What a drag on the calendar sends: the engineer, the day and (day view) the hour dropped on. Answers JSON; a
    clash is refused with its name."""
    booking = get_object_for_user(Booking.objects.with_relations(), request.user, pk=pk)
    if not access.can_change_booking(request.user, booking):
        raise PermissionDenied
    form = BookingMoveForm(request.POST, user=request.user)
    if not form.is_valid():
        return JsonResponse({"ok": False, "message": _("This booking cannot be moved there.")}, status=400)
    data = form.cleaned_data
    start = booking.start if data.get("hour") is None else booking.start.replace(hour=data["hour"])
    try:
        services.booking_update(
            actor=request.user, booking=booking, engineer=data["engineer"], date=data["date"], start=start
        )
    except ValidationError as error:
        return JsonResponse({"ok": False, "message": " ".join(error.messages)}, status=409)
    return JsonResponse({"ok": True, "message": _("Booking moved.")})


@login_required
@require_POST
def booking_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    booking = get_object_for_user(Booking.objects.with_relations(), request.user, pk=pk)
    if run_action(request, lambda: services.booking_cancel(actor=request.user, booking=booking)).ok:
        messages.success(request, _("Booking cancelled."))
    return redirect("capacity:booking_list")


@login_required
def booking_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Bookings the person can see, from a day on (today unless `?date=`)."""
    since = date_param(request.GET, "date")
    rows = Booking.objects.visible_to(request.user).with_relations().filter(date__gte=since)
    page = paginate(request, rows)
    return render(
        request,
        "capacity/booking_list.html",
        {
            "table": BookingTable(page.object_list, request=request, sortable=False),
            "page_obj": page,
            "since": since,
            "can_book": access.bookable_engineers(request.user, User.objects.all()).exists(),
            "can_see_calendar": access.can_see_team_calendar(request.user),
        },
    )


# --- the team calendar -------------------------------------------------------------------------------------------


@login_required
@requires(access.can_see_team_calendar)
def team_calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    view = "day" if request.GET.get("view") == "day" else "week"
    day = date_param(request.GET, "date")
    teams = list(
        access.teams_visible_to(request.user, Team.objects.filter(kind=TeamKind.PRESALES)).order_by("name")
        if not access.scope_for(request.user).sees_everything
        else Team.objects.filter(kind=TeamKind.PRESALES).order_by("name")
    )
    team = next((t for t in teams if str(t.pk) == request.GET.get("team")), None)
    engineers_qs = access.calendar_engineers(request.user, User.objects.select_related("team"))
    if team is not None:
        engineers_qs = engineers_qs.filter(team=team)
    engineers = list(engineers_qs.order_by("team__name", "display_name", "username"))
    if view == "week":
        monday, _sunday = week_of(day)
        days = [monday + datetime.timedelta(days=offset) for offset in range(7)]
        rows = calendar_rows(engineers=engineers, days=days)
        previous, following = monday - datetime.timedelta(days=7), monday + datetime.timedelta(days=7)
    else:
        days = [day]
        rows = calendar_rows(engineers=engineers, days=days, hours=DAY_HOURS)
        previous, following = day - datetime.timedelta(days=1), day + datetime.timedelta(days=1)
    return render(
        request,
        "capacity/calendar.html",
        {
            "view": view,
            "day": day,
            "days": days,
            "hours": DAY_HOURS,
            "rows": rows,
            "teams": teams,
            "team": team,
            "previous": previous,
            "following": following,
            "today": timezone.localdate(),
        },
    )


# --- leave and travel times --------------------------------------------------------------------------------------


@login_required
def leave_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Recorded leave the person can see, and a form to record more."""
    form = LeaveForm(request.POST or None, user=request.user, initial={"person": request.user})
    saved = submit_form(
        form, lambda: services.leave_create(actor=request.user, **form.service_data()), keep_typed=False
    )
    if saved.ok:
        messages.success(request, _("Leave recorded."))
        return redirect("capacity:leave_list")
    since = timezone.localdate() - datetime.timedelta(days=30)
    rows = Leave.objects.visible_to(request.user).filter(end_date__gte=since).select_related("person")
    page = paginate(request, rows.order_by("start_date", "pk"))
    return render(
        request,
        "capacity/leave_list.html",
        {"table": LeaveTable(page.object_list, request=request, sortable=False), "page_obj": page, "form": form},
    )


@login_required
@require_POST
def leave_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    leave = get_object_for_user(Leave.objects.select_related("person"), request.user, pk=pk)
    if run_action(request, lambda: services.leave_delete(actor=request.user, leave=leave)).ok:
        messages.success(request, _("Leave deleted."))
    return redirect("capacity:leave_list")


@login_required
@requires(access.can_edit_travel_times)
def travel_times(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = dict(TravelTime.objects.values_list("region", "minutes"))
    form = TravelTimesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        changed = 0
        for region, minutes in form.cleaned_data.items():
            if minutes is not None and current.get(region) != minutes:
                services.travel_time_set(actor=request.user, region=region, minutes=minutes)
                changed += 1
        messages.success(request, _("Travel times saved (%(count)s changed).") % {"count": changed})
        return redirect("capacity:travel_times")
    return render(request, "capacity/travel_times.html", {"form": form})


# --- the capacity forecast ---------------------------------------------------------------------------------------


def _latest_runs() -> tuple[ForecastRun | None, ForecastRun | None]:
    """The latest finished run (what the page shows) and a run queued or running now."""
    done = ForecastRun.objects.filter(status=ForecastStatus.DONE).order_by("-finished_at", "-pk").first()
    pending = ForecastRun.objects.filter(status__in=[ForecastStatus.QUEUED, ForecastStatus.RUNNING]).first()
    return done, pending


def _rows(entries: list[dict[str, Any]], weeks: list[str], label: str) -> list[dict[str, Any]]:
    """Table rows for teams or skills: per week demand, available hours, the gap and the deals behind a shortfall."""
    rows = []
    for entry in entries:
        cells = []
        for index, monday in enumerate(weeks):
            demand, capacity = entry["demand"][index], entry["capacity"][index]
            cells.append(
                {
                    "monday": monday,
                    "demand": demand,
                    "capacity": capacity,
                    "short": round(demand - capacity, 1) if demand > capacity else 0,
                    "deals": entry["deals"][index],
                }
            )
        rows.append({"name": entry[label] or entry.get("name") or "—", "id": entry["id"], "cells": cells})
    return rows


def _step_label(steps: dict[str, list[Any]], key: str, language: str) -> str:
    if key == forecast.OTHER_WORK:
        return _("Other work (no step)")
    step = steps.get(key)
    if step is None:
        return key
    return step[1] if language.startswith("zh") or not step[2] else step[2]


def _cell_rows(cells: dict[str, list[float]], label: Any, order: dict[str, int]) -> list[dict[str, Any]]:
    bands = {"small": _("Under 1M"), "medium": _("1M–5M"), "large": _("5M and over"), "": _("All sizes")}
    industries = dict(Industry.choices)
    rows = []
    for key, (count, p25, median, p75) in cells.items():
        step, band, industry = key.split("|")
        rows.append(
            {
                "key": step,
                "label": label(step),
                "band": bands.get(band, band),
                "industry": industries.get(industry, _("All industries")) if industry or band else _("All"),
                "n": int(count),
                "p25": p25,
                "median": median,
                "p75": p75,
                "sort": (order.get(step, 999), step, band != "", band, industry),
            }
        )
    return sorted(rows, key=lambda row: row["sort"])


@login_required
@requires(access.can_see_capacity_forecast)
def capacity_forecast(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The stored forecast: 12 weeks per team and skill, the shortfalls with their deals, the backtest, and what a
    hypothetical deal would add. Reads one row; nothing is computed here but the "what if"."""
    done, pending = _latest_runs()
    context: dict[str, Any] = {"run": done, "pending": pending, "latest_pk": done.pk if done else 0}
    if done is not None:
        result = done.result
        weeks = result["weeks"]
        language = request.LANGUAGE_CODE
        context.update(
            weeks=weeks,
            teams=_rows(result["teams"], weeks, "name"),
            skills=_rows(result["skills"], weeks, "name" if language.startswith("zh") else "name_en"),
            backtest=result["backtest"],
            unassigned=result["unassigned"],
        )
        what_if = WhatIfForm(request.GET if "amount" in request.GET else None)
        context["what_if_form"] = what_if
        if what_if.is_bound and what_if.is_valid():
            data = what_if.cleaned_data
            team = data.get("team")
            added = forecast.what_if(
                result,
                band=forecast.size_band(Decimal(data["amount"])),
                industry=data["industry"],
                close=data["expected_close"],
                team_id=team.pk if team else None,
            )
            base = next((t for t in result["teams"] if team is not None and t["id"] == team.pk), None)
            context["what_if"] = [
                {
                    "monday": monday,
                    "added": round(added[index], 1),
                    "demand": base["demand"][index] if base else None,
                    "after": round(base["demand"][index] + added[index], 1) if base else None,
                    "capacity": base["capacity"][index] if base else None,
                    "short_after": bool(base and base["demand"][index] + added[index] > base["capacity"][index]),
                }
                for index, monday in enumerate(weeks)
            ]
            context["what_if_total"] = round(sum(added), 1)
    return render(request, "capacity/forecast.html", context)


@login_required
@requires(access.can_see_capacity_forecast)
def capacity_medians(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What the forecast learned: hours per step and per activity type, by size band and industry (median, p25–p75)."""
    done, _pending = _latest_runs()
    context: dict[str, Any] = {"run": done}
    if done is not None:
        result = done.result
        steps = result["steps"]
        order = {key: value[0] for key, value in steps.items()}
        kinds = dict(Activity._meta.get_field("kind").choices or [])
        context["step_rows"] = _cell_rows(
            result["step_cells"], lambda key: _step_label(steps, key, request.LANGUAGE_CODE), order
        )
        context["kind_rows"] = _cell_rows(result["kind_cells"], lambda key: str(kinds.get(key, key)), {})
        context["min_samples"] = forecast.MIN_SAMPLES
    return render(request, "capacity/medians.html", context)


@login_required
@require_POST
@requires(access.can_see_capacity_forecast)
def forecast_run(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Compute the forecast again now: queued for the worker; the page shows its progress."""
    run = services.forecast_request(actor=request.user)
    if run.status == ForecastStatus.QUEUED:
        transaction.on_commit(lambda: tasks.compute_forecast(run.pk))
    messages.info(request, _("The forecast is being computed; this page shows it when it is ready."))
    return redirect("capacity:forecast")


@login_required
@requires(access.can_see_capacity_forecast)
def forecast_status(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The run under way (htmx polls this while one is queued or running)."""
    done, pending = _latest_runs()
    failed = ForecastRun.objects.filter(status=ForecastStatus.FAILED).order_by("-pk").first()
    context = {"pending": pending, "failed": failed, "latest_pk": done.pk if done else 0}
    response = render(request, "capacity/partials/forecast_status.html", context)
    if pending is None and request.GET.get("was_pending"):
        response["HX-Refresh"] = "true"
    return response
