"""Opportunities: amount, close date, deal team, both process stages, competitors and the outcome."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from presales import access
from presales.core.models import BaseModel

if TYPE_CHECKING:
    from presales.people.models import User


class ThreatLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Competitor(BaseModel):
    """A competing vendor, shared by every deal it appears in."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    threat_level = models.CharField(
        _("threat level"), max_length=10, choices=ThreatLevel.choices, default=ThreatLevel.MEDIUM
    )
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    website = models.URLField(_("website"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("competitor")
        verbose_name_plural = _("competitors")

    def __str__(self) -> str:
        return self.name


class Outcome(models.TextChoices):
    OPEN = "open", pgettext_lazy("deal outcome", "Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    ABANDONED = "abandoned", _("Abandoned")


class Currency(models.TextChoices):
    CNY = "CNY", _("CNY (¥)")
    USD = "USD", _("USD ($)")
    EUR = "EUR", _("EUR (€)")
    HKD = "HKD", _("HKD (HK$)")


class OpportunityQuerySet(models.QuerySet["Opportunity"]):
    def visible_to(self, user: User) -> OpportunityQuerySet:
        return access.opportunities_visible_to(user, self)

    def open(self) -> OpportunityQuerySet:
        return self.filter(outcome=Outcome.OPEN)

    def closed(self) -> OpportunityQuerySet:
        return self.exclude(outcome=Outcome.OPEN)

    def with_list_relations(self) -> OpportunityQuerySet:
        return self.select_related("account", "stage", "sales_owner", "presales_lead", "team")


class Opportunity(BaseModel):
    """A deal we are pursuing at an account, with its team, stage, value and result."""

    account = models.ForeignKey(
        "customers.Account", verbose_name=_("account"), on_delete=models.PROTECT, related_name="opportunities"
    )
    name = models.CharField(_("name"), max_length=200)
    amount = models.DecimalField(
        _("amount"), max_digits=16, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    expected_close_date = models.DateField(_("expected close date"))
    stage = models.ForeignKey(
        "playbook.Stage", verbose_name=_("stage"), on_delete=models.PROTECT, related_name="opportunities"
    )
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), default=10, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    sales_owner = models.ForeignKey(
        "people.User", verbose_name=_("sales owner"), on_delete=models.PROTECT, related_name="owned_opportunities"
    )
    presales_lead = models.ForeignKey(
        "people.User",
        verbose_name=_("presales lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_opportunities",
    )
    team = models.ForeignKey(
        "people.Team",
        verbose_name=_("sales team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    presales_team = models.ForeignKey(
        "people.Team",
        verbose_name=_("presales team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="presales_opportunities",
    )
    competitors: models.ManyToManyField[Competitor, OpportunityCompetitor] = models.ManyToManyField(
        Competitor, verbose_name=_("competitors"), through="OpportunityCompetitor", blank=True
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN, db_index=True
    )
    outcome_reason = models.TextField(_("outcome reason"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    external_id = models.CharField(_("external ID"), max_length=100, blank=True, db_index=True)

    objects = OpportunityQuerySet.as_manager()
    history = HistoricalRecords()

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
        if self.outcome in (Outcome.LOST, Outcome.ABANDONED) and not self.outcome_reason.strip():
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
