"""Evaluation (docs/domain.md, Scorecards): capability rubric and scores, sales ratings, win/loss debriefs, visit quotas, scorecard periods."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from presales import access
from presales.core.fields import optional_link
from presales.core.i18n import english_or
from presales.core.models import BaseModel
from presales.deals.models import Competitor
from presales.people.models import User
from presales.scoring.formulas import MONTH, QUARTER, WEEK
from presales.work.models import SupportRequest

MARK_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class PeriodKind(models.TextChoices):
    WEEK = WEEK, _("Week")
    MONTH = MONTH, _("Month")
    QUARTER = QUARTER, _("Quarter")


class CapabilityDimension(BaseModel):
    """One line of the capability rubric (技术深度, 方案设计与写作, ...), editable by a presales manager."""

    key = models.SlugField(_("key"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    description = models.TextField(_("what a 5 looks like"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("capability dimension")
        verbose_name_plural = _("capability dimensions")

    def __str__(self) -> str:
        return english_or(self.name, self.name_en)


class CapabilityScoreQuerySet(models.QuerySet["CapabilityScore"]):
    def visible_to(self, user: User) -> CapabilityScoreQuerySet:
        return access.scorecard_records_visible_to(user, self)


class CapabilityScore(BaseModel):
    """A manager's 1–5 mark with a comment for one engineer, one dimension and one week or month."""

    engineer = models.ForeignKey(
        "people.User", verbose_name=_("engineer"), on_delete=models.CASCADE, related_name="capability_scores"
    )
    dimension = models.ForeignKey(
        CapabilityDimension, verbose_name=_("dimension"), on_delete=models.PROTECT, related_name="scores"
    )
    period_kind = models.CharField(
        _("period"), max_length=10, choices=[(WEEK, _("Week")), (MONTH, _("Month"))], default=MONTH
    )
    period_start = models.DateField(_("period start"))
    score = models.PositiveSmallIntegerField(_("score"), validators=MARK_VALIDATORS)
    comment = models.TextField(_("comment"), blank=True)
    scored_by = models.ForeignKey(
        "people.User", verbose_name=_("scored by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = CapabilityScoreQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start", "dimension__order"]
        verbose_name = _("capability score")
        verbose_name_plural = _("capability scores")
        constraints = [
            models.UniqueConstraint(
                fields=["engineer", "dimension", "period_kind", "period_start"], name="unique_capability_score"
            ),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="capability_score_1_5"),
        ]
        indexes = [models.Index(fields=["engineer", "period_start"], name="capability_engineer_period")]

    def __str__(self) -> str:
        return f"{self.engineer} · {self.dimension} · {self.score}"


class RatingOccasion(models.TextChoices):
    REQUEST_DONE = "request_done", _("Support request done")
    DEAL_CLOSED = "deal_closed", _("Supported deal closed")


class SalesRatingQuerySet(models.QuerySet["SalesRating"]):
    def visible_to(self, user: User) -> SalesRatingQuerySet:
        return access.sales_ratings_visible_to(user, self)


class SalesRating(BaseModel):
    """A sales owner's 1–5 rating of the presales support on one request or one closed deal."""

    rater = models.ForeignKey("people.User", verbose_name=_("rated by"), on_delete=models.PROTECT, related_name="+")
    engineer = models.ForeignKey(
        "people.User", verbose_name=_("engineer"), on_delete=models.CASCADE, related_name="sales_ratings"
    )
    opportunity = models.ForeignKey(
        "deals.Opportunity", verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="sales_ratings"
    )
    request = optional_link(
        SupportRequest, _("support request"), on_delete=models.CASCADE, related_name="sales_ratings"
    )
    occasion = models.CharField(_("occasion"), max_length=20, choices=RatingOccasion.choices)
    responsiveness = models.PositiveSmallIntegerField(_("responsiveness"), validators=MARK_VALIDATORS)
    quality = models.PositiveSmallIntegerField(_("quality"), validators=MARK_VALIDATORS)
    impact = models.PositiveSmallIntegerField(_("impact on the deal"), validators=MARK_VALIDATORS)
    comment = models.TextField(_("comment"), blank=True)
    rated_on = models.DateField(_("rated on"))

    objects = SalesRatingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-rated_on", "-pk"]
        verbose_name = _("sales rating")
        verbose_name_plural = _("sales ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "rater"], condition=Q(request__isnull=False), name="one_rating_per_request_rater"
            ),
            models.UniqueConstraint(
                fields=["opportunity", "rater"],
                condition=Q(request__isnull=True),
                name="one_deal_rating_per_rater",
            ),
            models.CheckConstraint(
                condition=Q(responsiveness__gte=1, responsiveness__lte=5, quality__gte=1, quality__lte=5)
                & Q(impact__gte=1, impact__lte=5),
                name="sales_rating_marks_1_5",
            ),
        ]
        indexes = [models.Index(fields=["engineer", "rated_on"], name="rating_engineer_date")]

    def __str__(self) -> str:
        return f"{self.engineer} · {self.opportunity} · {self.mean}"

    @property
    def mean(self) -> float:
        return round((self.responsiveness + self.quality + self.impact) / 3, 2)


class DebriefReason(models.TextChoices):
    PRICE = "price", _("Price")
    PRODUCT_FIT = "product_fit", _("Product fit")
    SOLUTION = "solution", _("Solution and demo")
    RELATIONSHIP = "relationship", _("Customer relationship")
    COMPETITOR = "competitor", _("Competitor strength")
    COMMERCIAL_TERMS = "commercial_terms", _("Commercial terms")
    BUDGET_TIMING = "budget_timing", _("Budget or timing")
    DELIVERY = "delivery", _("Delivery and service")
    OTHER = "other", _("Other")


