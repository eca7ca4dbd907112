"""API authentication: personal tokens, revocation, the session with CSRF, the management command."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from presales.core.secrets import hash_secret
from presales.people.tokens import ApiToken, api_token_create, api_token_revoke
from tests.test_api_support import TokenClient, error_code

pytestmark = pytest.mark.django_db


def test_token_authenticates_as_its_owner_and_records_last_use(personas):
    api = TokenClient(personas.owner)
    response = api.get("/users/me")
    assert response.status_code == 200
    assert response.json()["username"] == "owner"
    token = ApiToken.objects.get(user=personas.owner)
    assert token.last_used_at is not None


def test_token_is_stored_hashed_only(personas):
    token, secret = api_token_create(user=personas.owner, name="CRM sync")
    assert secret.startswith("psh_")
    assert token.token_hash == hash_secret(secret)
    assert secret not in {token.token_hash, token.prefix, token.name}
    assert secret.startswith(token.prefix)


@pytest.mark.parametrize("header", ["Bearer psh_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer x" * 300])
def test_bad_or_missing_token_gets_401_in_the_error_shape(personas, header):
    response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/accounts/")
    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_no_credentials_gets_401_even_for_writes(personas):
    response = Client().post("/api/v1/accounts/", "{}", content_type="application/json")
    assert response.status_code == 401


def test_revoked_token_gets_401(personas):
    api = TokenClient(personas.owner)
    api_token_revoke(actor=personas.owner, token=ApiToken.objects.get(user=personas.owner))
    assert api.get("/accounts/").status_code == 401


def test_inactive_user_token_gets_401(personas):
    api = TokenClient(personas.owner)
    personas.owner.is_active = False
    personas.owner.save(update_fields=["is_active"])
    assert api.get("/accounts/").status_code == 401


def test_only_the_owner_or_an_admin_revokes(personas):
    from django.core.exceptions import PermissionDenied

    token, _secret = api_token_create(user=personas.owner, name="x")
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=personas.teammate, token=token)
    api_token_revoke(actor=personas.admin, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_session_reads_work_and_writes_need_csrf(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.owner)
    assert client.get("/api/v1/accounts/").status_code == 200
    body = {"name": "Session Co", "industry": "finance", "region": "east"}
    response = client.post("/api/v1/accounts/", json.dumps(body), content_type="application/json")
    assert response.status_code == 403
    assert error_code(response) == "csrf_failed"
    # The page's JavaScript sends the CSRF cookie's value in X-CSRFToken.
    client.get("/me/")
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/accounts/", json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 201, response.content


def test_token_writes_need_no_csrf(personas):
    api = TokenClient(personas.owner)
    api.client.handler.enforce_csrf_checks = True
    response = api.post("/accounts/", {"name": "Token Co", "industry": "finance", "region": "east"})
    assert response.status_code == 201


def test_issue_api_token_command_prints_a_working_token(personas):
    out = StringIO()
    call_command("issue_api_token", "engineer", "--name", "CRM sync", stdout=out)
    secret = out.getvalue().strip().splitlines()[-1].strip()
    assert secret.startswith("psh_")
    assert ApiToken.objects.get(user=personas.engineer).name == "CRM sync"
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/users/me")
    assert response.json()["username"] == "engineer"


def test_issue_api_token_command_rejects_unknown_user(personas):
    with pytest.raises(CommandError):
        call_command("issue_api_token", "nobody", "--name", "x", stdout=StringIO())


# --- The profile page section -------------------------------------------------------------------


def test_profile_creates_token_shows_it_once_and_lists_it(personas, login):
    client = login(personas.owner)
    response = client.post("/me/tokens/", {"name": "CRM sync"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=personas.owner)
    secret = response.context["new_token_secret"]
    assert secret.startswith(token.prefix)
    assert secret in response.content.decode()
    # Shown once: the next visit lists the token by name and prefix, never the secret.
    page = client.get("/me/").content.decode()
    assert "CRM sync" in page
    assert token.prefix in page
    assert secret not in page


def test_profile_token_needs_a_name_and_keeps_the_form(personas, login):
    client = login(personas.owner)
    response = client.post("/me/tokens/", {"name": "  "})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    assert "Give the token a name" in response.content.decode()


def test_profile_revokes_own_token_only(personas, login):
    token, _secret = api_token_create(user=personas.owner, name="mine")
    response = login(personas.outsider).post(f"/me/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    response = login(personas.owner).post(f"/me/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_profile_token_pages_need_sign_in(personas):
    response = Client().post("/me/tokens/", {"name": "x"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]
