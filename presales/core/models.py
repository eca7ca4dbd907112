"""Shared model pieces: time stamps and the version number that guards against lost updates."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The columns BaseModel adds: kept by the database and the services, shown read-only where a form shows a record whole
# (the admin).
STAMP_FIELDS = ("version", "created_at", "updated_at")


class BaseModel(models.Model):
    """Every business record: when it was created and changed, and a version bumped on each save."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True
