"""The personal iCalendar feed (RFC 5545, written by hand): visits, the person's bookings (with their travel time),
open step due dates, the bid deadlines of the person's tenders and the end dates of the POCs they run, at a secret
address.

Calendar apps cannot sign in, so the address carries a long random secret; only its SHA-256 is stored.
Regenerating replaces the secret (the old address stops working at once); revoking ends the feed (404).
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from presales.bids.models import Poc, PocStatus, SubmissionItem, Tender, TenderSection, TenderStatus
from presales.capacity.models import Booking
from presales.core.secrets import hash_secret, new_secret
from presales.deals.models import DealStep, DealTeamMember
from presales.integration.models import CalendarFeed
from presales.people.models import User
from presales.work.models import Activity, WorkType

PAST_DAYS = 90  # calendar apps re-read the whole feed often: keep it to what is still useful
PRODUCT_ID = "-//Presales Hub//Presales Hub calendar//EN"


# --- the secret address ----------------------------------------------------------------------------------


def feed_for(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


@transaction.atomic
def calendar_feed_regenerate(*, user: User) -> str:
    """Give the person a new secret calendar address (any earlier one stops working); returns the secret."""
    secret = new_secret()
    CalendarFeed.objects.update_or_create(
        user=user, defaults={"token_hash": hash_secret(secret), "revoked_at": None, "last_used_at": None}
    )
    return secret


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> None:
    """End the person's calendar feed: its address answers 404 from now on."""
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def user_for_token(secret: str) -> User | None:
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=hash_secret(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is None:
        return None
    now = timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at > datetime.timedelta(minutes=10):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed.user


# --- RFC 5545 text ---------------------------------------------------------------------------------------


def escape_text(value: str) -> str:
    """TEXT values: backslash, semicolon, comma and newlines are escaped (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 5545 3.1)."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    limit = 75
    current = ""
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # continuation lines start with a space, which counts
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _date(value: datetime.date) -> str:
    return value.strftime("%Y%m%d")


def _event(
    *, uid: str, day: datetime.date, summary: str, description: str, url: str, modified: datetime.datetime
) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_utc(modified)}",
        f"LAST-MODIFIED:{_utc(modified)}",
        f"DTSTART;VALUE=DATE:{_date(day)}",
        f"DTEND;VALUE=DATE:{_date(day + datetime.timedelta(days=1))}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{url}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def _timed_event(
    *, uid: str, moment: datetime.datetime, summary: str, description: str, url: str, modified: datetime.datetime
) -> list[str]:
    """A deadline at a moment, in UTC; without DTEND it ends when it starts (RFC 5545 3.6.1), blocking no time."""
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_utc(modified)}",
        f"LAST-MODIFIED:{_utc(modified)}",
        f"DTSTART:{_utc(moment)}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{url}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def _host() -> str:
    return getattr(settings, "PRESALES_BASE_URL", "").rstrip("/") or "http://localhost"


def visit_events(user: User, since: datetime.date) -> Iterator[list[str]]:
    """The person's customer visits (owner or participant)."""

    visits = (
        Activity.objects.filter(Q(owner=user) | Q(participants=user), kind=WorkType.ON_SITE_VISIT, date__gte=since)
        .select_related("account", "opportunity")
        .distinct()
        .order_by("date", "pk")
    )
    for visit in visits.iterator(chunk_size=500):
        where = (
            visit.opportunity.name if visit.opportunity is not None else (visit.account.name if visit.account else "")
        )
        yield _event(
            uid=f"activity-{visit.pk}@presales-hub",
            day=visit.date,
            summary=_("Visit: %(account)s") % {"account": visit.account.name},
            description="\n".join(filter(None, [where, visit.get_status_display(), visit.outcome])),
            url=_host() + visit.get_absolute_url(),
            modified=visit.updated_at,
        )


def booking_events(user: User, since: datetime.date) -> Iterator[list[str]]:
    """The person's bookings as timed events that block their time: travel before and after an on-site visit
    included (the start and end are the time blocked; the description gives the visit's own hours)."""
    zone = _zone(user.timezone)
    bookings = (
        Booking.objects.filter(engineer=user, date__gte=since)
        .select_related("account", "opportunity")
        .order_by("date", "start", "pk")
    )
    for booking in bookings.iterator(chunk_size=500):
        begins = booking.blocked_from.replace(tzinfo=zone)
        ends = booking.blocked_until.replace(tzinfo=zone)
        details = [
            booking.opportunity.name if booking.opportunity is not None else "",
            booking.get_mode_display(),
            f"{booking.start:%H:%M}–{booking.end:%H:%M}",
            (_("Travel: %(minutes)s min each way") % {"minutes": booking.travel_minutes})
            if booking.travel_minutes
            else "",
            booking.note,
        ]
        yield [
            "BEGIN:VEVENT",
            f"UID:booking-{booking.pk}@presales-hub",
            f"DTSTAMP:{_utc(booking.updated_at)}",
            f"LAST-MODIFIED:{_utc(booking.updated_at)}",
            f"DTSTART:{_utc(begins)}",
            f"DTEND:{_utc(ends)}",
            f"SUMMARY:{escape_text(_('Booked: %(what)s') % {'what': booking.label})}",
            f"DESCRIPTION:{escape_text(chr(10).join(filter(None, details)))}",
            f"URL:{_host() + booking.get_absolute_url()}",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]


def _zone(name: str) -> datetime.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_current_timezone()


def step_events(user: User, since: datetime.date) -> Iterator[list[str]]:
    """Due dates of open steps the person is responsible for, on deals still open."""

    steps = (
        DealStep.objects.open()
        .filter(responsible=user, due_date__isnull=False, due_date__gte=since)
        .select_related("definition", "opportunity__account")
        .order_by("due_date", "pk")
    )
    for step in steps.iterator(chunk_size=500):
        yield _event(
            uid=f"deal-step-{step.pk}@presales-hub",
            day=step.due_date,  # type: ignore[arg-type]
            summary=_("Due: %(step)s (%(deal)s)") % {"step": step.definition.name, "deal": step.opportunity.name},
            description="\n".join([step.opportunity.account.name, step.get_status_display()]),
            url=_host() + reverse("deals:detail", args=[step.opportunity_id]),
            modified=step.updated_at,
        )


def person_tenders(user: User) -> Any:
    """Tenders the person works on: they own a document section or a checklist item, or are on the deal team."""

    sections = TenderSection.objects.filter(owner=user).values("tender_id")
    checklist = SubmissionItem.objects.filter(owner=user).values("tender_id")
    team_deals = DealTeamMember.objects.filter(user=user).values("opportunity_id")
    mine = (
        Q(pk__in=sections)
        | Q(pk__in=checklist)
        | Q(opportunity__in=team_deals)
        | Q(opportunity__sales_owner=user)
        | Q(opportunity__presales_lead=user)
    )
    # Still only tenders the person may see: a feed must not outlive a lost permission.
    return Tender.objects.visible_to(user).filter(mine)


def tender_events(user: User, since: datetime.date) -> Iterator[list[str]]:
    """Question deadline, submission deadline and bid opening of the person's tenders (not cancelled ones)."""

    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    tenders = (
        person_tenders(user)
        .exclude(status=TenderStatus.CANCELLED)
        .filter(Q(submission_deadline__gte=start) | Q(question_deadline__gte=start) | Q(opening_at__gte=start))
        .select_related("opportunity__account")
        .order_by("submission_deadline", "pk")
    )
    for tender in tenders.iterator(chunk_size=500):
        moments = (
            ("question", tender.question_deadline, _("Question deadline: %(tender)s")),
            ("submission", tender.submission_deadline, _("Submission deadline: %(tender)s")),
            ("opening", tender.opening_at, _("Bid opening: %(tender)s")),
        )
        description = "\n".join(
            filter(None, [tender.opportunity.name, tender.opportunity.account.name, tender.reference])
        )
        for kind, moment, label in moments:
            if moment is None or moment < start:
                continue
            yield _timed_event(
                uid=f"tender-{tender.pk}-{kind}@presales-hub",
                moment=moment,
                summary=label % {"tender": tender.title},
                description=description,
                url=_host() + tender.get_absolute_url(),
                modified=tender.updated_at,
            )


def poc_events(user: User, since: datetime.date) -> Iterator[list[str]]:
    """End dates of the POCs the person leads (cancelled ones left out)."""

    pocs = (
        Poc.objects.visible_to(user)
        .filter(lead=user, end_date__gte=since)
        .exclude(status=PocStatus.CANCELLED)
        .select_related("opportunity__account")
        .order_by("end_date", "pk")
    )
    for poc in pocs.iterator(chunk_size=500):
        yield _event(
            uid=f"poc-{poc.pk}-end@presales-hub",
            day=poc.end_date,
            summary=_("POC ends: %(poc)s (%(deal)s)") % {"poc": poc.title, "deal": poc.opportunity.name},
            description="\n".join([poc.opportunity.account.name, poc.get_status_display()]),
            url=_host() + poc.get_absolute_url(),
            modified=poc.updated_at,
        )


def feed_text(user: User, *, today: datetime.date | None = None) -> str:
    """The whole calendar as RFC 5545 text: CRLF line ends, folded lines, escaped text."""
    since = (today or timezone.localdate()) - datetime.timedelta(days=PAST_DAYS)
    lines: list[str] = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(_('Presales Hub: %(name)s') % {'name': user})}",
    ]
    sources: Iterable[Iterator[list[str]]] = (
        visit_events(user, since),
        booking_events(user, since),
        step_events(user, since),
        tender_events(user, since),
        poc_events(user, since),
    )
    for source in sources:
        for event in source:
            lines.extend(event)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
