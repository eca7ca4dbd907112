"""Opportunities: amount, close date, deal team, both process stages, competitors, the outcome, and each deal's
step checklist (the playbook version it follows and one row per step with its typed answer)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from presales import access
from presales.core.fields import money_field, optional_link
from presales.core.i18n import english_or
from presales.core.models import BaseModel
from presales.currencies.models import Currency
from presales.customers.models import Contact, name_in_other_language_field, other_names_field
from presales.customers.names import NameKeysMixin
from presales.people.models import Team, User
from presales.playbook.models import AnswerKind, PlaybookVersion, Stage, StepDefinition, StepRole


class ThreatLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class CompetitorQuerySet(models.QuerySet["Competitor"]):
    def with_threat_rank(self) -> CompetitorQuerySet:
        """Add `threat_rank` (low 1 < medium 2 < high 3): sorting by threat follows the danger, not the alphabet."""
        return self.annotate(
            threat_rank=models.Case(
                models.When(threat_level=ThreatLevel.LOW, then=models.Value(1)),
                models.When(threat_level=ThreatLevel.MEDIUM, then=models.Value(2)),
                models.When(threat_level=ThreatLevel.HIGH, then=models.Value(3)),
                default=models.Value(0),
                output_field=models.IntegerField(),
            )
        )


class NamedInBothLanguages(NameKeysMixin, BaseModel):
    """A list entry known by names in both languages and by other names (competitors, product lines): deals name it in
    either language, and searches find it by any of them."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = name_in_other_language_field(max_length=100)
    aliases = other_names_field()
    # The normalised keys of every name (customers.names.name_keys), kept by save(): search in either language.
    name_keys = models.TextField(editable=False, blank=True, default="")

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Competitor(NamedInBothLanguages):
    """A competing vendor, shared by every deal it appears in."""

    threat_level = models.CharField(
        _("threat level"), max_length=10, choices=ThreatLevel.choices, default=ThreatLevel.MEDIUM
    )
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    website = models.URLField(_("website"), blank=True)

    history = HistoricalRecords(excluded_fields=["name_keys"])
    objects = CompetitorQuerySet.as_manager()

    class Meta(NamedInBothLanguages.Meta):
        verbose_name = _("competitor")
        verbose_name_plural = _("competitors")


class ProductLine(NamedInBothLanguages):
    """What we sell, as the sales organisation splits it (网络, 安全, 云 …): two reps' open deals for the same account
    and product line are a conflict (撞单)."""

    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(excluded_fields=["name_keys"])

    class Meta(NamedInBothLanguages.Meta):
        verbose_name = _("product line")
        verbose_name_plural = _("product lines")


