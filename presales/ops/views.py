"""/health/: for load balancers, container health checks and monitoring; no sign-in, no secrets."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from presales.ops import health as health_checks


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """200 with the report when the database answers and a worker was seen in the last two minutes, else 503."""
    if request.method not in ("GET", "HEAD"):
        response = HttpResponse(status=405)
        response["Allow"] = "GET, HEAD"
        return response
    healthy, body = health_checks.report()
    return JsonResponse(body, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False})
