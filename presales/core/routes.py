"""URL helpers: the conventional pages of one kind of object routed in one line (after NetBox's get_model_urls)."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

from django.urls import URLPattern, path

# page -> its route below the object's prefix; the view is `<model>_<page>` in the views module, the URL name
# `<name><page>`.
CONVENTIONAL_PAGES = {
    "list": "",
    "create": "new/",
    "detail": "<int:pk>/",
    "edit": "<int:pk>/edit/",
    "delete": "<int:pk>/delete/",
}
LIST_AND_FORMS = ("list", "create", "detail", "edit")


def object_urls(
    prefix: str, views: ModuleType, model: str, *, name: str = "", pages: Sequence[str] = LIST_AND_FORMS
) -> list[URLPattern]:
    """Route the conventional pages of one kind of object: `list` at `prefix`, `create` at "new/", `detail` at
    "<pk>/", `edit` at "<pk>/edit/", `delete` at "<pk>/delete/". The views are `views.<model>_<page>`, the URL names
    `<name><page>`::

        *object_urls("contacts/", views, "contact", name="contact_", pages=("list", "detail", "edit", "delete"))
    """
    return [
        path(prefix + CONVENTIONAL_PAGES[page], getattr(views, f"{model}_{page}"), name=name + page) for page in pages
    ]
