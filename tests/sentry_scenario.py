"""Run by tests/test_logs.py in a fresh process (SENTRY_DSN set in the environment): one request whose view fails.

Prints the request id of that request; the test checks what its local stand-in for Sentry received.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

import sentry_sdk  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402


def broken(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(1 / 0))


urlpatterns = [path("broken/", broken), path("", include("config.urls"))]

with override_settings(ROOT_URLCONF="__main__", ALLOWED_HOSTS=["testserver"]):
    client = Client(raise_request_exception=False)
    client.cookies["csrftoken"] = "csrftoken-value-of-alice"
    response = client.post(
        "/broken/",
        {"email": "alice@example.com", "name": "Alice Zhang"},
        HTTP_AUTHORIZATION="Bearer psh_alice_token",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
assert response.status_code == 500, response.status_code
sentry_sdk.flush(timeout=10)
print(response["X-Request-ID"])
