"""Answer /health/ before the host check, the HTTPS redirect, sessions and sign-in.

A container health check calls http://127.0.0.1:8000/health/ from inside the container: that host is not in
ALLOWED_HOSTS and the request is not HTTPS, so the normal stack would answer 400 or 301 instead of the truth.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from presales.ops.views import health

HEALTH_PATH = "/health/"


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == HEALTH_PATH:
            return health(request)
        return self.get_response(request)