class DebriefRole(models.TextChoices):
    SALES_OWNER = "sales_owner", _("Sales owner")
    PRESALES_LEAD = "presales_lead", _("Presales lead")
    PRESALES_MEMBER = "presales_member", _("Presales member")
    COMMERCIAL = "commercial", _("Commercial")
    AFTER_SALES = "after_sales", _("After-sales")


class WinLossDebriefQuerySet(models.QuerySet["WinLossDebrief"]):
    def visible_to(self, user: User) -> WinLossDebriefQuerySet:
        return access.deal_records_visible_to(user, self)


class WinLossDebrief(BaseModel):
    """One deal-team member's account of why a closed deal was won or lost: reason, competitor and product gap."""

    opportunity = models.ForeignKey(
        "deals.Opportunity", verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="debriefs"
    )
    author = models.ForeignKey("people.User", verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role on the deal"), max_length=20, choices=DebriefRole.choices)
    outcome = models.CharField(_("outcome"), max_length=10)
    main_reason = models.CharField(_("main reason"), max_length=20, choices=DebriefReason.choices)
    explanation = models.TextField(_("what happened"), blank=True)
    competitor = optional_link(Competitor, _("competitor that mattered"), related_name="debriefs")
    product_gap = models.TextField(_("product gap behind the result"), blank=True)

    objects = WinLossDebriefQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("win/loss debrief")
        verbose_name_plural = _("win/loss debriefs")
        constraints = [models.UniqueConstraint(fields=["opportunity", "author"], name="one_debrief_per_member")]

    def __str__(self) -> str:
        return f"{self.opportunity} · {self.author}"


class VisitQuotaChange(models.Model):
    """A change of an engineer's weekly visit quota from a given week: the history that tells which quota applied."""

    engineer = models.ForeignKey(
        "people.User", verbose_name=_("engineer"), on_delete=models.CASCADE, related_name="visit_quota_changes"
    )
    quota = models.PositiveSmallIntegerField(_("weekly visit quota"), validators=[MaxValueValidator(50)])
    previous_quota = models.PositiveSmallIntegerField(_("quota before"))
    effective_from = models.DateField(_("from the week of"))
    changed_by = models.ForeignKey(
        "people.User", verbose_name=_("changed by"), on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["-effective_from", "-pk"]
        verbose_name = _("visit quota change")
        verbose_name_plural = _("visit quota changes")
        constraints = [
            models.UniqueConstraint(fields=["engineer", "effective_from"], name="one_quota_change_per_week"),
        ]

    def __str__(self) -> str:
        return f"{self.engineer}: {self.quota} from {self.effective_from}"


class ScoringWeights(BaseModel):
    """The weights of the scorecard parts (one row; default 40/20/20/20, and 0 for the optional technical win rate)."""

    results = models.PositiveSmallIntegerField(_("results"), default=40, validators=[MaxValueValidator(100)])
    visits = models.PositiveSmallIntegerField(_("visits"), default=20, validators=[MaxValueValidator(100)])
    capability = models.PositiveSmallIntegerField(_("capability"), default=20, validators=[MaxValueValidator(100)])
    rating = models.PositiveSmallIntegerField(_("sales rating"), default=20, validators=[MaxValueValidator(100)])
    technical = models.PositiveSmallIntegerField(
        _("technical win rate"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("Technical wins ÷ assessed verdicts at close on the deals the engineer leads; 0 leaves it out."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scoring weights")
        verbose_name_plural = _("scoring weights")

    def __str__(self) -> str:
        return f"{self.results}/{self.visits}/{self.capability}/{self.rating}/{self.technical}"

    def as_dict(self) -> dict[str, int]:
        return {
            "results": self.results,
            "visits": self.visits,
            "capability": self.capability,
            "rating": self.rating,
            "technical": self.technical,
        }


class PeriodStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("scoring period status", "Open")
    CLOSED = "closed", _("Closed")


class ScoringPeriod(BaseModel):
    """A week, month or quarter that can be closed (its scorecards frozen) and reopened; history records both."""

    kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    status = models.CharField(_("status"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    closed_by = optional_link(User, _("closed by"), related_name="+")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start", "kind"]
        verbose_name = _("scoring period")
        verbose_name_plural = _("scoring periods")
        constraints = [models.UniqueConstraint(fields=["kind", "start"], name="unique_scoring_period")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start}"

    @property
    def is_closed(self) -> bool:
        return self.status == PeriodStatus.CLOSED


class ScorecardSnapshot(models.Model):
    """A frozen scorecard of a closed period: the key figures as columns, everything behind them in `data`."""

    period = models.ForeignKey(ScoringPeriod, on_delete=models.CASCADE, related_name="snapshots")
    engineer = models.ForeignKey("people.User", on_delete=models.CASCADE, related_name="scorecard_snapshots")
    team = models.ForeignKey("people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    composite = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    rank = models.PositiveIntegerField(null=True)
    data = models.JSONField()
    frozen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rank", "engineer_id"]
        verbose_name = _("scorecard snapshot")
        verbose_name_plural = _("scorecard snapshots")
        constraints = [models.UniqueConstraint(fields=["period", "engineer"], name="one_snapshot_per_engineer")]

    def __str__(self) -> str:
        return f"{self.engineer_id} · {self.period}"
