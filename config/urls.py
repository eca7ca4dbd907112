"""URL map: each domain app owns its pages; the API lives under /api/v1/."""

from django.contrib import admin
from django.urls import include, path

from config.api import api

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
    path("insights/", include("presales.insights.urls")),
    path("scoring/", include("presales.scoring.urls")),
    path("currencies/", include("presales.currencies.urls")),
    path("integration/", include("presales.integration.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
