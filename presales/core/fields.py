"""Field declarations that recur across the apps' models, written once."""

from __future__ import annotations

from typing import Any

from django.db import models


def optional_link(
    to: Any, verbose_name: Any, *, related_name: str, on_delete: Any = models.SET_NULL, **options: Any
) -> models.ForeignKey[Any, Any]:
    """A link that may be empty: null in the database, blank in forms, and by default emptied when what it points to
    is deleted (a person who ticked a step, a deal an activity was for, a request a booking serves)."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name=related_name,
        **options,
    )
