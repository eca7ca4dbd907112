"""`requires`: a function view that only people allowed by one rule about the person may open (the rest get a 403)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied

View = TypeVar("View", bound=Callable[..., Any])


def requires(rule: Callable[[Any], bool]) -> Callable[[View], View]:
    """Let the view run only for people `rule` (an `access` rule about the person, such as `can_import`) allows.

    Written under `@login_required` (and `@require_POST`), so that those checks come first, as they did when each view
    began with `if not rule(request.user): raise PermissionDenied`.
    """

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def checked(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not rule(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return cast(View, checked)

    return decorator
