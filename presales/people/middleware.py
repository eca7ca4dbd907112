"""Apply the signed-in person's language and time zone to every request."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation


class UserPreferencesMiddleware:
    """Language: the person's choice, else the browser's (LocaleMiddleware). Time zone: theirs, else Shanghai."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        tz_name = settings.PRESALES_DEFAULT_TIMEZONE
        if user is not None and user.is_authenticated:
            if user.language and not request.path.startswith("/i18n/"):
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            tz_name = user.timezone or tz_name
        try:
            timezone.activate(zoneinfo.ZoneInfo(tz_name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.activate(zoneinfo.ZoneInfo(settings.PRESALES_DEFAULT_TIMEZONE))
        response = self.get_response(request)
        timezone.deactivate()
        return response
