"""Helpers for the API tests (no tests here): a client that sends a personal API token."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from presales.people.models import User
from presales.people.tokens import TokenScope, api_token_create


class TokenClient:
    """A test client that authenticates every call with `Authorization: Bearer <token>`."""

    def __init__(self, user: User, language: str = "en", scope: str = TokenScope.WRITE):
        self.token, self.secret = api_token_create(user=user, name="tests", scope=scope)
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {self.secret}", HTTP_ACCEPT_LANGUAGE=language)

    def get(self, path: str, **params: Any):
        return self.client.get(f"/api/v1{path}", params)

    def post(self, path: str, data: Any = None):
        return self.client.post(f"/api/v1{path}", json.dumps(data or {}), content_type="application/json")

    def patch(self, path: str, data: Any):
        return self.client.patch(f"/api/v1{path}", json.dumps(data), content_type="application/json")

    def delete(self, path: str):
        return self.client.delete(f"/api/v1{path}")


def error_code(response) -> str:
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "fields"} <= set(body["error"]), body
    return body["error"]["code"]
