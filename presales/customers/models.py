"""Customers: accounts (industry, region, key-account flag) and their stakeholders with an org chart."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from presales import access
from presales.core.fields import optional_link
from presales.core.models import BaseModel
from presales.customers.names import NameKeysMixin
from presales.people.models import Team

if TYPE_CHECKING:
    from presales.people.models import User


class Industry(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    FINANCE = "finance", _("Finance")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    EDUCATION = "education", _("Education")
    HEALTHCARE = "healthcare", _("Healthcare")
    ENERGY = "energy", _("Energy")
    TELECOM = "telecom", _("Telecom")
    TRANSPORT = "transport", _("Transport")
    RETAIL = "retail", _("Retail")
    INTERNET = "internet", _("Internet")
    OTHER = "other", _("Other")


class Region(models.TextChoices):
    NORTH = "north", _("North China")
    EAST = "east", _("East China")
    SOUTH = "south", _("South China")
    CENTRAL = "central", _("Central China")
    SOUTHWEST = "southwest", _("Southwest China")
    NORTHWEST = "northwest", _("Northwest China")
    NORTHEAST = "northeast", _("Northeast China")
    OVERSEAS = "overseas", _("Overseas")


# The name fields of a record searched by every name it has (NameKeysMixin): accounts, competitors, product lines.


def name_in_other_language_field(*, max_length: int) -> models.CharField[Any, str]:
    return models.CharField(
        _("name in English"),
        max_length=max_length,
        blank=True,
        help_text=_("The name in the other language (English for a Chinese name, Chinese for an English one)."),
    )


def other_names_field() -> models.CharField[Any, str]:
    return models.CharField(
        _("other names"),
        max_length=300,
        blank=True,
        help_text=_("Former names, abbreviations, names in either language; separated by commas."),
    )


class AccountQuerySet(models.QuerySet["Account"]):
    def visible_to(self, user: User) -> AccountQuerySet:
        return access.accounts_visible_to(user, self)


class Account(NameKeysMixin, BaseModel):
    """A customer organisation we sell to."""

    name = models.CharField(_("name"), max_length=200)
    name_en = name_in_other_language_field(max_length=200)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    aliases = other_names_field()
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices, db_index=True)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices, db_index=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    is_key_account = models.BooleanField(_("key account"), default=False)
    owner = models.ForeignKey(
        "people.User", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="owned_accounts"
    )
    team = optional_link(
        Team,
        _("team"),
        related_name="accounts",
        help_text=_("The owner's team; its members and managers can see the account."),
    )
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    external_id = models.CharField(_("external ID"), max_length=100, blank=True, db_index=True)
    # The normalised keys of every name (customers.names.name_keys), kept by save(): duplicate check and search.
    name_keys = models.TextField(editable=False, blank=True, default="")

    objects = AccountQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["name_keys"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        indexes = [
            models.Index(fields=["team", "name"], name="account_team_name"),
            models.Index(fields=["owner", "name"], name="account_owner_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customers:account_detail", args=[self.pk])

    NAME_FIELDS = ("name", "name_en", "short_name", "aliases")


class Level(models.TextChoices):
    STAFF = "staff", _("Staff")
    MANAGER = "manager", _("Manager")
    EXECUTIVE = "executive", _("Executive")


class DecisionRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")
    INFLUENCER = "influencer", _("Influencer")
    EVALUATOR = "evaluator", _("Evaluator")
    USER = "user", _("User")
    SUPPORTER = "supporter", _("Supporter")
    BLOCKER = "blocker", _("Blocker")


class Attitude(models.TextChoices):
    CHAMPION = "champion", _("Champion")
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")
    UNKNOWN = "unknown", _("Unknown")


class ContactQuerySet(models.QuerySet["Contact"]):
    def visible_to(self, user: User) -> ContactQuerySet:
        return access.contacts_visible_to(user, self)


class Contact(BaseModel):
    """A person at the customer, seen as a stakeholder in the buying decision."""

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.STAFF)
    decision_role = models.CharField(
        _("decision role"), max_length=20, choices=DecisionRole.choices, default=DecisionRole.USER
    )
    attitude = models.CharField(_("attitude"), max_length=20, choices=Attitude.choices, default=Attitude.UNKNOWN)
    influence = models.PositiveSmallIntegerField(
        _("influence"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (low) to 5 (high)"),
    )
    reports_to: models.ForeignKey[Contact | None, Contact | None] = optional_link(
        "self", _("reports to"), related_name="direct_reports"
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    external_id = models.CharField(_("external ID"), max_length=100, blank=True, db_index=True)

    objects = ContactQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["account", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(influence__gte=1, influence__lte=5), name="contact_influence_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.title})" if self.title else self.name

    def get_absolute_url(self) -> str:
        return reverse("customers:contact_detail", args=[self.pk])

    def clean(self) -> None:
        if self.reports_to_id is None:
            return
        if self.reports_to_id == self.pk:
            raise ValidationError({"reports_to": _("A person cannot report to themselves.")})
        boss = self.reports_to
        if boss is not None and boss.account_id != self.account_id:
            raise ValidationError({"reports_to": _("Choose someone at the same account.")})
        # Walk up the chain: a loop would make the org chart impossible to draw.
        seen = {self.pk}
        while boss is not None:
            if boss.pk in seen:
                raise ValidationError({"reports_to": _("This would make a reporting loop.")})
            seen.add(boss.pk)
            boss = boss.reports_to


class AccountMerge(models.Model):
    """The record of two accounts made one (客户合并): who merged which into which, why, and what moved.

    The merged account is gone afterwards; its name, id and every moved row's count stay here (and in the history of
    each moved row and of both accounts).
    """

    survivor = models.ForeignKey(
        Account, verbose_name=_("kept account"), null=True, on_delete=models.SET_NULL, related_name="merges"
    )
    merged_account_id = models.PositiveBigIntegerField(_("merged account ID"))
    merged_name = models.CharField(_("merged account"), max_length=200)
    moved = models.JSONField(_("moved"), default=dict, help_text=_("How many rows of each kind moved."))
    reason = models.TextField(_("reason"), blank=True)
    merged_by = models.ForeignKey(
        "people.User", verbose_name=_("merged by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(_("merged"), auto_now_add=True)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        verbose_name = _("account merge")
        verbose_name_plural = _("account merges")

    def __str__(self) -> str:
        return f"{self.merged_name} → {self.survivor or '—'}"
