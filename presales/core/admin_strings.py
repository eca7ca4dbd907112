"""Strings of Django's own admin that its Chinese catalogue lacks (the column captions a screen reader reads on the
admin index). Marked here so `make messages` keeps them in our catalogue, which Django consults first
(LOCALE_PATHS): the admin stays fully translated for support staff."""

from django.utils.translation import gettext_noop

ADMIN_STRINGS = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
)
