"""How a page shows what a service refused: validation errors on the form, and edits that lost a race."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import QueryDict

from presales.core.concurrency import ConcurrentEditError


def apply_validation_error(form: Any, error: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError on the form: on the matching field (renamed through `field_map` where the
    form calls it differently), else at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    field_map = field_map or {}
    for name, errors in error.message_dict.items():
        target = field_map.get(name, name)
        form.add_error(target if target in form.fields else None, errors)


def show_conflict(form: Any, error: ConcurrentEditError) -> None:
    """Keep what the person typed, say what changed, and let the next save start from the current version."""
    form.add_error(None, error.message)
    data = cast(QueryDict, form.data).copy()
    data["version"] = str(getattr(error.instance, "version", ""))
    form.data = data
