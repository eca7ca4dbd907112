"""Engineer bookings, leave, travel minutes per region, and the stored capacity forecasts the worker computes."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from presales import access
from presales.core.fields import optional_link
from presales.core.models import BaseModel
from presales.customers.models import Region
from presales.deals.models import Opportunity
from presales.people.models import User
from presales.work.models import Activity, SupportRequest, WorkType


class TravelTime(BaseModel):
    """Minutes of travel, each way, that an on-site visit in a region adds before and after the visit."""

    region = models.CharField(_("region"), max_length=20, choices=Region.choices, unique=True)
    minutes = models.PositiveSmallIntegerField(_("travel minutes (each way)"), validators=[MaxValueValidator(1440)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["region"]
        verbose_name = _("travel time")
        verbose_name_plural = _("travel times")

    def __str__(self) -> str:
        return f"{self.get_region_display()}: {self.minutes}"


class LeaveKind(models.TextChoices):
    ANNUAL = "annual", _("Annual leave")
    SICK = "sick", _("Sick leave")
    TRAINING = "training", _("Training")
    PUBLIC_HOLIDAY = "holiday", _("Public holiday")
    OTHER = "other", _("Other absence")


class LeaveQuerySet(models.QuerySet["Leave"]):
    def visible_to(self, user: object) -> LeaveQuerySet:
        return access.leave_visible_to(user, self)  # type: ignore[arg-type]

    def overlapping(self, first: datetime.date, last: datetime.date) -> LeaveQuerySet:
        return self.filter(start_date__lte=last, end_date__gte=first)


class Leave(BaseModel):
    """A person's absence over whole days (first and last day included): no bookings, no capacity."""

    person = models.ForeignKey("people.User", verbose_name=_("person"), on_delete=models.CASCADE, related_name="leaves")
    kind = models.CharField(_("kind"), max_length=20, choices=LeaveKind.choices, default=LeaveKind.ANNUAL)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = LeaveQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "pk"]
        verbose_name = _("leave")
        verbose_name_plural = _("leave")
        indexes = [models.Index(fields=["person", "start_date", "end_date"], name="leave_person_dates")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="leave_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.start_date}–{self.end_date}"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The last day cannot be before the first day.")})

    def working_days_between(self, first: datetime.date, last: datetime.date) -> int:
        """Weekdays of this leave that fall between first and last (both included)."""
        start, end = max(first, self.start_date), min(last, self.end_date)
        days = 0
        while start <= end:
            if start.weekday() < 5:
                days += 1
            start += datetime.timedelta(days=1)
        return days


class BookingMode(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    REMOTE = "remote", _("Remote")


class BookingQuerySet(models.QuerySet["Booking"]):
    def visible_to(self, user: object) -> BookingQuerySet:
        return access.bookings_visible_to(user, self)  # type: ignore[arg-type]

    def with_relations(self) -> BookingQuerySet:
        return self.select_related("engineer", "opportunity", "account", "request")


class Booking(BaseModel):
    """An engineer's time reserved for a support request or a planned activity: a day, a start, a duration, and for
    an on-site visit the travel before and after it (from the region's travel minutes)."""

    engineer = models.ForeignKey(
        "people.User", verbose_name=_("engineer"), on_delete=models.CASCADE, related_name="bookings"
    )
    date = models.DateField(_("date"), db_index=True)
    start = models.TimeField(_("start"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(15), MaxValueValidator(720)]
    )
    mode = models.CharField(_("where"), max_length=10, choices=BookingMode.choices, default=BookingMode.REMOTE)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices, blank=True)
    travel_minutes = models.PositiveSmallIntegerField(_("travel minutes (each way)"), default=0)
    kind = models.CharField(_("type"), max_length=30, choices=WorkType.choices)
    opportunity = optional_link(Opportunity, _("opportunity"), on_delete=models.CASCADE, related_name="bookings")
    account = models.ForeignKey(
        "customers.Account", verbose_name=_("account"), on_delete=models.CASCADE, related_name="bookings"
    )
    request = optional_link(SupportRequest, _("support request"), related_name="bookings")
    activity = optional_link(Activity, _("planned activity"), related_name="bookings")
    note = models.CharField(_("note"), max_length=200, blank=True)
    booked_by = models.ForeignKey(
        "people.User", verbose_name=_("booked by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = BookingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "start", "pk"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [models.Index(fields=["engineer", "date"], name="booking_engineer_date")]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("capacity:booking_edit", args=[self.pk])

    @property
    def label(self) -> str:
        """What the time is for, as a clash names it: "华夏银行 POC"."""
        return f"{self.account.name} {self.get_kind_display()}"

    @property
    def starts_at(self) -> datetime.datetime:
        return datetime.datetime.combine(self.date, self.start)

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def end(self) -> datetime.time:
        return self.ends_at.time()

    @property
    def blocked_from(self) -> datetime.datetime:
        """When the engineer leaves: the start less the travel there."""
        return self.starts_at - datetime.timedelta(minutes=self.travel_minutes)

    @property
    def blocked_until(self) -> datetime.datetime:
        return self.ends_at + datetime.timedelta(minutes=self.travel_minutes)

    @property
    def blocked_hours(self) -> float:
        return (self.duration_minutes + 2 * self.travel_minutes) / 60


class ForecastStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ForecastRun(models.Model):
    """One computation of the capacity forecast by the worker; the forecast page reads the latest finished one."""

    status = models.CharField(_("status"), max_length=10, choices=ForecastStatus.choices, default=ForecastStatus.QUEUED)
    as_of = models.DateField(_("as of"))
    requested_by = optional_link(User, _("requested by"), related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("capacity forecast run")
        verbose_name_plural = _("capacity forecast runs")

    def __str__(self) -> str:
        return f"{self.as_of} ({self.status})"
