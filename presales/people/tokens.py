"""Personal API tokens: a random secret shown once, stored only as its SHA-256 hash, revocable."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from presales.core.secrets import hash_secret, new_secret

if TYPE_CHECKING:
    from presales.people.models import User

TOKEN_PREFIX = "psh_"  # noqa: S105  (a marker that makes leaked tokens easy to spot, not a secret)
# Writing "last used" on every request would turn each API read into a write; once a minute is enough.
LAST_USED_RESOLUTION = datetime.timedelta(seconds=60)


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal API token: scripts and integrations act as its owner, with the owner's rights."""

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

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        app_label = "people"
        ordering = ["-created_at", "-pk"]
        verbose_name = gettext_lazy("API token")
        verbose_name_plural = gettext_lazy("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token for `user`; returns the row and the secret, which is never stored and cannot be shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, so you know later what uses it.")})
    if not user.is_active:
        raise ValidationError(_("An inactive account cannot have API tokens."))
    secret = new_secret(TOKEN_PREFIX)
    token = ApiToken(user=user, name=name, prefix=secret[: len(TOKEN_PREFIX) + 6], token_hash=hash_secret(secret))
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token at once: its owner or an administrator may do it."""
    if token.user_id != actor.pk and not actor.is_admin_role:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(secret: str) -> User | None:
    """The active user behind an unrevoked token, or None; records when the token was last used."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = ApiToken.objects.active().select_related("user").filter(token_hash=hash_secret(secret)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
