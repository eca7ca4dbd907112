"""Typing helpers: views behind login_required see a real User, never AnonymousUser."""

from django.http import HttpRequest

from presales.people.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User  # type: ignore[assignment]
