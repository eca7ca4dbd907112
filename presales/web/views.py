"""The home page: the person's figures, their role's dashboard and their open deals."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from presales.insights import panels as dashboards
from presales.insights.views import dashboard_context
from presales.people.typing import AuthenticatedHttpRequest
from presales.web import selectors


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = dashboard_context(request, dashboards.dashboard_for_role(request.user))
    context.update(
        summary=selectors.pipeline_summary(request.user),
        my_deals=selectors.my_open_deals(request.user),
    )
    return render(request, "web/home.html", context)
