"""Technical win (技术胜出) recorded apart from the deal's outcome, and the win-probability model learnt from closed deals."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from presales import access
from presales.core.fields import optional_link
from presales.core.models import BaseModel
from presales.deals.models import Competitor
from presales.people.models import User


class Verdict(models.TextChoices):
    WIN = "win", _("Technical win")
    TIE = "tie", _("Technical tie")
    LOSS = "loss", _("Technical loss")
    NOT_ASSESSED = "not_assessed", _("Not assessed")


# The verdicts a technical win rate counts: "not assessed" is neither a win nor a loss.
ASSESSED = (Verdict.WIN, Verdict.TIE, Verdict.LOSS)


class VerdictPhase(models.TextChoices):
    """When the verdict is given: once the customer has tested or scored us (POC or bid), and again at close."""

    EVALUATION = "evaluation", _("At the POC or bid")
    CLOSE = "close", _("At close")


class TechnicalVerdictQuerySet(models.QuerySet["TechnicalVerdict"]):
    def visible_to(self, user: User) -> TechnicalVerdictQuerySet:
        return access.technical_verdicts_visible_to(user, self)


class TechnicalVerdict(BaseModel):
    """The presales lead's verdict on how our solution stood technically against a competitor, at one phase."""

    opportunity = models.ForeignKey(
        "deals.Opportunity", verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="technical_verdicts"
    )
    phase = models.CharField(_("phase"), max_length=20, choices=VerdictPhase.choices)
    verdict = models.CharField(_("technical verdict"), max_length=20, choices=Verdict.choices, db_index=True)
    competitor = optional_link(
        Competitor,
        _("against"),
        on_delete=models.PROTECT,
        related_name="technical_verdicts",
        help_text=_("The competitor the customer compared us with (leave empty when we stood alone)."),
    )
    reasons = models.TextField(_("reasons"), blank=True)
    recorded_on = models.DateField(_("recorded on"), db_index=True)
    recorded_by = models.ForeignKey(
        "people.User", verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = TechnicalVerdictQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_on", "-pk"]
        verbose_name = _("technical verdict")
        verbose_name_plural = _("technical verdicts")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "phase"], name="verdict_one_per_deal_phase"),
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} · {self.get_phase_display()}"


class TechnicalWinFigures(models.Model):
    """The technical win dashboard's counts for one person and one choice of filters, computed with that person's
    visibility: a derived result the dashboard reads while it is fresh (insights.technical.figures), never edited.

    Fresh means no verdict, deal or account was recorded, changed or deleted since (`changes_seen`,
    winning.selectors.figures_changed_stamp) and it is younger than insights.technical.FRESH_FOR, which bounds how
    long a change to what the person may see (their teams, the work given to them) takes to show.
    """

    user = models.ForeignKey("people.User", on_delete=models.CASCADE, related_name="+", verbose_name=_("person"))
    # The filters (period, team, industry, region) and the language the labels are in.
    key = models.CharField(_("filters"), max_length=200)
    changes_seen = models.BigIntegerField(_("changes counted"))
    computed_at = models.DateTimeField(_("computed"))
    data = models.JSONField(_("figures"))

    class Meta:
        verbose_name = _("technical win figures")
        verbose_name_plural = _("technical win figures")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="technical_figures_one_per_user_filters")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.key}"


class ModelStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Training")
    READY = "ready", _("Ready")
    TOO_LITTLE_HISTORY = "too_little_history", _("Too little history")
    FAILED = "failed", _("Failed")


class WinModel(models.Model):
    """One training of the win-probability model: its status and progress, hold-out metrics and the fitted model."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    status = models.CharField(_("status"), max_length=20, choices=ModelStatus.choices, default=ModelStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    requested_by = optional_link(User, _("requested by"), related_name="+")
    requested_at = models.DateTimeField(_("requested"))
    trained_at = models.DateTimeField(_("trained"), null=True, blank=True)
    closed_deals = models.PositiveIntegerField(_("closed deals"), default=0)
    # Why it was not trained or failed, as a code the page translates (see winning.learning.PROBLEMS).
    problem = models.CharField(_("problem"), max_length=40, blank=True)
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    # Better than the stage defaults on the hold-out (lower Brier score): only then do deals and the forecast use it.
    in_use = models.BooleanField(_("used for deals"), default=False)
    # The fitted scikit-learn pipeline (joblib bytes); it never leaves the database and the worker.
    fitted = models.BinaryField(_("fitted model"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["fitted", "progress"])

    class Meta:
        ordering = ["-version"]
        verbose_name = _("win-probability model")
        verbose_name_plural = _("win-probability models")

    def __str__(self) -> str:
        return f"v{self.version} · {self.get_status_display()}"

    @property
    def is_working(self) -> bool:
        return self.status in (ModelStatus.QUEUED, ModelStatus.RUNNING)


class DealWinProbability(models.Model):
    """An open deal's probability from the model in use and the reasons behind it (written by the worker only).

    A derived figure, replaced on every scoring run; its audit trail is the model's own history.
    """

    opportunity = models.OneToOneField(
        "deals.Opportunity", on_delete=models.CASCADE, related_name="win_probability", verbose_name=_("opportunity")
    )
    model = models.ForeignKey(WinModel, on_delete=models.CASCADE, related_name="scores", verbose_name=_("model"))
    probability = models.FloatField(_("probability"))
    stage_probability = models.PositiveSmallIntegerField(_("stage default (%)"))
    # [{"feature": key, "value": raw value, "points": signed percentage points}], largest effect first.
    reasons = models.JSONField(_("reasons"), default=list)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("deal win probability")
        verbose_name_plural = _("deal win probabilities")

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.probability:.0%}"

    @property
    def percent(self) -> int:
        return round(self.probability * 100)
