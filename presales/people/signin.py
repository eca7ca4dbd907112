"""Sign-in rules around django-allauth and django-axes (docs/decisions.md, "Sign-in").

- Nobody signs up: an administrator creates people; a single sign-on of an unknown person is refused.
- Failed passwords (and wrong API tokens) count against the account and, separately, against the address; after
  `AXES_FAILURE_LIMIT` failures that account or address waits, and each further lockout doubles the wait.
- A role an administrator marked (or `PRESALES_MFA_REQUIRED_ROLES`) must set up two-factor sign-in first.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.utils import is_mfa_enabled
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db.models import Max, Q, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from presales.people.models import MfaRequirement, User

logger = logging.getLogger("presales.signin")

LOCKOUT_BASE = datetime.timedelta(minutes=15)
LOCKOUT_MAX = datetime.timedelta(hours=24)
LOCKOUT_MEMORY = datetime.timedelta(hours=24)  # lockouts within this window make the next one longer
# Failed API tokens count against "api-token@<address>" (and the address).
API_TOKEN_ACCOUNT = "api-token@"  # noqa: S105  (a marker, not a secret)
RESET_LINK_ACCOUNT = "reset-link@"  # wrong set-password links, likewise
MFA_SETUP_SESSION_KEY = "presales_mfa_setup_required"


# --- Addresses and accounts as django-axes counts them ---------------------------------------------------------------


def client_ip(request: HttpRequest) -> str:
    """The caller's address: REMOTE_ADDR, or behind trusted proxies the address the outermost trusted proxy saw."""
    proxies = settings.PRESALES_TRUSTED_PROXIES
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def _typed_login(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    credentials = credentials or {}
    typed = credentials.get("username") or credentials.get("email") or credentials.get("login")
    if not typed and request is not None:
        typed = request.POST.get("login") or request.POST.get("username")
        if not typed and getattr(request, "user", None) is not None and request.user.is_authenticated:
            typed = request.user.get_username()  # re-entering the password on a signed-in page
    return str(typed or "").strip()[:150]


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """One key per account however it was typed (username or e-mail, any case); unknown names as typed, lower-case."""
    typed = _typed_login(request, credentials)
    if not typed:
        return None
    if typed.startswith((API_TOKEN_ACCOUNT, RESET_LINK_ACCOUNT)):
        return typed
    cache: dict[str, str] = getattr(request, "_presales_lockout_names", {}) if request is not None else {}
    if typed not in cache:
        user = User.objects.filter(Q(username__iexact=typed) | Q(email__iexact=typed)).order_by("pk").first()
        cache[typed] = user.username if user is not None else typed.lower()
        if request is not None:
            request._presales_lockout_names = cache  # type: ignore[attr-defined]
    return cache[typed]


def _lockouts_so_far(request: HttpRequest) -> int:
    """How many failures during a lockout the account or address of `request` had in the last day."""
    who = Q(ip_address=client_ip(request))
    username = lockout_username(request, getattr(request, "axes_credentials", None))
    if username:
        who |= Q(username=username)
    return AccessFailureLog.objects.filter(
        who, locked_out=True, attempt_time__gte=timezone.now() - LOCKOUT_MEMORY
    ).count()


def _delay(lockouts: int) -> datetime.timedelta:
    return min(LOCKOUT_BASE * 2 ** min(max(lockouts, 0), 10), LOCKOUT_MAX)


def lockout_cooloff(request: HttpRequest | None = None) -> datetime.timedelta:
    """How long a lockout lasts: 15 minutes, doubled for each failure during a lockout of the same account or address
    in the last day (AXES_COOLOFF_TIME; axes also reads its failure window from it)."""
    if request is None:
        return LOCKOUT_BASE
    cached = getattr(request, "_presales_cooloff", None)
    if cached is None:
        cached = _delay(_lockouts_so_far(request))
        request._presales_cooloff = cached  # type: ignore[attr-defined]
    return cached


class LockoutHandler(AxesDatabaseHandler):
    """Axes's database handler, with one lockout end for the whole account or address.

    Axes keeps one record per (account, address, browser) and lets each expire on its own; a failure during a
    lockout would only lengthen its own record. Here every record of the locked account and of the locked address
    ends together, at the new, longer delay, and a record counts until its end (axes counts a fixed window).
    """

    def get_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> list[Any]:
        # A failure counts until its own end (which a lockout pushes back), not for one fixed window.
        now = timezone.now()
        return [
            attempts.filter(expiration__expires_at__gt=now)
            for attempts in self.filter_user_attempts(request, credentials)
        ]

    def user_login_failed(self, sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or not getattr(request, "axes_locked_out", False):
            return
        until = timezone.now() + _delay(_lockouts_so_far(request) - 1)  # this lockout is already logged
        who = Q(access_attempt__ip_address=request.axes_ip_address)
        username = lockout_username(request, credentials)
        if username:
            who |= Q(access_attempt__username=username)
        AccessAttemptExpiration.objects.filter(who, expires_at__lt=until).update(expires_at=until)


def lockout_ends(request: HttpRequest, credentials: dict[str, Any] | None = None) -> datetime.datetime:
    """When the account or address of this request may try again (the latest of its running lockouts)."""
    limit = settings.AXES_FAILURE_LIMIT
    now = timezone.now()
    ends = []
    filters = [Q(ip_address=client_ip(request))]
    username = lockout_username(request, credentials)
    if username:
        filters.append(Q(username=username))
    for who in filters:
        attempts = AccessAttempt.objects.filter(who, expiration__expires_at__gt=now).aggregate(
            failures=Sum("failures_since_start"), until=Max("expiration__expires_at")
        )
        if (attempts["failures"] or 0) >= limit and attempts["until"]:
            ends.append(attempts["until"])
    return max(ends) if ends else now + lockout_cooloff(request)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The locked-out answer: when to try again, as a page (429) or, for the API, the API's error shape."""
    until = lockout_ends(request, credentials)
    seconds = max(int((until - timezone.now()).total_seconds()), 1)
    logger.warning(
        "sign-in locked out",
        extra={"login": lockout_username(request, credentials), "address": client_ip(request), "until": until},
    )
    if request.path.startswith("/api/"):
        # The API's error shape (core.api_common), with the moment to try again.
        message = _("Too many failed attempts from this address. Try again after %(time)s.") % {
            "time": timezone.localtime(until).strftime("%Y-%m-%d %H:%M %Z")
        }
        response: HttpResponse = JsonResponse(
            {"error": {"code": "locked_out", "message": message, "fields": {}, "retry_after": until.isoformat()}},
            status=429,
        )
    else:
        response = render(request, "people/locked_out.html", {"until": until}, status=429)
    response["Retry-After"] = str(seconds)
    return response


# --- MFA required per role ---------------------------------------------------------------------------------------------


def mfa_required_for(user: User) -> bool:
    """Whether `user`'s role must use two-factor sign-in (settings, or an administrator's MFA requirement)."""
    roles = set(settings.PRESALES_MFA_REQUIRED_ROLES)
    if user.role in roles or (user.is_superuser and "admin" in roles):
        return True
    return MfaRequirement.objects.filter(role=user.role).exists()


class MfaRequiredMiddleware:
    """Sends a person who must use MFA and has not set it up to the set-up pages until they have.

    The flag is set once at sign-in (the adapter), so other requests cost nothing; a changed requirement applies from
    the next sign-in.
    """

    OPEN_PATHS = ("/auth/", "/logout/", "/language/", "/static/", "/health/", "/i18n/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.get(MFA_SETUP_SESSION_KEY)
            and request.user.is_authenticated
            and not request.path.startswith(self.OPEN_PATHS)
        ):
            if is_mfa_enabled(request.user):
                del session[MFA_SETUP_SESSION_KEY]
            elif request.path.startswith("/api/"):
                message = _("Set up two-factor sign-in first.")
                return JsonResponse({"error": {"code": "mfa_required", "message": message, "fields": {}}}, status=403)
            else:
                messages.warning(request, _("Your role requires two-factor sign-in. Set it up to continue."))
                return redirect("mfa_index")
        return self.get_response(request)


class MfaAuthenticateForm(AuthenticateForm):
    """Allauth's second-factor form (MFA_FORMS); a wrong code counts against the account like a wrong password, so
    codes cannot be guessed faster than passwords (allauth's own guard is the "login_failed" throttle, off here)."""

    def clean_code(self) -> str:
        request = context.request
        credentials = {"username": self.user.get_username()}
        if not AxesProxyHandler.is_allowed(request, credentials):
            request.axes_locked_out = True  # AxesMiddleware shows the lockout page
            request.axes_credentials = credentials
            raise ValidationError(_("Too many failed attempts. Try again later."))
        try:
            return super().clean_code()
        except ValidationError:
            user_login_failed.send(sender=type(self), credentials=credentials, request=request)
            raise


# --- Allauth adapters -----------------------------------------------------------------------------------------------


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False  # an administrator creates people (admin pages, imports)

    def login(self, request: HttpRequest, user: Any) -> None:
        super().login(request, user)
        if mfa_required_for(user) and not is_mfa_enabled(user):
            request.session[MFA_SETUP_SESSION_KEY] = True
        logger.info("signed in", extra={"user_id": user.pk, "address": client_ip(request)})


# Keys under which the company directories report a person's address (DingTalk, Feishu/Lark, WeCom).
DIRECTORY_EMAIL_KEYS = ("email", "enterprise_email", "orgEmail", "biz_mail")


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # An unknown person gets no account at all: an administrator creates the person, then it links.
        logger.warning(
            "single sign-on refused: no linked person",
            extra={"provider": sociallogin.account.provider, "address": client_ip(request)},
        )
        return False

    def authenticate_by_email(self, sociallogin: SocialLogin) -> tuple[Any, str] | None:
        found = super().authenticate_by_email(sociallogin)
        if found is not None:
            return found
        # DingTalk and Feishu report the directory's address in their own keys (allauth's providers ignore them);
        # trusted only when the app's "verified_email" setting (PRESALES_*_TRUST_EMAIL) says so.
        # An OpenID Connect provider that sends no email_verified claim (Entra ID) is trusted the same way.
        provider = sociallogin.account.get_provider()
        data = sociallogin.account.extra_data or {}
        sources = [data, data.get("userinfo") or {}, data.get("id_token") or {}]
        added = False
        for source in sources:
            for key in DIRECTORY_EMAIL_KEYS:
                email = source.get(key) if isinstance(source, dict) else None
                if isinstance(email, str) and email and self.is_email_verified(provider, email):
                    sociallogin.email_addresses.append(EmailAddress(email=email, verified=True, primary=False))
                    added = True
        return super().authenticate_by_email(sociallogin) if added else None
