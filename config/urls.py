"""URL map: each domain app owns its pages; the API lives under /api/v1/."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from config.api import api
from presales.people.views import PasswordResetFromKeyView

# The admin signs in through the app's sign-in page, so lockouts and two-factor sign-in apply there too.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", include("presales.web.urls")),
    path("", include("presales.people.urls")),
    path("", include("presales.ops.urls")),
    path("people/staff/", include("presales.staff.urls")),
    path("accounts/", include("presales.customers.urls")),
    path("deals/", include("presales.deals.urls")),
    path("playbook/", include("presales.playbook.urls")),
    path("notifications/", include("presales.notifications.urls")),
    path("work/", include("presales.work.urls")),
    path("knowledge/", include("presales.knowledge.urls")),
    path("bids/", include("presales.bids.urls")),
    path("approvals/", include("presales.approvals.urls")),
    path("insights/", include("presales.insights.urls")),
    path("capacity/", include("presales.capacity.urls")),
    path("forecast/", include("presales.forecast.urls")),
    path("scoring/", include("presales.scoring.urls")),
    path("winning/", include("presales.winning.urls")),
    path("currencies/", include("presales.currencies.urls")),
    path("integration/", include("presales.integration.urls")),
    path("documents/", include("presales.documents.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    # django-allauth: password reset, two-factor set-up and sign-in, single sign-on (the sign-in page is /login/).
    # Allauth's set-password link, with wrong links counted like wrong passwords (before allauth's own route).
    re_path(
        r"^auth/password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        PasswordResetFromKeyView.as_view(),
        name="account_reset_password_from_key",
    ),
    # One place to change one's e-mail (the profile, through its service and history) and password.
    path("auth/email/", RedirectView.as_view(pattern_name="people:profile")),
    path("auth/password/change/", RedirectView.as_view(pattern_name="people:password_change")),
    path("auth/", include("allauth.urls")),
]
