"""How the REST API knows who is calling: a personal API token, or the signed-in session plus a CSRF token."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from presales.core.api_common import CsrfFailed
from presales.people.signin import API_TOKEN_ACCOUNT, client_ip
from presales.people.tokens import api_token_authenticate

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class ReadOnlyToken(HttpError):
    """A write with a read-only token: 403 in the API's error shape (api_common's HttpError handler)."""

    def __init__(self) -> None:
        super().__init__(403, _("This API token is read-only: create a read-and-write token for changes."))


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer psh_…`: scripts and integrations, acting as the token's owner within its scope."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # Wrong tokens count like wrong passwords (django-axes): per address, with the same lockout and growing delay.
        # A locked-out caller gets 429 with Retry-After (AxesMiddleware answers with signin.lockout_response).
        credentials = {"username": f"{API_TOKEN_ACCOUNT}{client_ip(request)}"}
        if not AxesProxyHandler.is_allowed(request, credentials):
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]
            return None
        api_token = api_token_authenticate(token.strip())
        if api_token is None:
            user_login_failed.send(sender=type(self), credentials=credentials, request=request)
            return None
        if request.method not in SAFE_METHODS and not api_token.can_write:
            raise ReadOnlyToken
        # Services, visibility and history all read request.user; make the token's owner the caller.
        request.user = api_token.user
        return api_token.user


class SessionCsrfAuth(APIKeyCookie):
    """The app's own pages: the Django session cookie, and for writes the CSRF token (X-CSRFToken header)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any:
        # Without a signed-in session there is nothing to protect: answer 401, not a confusing CSRF 403.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)

    def _get_key(self, request: HttpRequest) -> str | None:
        # Safe methods pass CsrfViewMiddleware untouched; unsafe ones need the token.
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if user.is_authenticated and user.is_active else None


api_auth = [ApiTokenAuth(), SessionCsrfAuth()]
