"""The sales forecast: each deal's forecast category (from its stage, or set by its owner with a note), quotas per
person and team per month and quarter, the managers' own calls, and the weekly snapshots of the open pipeline."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from presales import access
from presales.core.fields import money_field, optional_link
from presales.core.models import BaseModel
from presales.people.models import Team, User


class Category(models.TextChoices):
    """Forecast categories as Salesforce and the Chinese CRMs (销售易, 纷享销客) name them; closed = won."""

    PIPELINE = "pipeline", pgettext_lazy("forecast category", "Pipeline")
    BEST_CASE = "best_case", pgettext_lazy("forecast category", "Best case")
    COMMIT = "commit", pgettext_lazy("forecast category", "Commit")
    CLOSED = "closed", pgettext_lazy("forecast category", "Closed")


# What an open deal can be put in: "closed" is not chosen, a won deal is closed.
OPEN_CATEGORIES = (Category.PIPELINE, Category.BEST_CASE, Category.COMMIT)
OPEN_CATEGORY_CHOICES = [(c.value, c.label) for c in OPEN_CATEGORIES]

# The default category of each vendor sales stage (docs/domain.md, Forecast) when an administrator has not set one:
# before the POC it is only pipeline; POC and bid make it a best case; negotiation and later are commit.
DEFAULT_STAGE_CATEGORY: dict[int, str] = {
    1: Category.PIPELINE,
    2: Category.PIPELINE,
    3: Category.PIPELINE,
    4: Category.BEST_CASE,
    5: Category.BEST_CASE,
    6: Category.COMMIT,
    7: Category.COMMIT,
    8: Category.COMMIT,
}


class StageCategory(BaseModel):
    """An administrator's choice of the forecast category a stage gives its open deals (else the default above)."""

    stage = models.OneToOneField(
        "playbook.Stage", verbose_name=_("stage"), on_delete=models.CASCADE, related_name="forecast_category"
    )
    category = models.CharField(_("forecast category"), max_length=20, choices=OPEN_CATEGORY_CHOICES)

    history = HistoricalRecords()

    class Meta:
        ordering = ["stage__number"]
        verbose_name = _("stage forecast category")
        verbose_name_plural = _("stage forecast categories")

    def __str__(self) -> str:
        return f"{self.stage}: {self.get_category_display()}"


class CategoryOverrideQuerySet(models.QuerySet["CategoryOverride"]):
    def visible_to(self, user: object) -> CategoryOverrideQuerySet:
        return access.forecast_records_visible_to(user, self)  # type: ignore[arg-type]


class CategoryOverride(BaseModel):
    """The deal owner's (or their manager's) own forecast category for an open deal, with why; it replaces the
    stage's category until it is cleared."""

    opportunity = models.OneToOneField(
        "deals.Opportunity", verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="forecast_override"
    )
    category = models.CharField(_("forecast category"), max_length=20, choices=OPEN_CATEGORY_CHOICES)
    note = models.TextField(_("note"))
    set_by = models.ForeignKey(
        "people.User", verbose_name=_("set by"), on_delete=models.PROTECT, related_name="forecast_overrides"
    )

    objects = CategoryOverrideQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("forecast category override")
        verbose_name_plural = _("forecast category overrides")

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.get_category_display()}"


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


class Quota(BaseModel):
    """What a person or a team should close in a month or a quarter (company currency)."""

    person = optional_link(User, _("person"), on_delete=models.CASCADE, related_name="forecast_quotas")
    team = optional_link(Team, _("team"), on_delete=models.CASCADE, related_name="quotas")
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    amount = money_field(_("quota"), validators=[MinValueValidator(Decimal("0"))])

    history = HistoricalRecords()

    class Meta:
        ordering = ["period_start", "period_kind", "pk"]
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(team__isnull=True))
                | (Q(person__isnull=True) & Q(team__isnull=False)),
                name="quota_person_or_team",
            ),
            models.UniqueConstraint(
                fields=["person", "period_kind", "period_start"],
                condition=Q(person__isnull=False),
                name="unique_person_quota",
            ),
            models.UniqueConstraint(
                fields=["team", "period_kind", "period_start"],
                condition=Q(team__isnull=False),
                name="unique_team_quota",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="quota_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.person or self.team} {self.period_kind} {self.period_start}: {self.amount}"

    def clean(self) -> None:
        if (self.person_id is None) == (self.team_id is None):
            raise ValidationError(_("A quota is for one person or one team."))


class ManagerCall(BaseModel):
    """A team manager's own forecast for a period (what they call), with their note, beside the reps' figures."""

    team = models.ForeignKey("people.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="calls")
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    amount = money_field(_("call"), validators=[MinValueValidator(Decimal("0"))])
    note = models.TextField(_("note"), blank=True)
    made_by = models.ForeignKey(
        "people.User", verbose_name=_("made by"), on_delete=models.PROTECT, related_name="forecast_calls"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["period_start", "team"]
        verbose_name = _("manager's call")
        verbose_name_plural = _("managers' calls")
        constraints = [
            models.UniqueConstraint(fields=["team", "period_kind", "period_start"], name="unique_manager_call"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="call_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.period_kind} {self.period_start}: {self.amount}"


class Snapshot(models.Model):
    """The open pipeline as it stood at the start of a week (taken by the worker, once per week)."""

    week_start = models.DateField(_("week starting"), unique=True)
    taken_at = models.DateTimeField(_("taken at"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["-week_start"]
        verbose_name = _("forecast snapshot")
        verbose_name_plural = _("forecast snapshots")

    def __str__(self) -> str:
        return self.week_start.isoformat()

    @property
    def week_end(self) -> datetime.date:
        return self.week_start + datetime.timedelta(days=6)


class SnapshotRowQuerySet(models.QuerySet["SnapshotRow"]):
    def visible_to(self, user: object) -> SnapshotRowQuerySet:
        return access.forecast_records_visible_to(user, self)  # type: ignore[arg-type]


class SnapshotRow(models.Model):
    """One open deal in a snapshot: its category, amount (company currency), close date, stage, owner and team."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="rows")
    opportunity = models.ForeignKey(
        "deals.Opportunity", verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="snapshot_rows"
    )
    category = models.CharField(_("forecast category"), max_length=20, choices=Category.choices)
    amount = models.DecimalField(_("amount"), max_digits=24, decimal_places=2)
    expected_close_date = models.DateField(_("expected close date"))
    stage = models.ForeignKey("playbook.Stage", verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey("people.User", verbose_name=_("sales owner"), on_delete=models.PROTECT, related_name="+")
    team = optional_link(Team, _("sales team"), related_name="+")

    objects = SnapshotRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("snapshot row")
        verbose_name_plural = _("snapshot rows")
        constraints = [models.UniqueConstraint(fields=["snapshot", "opportunity"], name="unique_snapshot_deal")]

    def __str__(self) -> str:
        return f"{self.snapshot} #{self.opportunity_id}"
