"""Presales work: activities, support requests from sales, response-time targets and cannot-refuse rules."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from presales import access
from presales.core.fields import money_field, optional_link
from presales.core.models import BaseModel
from presales.customers.models import Account, Industry
from presales.deals.models import Opportunity
from presales.people.models import Role, User
from presales.work.triage import Recommendation


class WorkType(models.TextChoices):
    """The kinds of presales work of presales work (docs/domain.md, Support requests and the three looks), shared by activities and support requests."""

    ON_SITE_VISIT = "on_site_visit", _("On-site customer visit")
    REMOTE_MEETING = "remote_meeting", _("Remote meeting")
    DEMO = "demo", _("Demo / presentation")
    CONFIGURATION = "configuration", _("Configuration")
    POC = "poc", _("POC / test")
    SOLUTION_DESIGN = "solution_design", _("Solution design")
    SOLUTION_WRITING = "solution_writing", _("Solution writing")
    TRAINING = "training", _("Training for sales or users")
    BID_DOCUMENT = "bid_document", _("Bid document")
    BID_PRESENTATION = "bid_presentation", _("Bid presentation")
    QA = "qa", _("Q&A")
    INDUSTRY_ANALYSIS = "industry_analysis", _("Industry analysis")
    PROBLEM_SOLVING = "problem_solving", _("Problem solving")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")


HOURS_FIELD_OPTIONS: dict[str, Any] = {
    "max_digits": 5,
    "decimal_places": 1,
    "validators": [MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("999"))],
}
UPLIFT_FIELD_OPTIONS: dict[str, Any] = {
    "max_digits": 5,
    "decimal_places": 1,
    "null": True,
    "blank": True,
    "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    "help_text": _("Expected rise of the win rate, in percentage points."),
}


def expected_uplift_field() -> models.DecimalField[Any, Decimal | None]:
    """How much a piece of work should raise the deal's win rate (optional). Typed here because the model checker
    cannot see `null=True` through the options dict."""
    return models.DecimalField(_("expected uplift (points)"), **UPLIFT_FIELD_OPTIONS)


class ActivityQuerySet(models.QuerySet["Activity"]):
    def visible_to(self, user: User) -> ActivityQuerySet:
        return access.activities_visible_to(user, self)

    def with_list_relations(self) -> ActivityQuerySet:
        return self.select_related("owner", "opportunity", "account", "request").prefetch_related("participants")

    def planned(self) -> ActivityQuerySet:
        return self.filter(status=ActivityStatus.PLANNED)


class Activity(BaseModel):
    """One piece of presales work on a deal or account: what, when, how long, who, for which step, and the outcome."""

    kind = models.CharField(_("type"), max_length=30, choices=WorkType.choices, db_index=True)
    date = models.DateField(_("date"), db_index=True)
    hours = models.DecimalField(_("hours"), default=Decimal("2"), **HOURS_FIELD_OPTIONS)
    status = models.CharField(_("status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.DONE)
    owner = models.ForeignKey(
        "people.User", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="activities"
    )
    participants = models.ManyToManyField(
        "people.User", verbose_name=_("participants"), blank=True, related_name="joined_activities"
    )
    opportunity = optional_link(Opportunity, _("opportunity"), on_delete=models.CASCADE, related_name="activities")
    account = models.ForeignKey(
        "customers.Account", verbose_name=_("account"), on_delete=models.CASCADE, related_name="activities"
    )
    # The playbook step's stable key (StepDefinition.key): survives playbook versions, so old activities keep it.
    step_key = models.CharField(_("step served"), max_length=50, blank=True)
    request: models.ForeignKey[SupportRequest | None, SupportRequest | None] = optional_link(
        "work.SupportRequest", _("support request"), related_name="activities"
    )
    outcome = models.TextField(_("outcome"), blank=True)
    win_rate_answer = models.TextField(_("how this raises the win rate"), blank=True)
    expected_uplift = expected_uplift_field()

    objects = ActivityQuerySet.as_manager()
    # Who took part is part of the activity: the links are in its history too.
    history = HistoricalRecords(m2m_fields=["participants"])

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["owner", "date"], name="activity_owner_date"),
            models.Index(fields=["opportunity", "date"], name="activity_opp_date"),
            models.Index(fields=["status", "date"], name="activity_status_date"),
        ]
        constraints = [models.CheckConstraint(condition=models.Q(hours__gt=0), name="activity_hours_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.date}"

    def get_absolute_url(self) -> str:
        return reverse("work:activity_edit", args=[self.pk])

    def clean(self) -> None:
        if (
            self.opportunity_id
            and self.account_id
            and cast("Opportunity", self.opportunity).account_id != self.account_id
        ):
            raise ValidationError({"account": _("The account must be the opportunity's account.")})


class RequestStatus(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged")
    ACCEPTED = "accepted", _("Accepted")
    ACCEPTED_WITH_PLAN = "accepted_with_plan", _("Accepted with a plan")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# Requests somebody has committed to and not finished: they take time from the engineer's week.
COMMITTED_STATUSES = (RequestStatus.ACCEPTED, RequestStatus.ACCEPTED_WITH_PLAN, RequestStatus.IN_PROGRESS)
WAITING_STATUSES = (RequestStatus.NEW, RequestStatus.TRIAGED)
CLOSED_STATUSES = (RequestStatus.DONE, RequestStatus.CANCELLED, RequestStatus.DECLINED)


class SupportRequestQuerySet(models.QuerySet["SupportRequest"]):
    def visible_to(self, user: User) -> SupportRequestQuerySet:
        return access.support_requests_visible_to(user, self)

    def with_list_relations(self) -> SupportRequestQuerySet:
        return self.select_related("opportunity", "opportunity__account", "requester", "assignee").prefetch_related(
            "skills"
        )

    def committed(self) -> SupportRequestQuerySet:
        return self.filter(status__in=COMMITTED_STATUSES)

    def forgotten(self, now: datetime.datetime | None = None) -> SupportRequestQuerySet:
        """Waiting past the time to triage, or without a first response past the response target."""
        now = now or timezone.now()
        return self.filter(
            models.Q(status=RequestStatus.NEW, triage_due_at__lt=now)
            | models.Q(status__in=WAITING_STATUSES, first_response_at__isnull=True, response_due_at__lt=now)
        )


class SupportRequest(BaseModel):
    """Sales asks presales for help on a deal; triaged with the three looks, decided by a person, then worked."""

    opportunity = models.ForeignKey(
        "deals.Opportunity", verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="support_requests"
    )
    requester = models.ForeignKey(
        "people.User", verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="support_requests"
    )
    kind = models.CharField(_("type"), max_length=30, choices=WorkType.choices, db_index=True)
    description = models.TextField(_("what is needed"))
    needed_by = models.DateField(_("needed by"))
    estimate_hours = models.DecimalField(_("effort estimate (hours)"), **HOURS_FIELD_OPTIONS)
    skills = models.ManyToManyField("people.Skill", verbose_name=_("skills needed"), blank=True)
    win_rate_answer = models.TextField(_("how this raises the win rate"))
    expected_uplift = expected_uplift_field()
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.NEW, db_index=True
    )
    is_duty = models.BooleanField(
        _("presales duty"), default=False, help_text=_("Inside presales duties: skips the three looks.")
    )
    assignee = optional_link(User, _("engineer"), related_name="assigned_requests")
    decided_by = optional_link(User, _("decided by"), related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=30, blank=True, choices=Recommendation.choices())
    plan = models.TextField(_("plan"), blank=True)
    triage_due_at = models.DateTimeField(_("triage due"), null=True, blank=True)
    response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    objects = SupportRequestQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=["skills"])

    class Meta:
        ordering = ["needed_by", "pk"]
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        indexes = [
            models.Index(fields=["status", "needed_by"], name="request_status_needed"),
            models.Index(fields=["assignee", "status"], name="request_assignee_status"),
            models.Index(fields=["requester", "status"], name="request_requester_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(estimate_hours__gt=0), name="request_estimate_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.opportunity}"

    def get_absolute_url(self) -> str:
        return reverse("work:request_detail", args=[self.pk])

    def is_forgotten(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.status == RequestStatus.NEW and self.triage_due_at and self.triage_due_at < now:
            return True
        return bool(
            self.status in WAITING_STATUSES
            and self.first_response_at is None
            and self.response_due_at
            and self.response_due_at < now
        )


class ResponseTarget(BaseModel):
    """How fast requests are triaged and answered, from a deal amount up (larger deals get shorter targets)."""

    min_amount = money_field(_("deal amount from"), unique=True, validators=[MinValueValidator(0)])
    hours_to_triage = models.PositiveSmallIntegerField(_("hours to triage"), validators=[MinValueValidator(1)])
    hours_to_first_response = models.PositiveSmallIntegerField(
        _("hours to first response"), validators=[MinValueValidator(1)]
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-min_amount"]
        verbose_name = _("response-time target")
        verbose_name_plural = _("response-time targets")

    def __str__(self) -> str:
        return f"≥ {self.min_amount}: {self.hours_to_triage}h / {self.hours_to_first_response}h"


class CannotRefuseRule(BaseModel):
    """An admin rule that makes requests impossible to refuse: from a person, a role, an account or an industry."""

    name = models.CharField(_("name"), max_length=100)
    requester = optional_link(User, _("requested by"), on_delete=models.CASCADE, related_name="+")
    requester_role = models.CharField(_("requester's role"), max_length=20, blank=True, choices=Role.choices)
    account = optional_link(Account, _("account"), on_delete=models.CASCADE, related_name="+")
    industry = models.CharField(_("industry"), max_length=20, blank=True, choices=Industry.choices)
    min_amount = money_field(_("deal amount from"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("cannot-refuse rule")
        verbose_name_plural = _("cannot-refuse rules")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not (self.requester_id or self.requester_role or self.account_id or self.industry or self.min_amount):
            raise ValidationError(_("A rule needs at least one condition."))
