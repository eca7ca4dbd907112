"""Personal API tokens: a random secret shown once, stored only as its SHA-256 hash, revocable, expiring, scoped.

A token acts as its owner, within its scope: a read-only token may only read (GET, HEAD, OPTIONS); a read-write token
may do what its owner may. Every token expires (at most TOKEN_MAX_DAYS after it was made); an expired token is
refused like a revoked one.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from presales.core.concurrency import save_checked
from presales.core.history import attribute_change
from presales.core.secrets import hash_secret, new_secret

if TYPE_CHECKING:
    from presales.people.models import User

TOKEN_PREFIX = "psh_"  # noqa: S105  (a marker that makes leaked tokens easy to spot, not a secret)
# Writing "last used" on every request would turn each API read into a write; once a minute is enough.
LAST_USED_RESOLUTION = datetime.timedelta(seconds=60)
TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 365
TOKEN_DAY_CHOICES = (30, 90, 180, 365)


class TokenScope(models.TextChoices):
    READ = "read", gettext_lazy("Read only")
    WRITE = "write", gettext_lazy("Read and write")


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        """Tokens that still work: not revoked and not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A personal API token: scripts and integrations act as its owner, within its scope, until it expires."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("owner"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        gettext_lazy("name"), max_length=100, help_text=gettext_lazy("What uses it, e.g. CRM sync.")
    )
    prefix = models.CharField(gettext_lazy("starts with"), max_length=16, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(gettext_lazy("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(gettext_lazy("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(gettext_lazy("revoked"), null=True, blank=True)
    expires_at = models.DateTimeField(gettext_lazy("expires"))
    scope = models.CharField(gettext_lazy("scope"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ)

    objects = ApiTokenQuerySet.as_manager()

    history = HistoricalRecords(excluded_fields=["token_hash", "last_used_at"])

    class Meta:
        app_label = "people"
        ordering = ["-created_at", "-pk"]
        verbose_name = gettext_lazy("API token")
        verbose_name_plural = gettext_lazy("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.WRITE


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    scope: str = TokenScope.READ,
    days: int = TOKEN_DEFAULT_DAYS,
    actor: User | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token for `user` (by `actor`, the owner unless said otherwise), valid for `days` days with `scope`;
    returns the row and the secret, which is never stored and cannot be shown again."""
    actor = actor or user
    if actor.pk != user.pk and not actor.is_admin_role:
        raise PermissionDenied
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, so you know later what uses it.")})
    if not user.is_active:
        raise ValidationError(_("An inactive account cannot have API tokens."))
    if scope not in TokenScope.values:
        raise ValidationError({"scope": _("Choose read only or read and write.")})
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= TOKEN_MAX_DAYS:
        raise ValidationError({"days": _("A token lasts between 1 and %(max)s days.") % {"max": TOKEN_MAX_DAYS}})
    secret = new_secret(TOKEN_PREFIX)
    token = ApiToken(
        user=user,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        token_hash=hash_secret(secret),
        scope=scope,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    save_checked(token, actor=actor)
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token at once: its owner or an administrator may do it."""
    if token.user_id != actor.pk and not actor.is_admin_role:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        attribute_change(token, actor=actor)
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The token behind `secret` if it still works (not revoked, not expired, its owner active), or None; records
    when it was last used. The caller acts as `token.user`, within `token.scope`."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = ApiToken.objects.active().select_related("user").filter(token_hash=hash_secret(secret)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        # A usage stamp, not a change anybody made: no history row (tests/test_audit_walk.py, NOT_AUDITED).
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
