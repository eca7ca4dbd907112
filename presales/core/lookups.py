"""Looking up one object for a person: the row only if their `visible_to(user)` queryset holds it, else a 404."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)


def get_object_for_user(queryset: models.QuerySet[M], user: Any, **lookup: Any) -> M:
    """Fetch one object the person can see, or 404 (never reveal that something exists).

    The queryset's model decides what "can see" means through its `visible_to(user)` method (which calls the rule in
    `presales.access`), so this helper needs to know nothing about the domain.
    """
    visible: models.QuerySet[M] = queryset.visible_to(user)  # type: ignore[attr-defined]  # every visible model has it
    try:
        return visible.get(**lookup)
    except ObjectDoesNotExist as exc:  # what visible.get() raises when nothing matches (the model's DoesNotExist)
        raise Http404 from exc
