"""Sign in and out, profile and preferences, password, language."""

from __future__ import annotations

from typing import Any

from allauth.account.views import PasswordResetFromKeyView as AllauthPasswordResetFromKeyView
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialApp
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from presales.people import services
from presales.people.forms import PreferencesForm
from presales.people.signin import RESET_LINK_ACCOUNT, client_ip, lockout_response
from presales.people.tokens import (
    TOKEN_DAY_CHOICES,
    TOKEN_DEFAULT_DAYS,
    ApiToken,
    TokenScope,
    api_token_create,
    api_token_revoke,
)
from presales.people.typing import AuthenticatedHttpRequest


class WrongLinksCountMixin:
    """A set-password link that does not work counts like a wrong password, per address (django-axes): the same
    lockout and growing delay, so links cannot be guessed (the page itself is only throttled for its posts)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        credentials = {"username": f"{RESET_LINK_ACCOUNT}{client_ip(request)}"}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return lockout_response(request, None, credentials)
        response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        context = getattr(response, "context_data", None) or {}
        if context.get("token_fail") or context.get("validlink") is False:
            user_login_failed.send(sender=type(self), credentials=credentials, request=request)
        return response


class SetPasswordView(WrongLinksCountMixin, auth_views.PasswordResetConfirmView):
    """The one-time link of an invitation (people/invitations.py): the person chooses a password, then signs in."""

    template_name = "people/set_password.html"
    success_url = reverse_lazy("people:login")

    def form_valid(self, form):
        messages.success(self.request, _("Your password is set. Sign in with your user name and the new password."))
        return super().form_valid(form)


class PasswordResetFromKeyView(WrongLinksCountMixin, AllauthPasswordResetFromKeyView):
    """Allauth's set-password link (password reset by e-mail), with wrong links counted like wrong passwords."""


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "people/password_change.html"
    success_url = reverse_lazy("people:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's own profile: role, team, skills, and the preferences they can change."""
    user = request.user
    if request.method == "POST":
        form = PreferencesForm(request.POST, instance=user)
        if form.is_valid():
            services.user_update_preferences(user=user, **{name: form.cleaned_data[name] for name in form.Meta.fields})
            messages.success(request, _("Your settings were saved."))
            response = redirect("people:profile")
            _set_language_cookie(response, user.language)
            return response
    else:
        form = PreferencesForm(instance=user)
    return _render_profile(request, form=form)


def _render_profile(
    request: AuthenticatedHttpRequest, form: PreferencesForm | None = None, **extra: object
) -> HttpResponse:
    user = request.user
    context = {
        "form": form or PreferencesForm(instance=user),
        "skills": user.skills.select_related("skill").order_by("-level"),
        "api_tokens": ApiToken.objects.filter(user=user),
        "token_form": extra.pop("token_form", None) or ApiTokenForm(),
        "mfa_types": [
            str(Authenticator.Type(kind).label)
            for kind in Authenticator.objects.filter(user=user).values_list("type", flat=True).order_by("type")
            if kind != Authenticator.Type.RECOVERY_CODES
        ],
        "sso_available": bool(SocialApp.objects.exists() or settings.SOCIALACCOUNT_PROVIDERS),
        **extra,
    }
    return render(request, "people/profile.html", context)


def _token_day_choices() -> list[tuple[int, str]]:
    # A callable: the labels are translated into the reader's language each time the form is shown.
    return [(days, ngettext("%(count)d day", "%(count)d days", days) % {"count": days}) for days in TOKEN_DAY_CHOICES]


class ApiTokenForm(forms.Form):
    """Name a new personal API token, its scope and how long it lasts (the service checks them again)."""

    name = forms.CharField(
        label=gettext_lazy("Token name"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("What will use it, e.g. CRM sync."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        required=False,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("A read-only token cannot change anything, whatever your own rights."),
    )
    days = forms.TypedChoiceField(
        label=gettext_lazy("Expires after"),
        coerce=int,
        choices=_token_day_choices,
        initial=TOKEN_DEFAULT_DAYS,
        required=False,
        empty_value=None,
    )


@login_required
@require_POST
def api_token_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Issue a personal API token and show its secret this once (it is stored only as a hash)."""
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                # Left out (a script posting only a name): the safe defaults, read-only for 90 days.
                scope=form.cleaned_data["scope"] or TokenScope.READ,
                days=form.cleaned_data["days"] or TOKEN_DEFAULT_DAYS,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            response = _render_profile(request, new_token=token, new_token_secret=secret)
            # The secret must not linger in a browser or proxy cache.
            response["Cache-Control"] = "no-store"
            return response
    return _render_profile(request, token_form=form)


@login_required
@require_POST
def api_token_revoke_view(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the person's own tokens; scripts using it get 401 from now on."""
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("people:profile")


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    from django.conf import settings

    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE, samesite="Lax"
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in person keeps the choice on every device."""
    language = request.POST.get("language", "")
    if language not in {"en", "zh-hans"}:
        language = ""
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if request.user.is_authenticated:
        services.user_update_preferences(user=request.user, language=language)
    translation.activate(language or translation.get_language())
    response = HttpResponseRedirect(next_url)
    _set_language_cookie(response, language)
    return response
