"""The OpenAPI schema: served, browsable offline, documents every status, and the API keeps to it (schemathesis)."""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from presales.people.tokens import TokenScope, api_token_create
from tests.factories import CompetitorFactory, ContactFactory

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 12


def test_openapi_schema_is_served_and_documents_errors():
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Presales Hub API"
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) >= 20
    for operation in operations:
        assert {"401", "404"} <= set(operation["responses"]), operation["operationId"]
        assert operation["security"], operation["operationId"]
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}


def test_docs_work_offline_with_the_bundled_swagger_files():
    html = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "//cdn" not in html.lower() and "unpkg.com" not in html.lower()


def test_api_conforms_to_its_schema(personas):
    """Fuzz every operation as an admin with a token: no 5xx, and every response matches the documented schema."""
    ContactFactory(account=personas.account)
    CompetitorFactory(name="Rival")
    _token, secret = api_token_create(user=personas.admin, name="schemathesis", scope=TokenScope.WRITE)
    headers = {"Authorization": f"Bearer {secret}"}
    # Like Django's test Client: the WSGI handler's request signals must not close the test's database connection
    # (on PostgreSQL that closed connection made every call after the first a 500).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _fuzz(headers)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz(headers: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    statuses: Counter[int] = Counter()

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case):
            statuses[case.call_and_validate(headers=headers, checks=CHECKS).status_code] += 1

        fuzz()
    # The token was accepted and the fuzzing reached real rows, not only 401s and 404s.
    assert statuses[401] == 0, statuses
    assert statuses[200] > 0 and statuses[201] > 0, statuses
