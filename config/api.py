"""The REST API under /api/v1/: one Ninja instance, each domain app adds its router.

Authentication: a personal API token (`Authorization: Bearer psh_…`) or the signed-in session with a
CSRF token for writes. Every error has the shape {"error": {"code", "message", "fields"}}. The docs at
/api/v1/docs use the Swagger UI files bundled in the django-ninja package (served as static files
because "ninja" is in INSTALLED_APPS), so they work without internet access.
"""

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from presales.core.api_common import install_error_handlers
from presales.customers.api import accounts_router, contacts_router
from presales.deals.api.opportunities import competitors_router, opportunities_router
from presales.deals.api.steps import steps_router
from presales.forecast.api import forecast_router
from presales.people.api import users_router
from presales.people.api_auth import api_auth
from presales.playbook.api import stages_router
from presales.scoring.api import ratings_router, scorecards_router
from presales.work.api import activities_router, requests_router


def _json_method_not_allowed(response: HttpResponse) -> HttpResponse:
    """Ninja answers an unsupported method with a plain-text 405; give it the API's one JSON error shape."""
    allowed = response.get("Allow", "")
    body: dict[str, Any] = {
        "error": {
            "code": "method_not_allowed",
            "message": _("This address does not accept that method; it accepts: %(methods)s.") % {"methods": allowed},
            "fields": {},
            "changes": [],
            "current_version": None,
        }
    }
    answer = JsonResponse(body, status=405)
    answer["Allow"] = allowed
    return answer


def _with_json_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            return _json_method_not_allowed(response)
        return response

    return wrapper


class PresalesAPI(NinjaAPI):
    """NinjaAPI whose URL views answer 405 in the same JSON error shape as every other error."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _with_json_405(pattern.callback)
        return urls


api = PresalesAPI(
    title="Presales Hub API",
    version="1.0.0",
    urls_namespace="api",
    description=(
        "Accounts, contacts and opportunities with the same rules and visibility as the web pages. "
        "Authenticate with `Authorization: Bearer <token>` (create a token on your profile page). "
        'Every error is `{"error": {"code": ..., "message": ..., "fields": {...}}}`; messages follow '
        "Accept-Language. Updates need the `version` you read: a stale one gets 409 and nothing is saved."
    ),
    auth=api_auth,
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)

api.add_router("/accounts", accounts_router)
api.add_router("/contacts", contacts_router)
api.add_router("/opportunities", opportunities_router)
api.add_router("/competitors", competitors_router)
api.add_router("/users", users_router)
api.add_router("/stages", stages_router)
api.add_router("", steps_router)
api.add_router("/activities", activities_router)
api.add_router("/requests", requests_router)
api.add_router("/ratings", ratings_router)
api.add_router("/scorecards", scorecards_router)
api.add_router("/forecast", forecast_router)
