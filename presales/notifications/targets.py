"""What a notification is about, without a foreign key to the apps above this one.

A notification stores its target as a name and an id ("deal_step", 42). The app that owns those rows registers how to
link to them, from its AppConfig.ready(): `targets.register("deal_step", lambda pk: reverse("deals:step", args=[pk]))`.
So notifications sit low in the layers (any app may notify) and still open the right page.
"""

from __future__ import annotations

from collections.abc import Callable

_LINKS: dict[str, Callable[[int], str]] = {}


def register(target_type: str, link: Callable[[int], str]) -> None:
    """Say how to open a target of this type: a function of its id giving the page's path."""
    _LINKS[target_type] = link


def link_for(target_type: str, target_id: int | None) -> str | None:
    """The page a target opens, or None when nothing is registered for it (or there is no target)."""
    link = _LINKS.get(target_type)
    if link is None or target_id is None:
        return None
    return link(target_id)
