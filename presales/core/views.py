"""The home page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from presales.core import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/home.html",
        {"summary": selectors.pipeline_summary(request.user), "my_deals": selectors.my_open_deals(request.user)},
    )