class Outcome(models.TextChoices):
    OPEN = "open", pgettext_lazy("deal outcome", "Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    ABANDONED = "abandoned", _("Abandoned")


class ReasonAppliesTo(models.TextChoices):
    WON = "won", _("Won deals")
    LOST = "lost", _("Lost or abandoned deals")
    ANY = "any", _("Any result")


class OutcomeReasonQuerySet(models.QuerySet["OutcomeReason"]):
    def active(self) -> OutcomeReasonQuerySet:
        return self.filter(is_active=True)

    def for_outcome(self, outcome: str) -> OutcomeReasonQuerySet:
        """The reasons offered when closing with `outcome` (lost and abandoned share the loss reasons)."""
        kind = ReasonAppliesTo.WON if outcome == Outcome.WON else ReasonAppliesTo.LOST
        return self.filter(applies_to__in=(kind, ReasonAppliesTo.ANY))

    def matching(self, text: str) -> OutcomeReason | None:
        """The reason a typed text names: its Chinese or English name, or an earlier free-text value of a default
        reason (presales.deals.outcome_reasons); None when it names none."""
        from presales.deals.outcome_reasons import reason_aliases

        text = (text or "").strip()
        if not text:
            return None
        by_name = self.filter(models.Q(name__iexact=text) | models.Q(name_en__iexact=text)).order_by("order", "pk")
        found = by_name.first()
        if found is None and (key := reason_aliases().get(text.casefold())):
            found = self.filter(key=key).first()
        return found


class OutcomeReason(BaseModel):
    """Why deals are won or lost: a list administrators keep, each reason with a Chinese and an English name."""

    key = models.SlugField(
        _("key"), max_length=50, blank=True, editable=False, help_text=_("Set on the default reasons the app uses.")
    )
    name = models.CharField(_("Chinese name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=100)
    applies_to = models.CharField(
        _("offered for"), max_length=10, choices=ReasonAppliesTo.choices, default=ReasonAppliesTo.ANY
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True, help_text=_("Reasons not in use are not offered."))

    objects = OutcomeReasonQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("win/loss reason")
        verbose_name_plural = _("win/loss reasons")
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=~models.Q(key=""), name="outcome_reason_unique_key")
        ]

    def __str__(self) -> str:
        return english_or(self.name, self.name_en)

    def offered_for(self, outcome: str) -> bool:
        kind = ReasonAppliesTo.WON if outcome == Outcome.WON else ReasonAppliesTo.LOST
        return self.applies_to in (kind, ReasonAppliesTo.ANY)


# Columns of Opportunity derived from its steps and history (deals.health keeps them).
HEALTH_FIELDS = ("stage_entered_at", "earliest_open_due_date", "missing_qualification_steps")


class OpportunityQuerySet(models.QuerySet["Opportunity"]):
    def visible_to(self, user: User) -> OpportunityQuerySet:
        return access.opportunities_visible_to(user, self)

    def open(self) -> OpportunityQuerySet:
        return self.filter(outcome=Outcome.OPEN)

    def closed(self) -> OpportunityQuerySet:
        return self.exclude(outcome=Outcome.OPEN)

    def with_list_relations(self) -> OpportunityQuerySet:
        return self.select_related("account", "stage", "sales_owner", "presales_lead", "team", "win_loss_reason")


class Opportunity(BaseModel):
    """A deal we are pursuing at an account, with its team, stage, value and result."""

    account = models.ForeignKey(
        "customers.Account", verbose_name=_("account"), on_delete=models.PROTECT, related_name="opportunities"
    )
    name = models.CharField(_("name"), max_length=200)
    amount = money_field(_("amount"), default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    discount_percent = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Off the list price in the quote; above an approval flow's threshold the quote needs approval."),
    )
    expected_close_date = models.DateField(_("expected close date"))
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="opportunities")
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), default=10, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    sales_owner = models.ForeignKey(
        "people.User", verbose_name=_("sales owner"), on_delete=models.PROTECT, related_name="owned_opportunities"
    )
    presales_lead = optional_link(User, _("presales lead"), related_name="led_opportunities")
    team = optional_link(Team, _("sales team"), related_name="opportunities")
    presales_team = optional_link(Team, _("presales team"), related_name="presales_opportunities")
    product_line = optional_link(
        ProductLine,
        _("product line"),
        on_delete=models.PROTECT,
        related_name="opportunities",
        help_text=_("Another rep's open deal for the same account and product line is flagged as a conflict."),
    )
    competitors: models.ManyToManyField[Competitor, OpportunityCompetitor] = models.ManyToManyField(
        Competitor, verbose_name=_("competitors"), through="OpportunityCompetitor", blank=True
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN, db_index=True
    )
    win_loss_reason = optional_link(OutcomeReason, _("reason"), on_delete=models.PROTECT, related_name="opportunities")
    outcome_reason = models.TextField(_("reason details"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    external_id = models.CharField(_("external ID"), max_length=100, blank=True, db_index=True)
    # The deal's health, derived from its steps and its history and kept here by deals.health.refresh_health (never
    # by hand): the dashboard's risks then read indexed columns instead of testing every step of every open deal.
    stage_entered_at = models.DateTimeField(_("in this stage since"), default=timezone.now, editable=False)
    earliest_open_due_date = models.DateField(_("earliest due date of an open step"), null=True, editable=False)
    missing_qualification_steps = models.PositiveIntegerField(
        _("qualification steps not done"), default=0, editable=False
    )

    objects = OpportunityQuerySet.as_manager()
    # The health columns are derived: keeping them up to date writes no history and leaves `version` alone.
    history = HistoricalRecords(excluded_fields=list(HEALTH_FIELDS))

    class Meta:
        ordering = ["expected_close_date", "pk"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [
            models.Index(fields=["team", "outcome", "expected_close_date"], name="opp_team_outcome_close"),
            models.Index(fields=["presales_team", "outcome"], name="opp_presales_team_outcome"),
            models.Index(fields=["sales_owner", "outcome"], name="opp_owner_outcome"),
            models.Index(fields=["presales_lead", "outcome"], name="opp_lead_outcome"),
            models.Index(fields=["stage", "outcome"], name="opp_stage_outcome"),
            models.Index(fields=["outcome", "closed_on"], name="opp_outcome_closed"),
            models.Index(fields=["expected_close_date"], name="opp_close_date"),
            # The deal list's default: open deals by expected close date (and key), read in index order, no sort.
            models.Index(fields=["outcome", "expected_close_date", "id"], name="opp_outcome_close_id"),
            # The dashboard's risks and the deal list's `risk` filter (deals.health).
            models.Index(fields=["outcome", "earliest_open_due_date"], name="opp_outcome_open_due"),
            models.Index(fields=["outcome", "stage_entered_at"], name="opp_outcome_stage_entered"),
            models.Index(fields=["outcome", "missing_qualification_steps"], name="opp_outcome_missing_qual"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probability__gte=0, probability__lte=100), name="opp_probability_0_100"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="opp_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("deals:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.outcome == Outcome.OPEN

    @property
    def weighted_amount(self) -> Decimal:
        return (self.amount * self.probability / Decimal(100)).quantize(Decimal("0.01"))

    def clean(self) -> None:
        errors = {}
        if (
            self.outcome in (Outcome.LOST, Outcome.ABANDONED)
            and self.win_loss_reason_id is None
            and not self.outcome_reason.strip()
        ):
            errors["outcome_reason"] = _("Say why the deal was lost or abandoned.")
        if self.outcome == Outcome.WON and self.probability != 100:
            errors["probability"] = _("A won deal has a probability of 100%.")
        if self.outcome in (Outcome.LOST, Outcome.ABANDONED) and self.probability != 0:
            errors["probability"] = _("A lost or abandoned deal has a probability of 0%.")
        if errors:
            raise ValidationError(errors)


class DealRole(models.TextChoices):
    """Roles on a deal team beyond the sales owner and the presales lead, who are fields of the deal."""

    PRESALES_MEMBER = "presales_member", _("Presales member")
    COMMERCIAL = "commercial", _("Commercial")
    AFTER_SALES = "after_sales", _("After-sales")


class DealTeamMember(BaseModel):
    """Somebody else working on a deal: presales members, the commercial and after-sales contacts."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        "people.User", verbose_name=_("person"), on_delete=models.CASCADE, related_name="deal_memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=DealRole.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "user"]
        verbose_name = _("deal team member")
        verbose_name_plural = _("deal team members")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "user", "role"], name="unique_deal_member_role"),
        ]
        indexes = [models.Index(fields=["user", "opportunity"], name="deal_member_user_opp")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class OpportunityCompetitor(BaseModel):
    """A competitor in one deal, with how they stand there."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="competitor_links")
    competitor = models.ForeignKey(
        Competitor, verbose_name=_("competitor"), on_delete=models.PROTECT, related_name="deal_links"
    )
    notes = models.TextField(_("their position in this deal"), blank=True)
    is_ahead = models.BooleanField(_("ahead of us"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("competitor in deal")
        verbose_name_plural = _("competitors in deal")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "competitor"], name="unique_opportunity_competitor"),
        ]

    def __str__(self) -> str:
        return str(self.competitor)


# --- The deal's checklist: the playbook version it follows and one row per step -------------------------------------


class DealPlaybook(BaseModel):
    """Which playbook version a deal follows; moving a deal to a newer version is recorded in its history."""

    opportunity = models.OneToOneField(Opportunity, on_delete=models.CASCADE, related_name="playbook")
    playbook = models.ForeignKey(PlaybookVersion, verbose_name=_("playbook version"), on_delete=models.PROTECT)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deal playbook")
        verbose_name_plural = _("deal playbooks")

    def __str__(self) -> str:
        return f"{self.opportunity} · {self.playbook}"


class StepStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped")
    BLOCKED = "blocked", _("Blocked")


OPEN_STATUSES = (StepStatus.NOT_STARTED, StepStatus.IN_PROGRESS, StepStatus.BLOCKED)

# What a step without an owner waits for, by the step's role (docs/domain.md, The 24-step playbook).
UNASSIGNED_LABELS = {
    StepRole.SALES: _("Unassigned: needs a sales owner"),
    StepRole.SALES_MANAGER: _("Unassigned: needs a sales manager"),
    StepRole.PRESALES: _("Unassigned: needs a presales lead"),
    StepRole.PRESALES_MANAGER: _("Unassigned: needs a presales manager"),
    StepRole.COMMERCIAL: _("Unassigned: needs a commercial person"),
    StepRole.AFTER_SALES: _("Unassigned: needs an after-sales person"),
    "": _("Unassigned"),
}
FINISHED_STATUSES = (StepStatus.DONE, StepStatus.SKIPPED)


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def late_at_end_of(day: datetime.date) -> Q:
    """Due by `day` and not finished by the end of it (whatever the status now)."""
    return Q(due_date__lte=day) & (Q(completed_at__isnull=True) | Q(completed_at__gte=_end_of(day)))


def finished_in_week_ending(day: datetime.date) -> Q:
    """Finished in the seven days ending with `day`."""
    end = _end_of(day)
    return Q(completed_at__gte=end - datetime.timedelta(weeks=1), completed_at__lt=end)


class DealStepQuerySet(models.QuerySet["DealStep"]):
    def visible_to(self, user: User) -> DealStepQuerySet:
        return access.deal_records_visible_to(user, self)

    def open(self) -> DealStepQuerySet:
        """Steps still to do on deals still being pursued (actionable now or upcoming)."""
        return self.filter(status__in=OPEN_STATUSES, opportunity__outcome=Outcome.OPEN)

    def actionable(self) -> DealStepQuerySet:
        """Open steps whose stage the deal has reached: they have a due date and can be late."""
        return self.open().filter(actionable_since__isnull=False)

    def upcoming(self) -> DealStepQuerySet:
        """Open steps of stages the deal has not reached: no due date yet, never overdue."""
        return self.open().filter(actionable_since__isnull=True)

    def overdue(self, today: datetime.date) -> DealStepQuerySet:
        return self.actionable().filter(due_date__lt=today)

    def late_at_end_of(self, day: datetime.date) -> DealStepQuerySet:
        """Steps of deals still open that were past due at the end of `day` and not finished by then: a past week's
        point of the accountability board's trend."""
        return self.filter(late_at_end_of(day), opportunity__outcome=Outcome.OPEN)

    def finished_in_week_ending(self, day: datetime.date) -> DealStepQuerySet:
        """Steps of deals still open finished in the seven days ending with `day` (the board's "finished that week")."""
        return self.filter(finished_in_week_ending(day), opportunity__outcome=Outcome.OPEN)

    def unassigned(self) -> DealStepQuerySet:
        """Open steps nobody on the deal can take: they wait on a manager's queue."""
        return self.open().filter(responsible__isnull=True)

    def in_unassigned_queue_of(self, user: User) -> DealStepQuerySet:
        """The unassigned steps this person's queue shows (access.unassigned_steps_visible_to)."""
        return access.unassigned_steps_visible_to(user, self.unassigned())


class DealStep(BaseModel):
    """One step of one deal's checklist: status, due date, the one responsible person, and the typed answer."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="steps")
    definition = models.ForeignKey(StepDefinition, verbose_name=_("step"), on_delete=models.PROTECT)
    status = models.CharField(
        _("status"), max_length=20, choices=StepStatus.choices, default=StepStatus.NOT_STARTED, db_index=True
    )
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why the step was skipped or is blocked."))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # When the deal reached the step's stage: the due date counts from then (docs/domain.md, Due dates). Empty while
    # the step is upcoming (a later stage): it then has no due date and is never overdue.
    actionable_since = models.DateField(_("actionable since"), null=True, blank=True)
    # Empty when nobody on the deal has the step's role: the step waits on the matching manager's queue (never
    # silently handed to somebody of another role).
    responsible = optional_link(User, _("responsible"), on_delete=models.PROTECT, related_name="deal_steps")
    assigned_by_hand = models.BooleanField(
        _("assigned by hand"), default=False, help_text=_("Not re-resolved from the deal team when it changes.")
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = optional_link(User, _("completed by"), related_name="+")
    # Typed answer columns; which ones a step uses depends on its definition's answer kind.
    answer_choice = models.CharField(_("answer"), max_length=30, blank=True)
    answer_amount = money_field(_("amount"), null=True, blank=True)
    answer_date = models.DateField(_("date"), null=True, blank=True)
    answer_contact = optional_link(Contact, _("contact"), related_name="deal_steps")
    answer_text = models.TextField(_("notes"), blank=True)
    answer_data = models.JSONField(_("details"), default=dict, blank=True)

    objects = DealStepQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["opportunity", "definition__order"]
        verbose_name = _("deal step")
        verbose_name_plural = _("deal steps")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "definition"], name="unique_deal_step"),
            models.CheckConstraint(
                condition=~models.Q(status__in=["skipped", "blocked"]) | ~models.Q(reason=""),
                name="deal_step_reason_when_skipped_or_blocked",
            ),
            # An upcoming step has no due date: nothing can count it as late.
            models.CheckConstraint(
                condition=models.Q(actionable_since__isnull=False) | models.Q(due_date__isnull=True),
                name="deal_step_due_only_when_actionable",
            ),
        ]
        indexes = [
            models.Index(fields=["responsible", "status", "due_date"], name="deal_step_owner_status_due"),
            models.Index(fields=["status", "due_date"], name="deal_step_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity} · {self.definition}"

    def get_absolute_url(self) -> str:
        return reverse("deals:step", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.is_actionable and self.due_date is not None and self.due_date < today

    @property
    def is_actionable(self) -> bool:
        return self.actionable_since is not None

    @property
    def unassigned_label(self) -> str:
        """What an unassigned step waits for, by its role: "Unassigned: needs a presales lead"."""
        return str(UNASSIGNED_LABELS.get(self.definition.responsible_role, UNASSIGNED_LABELS[""]))

    def clean(self) -> None:
        if self.status in (StepStatus.SKIPPED, StepStatus.BLOCKED) and not self.reason.strip():
            raise ValidationError({"reason": _("Say why the step is skipped or blocked.")})


# Qualification: the answers that tell whether a deal is real (budget, pains, solution, decision, champion...).
QUALIFICATION_KINDS = (
    AnswerKind.BUDGET,
    AnswerKind.PAIN_POINTS,
    AnswerKind.SOLUTION,
    AnswerKind.STAKEHOLDERS,
    AnswerKind.CHAMPION,
    AnswerKind.COMPETITORS,
    AnswerKind.PROCUREMENT,
)


class ConflictResolution(models.TextChoices):
    KEEP_FIRST = "keep_first", _("Keep the first deal (the second is abandoned)")
    KEEP_SECOND = "keep_second", _("Keep the second deal (the first is abandoned)")
    BOTH = "both", _("Both are legitimate")
    MERGE = "merge", _("Merge into the first deal (its rep joins the team)")


class DealConflict(BaseModel):
    """Two reps' open deals for the same account and product line (撞单): flagged when the second one appears,
    resolved by a manager with a reason."""

    first = models.ForeignKey(
        Opportunity, verbose_name=_("first deal"), on_delete=models.CASCADE, related_name="conflicts_as_first"
    )
    second = models.ForeignKey(
        Opportunity, verbose_name=_("second deal"), on_delete=models.CASCADE, related_name="conflicts_as_second"
    )
    resolution = models.CharField(_("resolution"), max_length=20, choices=ConflictResolution.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    resolved_by = optional_link(User, _("resolved by"), related_name="+")
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("deal conflict")
        verbose_name_plural = _("deal conflicts")
        constraints = [models.UniqueConstraint(fields=["first", "second"], name="deal_conflict_pair")]

    def __str__(self) -> str:
        return f"{self.first} / {self.second}"

    def get_absolute_url(self) -> str:
        return reverse("deals:conflict", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return not self.resolution
