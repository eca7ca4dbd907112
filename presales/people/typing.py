"""Typing helpers: views behind login_required see a real User, never AnonymousUser."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from presales.people.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    # Set on every request by django_htmx.middleware.HtmxMiddleware (in settings.MIDDLEWARE).
    htmx: HtmxDetails
