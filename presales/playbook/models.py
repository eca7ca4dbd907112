"""Process definitions: the paired stages and the versioned 24-step playbook (each deal's checklist lives in deals)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from presales.core.fields import choice_labels, unknown_choices
from presales.core.i18n import english_or
from presales.core.models import BaseModel
from presales.people.models import Role


class Stage(BaseModel):
    """One row of the paired stages (docs/domain.md, Stages): a customer procurement stage and the vendor sales stage paired with it."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    short_name = models.CharField(_("short name"), max_length=50)
    short_name_en = models.CharField(_("short name (English)"), max_length=50, blank=True)
    customer_name = models.CharField(_("customer procurement stage"), max_length=200)
    customer_name_en = models.CharField(_("customer procurement stage (English)"), max_length=200, blank=True)
    customer_department = models.CharField(_("customer department"), max_length=50, blank=True)
    customer_department_en = models.CharField(_("customer department (English)"), max_length=50, blank=True)
    vendor_name = models.CharField(_("vendor sales stage"), max_length=200)
    vendor_name_en = models.CharField(_("vendor sales stage (English)"), max_length=200, blank=True)
    vendor_department = models.CharField(_("vendor department"), max_length=50, blank=True)
    vendor_department_en = models.CharField(_("vendor department (English)"), max_length=50, blank=True)
    default_probability = models.PositiveSmallIntegerField(
        _("default probability (%)"), default=10, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    is_after_sale = models.BooleanField(
        _("after the sale"), default=False, help_text=_("Implementation and collection follow a signed deal.")
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")

    def __str__(self) -> str:
        return f"{self.number}. {self.label}"

    @property
    def label(self) -> str:
        """Short name for boards and filters."""
        return english_or(self.short_name, self.short_name_en)

    @property
    def vendor(self) -> str:
        """Our sales stage in the article's words: department, then what it does."""
        return f"{english_or(self.vendor_department, self.vendor_department_en)}: {english_or(self.vendor_name, self.vendor_name_en)}"

    @property
    def customer(self) -> str:
        """The customer's procurement stage in the article's words."""
        return f"{english_or(self.customer_department, self.customer_department_en)}: {english_or(self.customer_name, self.customer_name_en)}"


class StepRole(models.TextChoices):
    """Who a step belongs to in the responsibility matrix (docs/domain.md, The 24-step playbook: the R and C columns)."""

    # The same values as the people's roles (presales.people.models.Role), so a step's role names a kind of person.
    SALES = Role.SALES.value, _("Sales")
    SALES_MANAGER = Role.SALES_MANAGER.value, _("Sales manager")
    PRESALES = Role.PRESALES.value, _("Presales")
    PRESALES_MANAGER = Role.PRESALES_MANAGER.value, _("Presales manager")
    COMMERCIAL = Role.COMMERCIAL.value, _("Commercial")
    AFTER_SALES = Role.AFTER_SALES.value, _("After-sales")


# Who can take a step of each role: people of that role, and the managers of it (the unassigned queue's candidates).
STEP_ROLE_TAKERS: dict[str, tuple[str, ...]] = {
    StepRole.SALES: (Role.SALES, Role.SALES_MANAGER),
    StepRole.SALES_MANAGER: (Role.SALES_MANAGER,),
    StepRole.PRESALES: (Role.PRESALES, Role.PRESALES_MANAGER),
    StepRole.PRESALES_MANAGER: (Role.PRESALES_MANAGER,),
    StepRole.COMMERCIAL: (Role.COMMERCIAL,),
    StepRole.AFTER_SALES: (Role.AFTER_SALES,),
}


class AnswerKind(models.TextChoices):
    """What a step captures; each kind has its own form and writes to the deal's own records where they exist."""

    ANALYSIS = "analysis", _("Source and fit")
    CONTACT = "contact", _("Contact and date")
    BUDGET = "budget", _("Budget status and amount")
    QUOTE = "quote", _("Quote amount and configuration")
    GO_NO_GO = "go_no_go", _("Go / no-go and investment level")
    PAIN_POINTS = "pain_points", _("Pain points")
    PAIN_SOLVABLE = "pain_solvable", _("Can each pain be solved")
    SOLUTION = "solution", _("Solution accepted and its document")
    YES_NO = "yes_no", _("Yes / no")
    POC = "poc", _("POC criteria and result")
    COMPETITORS = "competitors", _("Competitors and differentiators")
    STAKEHOLDERS = "stakeholders", _("Decision maker and decision method")
    CHAMPION = "champion", _("Champion")
    AMOUNT = "amount", _("Amount")
    PROCUREMENT = "procurement", _("Procurement method")
    RISKS = "risks", _("Risks with levels")
    ORDER_DATE = "order_date", _("Expected order date")
    ORDER = "order", _("Order number and terms")
    REVIEW = "review", _("Review status")
    SIGNED = "signed", _("Signed date and amount")
    NONE = "none", _("Nothing to record")


class DueRule(models.TextChoices):
    AFTER_PREVIOUS = "after_previous", _("Days after the previous step")
    BEFORE_CLOSE = "before_close", _("Days before the expected close date")


class PlaybookVersionQuerySet(models.QuerySet["PlaybookVersion"]):
    def published(self) -> PlaybookVersionQuerySet:
        return self.filter(published_at__isnull=False)

    def current(self) -> PlaybookVersion | None:
        """The newest published version: new deals start on it."""
        return self.published().order_by("-number").first()


class PlaybookVersion(BaseModel):
    """One edition of the playbook; a draft until published, then frozen so open deals keep their steps."""

    number = models.PositiveIntegerField(_("number"), unique=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = PlaybookVersionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("playbook version")
        verbose_name_plural = _("playbook versions")

    def __str__(self) -> str:
        return _("Playbook v%(number)s") % {"number": self.number}

    @property
    def is_draft(self) -> bool:
        return self.published_at is None


class StepDefinition(BaseModel):
    """One step of a playbook version: its wording, owner role, consulted roles, stage, answer and due rule."""

    playbook = models.ForeignKey(PlaybookVersion, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    key = models.SlugField(
        _("key"), max_length=50, help_text=_("Stays the same across versions so deals keep their answers.")
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    responsible_role = models.CharField(_("responsible"), max_length=20, choices=StepRole.choices)
    consulted_roles = models.JSONField(_("consulted"), default=list, blank=True)
    stage = models.ForeignKey(Stage, verbose_name=_("vendor stage"), on_delete=models.PROTECT, related_name="steps")
    answer_kind = models.CharField(_("captured answer"), max_length=20, choices=AnswerKind.choices)
    due_rule = models.CharField(_("due-date rule"), max_length=20, choices=DueRule.choices)
    due_days = models.PositiveSmallIntegerField(_("days"), default=7, validators=[MaxValueValidator(365)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["playbook", "order"]
        verbose_name = _("playbook step")
        verbose_name_plural = _("playbook steps")
        constraints = [
            models.UniqueConstraint(fields=["playbook", "order"], name="unique_step_order"),
            models.UniqueConstraint(fields=["playbook", "key"], name="unique_step_key"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    @property
    def name(self) -> str:
        return english_or(self.name_zh, self.name_en)

    def consulted_labels(self) -> list[str]:
        return choice_labels(StepRole, self.consulted_roles)

    def clean(self) -> None:
        if unknown := unknown_choices(StepRole, self.consulted_roles):
            raise ValidationError({"consulted_roles": _("Unknown role: %(roles)s") % {"roles": unknown}})
