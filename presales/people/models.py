"""People: users with one of the seven roles, teams with a manager, skills, capacity and quotas."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history import register
from simple_history.models import HistoricalRecords

from presales.core.fields import money_field, optional_link
from presales.core.i18n import english_or
from presales.core.models import BaseModel


class Role(models.TextChoices):
    """The seven roles (docs/domain.md, Roles)."""

    SALES = "sales", _("Sales rep")
    SALES_MANAGER = "sales_manager", _("Sales manager")
    PRESALES = "presales", _("Presales engineer")
    PRESALES_MANAGER = "presales_manager", _("Presales manager")
    COMMERCIAL = "commercial", _("Commercial")
    AFTER_SALES = "after_sales", _("After-sales")
    ADMIN = "admin", _("Administrator")


MANAGER_ROLES = {Role.SALES_MANAGER, Role.PRESALES_MANAGER}
PRESALES_ROLES = {Role.PRESALES, Role.PRESALES_MANAGER}
SALES_ROLES = {Role.SALES, Role.SALES_MANAGER}


class TeamKind(models.TextChoices):
    SALES = "sales", _("Sales")
    PRESALES = "presales", _("Presales")
    COMMERCIAL = "commercial", _("Commercial")
    AFTER_SALES = "after_sales", _("After-sales")
    MANAGEMENT = "management", _("Management")


class Team(BaseModel):
    """A group of people with one manager; a team inside another forms a department."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=TeamKind.choices, default=TeamKind.SALES)
    manager: models.ForeignKey[User | None, User | None] = optional_link(
        "people.User", _("manager"), related_name="managed_teams"
    )
    parent: models.ForeignKey[Team | None, Team | None] = optional_link("self", _("part of"), related_name="children")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # A team inside one of its own sub-teams would make the tree a loop (and a manager's scope endless).
        parent = self.parent
        seen = {self.pk} if self.pk else set()
        while parent is not None:
            if parent.pk in seen:
                raise ValidationError({"parent": _("A team cannot be part of itself or of one of its sub-teams.")})
            seen.add(parent.pk)
            parent = parent.parent


class PresalesUserManager(UserManager["User"]):
    def active(self) -> models.QuerySet[User]:
        return self.filter(is_active=True)


class User(AbstractUser):
    """A person who signs in: their role, team, language, time zone, capacity and targets."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SALES, db_index=True)
    team = optional_link(Team, _("team"), related_name="members")
    title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=[("", _("Same as the browser")), ("zh-hans", "简体中文"), ("en", "English")],
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    # In-app notifications are always on; e-mail is the person's choice (chat robots: notifications.ChatRobot).
    email_notifications = models.BooleanField(_("notifications by e-mail"), default=True)
    weekly_capacity_hours = models.DecimalField(
        _("weekly capacity (hours)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("40.0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    weekly_visit_quota = models.PositiveSmallIntegerField(
        _("weekly visit quota"), default=3, validators=[MaxValueValidator(50)]
    )
    revenue_target = money_field(
        _("annual revenue target"), default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    is_executive = models.BooleanField(_("executive"), default=False)

    objects: ClassVar[PresalesUserManager] = PresalesUserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["display_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGER_ROLES

    @property
    def is_presales(self) -> bool:
        return self.role in PRESALES_ROLES

    @property
    def is_sales(self) -> bool:
        return self.role in SALES_ROLES


class Skill(BaseModel):
    """A technical or industry skill presales work can need (network, database, 政务, ...)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return english_or(self.name, self.name_en)


class UserSkill(models.Model):
    """How well a person masters a skill, 1 (beginner) to 5 (expert)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, verbose_name=_("skill"), on_delete=models.CASCADE, related_name="holders")
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(1), MaxValueValidator(5)], default=3
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("skill level")
        verbose_name_plural = _("skill levels")
        constraints = [
            models.UniqueConstraint(fields=["user", "skill"], name="unique_user_skill"),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="user_skill_level_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ({self.level})"


class MfaRequirement(models.Model):
    """A role whose people must set up two-factor sign-in before they use the app (an administrator adds it)."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["role"]
        verbose_name = _("MFA requirement")
        verbose_name_plural = _("MFA requirements")

    def __str__(self) -> str:
        return str(self.get_role_display())


# The audit trail of sign-in methods (allauth's models): who added or removed a second factor, and which company
# sign-in accounts were linked, by whom. The secrets and the provider's raw data stay out of the history.
register(Authenticator, app="presales.people", excluded_fields=["data"])
register(SocialAccount, app="presales.people", excluded_fields=["extra_data"])

from presales.people.tokens import ApiToken  # noqa: E402, F401  (personal API tokens live in their own module)
